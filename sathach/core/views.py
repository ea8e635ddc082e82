from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, connections
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from sathach.core.storage import URL_SALT, content_type


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    return django_set_language(request)


@login_required
def stored_file(request: HttpRequest, token: str) -> HttpResponse:
    """A file of the database storage by the signed address its page gave
    (`DatabaseStorage.url`), to a signed-in user; an address altered or of a file gone is
    a 404."""
    try:
        name = signing.Signer(salt=URL_SALT).unsign_object(token)
        data = default_storage.open(name).read()
    except (signing.BadSignature, FileNotFoundError):
        raise Http404 from None
    response = HttpResponse(data, content_type=content_type(name))
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and monitoring (scripts/cluster.sh, docs/DEPLOYMENT.md): 200
    when this server reaches its database (one `SELECT 1`), 503 when it cannot, so that a
    server cut off from the database leaves the rotation. Answers for machines, not people:
    plain ASCII, not translated."""
    database = connections["default"]
    try:
        database.ensure_connection()
        with database.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (OperationalError, InterfaceError):
        return HttpResponse("database unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 403}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 404}, status=404)


RETRY_AFTER_SECONDS = 3  # the 503 page of a lost database loads again after this


def server_error(request: HttpRequest) -> HttpResponse:
    """An unexpected error, or a database connection lost in the middle of the request (a
    PostgreSQL restart): the latter is answered 503 with a page that loads again by itself
    (a GET) or asks to send the form again, drawn without touching the database."""
    if _database_lost(sys.exc_info()[1]):
        retry = RETRY_AFTER_SECONDS
        reload = request.method in ("GET", "HEAD")
        context = {"reload": reload, "retry_seconds": retry}
        response = HttpResponse(render_to_string("core/unavailable.html", context), status=503)
        response["Retry-After"] = str(retry)
        return response
    return render(request, "core/error.html", {"status": 500}, status=500)


def _database_lost(error: BaseException | None) -> bool:
    """Whether `error` is a database error of a connection that is closed, broken or was
    never opened, rather than one of the request itself (a deadlock, a constraint)."""
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if raw is None or getattr(raw, "closed", False) or getattr(raw, "broken", False):
            return True
    return False

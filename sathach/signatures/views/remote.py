"""The small JSON API of the split flow, for a leader signing on the token of their own
computer (`sathach token_sign`, or a page's script):

- POST api/dang-nhap/: username and password, answers a bearer token valid 15 minutes;
- POST api/chuan-bi/: the PDF (multipart field `pdf`), optionally `certificate` (the token's,
  base64 DER or PEM), `page` (0-based) and `box` ("x1,y1,x2,y2" in points); answers the
  bytes the token signs;
- POST api/<id>/hoan-tat/: `signature` (base64, RSA PKCS#1 v1.5 or ECDSA, DER or raw r||s);
  answers the signed PDF.

Requests authenticate with `Authorization: Bearer <token>`, or with the browser's session
(then Django's CSRF check applies). Errors are JSON {"error": message in Vietnamese}.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sathach.campaigns.certificates import load_certificate
from sathach.core.errors import DomainError
from sathach.organization.models import SIGNER_POSITIONS, Person, User
from sathach.signatures.models import PendingSignature
from sathach.signatures.signing import Box
from sathach.signatures.tokens import (
    DEFAULT_BOX,
    mechanism,
    remote_signing_finish,
    remote_signing_prepare,
)

TOKEN_SALT = "sathach.signatures.remote"
TOKEN_AGE = 15 * 60
ApiView = Callable[..., HttpResponse]


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def api_token(user: User) -> str:
    """A bearer token for the API, tied to the password (a changed password ends it)."""
    return signing.dumps({"u": user.pk, "h": user.get_session_auth_hash()}, salt=TOKEN_SALT)


def _user_from_token(token: str) -> User | None:
    try:
        claims = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_AGE)
    except signing.BadSignature:  # also an expired token
        return None
    user = User.objects.filter(pk=claims.get("u"), is_active=True).first()
    if user is None or user.get_session_auth_hash() != claims.get("h"):
        return None
    return user


def _csrf_refusal(request: HttpRequest) -> HttpResponseBase | None:
    """Django's CSRF check, for a session-authenticated call of a csrf_exempt API view."""

    def checked(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    return CsrfViewMiddleware(checked).process_view(request, checked, (), {})


def leader_api(view: ApiView) -> ApiView:
    """The requesting leader from a bearer token or the session (with the CSRF check), as
    `person`; 401 without either, 404 for anyone who is not a leader with a person record."""

    @csrf_exempt
    @require_POST
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        user: Any
        if header.startswith("Bearer "):
            user = _user_from_token(header.removeprefix("Bearer ").strip())
            if user is None:
                return _error(_("Sign in again: the sign-in has expired."), 401)
        elif request.user.is_authenticated:
            refusal = _csrf_refusal(request)
            if refusal is not None:
                return _error(_("The request was refused (CSRF)."), 403)
            user = request.user
        else:
            return _error(_("Sign in first."), 401)
        person = Person.objects.filter(user_id=user.pk).select_related("unit").first()
        if person is None or person.position not in SIGNER_POSITIONS:
            return _error(_("Only a Chairman or Vice-Chairman signs here."), 404)
        request.user = user
        return view(request, person, *args, **kwargs)

    return wrapped


def _json_object(request: HttpRequest) -> dict[str, Any] | None:
    """The body as a JSON object ({} for a form post), or None for anything else: not JSON,
    an array, a string, or nesting too deep for the parser."""
    if request.content_type != "application/json":
        return {}
    try:
        body = json.loads(request.body)
    except (ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) else None


@csrf_exempt
@require_POST
def api_login(request: HttpRequest) -> JsonResponse:
    """Username and password (JSON or form) for a bearer token. django-axes counts the
    failures and locks out as on the sign-in page."""
    body = _json_object(request)
    if body is None:
        return _error(_('Send a JSON object such as {"username": "…", "password": "…"}.'))
    username = str(body.get("username") or request.POST.get("username", ""))
    password = str(body.get("password") or request.POST.get("password", ""))
    user = authenticate(request, username=username, password=password)
    if user is None:
        return _error(_("Wrong username or password, or too many failed tries."), 401)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return JsonResponse({"token": api_token(user), "expires_in": TOKEN_AGE})


def _box(raw: str) -> Box:
    if not raw:
        return DEFAULT_BOX
    try:
        x1, y1, x2, y2 = (float(v) for v in raw.replace(";", ",").split(","))
    except ValueError:
        raise DomainError(_("The box is four numbers: x1,y1,x2,y2 in points.")) from None
    if x2 <= x1 or y2 <= y1:
        raise DomainError(_("The box is four numbers: x1,y1,x2,y2 in points."))
    return (x1, y1, x2, y2)


def _certificate(raw: str) -> bytes | None:
    """The token's certificate sent as PEM or base64 DER, as DER."""
    if not raw.strip():
        return None
    return load_certificate(raw.strip().encode()).public_bytes(Encoding.DER)


def _base64(raw: str) -> bytes:
    try:
        return base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(_("The value is not base64.")) from None


@leader_api
def prepare(request: HttpRequest, person: Person) -> JsonResponse:
    upload = request.FILES.get("pdf")
    if upload is None:
        return _error(_("Choose the PDF to sign."))
    try:
        page = int(request.POST.get("page") or 0)
    except ValueError:
        return _error(_("The page is a whole number, counted from 0."))
    try:
        pending = remote_signing_prepare(
            actor=request.user,
            person=person,
            data=upload.read(),
            certificate=_certificate(request.POST.get("certificate", "")),
            box=_box(request.POST.get("box", "")),
            page=page,
            file_name=upload.name or "",
        )
    except DomainError as error:
        return _error(error.message)
    to_sign = bytes(pending.signed_attributes)
    return JsonResponse(
        {
            "id": str(pending.pk),
            "expires_at": pending.expires_at.isoformat(timespec="seconds"),
            "mechanism": mechanism(pending),
            "to_sign": base64.b64encode(to_sign).decode(),
            "digest_sha256": base64.b64encode(hashlib.sha256(to_sign).digest()).decode(),
            "finish_url": request.build_absolute_uri(
                reverse("remote-sign-finish", args=[pending.pk])
            ),
        }
    )


@leader_api
def finish(request: HttpRequest, person: Person, pk: uuid.UUID) -> HttpResponse:
    pending = get_object_or_404(PendingSignature, pk=pk, owner=request.user, person=person)
    try:
        if request.content_type == "application/json":
            body = _json_object(request)
            if body is None:
                raise ValueError("not a JSON object")
            raw = str(body.get("signature", ""))
        else:
            raw = request.POST.get("signature", "")
    except (ValueError, AttributeError):
        return _error(_("Send the signature as base64."))
    try:
        signed = remote_signing_finish(actor=request.user, pending=pending, signature=_base64(raw))
    except DomainError as error:
        return _error(error.message)
    name = (pending.file_name or "van-ban.pdf").removesuffix(".pdf")
    response = HttpResponse(signed, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_ascii(name)}-da-ky.pdf"'
    return response


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in name)


@login_required
def token_help(request: HttpRequest) -> HttpResponse:
    """How a leader signs with the token of their own computer, and their registered
    certificates."""
    person = Person.objects.filter(user_id=request.user.pk or 0).first()
    if person is None or person.position not in SIGNER_POSITIONS:
        raise Http404
    return render(
        request,
        "signatures/token_sign.html",
        {
            "devices": person.signing_devices.filter(is_active=True),
            "server": request.build_absolute_uri("/").rstrip("/"),
        },
    )

"""The practical tasks' pages: for the examinee, the download of the file to work on and the
upload of the finished one; for the proctor, each practical slot of an attempt with its
files, their pages as pictures, the grading criterion by criterion and the change of one
criterion with a reason."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sathach.core.errors import DomainError
from sathach.core.moments import moment
from sathach.exams.models import Attempt, AttemptItem, QuestionVersion
from sathach.exams.selectors import get_attempt_for_examinee, get_session_for_user
from sathach.organization.permissions import Perm, require_perm
from sathach.practical import kinds
from sathach.practical.files import embed_mark, mark_for
from sathach.practical.models import Grading, Upload
from sathach.practical.pictures import upload_page_count, upload_page_png
from sathach.practical.selectors import attempt_practical_slots
from sathach.practical.services import criterion_override, upload_receive

_CONTENT_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}


def _file_slot(attempt: Attempt, position: int) -> AttemptItem:
    item = (
        attempt.items.select_related("version")
        .filter(position=position, version__type__in=kinds.FILE_KINDS)
        .first()
    )
    if item is None:
        raise Http404
    return item


def _state(item: AttemptItem) -> dict[str, Any]:
    upload = item.uploads.order_by("uploaded_at", "pk").last()  # type: ignore[attr-defined]
    if upload is None:
        return {"file": None}
    graded = Grading.objects.filter(
        upload=upload, version=item.version, status=Grading.Status.DONE
    ).exists()
    return {
        "file": {
            "name": upload.name,
            "size": upload.size,
            "at": moment(upload.uploaded_at, seconds=True),
            "graded": graded,
        }
    }


@never_cache
@require_http_methods(["GET", "POST"])
@require_perm(Perm.TAKE_EXAM)
def task_file(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """GET: what the server holds for the slot. POST: a finished file (field `file`, with
    the attempt's token `t`); the answer says whether the server kept it."""
    attempt = get_attempt_for_examinee(request.user, pk)
    item = _file_slot(attempt, position)
    if request.method == "GET":
        return JsonResponse(_state(item))
    sent = request.FILES.get("file")
    if sent is None:
        return JsonResponse(
            {"error": _("No file arrived: choose it and send it again.")}, status=400
        )
    try:
        upload_receive(
            user=request.user,
            attempt=attempt,
            position=position,
            token=request.POST.get("t", ""),
            name=sent.name or "",
            data=sent.read(),
        )
    except DomainError as error:
        return JsonResponse({"error": error.message}, status=409)
    return JsonResponse(_state(item))


# A version never changes (editing makes a new one): its starter is made once per process
# and each download only adds its mark. The bound only limits the memory.
# The key holds the starter's content all the same, so that a reused number (a test
# database) cannot give another task's file.
_STARTERS: dict[tuple[int, str], bytes | None] = {}


def _starter(version: QuestionVersion) -> bytes | None:
    key = (version.pk, json.dumps(version.data.get("starter"), sort_keys=True))
    if key not in _STARTERS:
        if len(_STARTERS) >= 200:
            _STARTERS.clear()
        _STARTERS[key] = kinds.starter_file(version.type, version.data)
    return _STARTERS[key]


@never_cache
@require_GET
@require_perm(Perm.TAKE_EXAM)
def task_starter(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """The file to work on, carrying this attempt's mark."""
    attempt = get_attempt_for_examinee(request.user, pk)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise Http404
    item = _file_slot(attempt, position)
    data = _starter(item.version)
    if data is None:
        raise Http404
    extension = kinds.STARTER_EXTENSION[item.version.type]
    response = HttpResponse(
        embed_mark(data, mark_for(attempt.pk, position)),
        content_type=_CONTENT_TYPES[extension],
    )
    response["Content-Disposition"] = (
        f'attachment; filename="bai-thuc-hanh-cau-{position}{extension}"'
    )
    return response


@require_GET
@require_perm(Perm.TAKE_EXAM)
def attempt_files(request: HttpRequest, pk: int) -> HttpResponse:
    """The base of the slots' addresses (the page adds the slot's number)."""
    raise Http404


def _proctor_attempt(request: HttpRequest, pk: int, attempt_pk: int) -> Attempt:
    session = get_session_for_user(request.user, pk)
    return get_object_or_404(
        Attempt.objects.select_related("person__unit", "session__campaign"),
        pk=attempt_pk,
        session=session,
    )


@never_cache
@require_perm(Perm.RUN_SESSIONS)
def practical_attempt(request: HttpRequest, pk: int, attempt_pk: int) -> HttpResponse:
    attempt = _proctor_attempt(request, pk, attempt_pk)
    return render(
        request,
        "practical/attempt.html",
        {
            "attempt": attempt,
            "session": attempt.session,
            "slots": attempt_practical_slots(attempt),
        },
    )


@require_POST
@require_perm(Perm.RUN_SESSIONS)
def practical_override(
    request: HttpRequest, pk: int, attempt_pk: int, position: int
) -> HttpResponse:
    attempt = _proctor_attempt(request, pk, attempt_pk)
    item = get_object_or_404(
        AttemptItem.objects.select_related("version"), attempt=attempt, position=position
    )
    try:
        criterion_override(
            actor=request.user,
            item=item,
            key=request.POST.get("key", ""),
            points=request.POST.get("points", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The criterion's points were changed; the result is updated."))
    return redirect("practical-attempt", pk, attempt.pk)


def _proctor_upload(request: HttpRequest, pk: int, attempt_pk: int, upload_pk: int) -> Upload:
    attempt = _proctor_attempt(request, pk, attempt_pk)
    return get_object_or_404(Upload, pk=upload_pk, item__attempt=attempt)


@require_GET
@require_perm(Perm.RUN_SESSIONS)
def practical_upload_file(
    request: HttpRequest, pk: int, attempt_pk: int, upload_pk: int
) -> FileResponse:
    upload = _proctor_upload(request, pk, attempt_pk, upload_pk)
    return FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=upload.name,
        content_type=_CONTENT_TYPES.get(upload.extension, "application/octet-stream"),
    )


@never_cache
@require_GET
@require_perm(Perm.RUN_SESSIONS)
def practical_upload_pages(
    request: HttpRequest, pk: int, attempt_pk: int, upload_pk: int
) -> HttpResponse:
    upload = _proctor_upload(request, pk, attempt_pk, upload_pk)
    try:
        pages = upload_page_count(upload)
    except DomainError as error:
        pages, problem = 0, error.message
    else:
        problem = ""
    return render(
        request,
        "practical/pages.html",
        {
            "upload": upload,
            "attempt": upload.item.attempt,
            "session_pk": pk,
            "pages": range(1, pages + 1),
            "problem": problem,
        },
    )


@require_GET
@require_perm(Perm.RUN_SESSIONS)
def practical_upload_page(
    request: HttpRequest, pk: int, attempt_pk: int, upload_pk: int, page: int
) -> HttpResponse:
    upload = _proctor_upload(request, pk, attempt_pk, upload_pk)
    png = upload_page_png(upload, page - 1)
    if png is None:
        raise Http404
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"
    return response

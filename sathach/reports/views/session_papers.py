"""The papers of an exam session (danh sách ký nhận, biên bản) as .docx or .pdf, for those
who run the session: the same permission as its console."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from sathach.exams.models import ExamSession
from sathach.exams.selectors import get_session_for_user
from sathach.organization.permissions import Perm, require_perm
from sathach.reports.documents import Document
from sathach.reports.exporters.base import CONTENT_TYPES
from sathach.reports.exporters.session_papers import (
    attendance_document,
    filename,
    minutes_document,
    render,
)

FORMATS = ("docx", "pdf")


def _paper(
    request: HttpRequest,
    pk: int,
    fmt: str,
    stem: str,
    build: Callable[[ExamSession], Document],
) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    if fmt not in FORMATS:
        raise Http404
    response = HttpResponse(render(build(session), fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        content_disposition_header(True, filename(session, stem, fmt)) or "attachment"
    )
    return response


@require_perm(Perm.RUN_SESSIONS)
def session_attendance(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return _paper(request, pk, fmt, "danh-sach-ky-nhan", attendance_document)


@require_perm(Perm.RUN_SESSIONS)
def session_minutes(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return _paper(request, pk, fmt, "bien-ban", minutes_document)

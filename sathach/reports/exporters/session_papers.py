"""The papers of one exam session: the attendance list the examinees sign (danh sách ký
nhận) and the session's minutes (biên bản), both `Document`s rendered to .docx and .pdf by
`documents.py`.

They are the documents' own Vietnamese words (vietnamese.py), not the interface's: the
papers are printed, signed and filed, whatever language the proctor's screen is in.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils import timezone

from sathach.core.audit import AuditAction
from sathach.core.models import AuditEntry
from sathach.core.text import name_sort_key
from sathach.exams.models import Attempt, ExamSession, Incident
from sathach.organization.models import Person
from sathach.reports import issuer
from sathach.reports import vietnamese as vn
from sathach.reports.documents import (
    QUOC_HIEU,
    TIEU_NGU,
    Block,
    Column,
    Columns,
    Document,
    Para,
    Rule,
    Table,
    body,
    date_line,
    para,
    render_docx,
)
from sathach.reports.documents_pdf import render_pdf

ATTENDANCE_TITLE = "DANH SÁCH KÝ NHẬN"
MINUTES_TITLE = "BIÊN BẢN"
INCIDENT_KINDS: dict[str, str] = {
    Incident.Kind.EXTRA_TIME: "Cộng thêm thời gian",
    Incident.Kind.PAUSE: "Tạm dừng ca thi",
    Incident.Kind.RESUME: "Tiếp tục ca thi",
    Incident.Kind.REOPEN: "Mở lại bài làm",
    Incident.Kind.CODE_UNLOCK: "Mở khóa nhập mã dự thi",
}
# The audit entries that hold the minutes of an attempt's incident.
MINUTES_ACTIONS: dict[str, AuditAction] = {
    Incident.Kind.EXTRA_TIME: AuditAction.ATTEMPT_EXTRA_TIME,
    Incident.Kind.REOPEN: AuditAction.ATTEMPT_REOPENED,
}
ATTENDANCE_COLUMNS = [
    Column("STT", 10, "center"),
    Column("Họ và tên", 42),
    Column("Chức vụ", 27),
    Column("Đơn vị (xã)", 32),
    Column("Ký nhận", 28),
    Column("Ghi chú", 26),
]
SIGNATURE_WIDTHS = [82.5, 82.5]
TIGHT: dict[str, Any] = {"align": "center", "space_after": 0, "line_spacing": 1.0}


def local(moment: datetime.datetime) -> datetime.datetime:
    """A moment in Asia/Ho_Chi_Minh (the project's TIME_ZONE)."""
    return timezone.localtime(moment)


def moment_text(moment: datetime.datetime) -> str:
    """05/12/2026 08:30."""
    at = local(moment)
    return f"{vn.short_date(at.date())} {at:%H:%M}"


def user_name(user: Any) -> str:
    return (getattr(user, "full_name", "") or user.get_username()) if user else ""


def filename(session: ExamSession, paper: str, fmt: str) -> str:
    """An ASCII file name: "danh-sach-ky-nhan-75-KH-UBND-ca-12.pdf"."""
    code = re.sub(r"[^A-Za-z0-9]+", "-", session.campaign.code).strip("-")
    return f"{paper}-{code}-ca-{session.pk}.{fmt}"


def render(document: Document, fmt: str) -> bytes:
    if fmt == "docx":
        return render_docx(document)
    if fmt == "pdf":
        return render_pdf(document)
    raise ValueError(fmt)


def examinees(session: ExamSession) -> list[Person]:
    """The session's examinees by commune, then by Vietnamese given name."""
    people = list(session.examinees.select_related("unit"))
    return sorted(
        people,
        key=lambda p: (unit_key(p.unit.name), p.sort_key or name_sort_key(p.full_name)),
    )


def unit_key(name: str) -> list[str]:
    """A commune's name in Vietnamese alphabetical order, word by word from the first
    (name_sort_key puts a person's last word, the given name, first)."""
    return [name_sort_key(word) for word in name.split()]


def _header(session: ExamSession, day: datetime.date | None) -> Columns:
    """The issuing body on the left, quốc hiệu and the date on the right."""
    campaign = session.campaign
    left: list[Block] = [
        *(
            para(line, bold=bold, size=13, **TIGHT)
            for line, bold in issuer.reporter(campaign).heading
        ),
        Rule(20),
    ]
    right: list[Block] = [
        para(QUOC_HIEU, bold=True, size=13, **TIGHT),
        para(TIEU_NGU, bold=True, underline=True, size=14, **TIGHT),
        para(
            date_line(vn.place_name(campaign.issuing_unit), day),
            italic=True,
            size=14,
            align="center",
            space_before=12,
            space_after=0,
        ),
    ]
    return Columns([60.0, 105.0], [left, right])


def _session_lines(session: ExamSession) -> list[Para]:
    opens = local(session.opens_at)
    closes = local(session.closes_at)
    campaign = session.campaign
    return [
        para(
            f"Kiểm tra kỹ năng tin học theo Kế hoạch số {campaign.code}: {campaign.title}",
            size=13,
            **TIGHT,
        ),
        para(
            f"Ca thi: {session.name} - Phòng thi: {session.room or '…'}",
            bold=True,
            size=13,
            **TIGHT,
        ),
        para(
            f"Ngày {vn.short_date(opens.date())}, từ {opens:%H:%M} "
            f"(bắt đầu làm bài chậm nhất {closes:%H:%M})",
            size=13,
            align="center",
            space_after=12,
            line_spacing=1.0,
        ),
    ]


def _signatures(left: tuple[str, str], right: tuple[str, str]) -> Columns:
    """Two signature blocks side by side: title, "(Ký, ghi rõ họ tên)", room, name."""

    def block(title: str, name: str) -> list[Block]:
        return [
            para(title, bold=True, size=14, space_before=12, **TIGHT),
            para("(Ký, ghi rõ họ tên)", italic=True, size=13, **TIGHT),
            para("", size=14, align="center", space_after=60),
            para(name, bold=True, size=14, **TIGHT),
        ]

    return Columns(SIGNATURE_WIDTHS, [block(*left), block(*right)])


def attendance_document(session: ExamSession) -> Document:
    """The list the examinees sign when they sit: one row each, the sign column empty."""
    campaign = session.campaign
    document = Document(title=ATTENDANCE_TITLE, author=campaign.issuing_unit.name)
    document.add(_header(session, None))
    document.add(
        para(ATTENDANCE_TITLE, bold=True, size=14, align="center", space_before=18, space_after=0),
        *_session_lines(session),
    )
    rows = [
        [str(index), person.full_name, vn.position_of(person), person.unit.name, "", ""]
        for index, person in enumerate(examinees(session), start=1)
    ]
    document.add(Table(ATTENDANCE_COLUMNS, rows, size=12))
    document.add(
        body(f"Danh sách có {len(rows)} người.", space_before=6, keep_with_next=True),
        _signatures(
            ("NGƯỜI LẬP DANH SÁCH", ""),
            ("GIÁM THỊ", user_name(session.proctor)),
        ),
    )
    return document


def _status_times(session: ExamSession) -> tuple[datetime.datetime | None, ...]:
    """When the session was first opened and last closed, from the audit trail."""
    entries = AuditEntry.objects.filter(
        action=AuditAction.SESSION_STATUS_CHANGED,
        object_type=ExamSession._meta.label_lower,
        object_id=str(session.pk),
    ).order_by("at", "seq")
    opened = closed = None
    for entry in entries:
        status = entry.summary.get("status")
        if status == ExamSession.Status.OPEN and opened is None:
            opened = entry.at
        elif status == ExamSession.Status.CLOSED:
            closed = entry.at
    return opened, closed


def _minutes_given(incidents: list[Incident]) -> dict[int, int]:
    """The minutes of each extra time and reopening, which the audit entry of the same
    attempt holds (the n-th entry of a kind goes with the n-th incident of that kind)."""
    given: dict[int, int] = {}
    for kind, action in MINUTES_ACTIONS.items():
        by_attempt: dict[int, list[Incident]] = {}
        for incident in incidents:
            if incident.kind == kind and incident.attempt_id:
                by_attempt.setdefault(incident.attempt_id, []).append(incident)
        for attempt_id, items in by_attempt.items():
            entries = AuditEntry.objects.filter(
                action=action,
                object_type=Attempt._meta.label_lower,
                object_id=str(attempt_id),
            ).order_by("at", "seq")
            for incident, entry in zip(items, entries, strict=False):
                if isinstance(entry.summary.get("minutes"), int):
                    given[incident.pk] = entry.summary["minutes"]
    return given


def incident_line(incident: Incident, minutes: int | None = None) -> str:
    """ "05/12/2026 08:40 - Cộng thêm thời gian (10 phút) - Nguyễn Văn A: máy hỏng"."""
    kind = INCIDENT_KINDS.get(incident.kind, incident.kind)
    if minutes:
        kind += f" ({minutes} phút)"
    line = f"{moment_text(incident.at)} - {kind}"
    if incident.attempt is not None:
        line += f" - {incident.attempt.person.full_name}"
    if incident.reason:
        line += f". Lý do: {incident.reason}"
    return line


def minutes_document(session: ExamSession) -> Document:
    """The session's minutes: its times, who sat and who was absent, every incident."""
    campaign = session.campaign
    attempts = list(session.attempts.select_related("person__unit"))
    people = examinees(session)
    started = [a for a in attempts if a.started_at is not None]
    submitted = [a for a in attempts if a.status == Attempt.Status.SUBMITTED]
    sat = {a.person_id for a in started}
    absent = [p for p in people if p.pk not in sat]
    opened, closed = _status_times(session)
    starts = [a.started_at for a in started if a.started_at]
    ends = [a.submitted_at for a in submitted if a.submitted_at]
    incidents = list(session.incidents.select_related("attempt__person").order_by("at", "pk"))
    minutes = _minutes_given(incidents)
    day = local(closed).date() if closed else None

    document = Document(title=MINUTES_TITLE, author=campaign.issuing_unit.name)
    document.add(_header(session, day))
    document.add(
        para(MINUTES_TITLE, bold=True, size=14, align="center", space_before=18, space_after=0),
        para("Ca kiểm tra kỹ năng tin học", bold=True, size=14, **TIGHT),
        Rule(40),
        *_session_lines(session),
    )
    document.add(
        body(f"Giám thị: {user_name(session.proctor) or '…'}."),
        body(
            "Ca thi được mở lúc "
            f"{moment_text(opened) if opened else 'chưa mở'}"
            f"; đóng lúc {moment_text(closed) if closed else 'chưa đóng'}."
        ),
    )
    if starts:
        line = f"Người dự kiểm tra đầu tiên bắt đầu làm bài lúc {moment_text(min(starts))}"
        if ends:
            line += f"; bài cuối cùng được nộp lúc {moment_text(max(ends))}"
        document.add(body(line + "."))
    document.add(
        body(
            f"Số người phải dự kiểm tra: {len(people)}; số người dự kiểm tra: {len(sat)}; "
            f"số bài đã nộp: {len(submitted)}; số người vắng: {len(absent)}."
        )
    )
    if absent:
        document.add(body("Người vắng:", bold=True, space_after=0))
        for index, person in enumerate(absent, start=1):
            document.add(
                body(
                    f"{index}. {person.full_name} - {vn.position_of(person)} {person.unit.name}",
                    space_after=0,
                )
            )
    document.add(
        body("Tình huống phát sinh trong ca thi:", bold=True, space_before=6, space_after=0)
    )
    if incidents:
        for incident in incidents:
            document.add(body(incident_line(incident, minutes.get(incident.pk)), space_after=0))
    else:
        document.add(body("Không có tình huống phát sinh.", space_after=0))
    document.add(
        body(
            "Biên bản được lập xong lúc        giờ        phút cùng ngày, đã đọc lại cho những "
            "người có mặt cùng nghe và thống nhất ký tên.",
            space_before=6,
            keep_with_next=True,
        ),
        _signatures(
            (f"ĐẠI DIỆN {vn.committee(campaign.issuing_unit).upper()}", ""),
            ("GIÁM THỊ", user_name(session.proctor)),
        ),
    )
    return document

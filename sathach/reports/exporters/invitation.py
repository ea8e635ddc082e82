"""The Thông báo that invites the communes' leaders to the test (Nghị định 30 layout): who
is tested, the table of the sessions of both contents, what to bring, whom to ask. It
follows the campaign's sessions as scheduled, so it is issued before the test day and
re-issued when a session moves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sathach.campaigns.models import Campaign
from sathach.eoffice.models import OfficeSession
from sathach.exams.models import ExamSession
from sathach.reports import issuer
from sathach.reports import vietnamese as vn
from sathach.reports.documents import Column, Document, Table, body
from sathach.reports.exporters.base import (
    BLANK_NUMBER,
    CONTENT1,
    CONTENT2,
    DocumentExporter,
)

NOTICE_TYPE = "THÔNG BÁO"
SESSION_COLUMNS = [
    Column("STT", 12.0, "center"),
    Column("Nội dung", 38.0),
    Column("Ngày", 24.0, "center"),
    Column("Giờ", 16.0, "center"),
    Column("Phòng", 30.0),
    Column("Thành phần", 45.0),
]


def invitation_subject(campaign: Campaign) -> str:
    """ "Về việc tổ chức kiểm tra …", from the campaign's title where it names the test."""
    title = campaign.title.strip().rstrip(".")
    if not title or "kiểm tra" not in title.lower():
        title = (
            "Kiểm tra kỹ năng ứng dụng công nghệ thông tin cho lãnh đạo "
            f"Ủy ban nhân dân {issuer.communes(campaign)}"
        )
    return f"Về việc tổ chức {vn.lower_first(title)}"


def _who(people: Iterable[Any]) -> str:
    """The communes of a session's examinees and how many leaders they are."""
    people = list(people)
    if not people:
        return "Chưa phân công"
    units = sorted({person.unit.name for person in people})
    return f"{', '.join(units)} ({len(people)} người)"


def session_rows(campaign: Campaign) -> list[list[str]]:
    """One row per session, content 1 first, then the e-office sessions, by opening."""
    rows: list[list[str]] = []
    groups: list[tuple[str, Any]] = [
        ("Nội dung 1", ExamSession.objects.filter(campaign=campaign)),
        ("Nội dung 2", OfficeSession.objects.filter(campaign=campaign)),
    ]
    for content, sessions in groups:
        for session in sessions.order_by("opens_at", "pk").prefetch_related("examinees__unit"):
            opens = timezone.localtime(session.opens_at)
            rows.append(
                [
                    str(len(rows) + 1),
                    f"{content}: {session.name}",
                    vn.short_date(opens.date()),
                    opens.strftime("%H:%M"),
                    session.room or "Theo bố trí",
                    _who(session.examinees.all()),
                ]
            )
    return rows


class _Layout(DocumentExporter):
    """The parts every administrative document shares, for a campaign without its figures:
    the notice needs the schedule, not the results."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign


def invitation_document(campaign: Campaign) -> Document:
    """The Thông báo of the issuing unit inviting the communes' leaders to the test."""
    layout = _Layout(campaign)
    speaker = layout.speaker()
    communes = issuer.communes(campaign)
    document = Document(title=f"Thông báo số {campaign.code}", author=campaign.issuing_unit.name)
    document.add(layout.header(f"{BLANK_NUMBER}/TB-{speaker.symbol}", None))
    document.add(*layout.heading(NOTICE_TYPE, invitation_subject(campaign)))
    rows = session_rows(campaign)
    document.add(
        body(
            f"Thực hiện Kế hoạch số {campaign.code} ngày {vn.short_date(campaign.issued_on)} "
            f"của {speaker.name} về {vn.lower_first(campaign.title.strip().rstrip('.'))}, "
            f"{speaker.name} thông báo tổ chức kiểm tra như sau:",
            space_before=12,
        ),
        body("1. Thành phần", bold=True, keep_with_next=True),
        body(f"Chủ tịch, Phó Chủ tịch Ủy ban nhân dân {communes} tham gia kiểm tra theo Kế hoạch."),
        body("2. Nội dung kiểm tra", bold=True, keep_with_next=True),
        body(f"- Nội dung 1: {CONTENT1};"),
        body(f"- Nội dung 2: {CONTENT2}."),
        body("3. Thời gian, địa điểm", bold=True, keep_with_next=True),
    )
    if rows:
        document.add(Table(SESSION_COLUMNS, rows, size=11.0))
    else:
        document.add(body("Thời gian, địa điểm cụ thể sẽ được thông báo sau."))
    document.add(
        body("4. Chuẩn bị", bold=True, keep_with_next=True, space_before=6),
        body(
            "Mỗi lãnh đạo mang theo thiết bị ký số (USB token) đã được cấp và tài khoản đăng "
            "nhập hệ thống kiểm tra đã được cung cấp; có mặt tại phòng kiểm tra trước giờ "
            "kiểm tra 15 phút."
        ),
        body("5. Liên hệ", bold=True, keep_with_next=True),
    )
    closing = body(
        f"Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị liên hệ {speaker.name} "
        "(bộ phận Văn thư) để được hướng dẫn. Đề nghị Ủy ban nhân dân "
        f"{communes} thông báo đến Chủ tịch, Phó Chủ tịch tham gia đầy đủ, đúng thời gian "
        "quy định./.",
        keep_with_next=True,
    )
    document.add(closing)
    signer = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"] if speaker.collective else speaker.signer()
    head = issuer.head_on_record(campaign, speaker)
    recipients = [f"- UBND {communes};", "- Lưu: VT, NV."]
    document.add(layout.ending(recipients, signer, head.full_name if head else ""))
    return document


class InvitationNotice(DocumentExporter):
    """The notice on the reports page: rendered, downloaded and audited like the report."""

    identifier = "invitation"
    filename_stem = "thong-bao-kiem-tra"
    title = "Thông báo tổ chức kiểm tra"
    label = gettext_lazy("Notice inviting the leaders to the test (Thông báo)")

    def unavailable(self) -> str | None:
        refusal = super().unavailable()
        if refusal:
            return refusal
        campaign = self.campaign
        if not (campaign.exam_sessions.exists() or campaign.office_sessions.exists()):
            return _("The campaign has no exam session yet: schedule the sessions first.")
        if issuer.head_on_record(campaign, self.speaker()) is None:
            return _(
                "%(unit)s has no head on record to sign the notice: add them to the unit's "
                "people first."
            ) % {"unit": campaign.issuing_unit.name}
        return None

    def document(self) -> Document:
        return invitation_document(self.campaign)

"""What every exporter shares: the interface (identifier, title, formats, the sheets of a
workbook or the blocks of a document), the parts of an administrative document, and the
ranking's notes."""

from __future__ import annotations

import datetime
import re
from fractions import Fraction
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from sathach.campaigns.models import Campaign
from sathach.reports import vietnamese as vn
from sathach.reports.documents import (
    QUOC_HIEU,
    TIEU_NGU,
    Block,
    Columns,
    Document,
    Para,
    Rule,
    date_line,
    para,
    render_docx,
)
from sathach.reports.documents_pdf import render_pdf
from sathach.reports.issuer import Speaker, reporter
from sathach.reports.selectors import CampaignFigures
from sathach.reports.workbook import Sheet, render_xlsx

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
REPORT_TYPE = "BÁO CÁO"
DECISION_TYPE = "QUYẾT ĐỊNH"
# The Văn thư writes the number when the document is issued: room for it, kept by the PDF.
BLANK_NUMBER = "\u00a0" * 8
CONTENT1 = "kỹ năng sử dụng công nghệ thông tin cơ bản theo Thông tư số 03/2014/TT-BTTTT"
CONTENT2 = (
    "ứng dụng công nghệ thông tin trong xử lý công việc: chuyển văn bản đến cho công chức xử lý "
    "và ký số văn bản đi đúng quy định"
)
# Header columns (cơ quan | quốc hiệu) and end columns (nơi nhận | chữ ký), in mm; the
# text width of the page is 165 mm.
HEADER_WIDTHS = [60.0, 105.0]
END_WIDTHS = [75.0, 90.0]


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", value).strip("-")


class Exporter:
    identifier: ClassVar[str]
    filename_stem: ClassVar[str]
    title: ClassVar[str]  # the document's own (Vietnamese) title
    label: ClassVar[Promise]  # its name in the interface
    formats: ClassVar[tuple[str, ...]]
    district_only: ClassVar[bool] = True

    def __init__(self, figures: CampaignFigures) -> None:
        self.figures = figures
        self.campaign = figures.campaign

    def unavailable(self) -> str | None:
        """Why this report cannot be produced now, or None."""
        if self.district_only and not self.figures.scope.district:
            return _("Only the district exports this report.")
        return None

    def filename(self, fmt: str) -> str:
        stem = f"{self.filename_stem}-{_slug(self.campaign.code)}"
        if not self.figures.scope.district:
            stem += "-" + "-".join(self.figures.scope.unit_codes)
        return f"{stem}.{fmt}"

    def render(self, fmt: str) -> bytes:
        raise NotImplementedError


class WorkbookExporter(Exporter):
    formats = ("xlsx",)

    def sheets(self) -> list[Sheet]:
        raise NotImplementedError

    def render(self, fmt: str) -> bytes:
        if fmt != "xlsx":
            raise ValueError(fmt)
        return render_xlsx(f"{self.campaign.code} — {self.campaign.title}", self.sheets())


class DocumentExporter(Exporter):
    formats = ("docx", "pdf")

    def document(self) -> Document:
        raise NotImplementedError

    def render(self, fmt: str) -> bytes:
        document = self.document()
        if fmt == "docx":
            return render_docx(document)
        if fmt == "pdf":
            return render_pdf(document)
        raise ValueError(fmt)

    # The parts every administrative document shares --------------------------------------

    def speaker(self) -> Speaker:
        """The body that issues the document (issuer.py)."""
        return reporter(self.campaign)

    def header(self, number: str, day: datetime.date | None) -> Columns:
        """Cơ quan chủ quản and cơ quan ban hành and số ký hiệu on the left; quốc hiệu,
        tiêu ngữ, địa danh and date on the right (Phụ lục I, boxes 1-4)."""
        tight: dict[str, Any] = {"align": "center", "space_after": 0, "line_spacing": 1.0}
        left: list[Block] = [
            *(para(line, bold=bold, size=13, **tight) for line, bold in self.speaker().heading),
            Rule(20),
            para(f"Số: {number}", size=13, **tight),
        ]
        right: list[Block] = [
            para(QUOC_HIEU, bold=True, size=13, **tight),
            para(TIEU_NGU, bold=True, underline=True, size=14, **tight),
            para(
                date_line(vn.place_name(self.campaign.issuing_unit), day),
                italic=True,
                size=14,
                align="center",
                space_before=12,
                space_after=0,
            ),
        ]
        return Columns(HEADER_WIDTHS, [left, right])

    def heading(self, kind: str, subject: str) -> list[Para | Rule]:
        """Tên loại and trích yếu (box 5a), bold, with the short line under them."""
        return [
            para(kind, bold=True, size=14, align="center", space_before=18, space_after=0),
            para(subject, bold=True, size=14, align="center", space_after=0, line_spacing=1.0),
            Rule(40),
        ]

    def ending(self, recipients: list[str], signer: list[str], name: str) -> Columns:
        """Nơi nhận (box 9b) on the left; chức vụ and họ tên of the signer (7a, 7b) on the
        right, with room between them for the signature."""
        left: list[Block] = [
            para(
                "Nơi nhận:",
                bold=True,
                italic=True,
                size=12,
                align="left",
                space_before=12,
                space_after=0,
            ),
            *(
                para(line, size=11, align="left", space_after=0, line_spacing=1.0)
                for line in recipients
            ),
        ]
        right: list[Block] = [
            para(
                line,
                bold=True,
                size=14,
                align="center",
                space_before=12 if index == 0 else 0,
                space_after=0,
                line_spacing=1.0,
            )
            for index, line in enumerate(signer)
        ]
        right.append(para("", size=14, align="center", space_after=72))
        right.append(para(name, bold=True, size=14, align="center", space_after=0))
        return Columns(END_WIDTHS, [left, right])

    def district(self) -> str:
        """The issuing unit in a sentence: "huyện Cù Lao Dung", "tỉnh Sóc Trăng"."""
        return vn.lower_first(self.campaign.issuing_unit.name)


RETAKES = {
    "none": "",
    "last": "Người chưa đạt được kiểm tra lại một lần; tính kết quả lần kiểm tra lại.",
    "best": "Người chưa đạt được kiểm tra lại một lần; tính kết quả cao hơn.",
}


def pass_rules_note(campaign: Campaign) -> str:
    """The campaign's pass rule of each content, as the grading applied it."""
    content1 = f"đạt từ {vn.number(campaign.content1_pass_mark)}% tổng số điểm"
    if campaign.content1_module_minimum is not None:
        content1 += f" và từ {vn.number(campaign.content1_module_minimum)}% số điểm của mỗi mô đun"
    if campaign.content2_rule == Campaign.Content2Rule.MIN_TASKS and campaign.content2_min_tasks:
        content2 = f"đạt ít nhất {campaign.content2_min_tasks} văn bản"
    else:
        content2 = "đạt tất cả các văn bản"
    retake = RETAKES.get(campaign.retake_policy, "")
    return f"Quy định đạt: nội dung 1 {content1}; nội dung 2 {content2}. {retake}".strip()


def ranking_notes(figures: CampaignFigures) -> list[str]:
    """Where the ranking comes from, and the ties the council decides or decided."""
    ranking = figures.ranking or {"units": [], "undecided": []}
    names = {unit["code"]: unit["name"] for unit in ranking["units"]}
    notes = []
    snapshot = figures.snapshot
    if snapshot is not None:
        notes.append(
            "Bảng xếp hạng đã được Hội đồng Thi đua - Khen thưởng phê duyệt ngày "
            f"{vn.short_date(timezone.localtime(snapshot.approved_at).date())} "
            f"(mã kiểm tra {snapshot.sha256[:12]})."
        )
        decision = snapshot.tie_decision
        if decision.get("awarded"):
            awarded = ", ".join(names.get(code, code) for code in decision["awarded"])
            notes.append(
                f"Trong nhóm đồng hạng, Hội đồng quyết định khen thưởng: {awarded}. "
                f"Căn cứ: {snapshot.tie_decision_note}"
            )
    else:
        notes.append(
            "Bảng xếp hạng tạm tính theo kết quả hiện có, chưa được Hội đồng Thi đua - "
            "Khen thưởng phê duyệt."
        )
        if ranking["undecided"]:
            tied = ", ".join(names.get(code, code) for code in ranking["undecided"])
            notes.append(
                f"Các đơn vị {tied} bằng nhau sau mọi tiêu chí phụ ở vị trí khen thưởng cuối "
                "cùng; Hội đồng Thi đua - Khen thưởng xem xét, quyết định."
            )
    return notes


def ratio(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)

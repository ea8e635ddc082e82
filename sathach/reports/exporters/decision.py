"""The draft decision on the awards (Quyết định khen thưởng)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sathach.reports import vietnamese as vn
from sathach.reports.documents import (
    Document,
    Para,
    Run,
    body,
    para,
)
from sathach.reports.exporters.base import BLANK_NUMBER, DECISION_TYPE, DocumentExporter


class AwardDecisionDraft(DocumentExporter):
    identifier = "decision"
    filename_stem = "du-thao-quyet-dinh-khen-thuong"
    title = "Quyết định khen thưởng"
    label = gettext_lazy("Draft decision on the awards (Quyết định khen thưởng)")

    def unavailable(self) -> str | None:
        refusal = super().unavailable()
        if refusal:
            return refusal
        if self.figures.decision is None and self.figures.snapshot is None:
            return _("The draft decision follows the approved ranking; approve the ranking first.")
        if not self.figures.awarded:
            return _("The approved ranking awards no unit.")
        return None

    def _rows(self) -> dict[str, dict[str, Any]]:
        figures = self.figures
        source = figures.decision.snapshot.output if figures.decision else figures.ranking
        return {unit["code"]: unit for unit in (source or {"units": []})["units"]}

    def document(self) -> Document:
        figures = self.figures
        campaign = self.campaign
        decision = figures.decision
        district = self.district()
        district_name = campaign.issuing_unit.name
        number = decision.number if decision else BLANK_NUMBER + "/QĐ-UBND"
        document = Document(title=self.title, author=district_name)
        if decision is None:
            document.add(para("DỰ THẢO", bold=True, size=13, align="left", space_after=6))
        document.add(self.header(number, decision.signed_on if decision else None))
        subject = (
            "Về việc tặng Giấy khen cho các tập thể có thành tích xuất sắc trong thực hiện "
            f"Kế hoạch số {campaign.code} ngày {vn.short_date(campaign.issued_on)} của "
            f"Ủy ban nhân dân {district}"
        )
        document.add(*self.heading(DECISION_TYPE, subject))
        document.add(
            para(
                f"CHỦ TỊCH ỦY BAN NHÂN DÂN {district_name.upper()}",
                bold=True,
                size=14,
                align="center",
                space_before=6,
                space_after=12,
            )
        )
        for line in self._grounds():
            document.add(body(line, italic=True, space_after=3))
        document.add(
            para("QUYẾT ĐỊNH:", bold=True, size=14, align="center", space_before=12, space_after=12)
        )
        rows = self._rows()
        awarded = figures.awarded
        document.add(
            Para(
                [
                    Run("Điều 1. ", bold=True),
                    Run(
                        f"Tặng Giấy khen của Chủ tịch Ủy ban nhân dân {district} cho "
                        f"{len(awarded)} tập thể đã có thành tích xuất sắc trong thực hiện Kế "
                        f"hoạch số {campaign.code}, gồm:"
                    ),
                ],
                first_indent_mm=12.7,
            )
        )
        for index, code in enumerate(awarded, start=1):
            unit = figures.unit_row(code)
            name = vn.committee(unit.unit) if unit else code
            document.add(body(f"{index}. {name}: {self._achievement(rows.get(code))}"))
        document.add(
            body("Mỗi tập thể được tặng Giấy khen kèm theo tiền thưởng theo quy định hiện hành."),
            Para(
                [
                    Run("Điều 2. ", bold=True),
                    Run(
                        "Kinh phí khen thưởng được chi từ Quỹ Thi đua, khen thưởng của "
                        f"{district} theo quy định."
                    ),
                ],
                first_indent_mm=12.7,
            ),
            Para(
                [
                    Run("Điều 3. ", bold=True),
                    Run(
                        "Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện, Trưởng "
                        "phòng Nội vụ, Trưởng phòng Tài chính - Kế hoạch, Chủ tịch Ủy ban nhân "
                        "dân các xã, thị trấn có tên tại Điều 1 và các cơ quan, đơn vị có liên "
                        "quan chịu trách nhiệm thi hành Quyết định này./."
                    ),
                ],
                first_indent_mm=12.7,
            ),
        )
        recipients = [
            "- Như Điều 3;",
            *self.province_line(),
            "- TT. Huyện ủy, TT. HĐND huyện;",
            "- CT, các PCT UBND huyện;",
            "- Lưu: VT, NV.",
        ]
        title = (decision.signer_title if decision else "Chủ tịch").strip()
        signer = ["KT. CHỦ TỊCH", title.upper()] if "phó" in title.lower() else ["CHỦ TỊCH"]
        document.add(self.ending(recipients, signer, decision.signer_name if decision else ""))
        return document

    def _grounds(self) -> list[str]:
        """The căn cứ lines: the laws in force on the decision's date, the plan, the
        approved ranking and the proposal."""
        figures = self.figures
        campaign = self.campaign
        day = figures.decision.signed_on if figures.decision else figures.as_of
        lines = ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"]
        if day >= datetime.date(2024, 1, 1):
            lines += [
                "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
                "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy "
                "định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
            ]
        else:
            lines += [
                "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ "
                "sung một số điều của Luật Thi đua, khen thưởng ngày 16 tháng 11 năm 2013;",
                "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy "
                "định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
            ]
        lines.append(
            f"Căn cứ Kế hoạch số {campaign.code} ngày {vn.short_date(campaign.issued_on)} của "
            f"Ủy ban nhân dân {self.district()} về {vn.lower_first(campaign.title)};"
        )
        snapshot = figures.decision.snapshot if figures.decision else figures.snapshot
        if snapshot is not None:
            approved = vn.short_date(timezone.localtime(snapshot.approved_at).date())
            lines.append(
                "Căn cứ kết quả xếp hạng đã được Hội đồng Thi đua - Khen thưởng huyện phê duyệt "
                f"ngày {approved};"
            )
        lines.append("Theo đề nghị của Trưởng phòng Nội vụ huyện.")
        return lines

    @staticmethod
    def _achievement(row: dict[str, Any] | None) -> str:
        if row is None:
            return "đã có thành tích xuất sắc;"
        return (
            f"có {row['passed_both']}/{row['tested']} lãnh đạo tham gia kiểm tra đạt cả hai "
            f"nội dung (tỷ lệ {vn.percent_value(row['pass_rate'])}), xếp hạng {row['rank']};"
        )

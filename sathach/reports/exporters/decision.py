"""The draft decision on the awards (Quyết định khen thưởng)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sathach.reports import issuer
from sathach.reports import vietnamese as vn
from sathach.reports.documents import (
    Document,
    Para,
    Run,
    body,
    para,
)
from sathach.reports.exporters.base import BLANK_NUMBER, DECISION_TYPE, DocumentExporter
from sathach.reports.issuer import Speaker


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

    def speaker(self) -> Speaker:
        return issuer.decider(self.campaign)

    def document(self) -> Document:
        figures = self.figures
        campaign = self.campaign
        decision = figures.decision
        district = self.district()
        speaker = self.speaker()
        bodies = issuer.decision_bodies(campaign)
        form = issuer.award_form(campaign)
        awarder = issuer.awarder(campaign)
        number = decision.number if decision else f"{BLANK_NUMBER}/QĐ-{speaker.symbol}"
        document = Document(title=self.title, author=campaign.issuing_unit.name)
        if decision is None:
            document.add(para("DỰ THẢO", bold=True, size=13, align="left", space_after=6))
        document.add(self.header(number, decision.signed_on if decision else None))
        subject = (
            f"Về việc tặng {form} cho các tập thể có thành tích xuất sắc trong thực hiện "
            f"Kế hoạch số {campaign.code} ngày {vn.short_date(campaign.issued_on)} của "
            f"Ủy ban nhân dân {district}"
        )
        document.add(*self.heading(DECISION_TYPE, subject))
        document.add(
            para(
                issuer.awarder_title(campaign),
                bold=True,
                size=14,
                align="center",
                space_before=6,
                space_after=12,
            )
        )
        for line in self._grounds(bodies):
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
                        f"Tặng {form} của {awarder} cho "
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
            body(f"Mỗi tập thể được tặng {form} kèm theo tiền thưởng theo quy định hiện hành."),
            Para(
                [
                    Run("Điều 2. ", bold=True),
                    Run(
                        "Kinh phí khen thưởng được chi từ Quỹ Thi đua, khen thưởng của "
                        f"{bodies.fund} theo quy định."
                    ),
                ],
                first_indent_mm=12.7,
            ),
            Para(
                [
                    Run("Điều 3. ", bold=True),
                    Run(
                        f"{bodies.executors} và các cơ quan, đơn vị có liên quan chịu trách "
                        "nhiệm thi hành Quyết định này./."
                    ),
                ],
                first_indent_mm=12.7,
            ),
        )
        title = decision.signer_title if decision else ""
        signer = speaker.signer(title)
        document.add(
            self.ending(list(bodies.recipients), signer, decision.signer_name if decision else "")
        )
        return document

    def _grounds(self, bodies: issuer.DecisionBodies) -> list[str]:
        """The căn cứ lines: the laws in force on the decision's date, the plan, the
        approved ranking and the proposal."""
        figures = self.figures
        campaign = self.campaign
        day = issuer.legal_day(
            campaign, figures.decision.signed_on if figures.decision else figures.as_of
        )
        lines = []
        # A department's decision rests on the law on emulation, not on local government.
        if self.speaker().collective:
            lines.append(issuer.local_government_law(campaign, day))
        lines += issuer.emulation_laws(day)
        lines.append(
            f"Căn cứ Kế hoạch số {campaign.code} ngày {vn.short_date(campaign.issued_on)} của "
            f"Ủy ban nhân dân {self.district()} về {vn.lower_first(campaign.title)};"
        )
        snapshot = figures.decision.snapshot if figures.decision else figures.snapshot
        if snapshot is not None:
            approved = vn.short_date(timezone.localtime(snapshot.approved_at).date())
            lines.append(
                f"Căn cứ kết quả xếp hạng đã được {bodies.council} phê duyệt ngày {approved};"
            )
        lines.append(f"Theo đề nghị của {bodies.proposer}.")
        return lines

    @staticmethod
    def _achievement(row: dict[str, Any] | None) -> str:
        if row is None:
            return "đã có thành tích xuất sắc;"
        return (
            f"có {row['passed_both']}/{row['tested']} lãnh đạo tham gia kiểm tra đạt cả hai "
            f"nội dung (tỷ lệ {vn.percent_value(row['pass_rate'])}), xếp hạng {row['rank']};"
        )

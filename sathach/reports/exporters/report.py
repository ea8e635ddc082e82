"""The report on the results (Báo cáo kết quả), in the Nghị định 30 layout."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sathach.organization.models import AdministrativeUnit
from sathach.reports import charts, issuer
from sathach.reports import vietnamese as vn
from sathach.reports.documents import (
    TEXT_WIDTH_MM,
    Column,
    Document,
    Image,
    Para,
    Table,
    body,
    para,
)
from sathach.reports.exporters.base import (
    BLANK_NUMBER,
    CONTENT1,
    CONTENT2,
    REPORT_TYPE,
    DocumentExporter,
    pass_rules_note,
    ranking_notes,
    ratio,
)


class ResultsReport(DocumentExporter):
    identifier = "report"
    filename_stem = "bao-cao-ket-qua"
    # The name on the reports page; each document's own title names its communes.
    title = (
        "Báo cáo kết quả kiểm tra kỹ năng tin học và ứng dụng công nghệ thông tin "
        "của lãnh đạo UBND các xã, thị trấn"
    )
    label = gettext_lazy("Report on the results (Báo cáo kết quả)")

    def document(self) -> Document:
        figures = self.figures
        campaign = self.campaign
        units = figures.units
        leaders = figures.leaders
        total = len(leaders)
        tested = sum(1 for leader in leaders if leader.tested)
        passed_both = sum(1 for leader in leaders if leader.passed_both)
        speaker = self.speaker()
        subject = issuer.report_subject(campaign)
        communes = issuer.communes(campaign)
        document = Document(
            title=f"Báo cáo {vn.lower_first(subject)}", author=campaign.issuing_unit.name
        )
        # The charts speak the document's language, whatever the reader's interface.
        with translation.override("vi"):
            pictures = charts.report_charts(figures)
        numbered: list[str] = []

        def chart(name: str) -> list[Image | Para]:
            picture = pictures[name]
            numbered.append(name)
            return [
                Image(charts.png(picture), TEXT_WIDTH_MM, picture.description),
                para(
                    f"Biểu đồ {len(numbered)}. {picture.title}",
                    italic=True,
                    size=12,
                    align="center",
                    space_after=6,
                ),
            ]

        document.add(self.header(f"{BLANK_NUMBER}/BC-{speaker.symbol}", figures.as_of))
        document.add(*self.heading(REPORT_TYPE, subject))
        district = self.district()
        document.add(
            body(
                f"Thực hiện Kế hoạch số {campaign.code} ngày {vn.short_date(campaign.issued_on)} "
                f"của Ủy ban nhân dân {district} về {vn.lower_first(campaign.title)}, "
                f"{speaker.name} báo cáo kết quả kiểm tra kỹ năng tin học và ứng "
                f"dụng công nghệ thông tin của lãnh đạo Ủy ban nhân dân {communes} như sau:",
                space_before=6,
            ),
            body("I. KẾT QUẢ KIỂM TRA", bold=True, keep_with_next=True),
            body("1. Số lượng tham gia", bold=True, keep_with_next=True),
        )
        chairmen = sum(1 for leader in leaders if leader.person.position == "chu_tich")
        period = ""
        if campaign.test_start and campaign.test_end:
            period = (
                f" Thời gian kiểm tra: từ ngày {vn.short_date(campaign.test_start)} đến ngày "
                f"{vn.short_date(campaign.test_end)}."
            )
        document.add(
            body(
                f"Tổng số lãnh đạo Ủy ban nhân dân {communes} thuộc diện kiểm tra: {total} "
                f"người ({chairmen} Chủ tịch, {total - chairmen} Phó Chủ tịch) của "
                f"{len(units)} đơn vị. Số lãnh đạo đã tham gia kiểm tra đủ hai nội dung: "
                f"{tested} người, đạt tỷ lệ {vn.percent(ratio(tested, total))}.{period}"
            ),
            body("2. Kết quả từng nội dung", bold=True, keep_with_next=True),
            body(pass_rules_note(campaign)),
        )
        for content, words in ((1, CONTENT1), (2, CONTENT2)):
            taken = sum(unit.taken(content) for unit in units)
            passed = sum(unit.passed(content) for unit in units)
            document.add(
                body(
                    f"- Nội dung {content} ({words}): {passed}/{taken} người dự kiểm tra đạt, "
                    f"tỷ lệ {vn.percent(ratio(passed, taken))}."
                )
            )
        document.add(
            body(
                f"- Đạt cả hai nội dung: {passed_both}/{tested} người đã tham gia kiểm tra, "
                f"tỷ lệ {vn.percent(ratio(passed_both, tested))}."
            ),
            body("3. Kết quả của từng đơn vị và xếp hạng", bold=True, keep_with_next=True),
            body(self._rules_sentence()),
        )
        for note in ranking_notes(figures):
            document.add(body(note, italic=True))
        document.add(self._ranking_table())
        # The charts of part I follow its text and table: placed after the results of each
        # content, the first would not fit under the first page's text and leave the page
        # half empty.
        if not pictures["scores"].empty:
            document.add(*chart("scores"))
        if units:
            document.add(*chart("rates"))
        document.add(body("4. Công tác chuẩn bị", bold=True, keep_with_next=True))
        document.add(*self._readiness_paragraphs())
        for name in ("devices", "facilities"):
            if not pictures[name].empty:
                document.add(*chart(name))
        document.add(body("II. ĐỀ NGHỊ KHEN THƯỞNG", bold=True, keep_with_next=True))
        document.add(*self._award_paragraphs())
        # A commune reports on its own leaders: "… của lãnh đạo Ủy ban nhân dân xã X./."
        whose = (
            f"{speaker.name}./."
            if campaign.issuing_unit.level == AdministrativeUnit.Level.COMMUNE
            else f"Ủy ban nhân dân {communes} của {speaker.name}./."
        )
        closing = body(
            "Trên đây là báo cáo kết quả kiểm tra kỹ năng tin học và ứng dụng công nghệ "
            f"thông tin của lãnh đạo {whose}"
        )
        document.add(closing)
        signer = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"] if speaker.collective else speaker.signer()
        ending = self.ending(issuer.report_recipients(campaign), signer, self.signer_name())
        # The closing sentence goes to the page of the signature: the block never stands
        # alone at the top of a page.
        closing.keep_with_next = True
        document.add(ending)
        return document

    def unavailable(self) -> str | None:
        refusal = super().unavailable()
        if refusal is None and not self.signer_name():
            speaker = self.speaker()
            unit = self.campaign.issuing_unit.name
            if speaker.collective:
                return _(
                    "%(unit)s has no Chairman on record to sign the report: add them to the "
                    "unit's people first."
                ) % {"unit": unit}
            return _(
                "No Director of the Department of Home Affairs is on record for %(unit)s to "
                "sign the report: add them to the province's people first."
            ) % {"unit": unit}
        return refusal

    def signer_name(self) -> str:
        """Who signs the report: the head of the reporting body on record; where none is,
        the signer of the awards decision when the same body decided it as its head."""
        speaker = self.speaker()
        head = issuer.head_on_record(self.campaign, speaker)
        if head is not None:
            return head.full_name
        decision = self.figures.decision
        if (
            decision is not None
            and issuer.decider(self.campaign) == speaker
            and "phó" not in decision.signer_title.lower()
        ):
            return decision.signer_name
        return ""

    def _rules_sentence(self) -> str:
        campaign = self.campaign
        breakers = [vn.TIE_BREAKERS[b] for b in campaign.tie_breakers if b in vn.TIE_BREAKERS]
        ties = (
            "; nếu bằng nhau, ưu tiên " + ", sau đó đến ".join(breakers)
            if breakers
            else "; nếu bằng nhau, Hội đồng Thi đua - Khen thưởng xem xét, quyết định"
        )
        return (
            f"Chỉ tiêu của Kế hoạch: {vn.number(campaign.participation_target)}% lãnh đạo "
            f"tham gia kiểm tra và ít nhất {vn.number(campaign.pass_target)}% số lãnh đạo "
            "tham gia kiểm tra đạt cả hai nội dung. Các đơn vị đạt chỉ tiêu được xếp hạng theo "
            f"tỷ lệ đạt từ cao xuống thấp{ties}. Kết quả cụ thể như sau:"
        )

    def _ranking_table(self) -> Table:
        ranking = self.figures.ranking or {"units": []}
        ranks = [unit["rank"] for unit in ranking["units"] if unit["rank"] is not None]
        rows = []
        for index, unit in enumerate(ranking["units"], start=1):
            if unit["rank"] is None:
                rank = "Chưa đạt chỉ tiêu"
            elif ranks.count(unit["rank"]) > 1:
                rank = f"{unit['rank']} (đồng hạng)"
            else:
                rank = str(unit["rank"])
            rows.append(
                [
                    str(index),
                    unit["name"],
                    str(unit["leaders"]),
                    str(unit["tested"]),
                    str(unit["passed_both"]),
                    vn.percent_value(unit["pass_rate"]),
                    vn.number(Decimal(unit["facility_score"])),
                    rank,
                ]
            )
        return Table(
            [
                Column("TT", 10, "center"),
                Column("Đơn vị", 42),
                Column("Số lãnh đạo", 16, "center"),
                Column("Tham gia", 17, "center"),
                Column("Đạt cả hai nội dung", 20, "center"),
                Column("Tỷ lệ đạt", 20, "center"),
                Column("Điểm cơ sở vật chất", 18, "center"),
                Column("Xếp hạng", 22, "center"),
            ],
            rows,
            size=12,
        )

    def _readiness_paragraphs(self) -> list[Para]:
        units = self.figures.units
        campaign = self.campaign
        leaders = sum(len(unit.readiness.leaders) for unit in units)
        covered = sum(unit.readiness.covered for unit in units)
        expiring = sum(1 for unit in units for leader in unit.readiness.leaders if leader.expiring)
        meeting = sum(
            1 for unit in units if unit.readiness.coverage * 100 >= campaign.device_target
        )
        devices = (
            f"- Thiết bị ký số: {covered}/{leaders} lãnh đạo có thiết bị ký số còn hiệu lực, "
            f"tỷ lệ {vn.percent(ratio(covered, leaders))}; {meeting}/{len(units)} đơn vị đạt "
            f"chỉ tiêu {vn.number(campaign.device_target)}%."
        )
        if expiring:
            devices += f" Có {expiring} chứng thư số sắp hết hạn cần gia hạn."
        paragraphs = [body(devices)]
        maximum = units[0].readiness.facility_max if units else Decimal(0)
        if maximum:
            complete = sum(1 for unit in units if unit.readiness.facility_score == maximum)
            average = sum((unit.readiness.facility_score for unit in units), Decimal(0)) / max(
                len(units), 1
            )
            paragraphs.append(
                body(
                    f"- Cơ sở vật chất phục vụ kiểm tra: {complete}/{len(units)} đơn vị được "
                    "xác minh đủ các hạng mục; điểm bình quân "
                    f"{vn.number(average.quantize(Decimal('0.01')))}/{vn.number(maximum)}."
                )
            )
        else:
            paragraphs.append(body("- Cơ sở vật chất phục vụ kiểm tra: chưa có danh mục."))
        return paragraphs

    def _award_paragraphs(self) -> list[Para]:
        figures = self.figures
        if not self.campaign.awards:
            # A commune's own campaign: no collective below it to award.
            return [body("Kế hoạch không xét khen thưởng tập thể.")]
        if not figures.awarded:
            return [body("Chưa có đơn vị đạt chỉ tiêu để đề nghị khen thưởng.")]
        decision = figures.decision
        awarder = issuer.awarder(self.campaign)
        form = issuer.award_form(self.campaign)
        if decision is not None:
            intro = (
                f"{awarder} đã tặng {form} cho "
                f"{len(figures.awarded)} tập thể tại Quyết định số {decision.number} ngày "
                f"{vn.short_date(decision.signed_on)}:"
            )
        else:
            grounds = "Căn cứ kết quả trên"
            # A district's report reads as it did in 2020.
            if not self.campaign.by_district and figures.as_of >= issuer.LAW_2022:
                grounds += f" và {issuer.award_basis(figures.as_of)}"
            intro = (
                f"{grounds}, đề nghị {awarder} tặng "
                f"{form} cho {len(figures.awarded)} tập thể có thành tích xuất sắc:"
            )
        paragraphs = [body(intro)]
        rows = {unit["code"]: unit for unit in (figures.ranking or {"units": []})["units"]}
        for index, code in enumerate(figures.awarded, start=1):
            unit = figures.unit_row(code)
            row = rows.get(code)
            name = vn.committee(unit.unit) if unit else code
            detail = (
                f" (tỷ lệ đạt {vn.percent_value(row['pass_rate'])}, xếp hạng {row['rank']})"
                if row
                else ""
            )
            end = "." if index == len(figures.awarded) else ";"
            paragraphs.append(body(f"{index}. {name}{detail}{end}"))
        return paragraphs

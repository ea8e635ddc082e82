from __future__ import annotations

import datetime
import unittest
from decimal import Decimal
from typing import Any

import time_machine
from docx.shared import Pt

from sathach.campaigns.selectors import campaign_ranking
from sathach.core.errors import DomainError
from sathach.core.models import AuditEntry
from sathach.organization.testing import BaseTestCase
from sathach.reports.documents import FONT_NAME, QUOC_HIEU, TIEU_NGU, date_line
from sathach.reports.exporters.base import BLANK_NUMBER
from sathach.reports.selectors import district_scope, report_scope_for_user
from sathach.reports.services import report_export
from sathach.reports.tests.factories import approve, campaign_with_results, grant
from sathach.reports.tests.helpers import (
    PDFTOTEXT,
    find,
    open_docx,
    open_workbook,
    paragraphs,
    pdf_text,
    texts,
)

SUBJECT = (
    "Kết quả kiểm tra kỹ năng tin học và ứng dụng công nghệ thông tin "
    "của lãnh đạo UBND các xã, thị trấn"
)


def number(cell: Any) -> float:
    return float(cell.value)


class ExportTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.campaign = campaign_with_results(self.world)
        self.w: Any = self.world

    def export(self, identifier: str, fmt: str, user: Any = None) -> bytes:
        scope = (
            report_scope_for_user(user, self.campaign) if user else district_scope(self.campaign)
        )
        return report_export(
            actor=user or "test", scope=scope, identifier=identifier, fmt=fmt
        ).content


class WorkbookTestCase(ExportTestCase):
    def test_it_has_a_sheet_for_leaders_communes_ranking_and_readiness(self) -> None:
        workbook = open_workbook(self.export("results", "xlsx"))
        self.assertEqual(
            workbook.sheetnames,
            ["Lãnh đạo", "Đơn vị", "Xếp hạng", "Thiết bị ký số", "Cơ sở vật chất"],
        )
        for sheet in workbook.worksheets:
            self.assertIn("75/KH-UBND", sheet["A1"].value)
            self.assertEqual(sheet.freeze_panes, "A5", sheet.title)
            self.assertTrue(sheet.auto_filter.ref.startswith("A4:"), sheet.title)
            self.assertGreater(sheet.column_dimensions["B"].width, 8)

    def test_the_leaders_sheet_has_vietnamese_headers_and_each_leaders_results(self) -> None:
        sheet = open_workbook(self.export("results", "xlsx"))["Lãnh đạo"]
        headers = [cell.value for cell in sheet[4]]
        self.assertEqual(
            headers[:6],
            ["TT", "Mã đơn vị", "Đơn vị", "Họ và tên", "Chức vụ", "Nội dung 1: kết quả"],
        )
        self.assertIn("Đạt cả hai nội dung", headers)
        rows = {row[3]: row for row in sheet.iter_rows(min_row=5, values_only=True) if row[3]}
        self.assertEqual(len(rows), 6)
        self.assertEqual(
            headers[9:16],
            [f"Nội dung 1: IU0{n} (%)" for n in range(1, 7)] + ["Nội dung 2: kết quả"],
        )
        hoa = rows["Lê Thị Hoa"]
        self.assertEqual(hoa[4], "Phó Chủ tịch")
        self.assertEqual((hoa[5], hoa[6], hoa[15], hoa[18]), ("Đạt", 36, "Không đạt", "Không"))
        self.assertEqual(rows["Trần Thị Ngân"][18], "Có")

    def test_the_communes_sheet_shows_rates_as_percentages(self) -> None:
        sheet = open_workbook(self.export("results", "xlsx"))["Đơn vị"]
        headers = [cell.value for cell in sheet[4]]
        rate = headers.index("Tỷ lệ đạt cả hai nội dung") + 1
        coverage = headers.index("Tỷ lệ có thiết bị ký số") + 1
        rows = {sheet.cell(row=r, column=3).value: r for r in range(5, sheet.max_row + 1)}
        an_thanh = rows["Xã An Thạnh 1"]
        self.assertAlmostEqual(number(sheet.cell(row=an_thanh, column=rate)), 0.5)
        self.assertEqual(sheet.cell(row=an_thanh, column=rate).number_format, "0.00%")
        dai_an = rows["Xã Đại Ân 1"]
        self.assertAlmostEqual(number(sheet.cell(row=dai_an, column=coverage)), 0.5)
        self.assertEqual(sheet.cell(row=dai_an, column=headers.index("Xếp hạng") + 1).value, 1)

    def test_the_ranking_sheet_is_the_ranking_engines_output(self) -> None:
        engine = campaign_ranking(self.campaign)
        sheet = open_workbook(self.export("results", "xlsx"))["Xếp hạng"]
        rows = [row for row in sheet.iter_rows(min_row=5, max_row=4 + len(engine["units"]))]
        self.assertEqual([row[2].value for row in rows], [u["code"] for u in engine["units"]])
        for row, unit in zip(rows, engine["units"], strict=True):
            self.assertEqual(row[0].value, unit["rank"])
            self.assertEqual(f"{number(row[8]) * 100:.2f}", unit["pass_rate"])
            self.assertEqual(f"{number(row[7]) * 100:.2f}", unit["participation_rate"])
            self.assertEqual(row[8].number_format, "0.00%")
            self.assertEqual(row[10].value, "Có" if unit["meets_targets"] else "Không")
        # The town and Đại Ân 1 tie at rank 1; An Thạnh 1 is below the pass target.
        self.assertEqual([row[1].value for row in rows], ["Có", "Có", "Không"])
        self.assertEqual(rows[2][11].value, "Tỷ lệ đạt dưới chỉ tiêu")
        notes = [c.value for c in sheet["A"] if isinstance(c.value, str)]
        self.assertTrue(any("tạm tính" in note for note in notes))

    def test_readiness_lists_devices_with_their_expiry_as_dates(self) -> None:
        workbook = open_workbook(self.export("results", "xlsx"))
        sheet = workbook["Thiết bị ký số"]
        rows = {row[2].value: row for row in sheet.iter_rows(min_row=5)}
        ngan = rows["Trần Thị Ngân"]
        self.assertIsInstance(ngan[8].value, datetime.datetime)
        self.assertEqual(ngan[8].number_format, "dd/mm/yyyy")
        self.assertEqual(ngan[9].value, "Còn hiệu lực")
        self.assertEqual(rows["Nguyễn Văn Bình"][9].value, "Còn hiệu lực, sắp hết hạn")
        self.assertEqual(rows["Võ Minh Tâm"][9].value, "Chưa có thiết bị ký số")
        facilities = workbook["Cơ sở vật chất"]
        statuses = {
            (row[1], row[2]): (row[4], row[9])
            for row in facilities.iter_rows(min_row=5, values_only=True)
        }
        self.assertEqual(
            statuses[("Xã Đại Ân 1", "Phòng kiểm tra có máy tính")], ("Đã xác minh", 2)
        )
        self.assertEqual(
            statuses[("Xã An Thạnh 1", "Phòng kiểm tra có máy tính")],
            ("Đã kê khai, chờ xác minh", 0),
        )

    def test_an_unresolved_tie_for_the_last_award_is_shown_for_the_council(self) -> None:
        self.campaign.awards = 1
        self.campaign.save()
        sheet = open_workbook(self.export("results", "xlsx"))["Xếp hạng"]
        self.assertEqual(
            [sheet.cell(row=r, column=13).value for r in (5, 6)],
            ["Đồng hạng: Hội đồng quyết định"] * 2,
        )
        notes = " ".join(c.value for c in sheet["A"] if isinstance(c.value, str))
        self.assertIn("Thị trấn Cù Lao Dung, Xã Đại Ân 1 bằng nhau", notes)

    def test_a_commune_officer_gets_only_their_communes_rows_and_no_ranking(self) -> None:
        workbook = open_workbook(self.export("results", "xlsx", self.w.commune_officer))
        self.assertNotIn("Xếp hạng", workbook.sheetnames)
        names = [row[3] for row in workbook["Lãnh đạo"].iter_rows(min_row=5, values_only=True)]
        self.assertEqual(sorted(n for n in names if n), ["Lê Thị Hoa", "Nguyễn Văn Bình"])
        units = workbook["Đơn vị"]
        self.assertNotIn("Xếp hạng", [cell.value for cell in units[4]])
        self.assertEqual(units.cell(row=5, column=3).value, "Xã An Thạnh 1")
        self.assertIsNone(units.cell(row=6, column=3).value)

    def test_every_export_is_audited_with_the_files_fingerprint(self) -> None:
        self.export("results", "xlsx", self.w.commune_officer)
        entry = AuditEntry.objects.filter(action="report.exported").latest("seq")
        self.assertEqual(entry.actor, self.w.commune_officer)
        self.assertEqual(entry.summary["scope"], ["31618"])
        self.assertEqual(entry.summary["report"], "results")
        self.assertEqual(len(entry.summary["sha256"]), 64)


def mm(length: Any) -> float:
    return round(length.mm, 1)


class ReportDocumentTestCase(ExportTestCase):
    def test_the_page_is_a4_with_the_decrees_margins(self) -> None:
        section = open_docx(self.export("report", "docx")).sections[0]
        self.assertEqual((mm(section.page_width), mm(section.page_height)), (210.0, 297.0))
        self.assertEqual(mm(section.top_margin), 20.0)
        self.assertEqual(mm(section.bottom_margin), 20.0)
        self.assertEqual(mm(section.left_margin), 30.0)
        self.assertEqual(mm(section.right_margin), 15.0)
        self.assertTrue(section.different_first_page_header_footer)

    def test_every_run_is_times_new_roman_and_the_body_is_14_pt(self) -> None:
        document = open_docx(self.export("report", "docx"))
        runs = [run for p in paragraphs(document) for run in p.runs if run.text.strip()]
        self.assertGreater(len(runs), 40)
        self.assertEqual({run.font.name for run in runs}, {FONT_NAME})
        self.assertEqual(document.styles["Normal"].font.name, FONT_NAME)
        opening = find(document, "Thực hiện Kế hoạch số 75/KH-UBND ngày 27/07/2020")
        self.assertEqual(opening.runs[0].font.size, Pt(14))
        self.assertEqual(round(opening.paragraph_format.first_line_indent.mm, 1), 12.7)

    def test_the_header_has_the_issuer_and_number_left_and_the_national_title_right(self) -> None:
        document = open_docx(self.export("report", "docx"))
        header = document.tables[0]
        left, right = header.rows[0].cells
        self.assertEqual(
            [p.text for p in left.paragraphs if p.text],
            ["ỦY BAN NHÂN DÂN", "HUYỆN CÙ LAO DUNG", "Số: " + BLANK_NUMBER + "/BC-UBND"],
        )
        quoc_hieu, tieu_ngu, place = [p for p in right.paragraphs if p.text]
        self.assertEqual(quoc_hieu.text, QUOC_HIEU)
        self.assertTrue(quoc_hieu.runs[0].bold)
        self.assertEqual(quoc_hieu.runs[0].font.size, Pt(13))
        self.assertEqual(tieu_ngu.text, "Độc lập - Tự do - Hạnh phúc")
        self.assertEqual(tieu_ngu.text, TIEU_NGU)
        self.assertTrue(tieu_ngu.runs[0].bold and tieu_ngu.runs[0].underline)
        self.assertEqual(tieu_ngu.runs[0].font.size, Pt(14))
        self.assertTrue(place.runs[0].italic)
        self.assertTrue(place.text.startswith("Cù Lao Dung, ngày "))

    def test_the_date_line_pads_days_below_10_and_months_1_and_2(self) -> None:
        self.assertEqual(
            date_line("Cù Lao Dung", datetime.date(2020, 9, 5)),
            "Cù Lao Dung, ngày 05 tháng 9 năm 2020",
        )
        self.assertEqual(
            date_line("Cù Lao Dung", datetime.date(2021, 2, 14)),
            "Cù Lao Dung, ngày 14 tháng 02 năm 2021",
        )
        with time_machine.travel(datetime.datetime(2020, 9, 5, 9, 0, tzinfo=datetime.UTC)):
            document = open_docx(self.export("report", "docx"))
        self.assertIn("Cù Lao Dung, ngày 05 tháng 9 năm 2020", texts(document))

    def test_the_title_and_the_figures_are_in_the_body(self) -> None:
        document = open_docx(self.export("report", "docx"))
        kind = find(document, "BÁO CÁO")
        self.assertTrue(kind.runs[0].bold)
        self.assertEqual(kind.runs[0].font.size, Pt(14))
        self.assertEqual(find(document, "Kết quả kiểm tra kỹ năng").text, SUBJECT)
        body = "\n".join(texts(document))
        self.assertIn(
            "thuộc diện kiểm tra: 6 người (3 Chủ tịch, 3 Phó Chủ tịch) của 3 đơn vị", body
        )
        self.assertIn("đủ hai nội dung: 6 người, đạt tỷ lệ 100,00%", body)
        self.assertIn("- Nội dung 1 (", body)
        self.assertIn("): 6/6 người dự kiểm tra đạt, tỷ lệ 100,00%.", body)
        self.assertIn("): 5/6 người dự kiểm tra đạt, tỷ lệ 83,33%.", body)
        self.assertIn("- Đạt cả hai nội dung: 5/6 người đã tham gia kiểm tra, tỷ lệ 83,33%.", body)
        self.assertIn("2/6 lãnh đạo có thiết bị ký số còn hiệu lực, tỷ lệ 33,33%", body)
        self.assertIn(
            "1. Ủy ban nhân dân thị trấn Cù Lao Dung (tỷ lệ đạt 100,00%, xếp hạng 1);", body
        )
        self.assertIn("2. Ủy ban nhân dân xã Đại Ân 1 (tỷ lệ đạt 100,00%, xếp hạng 1).", body)

    def test_the_ranking_table_follows_the_engine(self) -> None:
        document = open_docx(self.export("report", "docx"))
        table = document.tables[1]
        self.assertEqual(
            [c.text for c in table.rows[0].cells],
            [
                "TT",
                "Đơn vị",
                "Số lãnh đạo",
                "Tham gia",
                "Đạt cả hai nội dung",
                "Tỷ lệ đạt",
                "Điểm cơ sở vật chất",
                "Xếp hạng",
            ],
        )
        self.assertEqual(
            [(row.cells[1].text, row.cells[6].text) for row in table.rows[1:]],
            [("Thị trấn Cù Lao Dung", "2"), ("Xã Đại Ân 1", "2"), ("Xã An Thạnh 1", "0")],
        )
        self.assertEqual(table.rows[1].cells[7].text, "1 (đồng hạng)")
        self.assertEqual(table.rows[3].cells[7].text, "Chưa đạt chỉ tiêu")

    def test_the_end_has_the_recipients_and_the_signers_block(self) -> None:
        document = open_docx(self.export("report", "docx"))
        recipients = find(document, "Nơi nhận:")
        self.assertTrue(recipients.runs[0].bold and recipients.runs[0].italic)
        self.assertEqual(recipients.runs[0].font.size, Pt(12))
        self.assertEqual(find(document, "- Lưu: VT").runs[0].font.size, Pt(11))
        self.assertEqual(
            find(document, "- UBND tỉnh Sóc Trăng").text, "- UBND tỉnh Sóc Trăng (b/c);"
        )
        signer = find(document, "TM. ỦY BAN NHÂN DÂN")
        self.assertTrue(signer.runs[0].bold)
        self.assertEqual(signer.runs[0].font.size, Pt(14))

    @unittest.skipUnless(PDFTOTEXT, "pdftotext (poppler-utils) is not installed")
    def test_the_pdf_says_the_same_with_its_diacritics(self) -> None:
        content = self.export("report", "pdf")
        self.assertTrue(content.startswith(b"%PDF-"))
        text = pdf_text(content)
        self.assertIn(QUOC_HIEU, text)
        self.assertIn(TIEU_NGU, text)
        self.assertIn("BÁO CÁO " + SUBJECT, text)
        self.assertIn("Ủy ban nhân dân xã Đại Ân 1", text)
        self.assertIn("TM. ỦY BAN NHÂN DÂN", text)


class DecisionTestCase(ExportTestCase):
    def test_it_waits_for_an_approved_ranking(self) -> None:
        with self.assertRaises(DomainError):
            self.export("decision", "docx")

    def test_the_approved_rankings_awards_make_the_list_of_article_1(self) -> None:
        approve(self.world, self.campaign)
        document = open_docx(self.export("decision", "docx"))
        lines = texts(document)
        self.assertEqual(lines[0], "DỰ THẢO")
        self.assertIn("Số: " + BLANK_NUMBER + "/QĐ-UBND", lines)
        first = lines.index(next(line for line in lines if line.startswith("Điều 1. ")))
        self.assertIn("cho 2 tập thể", lines[first])
        self.assertTrue(
            lines[first + 1].startswith("1. Ủy ban nhân dân thị trấn Cù Lao Dung: có 2/2")
        )
        self.assertTrue(lines[first + 2].startswith("2. Ủy ban nhân dân xã Đại Ân 1: có 2/2"))
        self.assertTrue(any(line.startswith("Điều 2. ") for line in lines))
        self.assertTrue(any(line.startswith("Điều 3. ") for line in lines))
        grounds = find(document, "Căn cứ Luật Tổ chức chính quyền địa phương")
        self.assertTrue(grounds.runs[0].italic)
        self.assertTrue(find(document, "Căn cứ kết quả xếp hạng").text.endswith(";"))
        self.assertTrue(find(document, "Theo đề nghị").text.endswith("."))
        self.assertEqual(find(document, "Điều 1. ").runs[0].bold, True)

    def test_the_decision_record_gives_its_number_date_and_signer(self) -> None:
        approve(self.world, self.campaign)
        grant(self.world, self.campaign)
        document = open_docx(self.export("decision", "docx"))
        lines = texts(document)
        self.assertNotIn("DỰ THẢO", lines)
        self.assertIn("Số: 123/QĐ-UBND", lines)
        self.assertIn("Cù Lao Dung, ngày 07 tháng 9 năm 2020", lines)
        self.assertIn("QUYẾT ĐỊNH", lines)
        self.assertIn("CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CÙ LAO DUNG", lines)
        self.assertIn(
            "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; ", "\n".join(lines)
        )
        self.assertEqual([line for line in lines if line][-1], "Nguyễn Văn Thành")
        self.assertIn("CHỦ TỊCH", lines)
        section = document.sections[0]
        self.assertEqual((mm(section.page_width), mm(section.left_margin)), (210.0, 30.0))

    @unittest.skipUnless(PDFTOTEXT, "pdftotext (poppler-utils) is not installed")
    def test_the_pdf_has_the_decision_and_its_list(self) -> None:
        approve(self.world, self.campaign)
        grant(self.world, self.campaign)
        content = self.export("decision", "pdf")
        self.assertTrue(content.startswith(b"%PDF-"))
        text = pdf_text(content)
        self.assertIn("QUYẾT ĐỊNH", text)
        self.assertIn("Về việc tặng Giấy khen", text)
        self.assertIn("1. Ủy ban nhân dân thị trấn Cù Lao Dung", text)
        self.assertIn("2. Ủy ban nhân dân xã Đại Ân 1", text)
        self.assertIn("Nguyễn Văn Thành", text)

    def test_a_commune_officer_cannot_export_it(self) -> None:
        approve(self.world, self.campaign)
        with self.assertRaises(DomainError):
            self.export("decision", "docx", self.w.commune_officer)
        with self.assertRaises(DomainError):
            self.export("report", "pdf", self.w.commune_officer)

    def test_the_approved_ranking_in_the_workbook_carries_its_approval(self) -> None:
        approve(self.world, self.campaign)
        sheet = open_workbook(self.export("results", "xlsx"))["Xếp hạng"]
        notes = " ".join(c.value for c in sheet["A"] if isinstance(c.value, str))
        self.assertIn("đã được Hội đồng Thi đua - Khen thưởng phê duyệt ngày", notes)
        self.assertEqual(Decimal(str(sheet["I5"].value)), Decimal(1))

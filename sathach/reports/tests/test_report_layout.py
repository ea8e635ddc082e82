"""The report reads well on paper (issue 17, point 6): its signature block never stands alone
on a page and always names the signer; the first page is not left half empty by a chart.
Read back out of the .pdf (pdftotext's layout) and the .docx (python-docx)."""

from __future__ import annotations

import unittest
from typing import Any

from docx.oxml.ns import qn

from sathach.organization.testing import BaseTestCase
from sathach.reports.documents import Document, Para, body, render_docx
from sathach.reports.documents_pdf import render_pdf
from sathach.reports.exporters.report import ResultsReport
from sathach.reports.selectors import district_scope
from sathach.reports.services import report_exporter
from sathach.reports.tests.factories import DISTRICT_CHAIRMAN, campaign_with_results
from sathach.reports.tests.helpers import PDFTOTEXT, open_docx, pdf_pages

CLOSING = "Trên đây là báo cáo"


def page_text(words: list[tuple[float, str]]) -> str:
    return " ".join(word for _bottom, word in words)


class ReportLayoutTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.campaign = campaign_with_results(self.world)
        exporter = report_exporter(scope=district_scope(self.campaign), identifier="report")
        assert isinstance(exporter, ResultsReport)
        self.exporter = exporter

    def padded(self, lines: int) -> Document:
        """The report with `lines` one-line paragraphs before its closing sentence, which
        moves the end of the report down the page line by line."""
        document = self.exporter.document()
        closing = next(
            index
            for index, block in enumerate(document.blocks)
            if isinstance(block, Para) and block.runs[0].text.startswith(CLOSING)
        )
        document.blocks[closing:closing] = [body(f"Dòng thêm số {n}.") for n in range(lines)]
        return document

    @unittest.skipUnless(PDFTOTEXT, "pdftotext is not installed")
    def test_the_signature_block_shares_its_page_with_the_closing_sentence(self) -> None:
        # Twelve lines move the end over more than the block's own height, so one of these
        # reports has its block at the foot of a page.
        for lines in range(13):
            with self.subTest(lines=lines):
                pages = [
                    page_text(words) for _h, words in pdf_pages(render_pdf(self.padded(lines)))
                ]
                signed = [text for text in pages if DISTRICT_CHAIRMAN in text]
                self.assertEqual(len(signed), 1, pages[-1])
                self.assertIn(CLOSING, signed[0])
                self.assertIn("TM. ỦY BAN NHÂN DÂN", signed[0])

    def test_the_word_file_keeps_the_closing_sentence_with_the_unbroken_signature_block(
        self,
    ) -> None:
        document = open_docx(render_docx(self.exporter.document()))
        closing = next(p for p in document.paragraphs if p.text.startswith(CLOSING))
        self.assertTrue(closing.paragraph_format.keep_with_next)
        ending = document.tables[-1]
        self.assertIsNotNone(ending.rows[0]._tr.trPr.find(qn("w:cantSplit")))
        signer = ending.rows[0].cells[1].text
        self.assertIn("TM. ỦY BAN NHÂN DÂN", signer)
        self.assertIn(DISTRICT_CHAIRMAN, signer)

    @unittest.skipUnless(PDFTOTEXT, "pdftotext is not installed")
    def test_the_first_page_is_filled_with_text_before_any_chart(self) -> None:
        height, words = pdf_pages(self.exporter.render("pdf"))[0]
        text = page_text(words)
        # The text runs down to the bottom margin (20 mm of 297): no chart pushed to the
        # next page leaves the foot of this one empty.
        self.assertGreater(max(bottom for bottom, _word in words), 0.85 * height, text)
        self.assertIn("3. Kết quả của từng đơn vị và xếp hạng", text)

    def test_the_charts_of_part_one_follow_its_ranking_table(self) -> None:
        blocks: list[Any] = self.exporter.document().blocks
        kinds = [type(block).__name__ for block in blocks]
        self.assertLess(kinds.index("Table"), kinds.index("Image"))

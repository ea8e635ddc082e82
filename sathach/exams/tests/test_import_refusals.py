"""A question file is read as GIFT, Moodle XML, Aiken or Excel only when it is one (issue 17,
point 4): a CSV, prose, a Word file under another name, an empty bank each give one clear
sentence, no format is named as what was read, and nothing is kept for the confirmation."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from django.urls import reverse
from openpyxl import load_workbook

from sathach.core.jobs import job_files_dir
from sathach.exams import formats
from sathach.exams.formats.base import ParseResult
from sathach.exams.formats.xlsx_layout import HEADERS
from sathach.exams.models import Question
from sathach.organization.testing import BaseTestCase

TWO_LINE_CSV = b"ma,ten\n1,2\n"
PROSE = (
    "Kính gửi: Ủy ban nhân dân các xã, thị trấn.\n"
    "Đề nghị các đơn vị {kèm theo danh sách} gửi về trước ngày 15/8/2020.\n"
).encode()
AIKEN_WITHOUT_OPTIONS = "Thủ đô của Việt Nam?\nHà Nội\nANSWER: A\n".encode()


def word_document() -> bytes:
    """A real .docx, which people rename or pick by mistake."""
    from docx import Document

    document = Document()
    document.add_paragraph("Câu 1. Phím tắt lưu văn bản? {=Ctrl+S ~Ctrl+P}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class ReadOnlyWhatItIsTests(SimpleTestCase):
    def read(self, name: str, data: bytes, fmt: str = "") -> ParseResult:
        return formats.read(data, fmt or formats.detect_format(name, data))

    def test_a_two_line_csv_is_refused_as_a_csv_table(self) -> None:
        for name in ("cau-hoi.csv", "cau-hoi.txt", "cau-hoi.gift"):
            with self.subTest(name):
                result = self.read(name, TWO_LINE_CSV)
                self.assertEqual(result.questions, [])
                self.assertTrue(result.refused)
                self.assertIn("(CSV)", result.errors[0].message)

    def test_prose_with_a_brace_in_it_is_not_read_as_gift(self) -> None:
        result = self.read("cong-van.txt", PROSE)
        self.assertEqual(result.questions, [])
        self.assertTrue(result.refused)
        self.assertEqual(len(result.errors), 1)
        self.assertIn("không phải là tệp câu hỏi GIFT", result.errors[0].message)

    def test_a_word_file_is_not_read_as_text_or_as_a_workbook_whatever_its_name(self) -> None:
        data = word_document()
        for name, fmt, words in (
            ("cau-hoi.txt", "", "không phải là sổ tính Excel"),
            ("cau-hoi.xlsx", "", "không phải là sổ tính Excel"),
            ("cau-hoi.gift", "gift", "không phải là tệp văn bản"),
            ("cau-hoi.txt", "aiken", "không phải là tệp văn bản"),
        ):
            with self.subTest(name=name, fmt=fmt):
                result = self.read(name, data, fmt)
                self.assertEqual(result.questions, [])
                self.assertTrue(result.refused)
                self.assertIn(words, result.errors[0].message)

    def test_aiken_is_read_only_from_options_followed_by_an_answer_line(self) -> None:
        result = self.read("cau-hoi.txt", AIKEN_WITHOUT_OPTIONS, "aiken")
        self.assertTrue(result.refused)
        self.assertIn("không phải là tệp câu hỏi Aiken", result.errors[0].message)

    def test_a_file_of_the_format_without_a_question_is_refused(self) -> None:
        for name, data in (
            ("trong.xml", b"<?xml version='1.0'?><quiz></quiz>"),
            ("trong.xlsx", formats.template_xlsx()),
        ):
            with self.subTest(name):
                result = self.read(name, data)
                self.assertEqual(result.questions, [])
                self.assertIn("không có câu hỏi nào", result.errors[0].message)

    def test_real_gift_still_reads_whatever_its_name(self) -> None:
        data = "::Lưu::Phím tắt lưu văn bản? {=Ctrl+S ~Ctrl+P}\n\nWord là phần mềm? {T}\n"
        for name in ("cau-hoi.txt", "cau-hoi.gift", "cau-hoi"):
            with self.subTest(name):
                result = self.read(name, data.encode())
                self.assertEqual(result.errors, [])
                self.assertEqual([q.type for q in result.questions], ["single", "truefalse"])


class ImportPageRefusalTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.world.district_admin)

    def post(self, name: str, data: bytes, fmt: str = "") -> Any:
        upload = SimpleUploadedFile(name, data)
        return self.client.post(
            reverse("question-import"), {"file": upload, "format": fmt, "bank": "Tin học"}
        )

    def test_files_that_are_no_question_file_are_refused_and_nothing_is_kept(self) -> None:
        before = Question.objects.count()
        waiting = set(job_files_dir().iterdir())
        for name, data, fmt, words in (
            ("cau-hoi.csv", TWO_LINE_CSV, "", "(CSV)"),
            ("cong-van.txt", PROSE, "", "không phải là tệp câu hỏi GIFT"),
            ("cau-hoi.txt", word_document(), "", "không phải là sổ tính Excel"),
            ("cau-hoi.docx", word_document(), "gift", "không phải là tệp văn bản"),
            ("cau-hoi.txt", AIKEN_WITHOUT_OPTIONS, "aiken", "không phải là tệp câu hỏi Aiken"),
        ):
            with self.subTest(name=name, fmt=fmt):
                response = self.post(name, data, fmt)
                self.assertContains(response, words)
                self.assertNotContains(response, "<small>GIFT</small>")
                # Nothing says the file was read as a format it is not.
                self.assertNotContains(response, "Tệp được đọc theo định dạng")
                self.assertNotContains(response, "Lưu các câu hỏi này")
                self.assertNotIn("question_import", self.client.session)
        self.assertEqual(Question.objects.count(), before)
        self.assertEqual(set(job_files_dir().iterdir()), waiting)

    def test_a_gift_file_says_it_was_read_as_gift(self) -> None:
        response = self.post("cau-hoi.txt", "Word là phần mềm? {T}\n".encode())
        self.assertContains(response, "Tệp được đọc theo định dạng GIFT.")
        self.assertContains(response, "Lưu các câu hỏi này")

    def test_a_workbook_s_errors_follow_their_sentence_by_row_and_column(self) -> None:
        workbook = load_workbook(io.BytesIO(formats.template_xlsx()))
        sheet = workbook["Câu hỏi"]
        headers = [cell.value for cell in sheet[1]]
        row = dict.fromkeys(headers, None)
        row[HEADERS["text"]] = "Word là phần mềm?"
        row[HEADERS["type"]] = "đúng/sai"
        row[HEADERS["right"]] = "có lẽ"
        sheet.append([row[header] for header in headers])
        buffer = io.BytesIO()
        workbook.save(buffer)
        letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[headers.index(HEADERS["right"])]

        response = self.post("cau-hoi.xlsx", buffer.getvalue())

        page = response.content.decode()
        self.assertLess(page.index("Tệp có 1 lỗi"), page.index('<table class="problems"'))
        self.assertIn(
            f'<td class="num">2</td><td>{letter} ({HEADERS["right"]})</td>',
            page,
        )
        self.assertNotIn("question_import", self.client.session)

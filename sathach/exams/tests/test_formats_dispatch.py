"""Choosing a format and reading or writing through it (sathach/exams/formats/__init__.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.test import SimpleTestCase
from django.utils import translation

from sathach.exams import formats
from sathach.exams.formats.base import Answer, ParsedQuestion

DATA = Path(__file__).parent / "data"


class DetectFormatTests(SimpleTestCase):
    def test_the_file_name_decides_the_format(self) -> None:
        cases = {
            "ngan-hang.gift": "gift",
            "NGAN-HANG.TXT": "gift",
            "moodle.xml": "moodle-xml",
            "mau.xlsx": "xlsx",
        }
        for name, fmt in cases.items():
            self.assertEqual(formats.detect_format(name, b""), fmt, name)

    def test_aiken_is_never_guessed(self) -> None:
        data = (DATA / "sample-aiken.txt").read_bytes()
        self.assertEqual(formats.detect_format("sample-aiken.txt", data), "gift")

    def test_without_a_known_extension_the_content_decides(self) -> None:
        self.assertEqual(formats.detect_format("tep", formats.write([], "xlsx")), "xlsx")
        self.assertEqual(
            formats.detect_format("tep", b"\xef\xbb\xbf<?xml version='1.0'?>"), "moodle-xml"
        )
        self.assertEqual(formats.detect_format("tep", "  <quiz></quiz>"), "moodle-xml")
        self.assertEqual(formats.detect_format("tep", "Câu hỏi{T}"), "gift")


class ReadWriteTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))
        self.questions = [
            ParsedQuestion(
                type="single",
                text="Phím tắt lưu văn bản?",
                answers=[Answer("Ctrl+S", Decimal(1)), Answer("Ctrl+P", Decimal(0))],
                category="IU03/Soạn thảo",
                tags=["difficulty:easy"],
            )
        ]

    def test_every_writable_format_reads_back_the_same_question(self) -> None:
        for fmt in formats.WRITE_FORMATS:
            result = formats.read(formats.write(self.questions, fmt), fmt)
            self.assertEqual(result.errors, [], fmt)
            question = result.questions[0]
            self.assertEqual(
                (question.text, question.category, question.answers, question.tags),
                (
                    "Phím tắt lưu văn bản?",
                    "IU03/Soạn thảo",
                    self.questions[0].answers,
                    ["difficulty:easy"],
                ),
                fmt,
            )

    def test_gift_is_read_with_or_without_a_byte_order_mark(self) -> None:
        for prefix in (b"", b"\xef\xbb\xbf"):
            result = formats.read(prefix + "::Một::Câu hỏi{T}".encode(), "gift")
            self.assertEqual([(q.title, q.line) for q in result.questions], [("Một", 1)])

    def test_a_gift_file_that_is_not_utf_8_is_one_error_on_line_1(self) -> None:
        result = formats.read("Câu một{T}\n\nCâu hai{F}".encode("utf-16"), "gift")
        self.assertEqual(result.questions, [])
        self.assertEqual([e.line for e in result.errors], [1])
        self.assertIn("UTF-8", result.errors[0].message)

    def test_an_unknown_format_is_a_programming_error(self) -> None:
        with self.assertRaises(ValueError):
            formats.read(b"", "docx")
        with self.assertRaises(ValueError):
            formats.write(self.questions, "aiken")

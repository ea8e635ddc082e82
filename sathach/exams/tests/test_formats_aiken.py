"""The Aiken reader (sathach/exams/formats/aiken.py)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from pathlib import Path

from django.test import SimpleTestCase
from django.utils import translation

from sathach.exams import formats
from sathach.exams.formats.aiken import read_aiken
from sathach.exams.formats.base import Answer

DATA = Path(__file__).parent / "data"


class AikenReadTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_it_reads_single_choice_questions_with_their_lines(self) -> None:
        result = read_aiken((DATA / "sample-aiken.txt").read_text("utf-8"))
        self.assertEqual(result.errors, [])
        self.assertEqual([q.type for q in result.questions], ["single"] * 3)
        self.assertEqual([q.line for q in result.questions], [1, 8, 14])
        first = result.questions[0]
        self.assertEqual(first.text, "Phím tắt nào dùng để lưu văn bản trong Microsoft Word?")
        self.assertEqual(
            first.answers,
            [
                Answer("Ctrl+S", Decimal(1)),
                Answer("Ctrl+P", Decimal(0)),
                Answer("Ctrl+O", Decimal(0)),
                Answer("Ctrl+N", Decimal(0)),
            ],
        )

    def test_it_reads_question_text_over_several_lines_and_options_with_a_dot(self) -> None:
        question = read_aiken((DATA / "sample-aiken.txt").read_text("utf-8")).questions[1]
        self.assertEqual(
            question.text, "Trong Excel, hàm nào dùng để tính tổng\ncác ô từ A1 đến A10?"
        )
        self.assertEqual(question.answers[0], Answer("=SUM(A1:A10)", Decimal(1)))

    def test_it_reads_a_vietnamese_answer_line_and_a_lower_case_letter(self) -> None:
        question = read_aiken((DATA / "sample-aiken.txt").read_text("utf-8")).questions[2]
        self.assertEqual(
            [a.fraction for a in question.answers], [Decimal(0), Decimal(0), Decimal(1)]
        )

    def test_it_reports_every_error_with_its_line(self) -> None:
        result = read_aiken((DATA / "errors-aiken.txt").read_text("utf-8"))
        self.assertEqual(
            [(e.line, e.message) for e in result.errors],
            [
                (1, "The question has no ANSWER line (for example 'ANSWER: B') after its options."),
                (5, "The right answer 'E' is not one of the options A, B, C, D."),
                (12, "The question needs at least two options (A and B); it has 1."),
                (20, "An ANSWER line without a question and options above it."),
            ],
        )
        self.assertEqual([q.line for q in result.questions], [16])

    def test_it_reports_options_without_a_question_and_letters_used_twice(self) -> None:
        result = read_aiken("A) Một\nB) Hai\nANSWER: A\n\nCâu hỏi?\nA) Một\nA) Hai\nANSWER: A\n")
        self.assertEqual(
            [(e.line, e.message) for e in result.errors],
            [
                (1, "Options start here, but there is no question text above."),
                (5, "The option letter A is used twice."),
            ],
        )

    def test_it_reports_an_answer_that_is_not_a_letter(self) -> None:
        result = read_aiken("Câu hỏi?\nA) Một\nB) Hai\nANSWER: Một\n")
        self.assertEqual(
            result.errors[0].message,
            "The ANSWER line should name one letter, like 'ANSWER: B', not 'Một'.",
        )

    def test_it_normalises_every_string_to_nfc(self) -> None:
        text = unicodedata.normalize("NFD", "Câu hỏi tiếng Việt?\nA) Đúng\nB) Sai\nĐÁP ÁN: A\n")
        question = read_aiken(text).questions[0]
        self.assertEqual(question.text, "Câu hỏi tiếng Việt?")
        self.assertEqual(question.answers[0].text, "Đúng")

    def test_a_file_that_is_not_utf_8_is_an_error_on_line_1(self) -> None:
        # A file saved in a legacy code page: its first non-ASCII byte is on line 2.
        data = "Which key?\nA) Câu\nB) Âm\nANSWER: A\n".encode("latin-1")
        result = formats.read(data, "aiken")
        self.assertEqual(result.questions, [])
        self.assertEqual(len(result.errors), 1)
        self.assertEqual(result.errors[0].line, 1)
        self.assertIn("not UTF-8", result.errors[0].message)
        self.assertIn("on line 2", result.errors[0].message)

    def test_it_reads_utf_8_with_a_byte_order_mark(self) -> None:
        data = "\ufeffCâu hỏi?\r\nA) Một\r\nB) Hai\r\nANSWER: B\r\n".encode()
        result = formats.read(data, "aiken")
        self.assertEqual(result.questions[0].text, "Câu hỏi?")
        self.assertEqual(result.questions[0].answers[1].fraction, Decimal(1))

"""The Moodle XML reader and writer (sathach/exams/formats/moodle_xml.py)."""

from __future__ import annotations

import base64
import unicodedata
from decimal import Decimal
from pathlib import Path

from django.test import SimpleTestCase
from django.utils import translation

from sathach.exams.formats.base import (
    Answer,
    Image,
    MatchPair,
    NumericalAnswer,
    ParsedQuestion,
    ParseResult,
)
from sathach.exams.formats.gift import read_gift
from sathach.exams.formats.moodle_xml import read_moodle_xml
from sathach.exams.formats.moodle_xml_write import write_moodle_xml

DATA = Path(__file__).parent / "data"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGO4pSoLAAL5AR37PQ3VAAAAAElFTkSuQmCC"
)


def sample() -> bytes:
    return (DATA / "sample.xml").read_bytes()


def line_of(data: bytes, needle: str) -> int:
    for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def by_title(result: ParseResult) -> dict[str, ParsedQuestion]:
    return {question.title: question for question in result.questions}


def without_places(questions: list[ParsedQuestion]) -> list[ParsedQuestion]:
    for question in questions:
        question.line = None
        question.cell = None
    return questions


def quiz(*questions: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n<quiz>\n" + "\n".join(questions) + "\n</quiz>"
    ).encode()


class MoodleXmlReadTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))
        self.result = read_moodle_xml(sample())
        self.questions = by_title(self.result)

    def test_it_reads_every_supported_type_of_the_sample(self) -> None:
        self.assertEqual(self.result.errors, [])
        self.assertEqual(
            [q.type for q in self.result.questions],
            [
                "single",
                "multiple",
                "truefalse",
                "shortanswer",
                "matching",
                "numerical",
                "essay",
                "description",
            ],
        )

    def test_it_strips_the_course_and_top_prefixes_from_categories(self) -> None:
        self.assertEqual(self.questions["IU01-11 Cổng USB"].category, "IU01/Phần cứng")
        self.assertEqual(self.questions["IU03-11 Phím tắt in đậm"].category, "IU03/Định dạng")

    def test_it_reads_html_text_and_the_embedded_picture(self) -> None:
        question = self.questions["IU01-11 Cổng USB"]
        self.assertEqual(question.text_format, "html")
        self.assertIn('<img src="@@PLUGINFILE@@/cong-usb.png"', question.text)
        self.assertEqual(question.images, [Image("cong-usb.png", PNG)])
        self.assertTrue(question.images[0].content.startswith(b"\x89PNG"))

    def test_it_reads_grade_shuffle_feedback_and_tags(self) -> None:
        question = self.questions["IU01-11 Cổng USB"]
        self.assertEqual(question.default_mark, Decimal(2))
        self.assertFalse(question.shuffle)
        self.assertEqual(
            question.general_feedback, "<p>Cổng USB dùng để kết nối chuột, bàn phím, ổ nhớ.</p>"
        )
        self.assertEqual(
            question.answers[:2],
            [
                Answer("<p>Cổng USB</p>", Decimal(1), "Đúng."),
                Answer("Cổng HDMI", Decimal(0), "HDMI dùng để truyền hình ảnh và âm thanh."),
            ],
        )
        self.assertEqual(question.tags, ["difficulty:easy", "thiết bị ngoại vi"])
        self.assertEqual(question.difficulty, "easy")

    def test_it_reads_percentages_as_fractions(self) -> None:
        question = self.questions["IU01-12 Thiết bị nhập"]
        self.assertEqual(question.text_format, "moodle")
        self.assertEqual(
            [a.fraction for a in question.answers],
            [Decimal("0.3333333")] * 3 + [Decimal(-1)],
        )

    def test_it_reads_which_of_true_and_false_is_right_with_the_feedback(self) -> None:
        question = self.questions["IU01-13 RAM"]
        self.assertEqual(question.text_format, "plain")
        self.assertIs(question.truefalse, False)
        self.assertEqual(
            question.truefalse_feedback,
            ("Chưa đúng, RAM mất dữ liệu khi mất điện.", "Đúng, RAM là bộ nhớ tạm thời."),
        )

    def test_it_reads_short_answers_pairs_and_values(self) -> None:
        self.assertEqual(
            self.questions["IU03-11 Phím tắt in đậm"].answers,
            [Answer("B", Decimal(1), "Đúng, Ctrl+B.")],
        )
        self.assertEqual(
            self.questions["IU03-12 Căn lề"].pairs,
            [
                MatchPair("Ctrl+L", "Căn trái"),
                MatchPair("Ctrl+R", "Căn phải"),
                MatchPair("Ctrl+E", "Căn giữa"),
                MatchPair("", "Căn đều hai bên"),
            ],
        )
        self.assertEqual(
            self.questions["IU03-13 Lề trên"].numerical,
            [NumericalAnswer(Decimal(2), Decimal("0.5"), Decimal(1), "Đúng, từ 2 đến 2,5 cm.")],
        )

    def test_it_reads_essays_and_descriptions_with_their_marks(self) -> None:
        self.assertEqual(self.questions["IU03-14 Tự luận"].default_mark, Decimal(5))
        self.assertEqual(self.questions["IU03-15 Giới thiệu"].default_mark, Decimal(0))

    def test_it_records_the_line_of_each_question_element(self) -> None:
        data = sample()
        question = self.questions["IU01-13 RAM"]
        self.assertEqual(question.line, line_of(data, "<name><text>IU01-13 RAM") - 1)

    def test_it_skips_unsupported_types_with_warnings_at_their_lines(self) -> None:
        data = sample()
        self.assertEqual(
            [(w.line, w.message) for w in self.result.warnings],
            [
                (
                    line_of(data, "IU03-13 Lề trên") - 1,
                    "The question 'IU03-13 Lề trên' gives feedback for any other answer (*); "
                    "the question bank has no such answer, so that feedback was left out.",
                ),
                (
                    line_of(data, 'type="multianswer"'),
                    "The question 'IU03-16 Cloze' is of type 'multianswer' (embedded answers "
                    "(cloze)), which the question bank does not support; it was skipped.",
                ),
                (
                    line_of(data, 'type="ddwtos"'),
                    "The question 'IU03-17 Kéo thả' is of type 'ddwtos' (drag and drop into "
                    "text), which the question bank does not support; it was skipped.",
                ),
            ],
        )


class MoodleXmlErrorTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_it_reports_every_error_with_its_line(self) -> None:
        result = read_moodle_xml((DATA / "errors.xml").read_bytes())
        self.assertEqual(result.questions, [])
        self.assertEqual(
            [(e.line, e.message) for e in result.errors],
            [
                (
                    3,
                    "No option is fully right: a single-choice question needs one option worth 100%.",
                ),
                (10, "The weights of the right options add up to 75%; they must add up to 100%."),
                (18, "The right value 'tám' is not a number."),
                (23, "The picture 'hong.png' is not valid base64 data."),
                (23, "The weight 'abc' is not a number."),
            ],
        )

    def test_it_reports_broken_xml_at_the_parsers_line(self) -> None:
        result = read_moodle_xml(b"<quiz>\n<question type='essay'>\n<name>\n</question>\n</quiz>")
        self.assertEqual(len(result.errors), 1)
        self.assertEqual(result.errors[0].line, 4)
        self.assertIn("not well-formed XML: mismatched tag", result.errors[0].message)

    def test_it_refuses_a_document_type_against_entity_bombs(self) -> None:
        bomb = (
            b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
            b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
            b"<quiz>&lol2;</quiz>"
        )
        result = read_moodle_xml(bomb)
        self.assertEqual(result.questions, [])
        self.assertEqual(result.errors[0].line, 2)
        self.assertIn("<!DOCTYPE", result.errors[0].message)

    def test_it_reports_a_file_that_is_not_a_quiz(self) -> None:
        result = read_moodle_xml(b"<?xml version='1.0'?>\n<html><body/></html>")
        self.assertEqual(result.errors[0].line, 2)
        self.assertIn("<html>", result.errors[0].message)

    def test_it_reports_an_empty_file(self) -> None:
        self.assertEqual(read_moodle_xml(b"").errors[0].line, 1)

    def test_it_reports_a_question_without_text(self) -> None:
        result = read_moodle_xml(
            quiz('<question type="essay"><name><text>A</text></name></question>')
        )
        self.assertEqual(
            [(e.line, e.message) for e in result.errors],
            [(3, "The question has no <questiontext>.")],
        )

    def test_it_reads_answers_of_old_files_without_true_and_false_texts(self) -> None:
        result = read_moodle_xml(
            quiz(
                '<question type="truefalse"><questiontext><text>Câu</text></questiontext>'
                '<answer fraction="0"><text>Đúng</text></answer>'
                '<answer fraction="100"><text>Sai</text></answer></question>'
            )
        )
        self.assertIs(result.questions[0].truefalse, False)

    def test_it_normalises_every_string_to_nfc(self) -> None:
        data = unicodedata.normalize(
            "NFD",
            '<question type="category"><category><text>$course$/top/IU01/Phần cứng</text></category></question>'
            '<question type="shortanswer"><name><text>Tiêu đề</text></name>'
            '<questiontext format="plain_text"><text>Câu hỏi tiếng Việt</text></questiontext>'
            '<answer fraction="100"><text>Đúng</text><feedback><text>Hay lắm</text></feedback></answer>'
            "<tags><tag><text>khó</text></tag></tags></question>",
        )
        question = read_moodle_xml(quiz(data)).questions[0]
        for value in (
            question.title,
            question.text,
            question.category,
            question.tags[0],
            question.answers[0].text,
            question.answers[0].feedback,
        ):
            self.assertEqual(value, unicodedata.normalize("NFC", value))
        self.assertEqual(question.category, "IU01/Phần cứng")


class MoodleXmlWriteTests(SimpleTestCase):
    def test_export_then_import_gives_the_same_questions(self) -> None:
        original = read_moodle_xml(sample()).questions
        again = read_moodle_xml(write_moodle_xml(original))
        self.assertEqual(again.errors, [])
        self.assertEqual(without_places(again.questions), without_places(original))

    def test_gift_questions_go_through_moodle_xml_unchanged(self) -> None:
        original = read_gift((DATA / "sample.gift").read_text("utf-8")).questions
        again = read_moodle_xml(write_moodle_xml(original))
        self.assertEqual(again.errors, [])
        self.assertEqual(without_places(again.questions), without_places(original))

    def test_it_writes_categories_where_moodle_puts_them(self) -> None:
        written = write_moodle_xml(
            [
                ParsedQuestion(type="essay", text="Một", category="IU04/Bảng tính"),
                ParsedQuestion(type="essay", text="Hai", category="IU04/Bảng tính"),
                ParsedQuestion(type="essay", text="Ba", category=""),
            ]
        ).decode()
        self.assertEqual(written.count('type="category"'), 2)
        self.assertIn("<category><text>$course$/top/IU04/Bảng tính</text></category>", written)
        self.assertIn("<category><text>$course$/top</text></category>", written)

    def test_text_that_looks_like_markup_survives_a_round_trip(self) -> None:
        question = ParsedQuestion(
            type="single",
            text="<p>Đóng CDATA: ]]> và & và <b></p>",
            text_format="html",
            title="A & B < C",
            answers=[Answer("x < y", Decimal(1), "]]>"), Answer("Sai", Decimal(0))],
            images=[Image("hình 1.png", PNG)],
            tags=["difficulty:hard", "a&b"],
            default_mark=Decimal("1.5"),
            shuffle=False,
            category="IU05",
        )
        again = read_moodle_xml(write_moodle_xml([question])).questions
        self.assertEqual(without_places(again), [question])

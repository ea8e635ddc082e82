"""The GIFT reader and writer (sathach/exams/formats/gift.py)."""

from __future__ import annotations

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
from sathach.exams.formats.gift_write import write_gift

DATA = Path(__file__).parent / "data"


def sample() -> str:
    return (DATA / "sample.gift").read_text("utf-8")


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the file that holds `needle`."""
    for number, line in enumerate(text.splitlines(), 1):
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


class GiftReadTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))
        self.result = read_gift(sample())
        self.questions = by_title(self.result)

    def test_it_reads_every_question_of_the_sample_without_errors(self) -> None:
        self.assertEqual(self.result.errors, [])
        self.assertEqual(
            [q.type for q in self.result.questions],
            [
                "single",
                "multiple",
                "single",
                "truefalse",
                "truefalse",
                "truefalse",
                "truefalse",
                "shortanswer",
                "matching",
                "numerical",
                "numerical",
                "numerical",
                "essay",
                "description",
                "single",
                "single",
            ],
        )

    def test_it_strips_the_course_and_system_prefixes_from_categories(self) -> None:
        self.assertEqual(self.questions["IU01-01 Bộ xử lý"].category, "IU01/Phần cứng")
        self.assertEqual(self.questions["IU02-01 Sao chép"].category, "IU02/Hệ điều hành")
        self.assertEqual(self.questions["IU03-01 Gõ Telex"].category, "IU03/Định dạng văn bản")
        self.assertEqual(self.questions["IU03-01 Gõ Telex"].module, "IU03")

    def test_it_reads_answers_feedback_and_general_feedback(self) -> None:
        question = self.questions["IU01-01 Bộ xử lý"]
        self.assertEqual(question.text, "Bộ phận nào thực hiện các lệnh của chương trình?")
        self.assertEqual(
            question.answers,
            [
                Answer("Bộ xử lý trung tâm (CPU)", Decimal(1), "Đúng, CPU thực hiện các lệnh."),
                Answer("Bộ nhớ RAM", Decimal(0), "RAM chỉ lưu tạm dữ liệu."),
                Answer("Màn hình", Decimal(0), ""),
            ],
        )
        self.assertEqual(question.general_feedback, "CPU được ví như bộ não của máy tính.")

    def test_it_reads_positive_and_negative_weights_as_fractions(self) -> None:
        question = self.questions["IU01-02 Ổ SSD"]
        self.assertEqual(question.type, "multiple")
        self.assertEqual(
            [a.fraction for a in question.answers],
            [Decimal("0.5"), Decimal("0.5"), Decimal("-0.25"), Decimal("-0.25")],
        )

    def test_it_reads_the_format_tags(self) -> None:
        formats = {title: q.text_format for title, q in self.questions.items()}
        self.assertEqual(formats["IU02-01 Sao chép"], "html")
        self.assertEqual(formats["IU02-02 Thùng rác"], "markdown")
        self.assertEqual(formats["IU02-03 Windows"], "moodle")
        self.assertEqual(formats["IU02-04 Tắt máy"], "plain")
        self.assertEqual(formats["IU01-01 Bộ xử lý"], "plain")
        html = self.questions["IU02-01 Sao chép"]
        self.assertEqual(html.text, "<p>Phím tắt nào dùng để <b>sao chép</b> nội dung?</p>")
        # An answer's own format tag is dropped, its text kept.
        self.assertEqual(html.answers[0].text, "<b>Ctrl+C</b>")

    def test_it_reads_true_and_false_in_all_spellings_with_their_feedback(self) -> None:
        values = {
            title: (q.truefalse, q.truefalse_feedback)
            for title, q in self.questions.items()
            if q.type == "truefalse"
        }
        self.assertEqual(
            values,
            {
                "IU02-02 Thùng rác": (
                    False,
                    (
                        "Chưa đúng, tệp vẫn còn trong Thùng rác.",
                        "Đúng, tệp được chuyển vào Thùng rác.",
                    ),
                ),
                "IU02-03 Windows": (
                    True,
                    ("Chưa đúng.", "Đúng, Windows quản lý phần cứng và chạy các phần mềm khác."),
                ),
                "IU02-04 Tắt máy": (False, ("", "")),
                "IU02-05 Ổ đĩa C": (True, ("", "")),
            },
        )

    def test_it_reads_short_answers_with_weights(self) -> None:
        self.assertEqual(
            self.questions["IU03-01 Gõ Telex"].answers,
            [
                Answer("đ", Decimal(1), "Đúng."),
                Answer("Đ", Decimal("0.5"), "Gần đúng: đó là chữ hoa."),
            ],
        )

    def test_it_reads_matching_pairs(self) -> None:
        self.assertEqual(
            self.questions["IU03-02 Phím tắt định dạng"].pairs,
            [
                MatchPair("Ctrl+B", "In đậm"),
                MatchPair("Ctrl+I", "In nghiêng"),
                MatchPair("Ctrl+U", "Gạch chân"),
            ],
        )

    def test_it_reads_a_value_with_tolerance_a_range_and_several_values(self) -> None:
        self.assertEqual(
            self.questions["IU03-03 Cỡ chữ"].numerical,
            [NumericalAnswer(Decimal("13.5"), Decimal("0.5"))],
        )
        # {#3..3.5} is the middle of the range with half its width as tolerance.
        self.assertEqual(
            self.questions["IU03-04 Lề trái"].numerical,
            [NumericalAnswer(Decimal("3.25"), Decimal("0.25"))],
        )
        self.assertEqual(
            self.questions["IU03-05 Dãn dòng"].numerical,
            [
                NumericalAnswer(
                    Decimal(1), Decimal("0.1"), Decimal(1), "Đúng, tối thiểu dãn dòng đơn."
                ),
                NumericalAnswer(Decimal("1.5"), Decimal("0.5"), Decimal("0.5"), "Gần đúng."),
            ],
        )

    def test_it_reads_essays_and_descriptions(self) -> None:
        essay = self.questions["IU03-06 Tự luận"]
        self.assertEqual(essay.type, "essay")
        self.assertEqual(essay.text, "Trình bày các bước căn lề một văn bản hành chính.")
        description = self.questions["IU03-07 Giới thiệu"]
        self.assertEqual(description.type, "description")
        self.assertEqual(description.default_mark, Decimal(0))

    def test_it_keeps_a_blank_where_missing_word_answers_were(self) -> None:
        question = self.questions["IU03-08 Phông chữ"]
        self.assertEqual(
            question.text, "Văn bản hành chính dùng phông chữ _____ theo bảng mã Unicode."
        )
        self.assertEqual(question.answers[0], Answer("Times New Roman", Decimal(1)))

    def test_it_undoes_every_escape(self) -> None:
        question = self.questions["IU03-09 Câu 9: ký tự đặc biệt"]
        self.assertEqual(
            question.text,
            "Trong Excel, công thức =SUM(A1:A3) tính gì? Các dấu { } ~ # được gõ như chữ."
            "\nDòng thứ hai.",
        )
        self.assertEqual(len(question.answers), 2)

    def test_it_reads_tags_from_the_comment_above_the_question(self) -> None:
        self.assertEqual(self.questions["IU01-01 Bộ xử lý"].tags, ["difficulty:easy", "phần cứng"])
        self.assertEqual(self.questions["IU01-02 Ổ SSD"].difficulty, "hard")
        # Moodle's own [tag:…] comments are read too.
        self.assertEqual(self.questions["IU02-01 Sao chép"].tags, ["phím tắt", "windows"])
        self.assertEqual(self.questions["IU02-02 Thùng rác"].tags, [])

    def test_it_records_the_line_where_each_question_starts(self) -> None:
        text = sample()
        for title in ("IU01-01 Bộ xử lý", "IU02-03 Windows", "IU03-05 Dãn dòng"):
            self.assertEqual(self.questions[title].line, line_of(text, f"::{title}::"))

    def test_it_skips_cloze_questions_with_a_warning(self) -> None:
        self.assertNotIn("IU03-10 Điền từ", self.questions)
        self.assertEqual(len(self.result.warnings), 1)
        warning = self.result.warnings[0]
        self.assertEqual(warning.line, line_of(sample(), "::IU03-10 Điền từ::"))
        self.assertIn("cloze", warning.message)


class GiftErrorTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_it_reports_every_error_with_its_line(self) -> None:
        result = read_gift((DATA / "errors.gift").read_text("utf-8"))
        self.assertEqual(
            [(e.line, e.message) for e in result.errors],
            [
                (
                    3,
                    "Unclosed brace: the answers start with { on line 3 but never end with }. "
                    "Write \\{ for a brace that is part of the text.",
                ),
                (
                    7,
                    "No right answer: mark the right answer with = (or give the right answers "
                    "weights such as ~%50% that add up to 100%).",
                ),
                (9, "The weights of the right options add up to 80%; they must add up to 100%."),
                (13, "Pair 2 ('Ctrl+V Dán') has no ->: write each pair as =left -> right."),
                (
                    15,
                    "'tám' is not a number: write a numerical answer as {#3.5}, {#3.5:0.1} "
                    "(value and tolerance) or {#3..4} (range).",
                ),
                (
                    17,
                    "A closing brace } on line 17 has no opening {. "
                    "Write \\} for a brace that is part of the text.",
                ),
                (19, "The title starts with :: but never ends with ::. Write \\: for a colon."),
                (23, "Option 2 is empty."),
            ],
        )
        # The one good question is still read, and the cloze one is a warning only.
        self.assertEqual([q.title for q in result.questions], ["Câu đúng"])
        self.assertEqual([w.line for w in result.warnings], [21])

    def test_it_names_the_line_of_a_brace_left_open_further_down(self) -> None:
        result = read_gift("::Câu::Phím nào\nđể xóa? {\n=Delete\n~Enter")
        self.assertEqual(result.errors[0].line, 1)
        self.assertIn("on line 2", result.errors[0].message)

    def test_it_reports_weights_out_of_range_and_badly_written(self) -> None:
        result = read_gift("Câu một{~%150%A ~%-50%B}\n\nCâu hai{~%50 A ~%50%B ~C}")
        self.assertEqual(
            [(e.line, e.message) for e in result.errors],
            [
                (1, "The weight 150% of option 1 is outside -100% to 100%."),
                (3, "The weight at the start of '%50 A' should look like %50% or %-25%."),
            ],
        )

    def test_it_reports_text_before_the_first_answer(self) -> None:
        result = read_gift("Thủ đô của Việt Nam?{Hà Nội}")
        self.assertEqual(
            result.errors[0].message,
            "'Hà Nội' stands before the first answer: start every answer with = (right) or "
            "~ (wrong).",
        )

    def test_it_reports_a_question_without_text(self) -> None:
        result = read_gift("::Chỉ có tiêu đề::{=a ~b}")
        self.assertEqual([e.message for e in result.errors], ["The question has no text."])

    def test_it_reports_a_second_answer_block_opened_inside_the_first(self) -> None:
        result = read_gift("Câu hỏi {=a ~b {c}")
        self.assertIn("A second { on line 1", result.errors[0].message)

    def test_it_refuses_an_aiken_file_read_as_gift(self) -> None:
        result = read_gift("Phím tắt lưu văn bản?\nA) Ctrl+S\nB) Ctrl+P\nANSWER: A\n")
        self.assertEqual(result.questions, [])
        self.assertIn("Aiken", result.errors[0].message)


class GiftRuleTests(SimpleTestCase):
    def test_an_answer_marked_with_equals_makes_a_single_choice_question(self) -> None:
        question = read_gift("Câu hỏi{=A ~%50%B ~C}").questions[0]
        self.assertEqual(question.type, "single")
        self.assertEqual(
            [a.fraction for a in question.answers], [Decimal(1), Decimal("0.5"), Decimal(0)]
        )

    def test_weights_without_an_equals_answer_make_a_multiple_answer_question(self) -> None:
        self.assertEqual(read_gift("Câu hỏi{~%100%A ~B}").questions[0].type, "multiple")
        three = read_gift("Câu hỏi{~%33.33333%A ~%33.33333%B ~%33.33333%C ~%-100%D}").questions[0]
        self.assertEqual(three.type, "multiple")
        self.assertEqual(three.answers[0].fraction, Decimal("0.3333333"))

    def test_it_accepts_true_and_false_in_lower_case(self) -> None:
        questions = read_gift("Câu một{true}\n\nCâu hai{f#Sai rồi#Đúng}").questions
        self.assertEqual([q.truefalse for q in questions], [True, False])
        self.assertEqual(questions[1].truefalse_feedback, ("Sai rồi", "Đúng"))

    def test_it_reads_a_question_that_follows_its_category_line_directly(self) -> None:
        questions = read_gift(
            "$CATEGORY: $course$/top/IU05\n// tags: difficulty:easy\nCâu{T}"
        ).questions
        self.assertEqual(questions[0].category, "IU05")
        self.assertEqual(questions[0].tags, ["difficulty:easy"])
        self.assertEqual(questions[0].line, 3)

    def test_it_reads_a_general_feedback_of_an_essay(self) -> None:
        question = read_gift("Viết một đoạn văn.{####Chấm theo thang điểm.}").questions[0]
        self.assertEqual(
            (question.type, question.general_feedback), ("essay", "Chấm theo thang điểm.")
        )

    def test_it_reads_windows_line_ends_and_a_byte_order_mark(self) -> None:
        result = read_gift("\ufeff::Một::Câu{T}\r\n\r\n::Hai::Câu\r\nhai{F}\r\n")
        self.assertEqual([(q.title, q.line) for q in result.questions], [("Một", 1), ("Hai", 3)])
        self.assertEqual(result.questions[1].text, "Câu\nhai")

    def test_it_normalises_every_string_to_nfc(self) -> None:
        decomposed = unicodedata.normalize(
            "NFD",
            "$CATEGORY: IU01/Phần cứng\n\n// tags: khó\n::Tiêu đề::Câu hỏi tiếng Việt{=Đúng rồi#Hay lắm ~Sai}",
        )
        self.assertNotEqual(decomposed, unicodedata.normalize("NFC", decomposed))
        question = read_gift(decomposed).questions[0]
        strings = [
            question.title,
            question.text,
            question.category,
            *question.tags,
            *(a.text for a in question.answers),
            question.answers[0].feedback,
        ]
        for value in strings:
            self.assertEqual(value, unicodedata.normalize("NFC", value))
        self.assertEqual(question.category, "IU01/Phần cứng")
        self.assertEqual(question.answers[0].text, "Đúng rồi")


class GiftWriteTests(SimpleTestCase):
    def test_export_then_import_gives_the_same_questions(self) -> None:
        original = read_gift(sample()).questions
        again = read_gift(write_gift(original))
        self.assertEqual(again.errors, [])
        self.assertEqual(without_places(again.questions), without_places(original))

    def test_text_that_looks_like_syntax_survives_a_round_trip(self) -> None:
        questions = [
            ParsedQuestion(
                type="single",
                text=":: không phải tiêu đề {a} = b ~ c # d \\n C:\\new\nDòng hai",
                title="Tiêu đề: có dấu hai chấm",
                answers=[
                    Answer("%50% giảm giá", Decimal(1), "#1 phản hồi = tốt"),
                    Answer("[html] không phải thẻ", Decimal(0)),
                    Answer("a -> b", Decimal(0)),
                ],
                general_feedback="####",
            ),
            ParsedQuestion(
                type="multiple",
                text="//Không phải chú thích",
                answers=[
                    Answer("%-25% một", Decimal("0.5")),
                    Answer("Hai", Decimal("0.5")),
                    Answer("Ba", Decimal("-1")),
                ],
            ),
            ParsedQuestion(type="description", text="$CATEGORY: không phải danh mục"),
            ParsedQuestion(
                type="shortanswer",
                text="Điền vào chỗ trống: _____",
                answers=[Answer("Hà Nội", Decimal(1)), Answer("Ha Noi", Decimal("0.5"))],
            ),
            ParsedQuestion(
                type="single",
                text="Văn bản _____ có hiệu lực _____ ngày ký.",
                answers=[Answer("này", Decimal(1)), Answer("kia", Decimal(0))],
                category="IU06/Văn bản điện tử",
                tags=["difficulty:medium", "điền khuyết"],
            ),
            ParsedQuestion(
                type="matching",
                text="Ghép",
                pairs=[
                    MatchPair("Ctrl+C", "Sao chép"),
                    MatchPair("Ctrl+V", "[html] Dán"),
                    MatchPair("", "Cắt"),
                ],
                category="",
            ),
            ParsedQuestion(
                type="numerical",
                text="Bao nhiêu?",
                numerical=[
                    NumericalAnswer(Decimal("-0.001"), Decimal("1E-4"), Decimal(1), "Đúng #1")
                ],
            ),
            ParsedQuestion(
                type="truefalse",
                text="Đúng không?",
                truefalse=True,
                truefalse_feedback=("", "Chính xác"),
                general_feedback="Giải thích",
                text_format="html",
            ),
        ]
        again = read_gift(write_gift(questions))
        self.assertEqual(again.errors, [])
        for question in questions:
            question.default_mark = Decimal(0) if question.type == "description" else Decimal(1)
        self.assertEqual(without_places(again.questions), questions)

    def test_it_writes_tags_as_moodles_tokens_and_each_category_once(self) -> None:
        questions = [
            ParsedQuestion(
                type="truefalse",
                text="Một",
                truefalse=True,
                category="IU01",
                tags=["difficulty:easy", "a"],
            ),
            ParsedQuestion(type="truefalse", text="Hai", truefalse=False, category="IU01"),
            ParsedQuestion(type="essay", text="Ba", category="IU02/Tệp"),
        ]
        self.assertEqual(
            write_gift(questions),
            "$CATEGORY: IU01\n\n"
            "// [tag:difficulty:easy] [tag:a]\nMột{TRUE}\n\n"
            "Hai{FALSE}\n\n"
            "$CATEGORY: IU02/Tệp\n\n"
            "Ba{}\n",
        )

    def test_it_writes_image_references_without_their_data(self) -> None:
        question = ParsedQuestion(
            type="essay",
            text='<p><img src="@@PLUGINFILE@@/hinh.png"></p>',
            text_format="html",
            images=[Image("hinh.png", b"\x89PNG")],
        )
        written = write_gift([question])
        self.assertIn("@@PLUGINFILE@@/hinh.png", written)
        self.assertEqual(read_gift(written).questions[0].images, [])

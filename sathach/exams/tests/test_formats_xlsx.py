"""The Excel template reader and writer (sathach/exams/formats/xlsx.py)."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.test import SimpleTestCase
from django.utils import translation
from openpyxl import Workbook, load_workbook

from sathach.exams.formats.base import (
    Answer,
    MatchPair,
    NumericalAnswer,
    ParsedQuestion,
)
from sathach.exams.formats.gift import read_gift
from sathach.exams.formats.xlsx import read_xlsx
from sathach.exams.formats.xlsx_write import template_xlsx, write_xlsx

DATA = Path(__file__).parent / "data"
HEADER = [
    "Danh mục",
    "Tiêu đề",
    "Loại",
    "Độ khó",
    "Nội dung câu hỏi",
    "Điểm",
    *(f"Phương án {letter}" for letter in "ABCDEFGH"),
    "Đáp án đúng",
    "Phản hồi chung",
    "Thẻ",
    "Định dạng",
    "Trộn phương án",
]


def row(
    type: str = "một đáp án",
    text: str = "Câu hỏi?",
    options: tuple[Any, ...] = (),
    right: Any = "",
    **other: Any,
) -> list[Any]:
    """A row of the template: columns A to F, the options in G to N, then O to S."""
    options = (*options, *[None] * (8 - len(options)))
    return [
        other.get("category", "IU01/Phần cứng"),
        other.get("title", ""),
        type,
        other.get("difficulty", ""),
        text,
        other.get("mark"),
        *options,
        right,
        other.get("feedback", ""),
        other.get("tags", ""),
        other.get("format", ""),
        other.get("shuffle", ""),
    ]


def workbook(rows: list[list[Any]], header: list[str] = HEADER, title: str = "questions") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def essentials(questions: list[ParsedQuestion]) -> list[tuple[Any, ...]]:
    """What the Excel layout keeps of a question (not feedback of answers, nor pictures)."""
    return [
        (
            q.type,
            q.title,
            q.category,
            q.text,
            q.text_format,
            [(a.text, a.fraction) for a in q.answers],
            [(n.value, n.tolerance, n.fraction) for n in q.numerical],
            q.pairs,
            q.truefalse,
            q.general_feedback,
            q.tags,
            q.default_mark,
            q.shuffle,
        )
        for q in questions
    ]


class XlsxTemplateTests(SimpleTestCase):
    def test_the_template_has_the_header_and_vietnamese_instructions(self) -> None:
        book = load_workbook(io.BytesIO(template_xlsx()))
        # Then a sheet per kind of practical task (sathach/practical/formats.py).
        self.assertEqual(
            book.sheetnames,
            ["Câu hỏi", "Hướng dẫn", "Văn bản", "Bảng tính", "Trình chiếu", "Gõ tiếng Việt"],
        )
        header = [cell.value for cell in book["Câu hỏi"][1]]
        self.assertEqual(header, HEADER)
        self.assertEqual(book["Câu hỏi"].max_row, 1)
        instructions = " ".join(
            str(cell.value) for line in book["Hướng dẫn"].iter_rows() for cell in line if cell.value
        )
        self.assertIn("Đáp án đúng", instructions)
        self.assertIn("nhiều đáp án", instructions)

    def test_the_template_s_questions_sheet_reads_as_no_questions_and_no_errors(self) -> None:
        result = read_xlsx(template_xlsx())
        self.assertEqual((result.questions, result.errors, result.warnings), ([], [], []))


class XlsxReadTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_it_reads_every_type_from_vietnamese_labels(self) -> None:
        data = workbook(
            [
                row(
                    "một đáp án",
                    "CPU là gì?",
                    ("Bộ xử lý", "Bộ nhớ"),
                    "A",
                    title="T1",
                    difficulty="dễ",
                    mark=2,
                ),
                row("nhiều đáp án", "Thiết bị nhập?", ("Bàn phím", "Máy in", "Chuột"), "A, C"),
                row("đúng/sai", "RAM là bộ nhớ tạm.", right="Đúng"),
                row("trả lời ngắn", "Telex dd?", ("đ", "Đ")),
                row("ghép đôi", "Ghép", ("Ctrl+C -> Sao chép", "Ctrl+V → Dán")),
                row("số", "Cỡ chữ?", right="13,5±0,5"),
                row("tự luận", "Trình bày."),
                row("mô tả", "Phần sau về mạng.", category="IU01/Mạng"),
            ]
        )
        result = read_xlsx(data)
        self.assertEqual(result.errors, [])
        questions = result.questions
        self.assertEqual(
            [q.type for q in questions],
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
        self.assertEqual([q.cell for q in questions], [f"A{n}" for n in range(2, 10)])
        single = questions[0]
        self.assertEqual(
            (single.title, single.category, single.default_mark), ("T1", "IU01/Phần cứng", 2)
        )
        self.assertEqual(
            single.answers, [Answer("Bộ xử lý", Decimal(1)), Answer("Bộ nhớ", Decimal(0))]
        )
        self.assertEqual(single.tags, ["difficulty:easy"])
        self.assertIs(questions[2].truefalse, True)
        self.assertEqual([a.fraction for a in questions[3].answers], [Decimal(1), Decimal(1)])
        self.assertEqual(
            questions[4].pairs, [MatchPair("Ctrl+C", "Sao chép"), MatchPair("Ctrl+V", "Dán")]
        )
        self.assertEqual(questions[5].numerical, [NumericalAnswer(Decimal("13.5"), Decimal("0.5"))])
        self.assertEqual(questions[7].default_mark, Decimal(0))

    def test_right_letters_of_a_multiple_answer_question_share_the_mark(self) -> None:
        result = read_xlsx(
            workbook(
                [
                    row("nhiều đáp án", options=("A", "B", "C", "D"), right="A;C"),
                    row("nhiều đáp án", options=("A", "B", "C", "D", "E"), right="A B D"),
                ]
            )
        )
        two, three = result.questions
        # Each wrong option takes back an equal share: ticking every option scores nothing.
        self.assertEqual(
            [a.fraction for a in two.answers],
            [Decimal("0.5"), Decimal("-0.5"), Decimal("0.5"), Decimal("-0.5")],
        )
        third, half = Decimal("0.3333333"), Decimal("-0.5")
        self.assertEqual([a.fraction for a in three.answers], [third, third, half, third, half])

    def test_it_reads_weights_written_in_the_right_answer_cell(self) -> None:
        result = read_xlsx(
            workbook([row("multiple", options=("A", "B", "C"), right="A=50%, c = 50 %, B=-100%")])
        )
        self.assertEqual(
            [a.fraction for a in result.questions[0].answers],
            [Decimal("0.5"), Decimal(-1), Decimal("0.5")],
        )

    def test_it_reads_english_labels_and_headers_without_diacritics_in_any_order(self) -> None:
        header = [
            "Noi dung cau hoi",
            "Loai",
            "Dap an dung",
            "Phuong an B",
            "Phuong an A",
            "Do kho",
            "The",
        ]
        data = workbook(
            [
                ["Câu một?", "single", "B", "Đúng", "Sai", "hard", "mạng, an toàn"],
                ["Câu hai?", "truefalse", "FALSE", None, None, "trung bình", None],
                ["Câu ba?", "numerical", 3, None, None, None, None],
            ],
            header=header,
        )
        result = read_xlsx(data)
        self.assertEqual(result.errors, [])
        one, two, three = result.questions
        self.assertEqual(one.answers, [Answer("Đúng", Decimal(1)), Answer("Sai", Decimal(0))])
        self.assertEqual(one.tags, ["difficulty:hard", "mạng", "an toàn"])
        self.assertIs(two.truefalse, False)
        self.assertEqual(three.numerical, [NumericalAnswer(Decimal(3))])

    def test_it_reads_the_common_dap_an_a_to_d_layout(self) -> None:
        header = ["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án C", "Đáp án D", "Đáp án đúng"]
        data = workbook(
            [["Phím tắt in?", "Ctrl+S", "Ctrl+P", "Ctrl+O", "Ctrl+N", "B"]], header=header
        )
        result = read_xlsx(data)
        self.assertEqual((result.errors, result.warnings), ([], []))
        question = result.questions[0]
        self.assertEqual(question.type, "single")
        self.assertEqual([a.fraction for a in question.answers], [0, 1, 0, 0])

    def test_it_reads_several_numerical_values_with_weights_and_ranges(self) -> None:
        result = read_xlsx(workbook([row("số", right="3±0.1; 3 +- 1 (50%); 1..2 (25%)")]))
        self.assertEqual(
            result.questions[0].numerical,
            [
                NumericalAnswer(Decimal(3), Decimal("0.1")),
                NumericalAnswer(Decimal(3), Decimal(1), Decimal("0.5")),
                NumericalAnswer(Decimal("1.5"), Decimal("0.5"), Decimal("0.25")),
            ],
        )

    def test_a_row_without_a_type_is_a_choice_question(self) -> None:
        result = read_xlsx(
            workbook(
                [
                    row("", options=("a", "b", "c"), right="A, B"),
                    row("", options=("a", "b"), right="B"),
                ]
            )
        )
        self.assertEqual([q.type for q in result.questions], ["multiple", "single"])

    def test_it_reports_every_error_with_its_cell(self) -> None:
        data = workbook(
            [
                row("câu đố", options=("a", "b")),
                row(options=("a", "b", "c", "d"), right="E"),
                row(text="", options=("a", "b"), right="A"),
                row(options=("a", "b"), right="A", difficulty="rất khó"),
                row(options=("a", "b"), right="A", mark="hai"),
                row("ghép đôi", options=("Ctrl+C -> Sao chép", "Ctrl+V Dán")),
                row(options=("a", "b", "c"), right="A, C"),
                row("nhiều đáp án", options=("a", "b", "c"), right="A=50%, B=20%"),
                row("số", right="ba"),
                row("đúng/sai", right="Có lẽ"),
                row(options=("a", "b"), right="B"),
                row("cloze", text="{1:SA:=Hà Nội}"),
            ]
        )
        result = read_xlsx(data)
        self.assertEqual(
            [(e.cell, e.message) for e in result.errors],
            [
                (
                    "C2",
                    "Unknown type 'câu đố'. Use one of: một đáp án, nhiều đáp án, đúng/sai, "
                    "trả lời ngắn, ghép đôi, số, tự luận, mô tả.",
                ),
                ("O3", "The right answer 'E' is not one of the options A, B, C, D."),
                ("E4", "The question has no text."),
                ("D5", "Unknown difficulty 'rất khó'. Use dễ, trung bình or khó."),
                ("F6", "The mark 'hai' is not a number of 0 or more."),
                ("H7", "Option B has no ->: write each pair as 'left -> right'."),
                (
                    "O8",
                    "A single-choice question has one right answer, but 'A, C' names 2. "
                    "Use the type 'nhiều đáp án' for several right answers.",
                ),
                ("O9", "The weights of the right options add up to 70%; they must add up to 100%."),
                (
                    "O10",
                    "'ba' is not a right value: write it like 3.5, 3.5±0.1 or 3..4, several "
                    "separated by ';' with a weight like 3.5±1 (50%).",
                ),
                ("O11", "Write Đúng or Sai as the right answer of a true/false question."),
            ],
        )
        self.assertEqual([q.cell for q in result.questions], ["A12"])
        self.assertEqual(
            [(w.cell, w.message) for w in result.warnings],
            [
                (
                    "C13",
                    "Questions of type 'cloze' are not supported by the question bank; "
                    "the row was skipped.",
                )
            ],
        )

    def test_a_file_that_is_not_a_workbook_is_one_error_at_a1(self) -> None:
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("hello.txt", "xin chào")
        for data in (b"", b"not a workbook", "Câu hỏi?{T}".encode(), archive.getvalue()):
            result = read_xlsx(data)
            self.assertEqual(len(result.errors), 1)
            self.assertEqual(result.errors[0].cell, "A1")
            self.assertIn("not an Excel workbook", result.errors[0].message)

    def test_a_sheet_without_the_question_text_column_is_an_error_at_a1(self) -> None:
        result = read_xlsx(workbook([["a", "b"]], header=["Câu", "Trả lời"]))
        self.assertEqual([e.cell for e in result.errors], ["A1"])
        self.assertIn("Nội dung câu hỏi", result.errors[0].message)
        self.assertEqual([w.cell for w in result.warnings], ["A1", "B1"])

    def test_it_warns_about_a_column_it_does_not_know(self) -> None:
        result = read_xlsx(
            workbook(
                [[*row(options=("a", "b"), right="A"), "ghi chú"]], header=[*HEADER, "Ghi chú"]
            )
        )
        self.assertEqual(result.errors, [])
        self.assertEqual([w.cell for w in result.warnings], ["T1"])

    def test_it_reads_the_first_sheet_when_none_is_named_questions(self) -> None:
        result = read_xlsx(workbook([row("đúng/sai", right="S")], title="Sheet1"))
        self.assertIs(result.questions[0].truefalse, False)

    def test_it_normalises_every_string_to_nfc(self) -> None:
        data = workbook(
            [
                row(
                    text=unicodedata.normalize("NFD", "Câu hỏi tiếng Việt"),
                    options=(unicodedata.normalize("NFD", "Đúng"), "Sai"),
                    right="A",
                    category=unicodedata.normalize("NFD", "IU01/Phần cứng"),
                    type=unicodedata.normalize("NFD", "một đáp án"),
                    difficulty=unicodedata.normalize("NFD", "khó"),
                )
            ]
        )
        question = read_xlsx(data).questions[0]
        self.assertEqual(question.text, "Câu hỏi tiếng Việt")
        self.assertEqual(question.category, "IU01/Phần cứng")
        self.assertEqual(question.answers[0].text, "Đúng")
        self.assertEqual(question.tags, ["difficulty:hard"])


class XlsxWriteTests(SimpleTestCase):
    def test_export_then_import_gives_the_same_questions(self) -> None:
        original = read_gift((DATA / "sample.gift").read_text("utf-8")).questions
        again = read_xlsx(write_xlsx(original))
        self.assertEqual(again.errors, [])
        self.assertEqual(essentials(again.questions), essentials(original))

    def test_weights_marks_and_settings_survive_a_round_trip(self) -> None:
        questions = [
            ParsedQuestion(
                type="multiple",
                text="=SUM(2;3) cho kết quả nào? (văn bản, không phải công thức)",
                answers=[
                    Answer("5", Decimal("0.6")),
                    Answer("=5", Decimal("0.4")),
                    Answer("23", Decimal("-0.5")),
                    Answer("Lỗi", Decimal(0)),
                ],
                default_mark=Decimal("1.5"),
                shuffle=False,
                tags=["difficulty:hard", "bảng tính", "công thức"],
                category="IU04/Công thức",
                title="Công thức",
            ),
            ParsedQuestion(
                type="single",
                text="Câu có điểm từng phần\nhai dòng",
                answers=[
                    Answer("Đúng", Decimal(1)),
                    Answer("Gần đúng", Decimal("0.5")),
                    Answer("Sai", Decimal(0)),
                ],
                text_format="html",
            ),
            ParsedQuestion(
                type="shortanswer",
                text="Telex dd?",
                answers=[
                    Answer("đ", Decimal(1)),
                    Answer("d", Decimal(0)),
                    Answer("Đ", Decimal("0.5")),
                ],
            ),
            ParsedQuestion(
                type="numerical",
                text="Bao nhiêu?",
                numerical=[
                    NumericalAnswer(Decimal("-2.5"), Decimal("0.01")),
                    NumericalAnswer(Decimal(3), Decimal(0), Decimal("0.5")),
                ],
            ),
            ParsedQuestion(
                type="single",
                text="Nhiều phương án",
                answers=[
                    Answer(f"Phương án {n}", Decimal(1 if n == 10 else 0)) for n in range(1, 11)
                ],
            ),
        ]
        again = read_xlsx(write_xlsx(questions))
        self.assertEqual(again.errors, [])
        self.assertEqual(essentials(again.questions), essentials(questions))

    def test_it_writes_vietnamese_labels_and_plain_right_letters(self) -> None:
        questions = [
            ParsedQuestion(
                type="multiple",
                text="Chọn hai",
                answers=[
                    Answer("a", Decimal("0.5")),
                    Answer("b", Decimal("-1")),
                    Answer("c", Decimal("0.5")),
                ],
                tags=["difficulty:easy"],
            ),
            ParsedQuestion(type="truefalse", text="Đúng?", truefalse=False),
            ParsedQuestion(
                type="numerical",
                text="Số?",
                numerical=[NumericalAnswer(Decimal("3.5"), Decimal("0.1"))],
            ),
        ]
        sheet = load_workbook(io.BytesIO(write_xlsx(questions)))["Câu hỏi"]
        self.assertEqual(sheet["C2"].value, "nhiều đáp án")
        self.assertEqual(sheet["D2"].value, "dễ")
        self.assertEqual(sheet["O2"].value, "A, C")
        self.assertEqual(sheet["O3"].value, "Sai")
        self.assertEqual(sheet["O4"].value, "3.5±0.1")
        self.assertEqual(read_xlsx(write_xlsx(questions)).errors, [])

"""Practical tasks in the bank's Excel workbook (practical/formats.py): a sheet per kind,
written and read back the same, errors at their sheet, row and cell; the other formats
leave them out."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.test import SimpleTestCase
from openpyxl import Workbook, load_workbook

from sathach.exams import formats
from sathach.exams.formats.base import Answer, ParsedQuestion
from sathach.practical.formats import HEADERS, SHEETS, ParsedTask, SheetIssue, make_task
from sathach.practical.task_text import criteria_text, parse_criteria, parse_starter, starter_text
from sathach.practical.tests.fake_graders import fake_graders


def tasks() -> list[ParsedTask]:
    return [
        make_task(
            kind="document",
            title="Công văn tập huấn",
            text="Định dạng công văn theo Nghị định 30.",
            category="IU03/Soạn thảo",
            difficulty="hard",
            starter={"text": "ỦY BAN NHÂN DÂN XÃ\nV/v tập huấn"},
            starter_required=True,
            criteria=[
                {"key": "margins", "weight": "2", "params": {"left": [30, 35.5]}},
                {"key": "font", "weight": "1.5", "params": {}},
                {"key": "contains_text", "weight": "1", "params": {"phrases": ["Nơi nhận", "V/v"]}},
                {"key": "page_numbers", "weight": "1", "params": {"from_second": False}},
                {"key": "spacing", "weight": "1", "params": {"between_min": 6, "exact": 15}},
            ],
        ),
        make_task(
            kind="spreadsheet",
            text="Tính tổng; định dạng số.",
            category="IU04/Công thức",
            starter={"sheet": "Dân số", "rows": [["Thôn", "Nam", "Mã"], ["Ấp 1", 120.5, "0123"]]},
            criteria=[
                {
                    "key": "formula",
                    "weight": "2",
                    "params": {"cells": "D2:D3", "functions": ["SUM"], "expected": "=SUM(B2;C2)"},
                }
            ],
        ),
        make_task(
            kind="presentation",
            text="Làm ba trang chiếu.",
            category="IU05/Trình chiếu",
            difficulty="easy",
            starter={"slides": [{"title": "Giới thiệu", "lines": ["Vị trí", "Dân số"]}]},
            criteria=[{"key": "slide_count", "weight": "1", "params": {"min": 3, "max": 5}}],
        ),
        make_task(
            kind="typing",
            text="Gõ đoạn văn.",
            category="IU01/Gõ tiếng Việt",
            starter={"passage": "Ủy ban nhân dân xã tổ chức tập huấn."},
            criteria=[{"key": "accuracy", "weight": "3", "params": {"full": 95}}],
        ),
    ]


def shape(question: ParsedQuestion) -> tuple[Any, ...]:
    return (
        question.type,
        question.title,
        question.text,
        question.category,
        question.difficulty,
        getattr(question, "data", None),
    )


def workbook(rows: list[list[Any]], sheet: str = "Văn bản") -> bytes:
    book = Workbook()
    page = book.active
    assert page is not None
    page.title = sheet
    page.append(list(HEADERS.values()))
    for row in rows:
        page.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


class TaskTextTests(SimpleTestCase):
    def test_criteria_written_as_lines_read_back_the_same(self) -> None:
        with fake_graders():
            criteria = tasks()[0].data["criteria"]
            text = criteria_text("document", criteria)
            self.assertIn("Lề trang | 2 | left=30-35,5", text)
            self.assertIn("Nội dung bắt buộc | 1 | phrases=Nơi nhận, V/v", text)
            self.assertEqual(parse_criteria("document", text), (criteria, []))

    def test_every_starter_written_as_text_reads_back_the_same(self) -> None:
        for task in tasks():
            kind, starter = str(task.type), task.data["starter"]
            self.assertEqual(parse_starter(kind, starter_text(kind, starter)), (starter, []))

    def test_a_wrong_criteria_line_says_which_line_and_why(self) -> None:
        with fake_graders():
            _criteria, problems = parse_criteria("document", "font | 1\nmargins | 2 | left=40-30")
        self.assertEqual(len(problems), 1)
        self.assertIn("2", problems[0])
        self.assertIn("left", problems[0])


class WorkbookTests(SimpleTestCase):
    def test_the_tasks_written_to_excel_read_back_the_same_with_openpyxl_and_the_reader(
        self,
    ) -> None:
        objective = ParsedQuestion(
            type="single",
            text="Phím nào in văn bản?",
            category="IU03/Phím tắt",
            answers=[Answer("Ctrl+P", Decimal(1)), Answer("Ctrl+S", Decimal(0))],
        )
        with fake_graders():
            content = formats.write([objective, *tasks()], "xlsx")
            book = load_workbook(io.BytesIO(content))
            self.assertEqual(book.sheetnames, ["Câu hỏi", "Hướng dẫn", *SHEETS.values()])
            sheet = book["Văn bản"]
            self.assertEqual([c.value for c in sheet[1]], list(HEADERS.values()))
            self.assertEqual(sheet["A2"].value, "IU03/Soạn thảo")
            self.assertEqual(sheet["B2"].value, "khó")
            self.assertEqual(sheet["F2"].value, "Có")
            self.assertTrue(str(sheet["G2"].value).startswith("Lề trang | 2 | left=30-35,5\n"))
            self.assertEqual(
                book["Bảng tính"]["E2"].value,
                "Trang tính: Dân số\nThôn | Nam | Mã\nẤp 1 | 120,5 | 0123",
            )
            result = formats.read(content, "xlsx")
        self.assertEqual(result.errors, [])
        self.assertEqual(result.questions[0].text, objective.text)
        self.assertEqual([shape(q) for q in result.questions[1:]], [shape(t) for t in tasks()])

    def test_a_wrong_criteria_cell_is_an_error_at_its_sheet_row_and_column(self) -> None:
        good = ["IU03/Soạn thảo", "", "Đúng", "Đề bài một", "", "", "font | 1"]
        wrong = ["IU03/Soạn thảo", "", "Sai", "Đề bài hai", "", "", "margins | abc"]
        with fake_graders():
            result = formats.read(workbook([good, wrong]), "xlsx")
        self.assertEqual(len(result.errors), 1)
        error = result.errors[0]
        assert isinstance(error, SheetIssue)
        self.assertEqual((error.sheet, error.cell, error.column), ("Văn bản", "G3", "Tiêu chí"))

    def test_the_graders_refusal_of_a_parameter_is_an_error_at_the_criteria_cell(self) -> None:
        row = ["IU03/Soạn thảo", "", "", "Đề bài", "", "", "margins | 1 | left=2-5"]
        with fake_graders():
            result = formats.read(workbook([row]), "xlsx")
        self.assertEqual([e.cell for e in result.errors], ["G2"])
        self.assertIn("Lề trái phải từ 10 đến 60 mm.", result.errors[0].message)

    def test_a_task_without_a_module_in_its_category_is_refused(self) -> None:
        row = ["Soạn thảo", "", "", "Đề bài", "", "", "font | 1"]
        with fake_graders():
            result = formats.read(workbook([row]), "xlsx")
        self.assertEqual([e.cell for e in result.errors], ["A2"])

    def test_an_error_of_the_questions_sheet_names_that_sheet_too(self) -> None:
        book = load_workbook(io.BytesIO(workbook([["IU03/A", "", "", "Đề", "", "", "font | 1"]])))
        questions = book.create_sheet("Câu hỏi", 0)
        questions.append(["Danh mục", "Loại", "Nội dung câu hỏi"])
        questions.append(["IU03/A", "loại lạ", "Câu hỏi?"])
        output = io.BytesIO()
        book.save(output)
        with fake_graders():
            result = formats.read(output.getvalue(), "xlsx")
        self.assertEqual(
            [(getattr(e, "sheet", ""), e.cell) for e in result.errors], [("Câu hỏi", "B2")]
        )

    def test_gift_and_moodle_xml_leave_the_tasks_out(self) -> None:
        objective = ParsedQuestion(type="truefalse", text="A1 là ô?", truefalse=True)
        with fake_graders():
            for fmt in ("gift", "moodle-xml"):
                content = formats.write([objective, *tasks()], fmt)
                self.assertEqual(
                    [q.text for q in formats.read(content, fmt).questions], ["A1 là ô?"], fmt
                )

    def test_the_template_has_a_sheet_per_kind_whose_example_imports_once_changed(self) -> None:
        with fake_graders():
            content = formats.template_xlsx()
            book = load_workbook(io.BytesIO(content))
            for name in SHEETS.values():
                self.assertEqual(book[name].max_row, 2, name)
            instructions = " ".join(
                str(c.value) for row in book["Hướng dẫn"].iter_rows() for c in row if c.value
            )
            self.assertIn("Bắt buộc dùng tệp mẫu", instructions)
            self.assertIn("contains-text: Nội dung bắt buộc", instructions)
            # Left as they are, the examples are not imported: the template holds nothing.
            self.assertTrue(formats.read(content, "xlsx").refused)
            book["Trình chiếu"]["C2"] = "Giới thiệu xã An Thạnh 1"
            output = io.BytesIO()
            book.save(output)
            result = formats.read(output.getvalue(), "xlsx")
        self.assertEqual(result.errors, [])
        self.assertEqual(
            [(q.type, q.title) for q in result.questions],
            [("presentation", "Giới thiệu xã An Thạnh 1")],
        )

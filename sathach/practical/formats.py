"""Practical tasks in the question bank's Excel workbook: one sheet per kind ("Văn bản",
"Bảng tính", "Trình chiếu", "Gõ tiếng Việt"), one task per row, beside the objective
questions' sheet "Câu hỏi". docs/QUESTIONS.md ("Bài thực hành") describes the columns; the
criteria and starter cells are written as in the editor (task_text.py).

The sheet names, headers and instructions are Vietnamese outside gettext on purpose: they
are the file format, the same whatever the language of whoever exports or imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from sathach.core.spreadsheets import SpreadsheetRefused, not_a_workbook, open_workbook, sheet_rows
from sathach.core.text import fold, nfc, nfc_text
from sathach.exams.formats.base import Issue, ParsedQuestion, ParseResult, QuestionType
from sathach.exams.formats.common import difficulty_tag, split_difficulty
from sathach.exams.formats.xlsx_layout import DIFFICULTY_ALIASES, DIFFICULTY_LABELS, SHEET, SHEET_EN
from sathach.practical import kinds
from sathach.practical.task_text import (
    NO,
    YES,
    criteria_text,
    key_text,
    parse_criteria,
    parse_starter,
    starter_text,
)

SHEETS = {
    "document": "Văn bản",
    "spreadsheet": "Bảng tính",
    "presentation": "Trình chiếu",
    "typing": "Gõ tiếng Việt",
}
HEADERS = {
    "category": "Danh mục",
    "difficulty": "Độ khó",
    "title": "Tiêu đề",
    "text": "Đề bài",
    "starter": "Tệp mẫu",
    "required": "Bắt buộc dùng tệp mẫu",
    "criteria": "Tiêu chí",
}
# Each kind's module, the first segment of its example category.
MODULE_OF = {"document": "IU03", "spreadsheet": "IU04", "presentation": "IU05", "typing": "IU01"}
EXAMPLES: dict[str, dict[str, Any]] = {
    "document": {
        "title": "Ví dụ: soạn công văn",
        "text": "Định dạng công văn theo Nghị định 30/2020/NĐ-CP.",
        "starter": {"text": "ỦY BAN NHÂN DÂN XÃ AN THẠNH 1\nV/v tổ chức tập huấn"},
        "required": True,
        "criteria": [
            {"key": "margins", "weight": "2", "params": {"left": [30, 35]}},
            {"key": "font", "weight": "1", "params": {}},
        ],
    },
    "spreadsheet": {
        "title": "Ví dụ: tính tổng",
        "text": "Tính tổng số người của từng thôn.",
        "starter": {
            "sheet": "Dân số",
            "rows": [["Thôn", "Nam", "Nữ", "Tổng"], ["Ấp 1", 120, 130, ""]],
        },
        "required": True,
        "criteria": [
            {"key": "formula", "weight": "2", "params": {"cells": "D2:D2", "functions": ["SUM"]}},
            {"key": "data_kept", "weight": "1", "params": {}},
        ],
    },
    "presentation": {
        "title": "Ví dụ: giới thiệu xã",
        "text": "Làm bài trình chiếu ba trang giới thiệu xã.",
        "starter": {"slides": [{"title": "Giới thiệu xã", "lines": ["Vị trí", "Dân số"]}]},
        "required": False,
        "criteria": [{"key": "picture", "weight": "1", "params": {}}],
    },
    "typing": {
        "title": "Ví dụ: gõ đoạn văn",
        "text": "Gõ lại đoạn văn sau bằng tiếng Việt có dấu.",
        "starter": {"passage": "Ủy ban nhân dân xã tổ chức tập huấn kỹ năng số."},
        "required": False,
        "criteria": [
            {"key": "accuracy", "weight": "2", "params": {}},
            {"key": "speed", "weight": "1", "params": {"full": 20}},
        ],
    },
}
INSTRUCTIONS = [
    ("Bài thực hành", "Mỗi loại một trang tính, mỗi bài một dòng từ dòng 2.", ""),
    ("Danh mục", "Mô đun và chủ đề, cách nhau bởi dấu / (bắt buộc).", "IU03/Soạn thảo văn bản"),
    ("Độ khó", "dễ, trung bình hoặc khó (để trống: trung bình).", "khó"),
    ("Tiêu đề", "Tên ngắn của bài (không bắt buộc).", "Soạn công văn"),
    ("Đề bài", "Đề bài người thi đọc (bắt buộc).", "Định dạng công văn..."),
    (
        "Tệp mẫu",
        "Văn bản: mỗi dòng một đoạn. Bảng tính: mỗi dòng một hàng, các ô cách nhau bởi | "
        "(hoặc Tab), hàng đầu là tiêu đề cột, dòng đầu có thể là 'Trang tính: tên trang'. "
        "Trình chiếu: các trang cách nhau bởi một dòng trống, dòng đầu của mỗi trang là tiêu "
        "đề. Gõ tiếng Việt: đoạn văn cần gõ (bắt buộc). Để trống: làm từ tệp trống.",
        "Thôn | Nam | Nữ",
    ),
    ("Bắt buộc dùng tệp mẫu", "Có: bài nộp không làm từ tệp mẫu tải về bị đánh dấu.", "Có"),
    (
        "Tiêu chí",
        "Mỗi dòng một tiêu chí: mã | trọng số | tham số=giá trị; tham số=giá trị. Khoảng "
        "ghi 30-35, danh sách cách nhau bởi dấu phẩy, có/không. Tham số bỏ trống lấy giá "
        "trị mặc định.",
        "margins | 2 | left=30-35",
    ),
    ("", "Dòng ví dụ để nguyên không được nhập: sửa nó hoặc viết bài mới ở các dòng dưới.", ""),
]


@dataclass
class ParsedTask(ParsedQuestion):
    """A practical task in the formats' terms: a question whose `data` is the task's
    criteria and starter (docs/PRACTICAL.md) instead of answers."""

    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class SheetIssue(Issue):
    """An issue in a workbook of several sheets: the sheet it is on."""

    sheet: str = ""

    def as_json(self) -> dict[str, object]:
        return {"sheet": self.sheet, **super().as_json()}


def make_task(
    *,
    kind: str,
    text: str,
    category: str,
    title: str = "",
    difficulty: str = "medium",
    starter: dict[str, Any] | None = None,
    starter_required: bool = False,
    criteria: list[dict[str, Any]] | None = None,
) -> ParsedTask:
    data: dict[str, Any] = {
        "criteria": criteria or [],
        "starter": starter or {},
        "starter_required": bool(starter_required) and kind in kinds.FILE_KINDS,
    }
    return ParsedTask(
        type=cast(QuestionType, kind),
        text=nfc_text(text).replace("\r\n", "\n").strip(),
        title=nfc(title).strip(),
        category=nfc(category).strip().strip("/"),
        tags=[difficulty_tag(difficulty)],
        data=data,
    )


def task_problems(kind: str, data: dict[str, Any]) -> list[str]:
    """What the kind's grader finds wrong with the task's criteria."""
    return kinds.validate(kind, data)


def is_task(question: ParsedQuestion) -> bool:
    return isinstance(question, ParsedTask)


# Reading.


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc_text(str(value)).strip()


def read_workbook(data: bytes, read_questions: Callable[[bytes], ParseResult]) -> ParseResult:
    """The objective questions (`read_questions`, of the sheet "Câu hỏi") and the practical
    tasks of a workbook. Without a practical sheet it is `read_questions` alone; with one,
    every issue names its sheet."""
    try:
        workbook = open_workbook(data)
    except SpreadsheetRefused:
        return read_questions(data)
    result = ParseResult()
    try:
        names = {fold(name): name for name in workbook.sheetnames}
        found = [(k, names[fold(s)]) for k, s in SHEETS.items() if fold(s) in names]
        if not found:
            return read_questions(data)
        questions_sheet = names.get(fold(SHEET)) or names.get(SHEET_EN)
        for kind, name in found:
            _read_sheet(kind, name, list(sheet_rows(workbook[name])), result)
    except SpreadsheetRefused as error:
        return ParseResult(errors=[Issue(error.message, cell="A1")], refused=True)
    # A damaged file fails while its rows stream: one refusal, as for the questions' sheet.
    except Exception:
        return ParseResult(errors=[Issue(not_a_workbook().message, cell="A1")], refused=True)
    finally:
        workbook.close()
    if questions_sheet:
        objective = read_questions(data)
        # Practical sheets holding nothing (the template's): the questions' file alone.
        if objective.refused or not (result.questions or result.errors or result.warnings):
            return objective
        result.questions = objective.questions + result.questions
        result.errors = _on_sheet(objective.errors, questions_sheet) + result.errors
        result.warnings = _on_sheet(objective.warnings, questions_sheet) + result.warnings
    return result


def _on_sheet(issues: list[Issue], sheet: str) -> list[Issue]:
    return [SheetIssue(i.message, i.line, i.cell, i.column, sheet=sheet) for i in issues]


def _read_sheet(kind: str, sheet: str, rows: list[tuple[Any, ...]], result: ParseResult) -> None:
    header = rows[0] if rows else ()
    columns: dict[str, int] = {}
    titles: dict[int, str] = {}
    for index, value in enumerate(header):
        title = _text(value)
        titles[index] = title
        key = next((k for k, h in HEADERS.items() if fold(h) == fold(title)), None)
        if key and key not in columns:
            columns[key] = index
        elif title:
            result.warnings.append(
                _issue(
                    sheet,
                    index,
                    1,
                    title,
                    _("The column '%(header)s' is not part of the template and was ignored.")
                    % {"header": title},
                )
            )
    for key in ("text", "criteria"):
        if key not in columns:
            result.errors.append(
                _issue(
                    sheet,
                    0,
                    1,
                    "",
                    _("The header row has no column '%(header)s'.") % {"header": HEADERS[key]},
                )
            )
    if "text" not in columns or "criteria" not in columns:
        return
    # The template's example row, left as it is, is no task of the author's.
    example = dict(zip(HEADERS, (_text(value) for value in _row(example_task(kind))), strict=True))
    for number, values in enumerate(rows[1:], 2):
        cells = {key: _text(values[i]) if i < len(values) else "" for key, i in columns.items()}
        if any(cells.values()) and any(cells[key] != example[key] for key in cells):
            _read_row(kind, sheet, number, cells, columns, titles, result)


def _issue(sheet: str, index: int, row: int, title: str, message: str) -> SheetIssue:
    return SheetIssue(
        message, cell=f"{get_column_letter(index + 1)}{row}", column=title, sheet=sheet
    )


def _read_row(
    kind: str,
    sheet: str,
    number: int,
    cells: dict[str, str],
    columns: dict[str, int],
    titles: dict[int, str],
    result: ParseResult,
) -> None:
    errors: list[SheetIssue] = []

    def error(key: str, message: str) -> None:
        index = columns.get(key, 0)
        errors.append(_issue(sheet, index, number, titles.get(index, ""), message))

    category = cells.get("category", "")
    probe = ParsedQuestion(type="single", text="", category=category)
    if not category or probe.module is None:
        error("category", _("Write the category as a module and a topic: IU03/Soạn thảo."))
    difficulty = DIFFICULTY_ALIASES.get(" ".join(fold(cells.get("difficulty", "")).split()))
    if cells.get("difficulty") and difficulty is None:
        error(
            "difficulty",
            _("Unknown difficulty '%(value)s'. Use dễ, trung bình or khó.")
            % {"value": cells["difficulty"]},
        )
    if not cells["text"]:
        error("text", _("The task has no statement."))
    starter, problems = parse_starter(kind, cells.get("starter", ""))
    for problem in problems:
        error("starter", problem)
    required = fold(cells.get("required", ""))
    if required and required not in YES | NO:
        error("required", _("Write Có or Không."))
    criteria, problems = parse_criteria(kind, cells["criteria"])
    for problem in problems:
        error("criteria", problem)
    task = make_task(
        kind=kind,
        text=cells["text"],
        title=cells.get("title", ""),
        category=category,
        difficulty=difficulty or "medium",
        starter=starter,
        starter_required=required in YES,
        criteria=criteria,
    )
    task.cell = f"A{number}"
    if not errors:
        for problem in task_problems(kind, task.data):
            error("criteria", problem)
    if errors:
        result.errors += errors
    else:
        result.questions.append(task)


# Writing.


def _header(sheet: Any) -> None:
    fill = PatternFill("solid", fgColor="E2EFDA")
    for column, title in enumerate(HEADERS.values(), 1):
        cell = sheet.cell(row=1, column=column, value=title)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFG", (24, 12, 24, 50, 40, 14, 45), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _row(task: ParsedQuestion) -> list[Any]:
    data = getattr(task, "data", {}) or {}
    kind = str(task.type)
    difficulty, _others = split_difficulty(task.tags)
    return [
        task.category,
        DIFFICULTY_LABELS.get(difficulty or "", ""),
        task.title,
        task.text,
        starter_text(kind, data.get("starter") or {}),
        ("Có" if data.get("starter_required") else "Không") if kind in kinds.FILE_KINDS else "",
        criteria_text(kind, data.get("criteria") or []),
    ]


def _put(sheet: Any, row: int, values: list[Any]) -> None:
    for column, value in enumerate(values, 1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"


def example_task(kind: str) -> ParsedTask:
    example = EXAMPLES[kind]
    return make_task(
        kind=kind,
        text=example["text"],
        title=example["title"],
        category=f"{MODULE_OF[kind]}/Bài thực hành",
        starter=example["starter"],
        starter_required=example["required"],
        criteria=[c for c in example["criteria"] if c["key"] in kinds.criteria(kind)],
    )


def write_task_sheets(workbook: Workbook, tasks: list[ParsedQuestion], *, examples: bool) -> None:
    """A sheet per kind with its tasks (each kind with an example row for the template),
    and the instructions added to the sheet "Hướng dẫn" when there is one."""
    for kind, name in SHEETS.items():
        of_kind = [task for task in tasks if task.type == kind]
        if examples:
            of_kind = [example_task(kind)]
        if not of_kind:
            continue
        sheet = workbook.create_sheet(name)
        _header(sheet)
        for row, task in enumerate(of_kind, 2):
            _put(sheet, row, _row(task))
    if examples and "Hướng dẫn" in workbook.sheetnames:
        _instructions(workbook["Hướng dẫn"])


def _instructions(sheet: Any) -> None:
    row = sheet.max_row + 2
    lines: list[tuple[str, str, str]] = list(INSTRUCTIONS)
    for kind, name in SHEETS.items():
        # "key: label", a key never standing alone as if it were a word of the sentence.
        keys = "; ".join(
            f"{key_text(key)}: {criterion.label}" for key, criterion in kinds.criteria(kind).items()
        )
        lines.append((f"Tiêu chí: {name}", keys, ""))
    for offset, values in enumerate(lines):
        for column, value in enumerate(values, 1):
            cell = sheet.cell(row=row + offset, column=column, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if offset == 0:
                cell.font = Font(bold=True)

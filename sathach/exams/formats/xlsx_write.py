"""Writing the question bank's Excel template (the reader and the layout's rules are
`exams/formats/xlsx.py` and `xlsx_layout.py`): an export of the bank, and the empty template
with its instructions and drop-down lists."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sathach.exams.formats.base import (
    ParsedQuestion,
)
from sathach.exams.formats.common import (
    ONE,
    ZERO,
    decimal_text,
    percent_text,
    split_difficulty,
)
from sathach.exams.formats.xlsx_layout import (
    AFTER_OPTIONS,
    BEFORE_OPTIONS,
    DIFFICULTY_LABELS,
    HEADERS,
    INSTRUCTIONS_SHEET,
    MIN_OPTIONS,
    OPTION_LETTERS,
    SHEET,
    TYPE_LABELS,
    default_weights,
    write_instructions,
)


def _right_cell(question: ParsedQuestion) -> str:
    letters = OPTION_LETTERS
    kind = question.type
    if kind == "truefalse":
        return "Đúng" if question.truefalse else "Sai"
    if kind == "numerical":
        items = []
        for value in question.numerical:
            item = decimal_text(value.value)
            if value.tolerance:
                item += "±" + decimal_text(value.tolerance)
            if value.fraction != ONE:
                item += f" ({percent_text(value.fraction)}%)"
            items.append(item)
        return "; ".join(items)
    answers = question.answers
    explicit = ", ".join(
        f"{letters[i]}={percent_text(a.fraction)}%" for i, a in enumerate(answers) if a.fraction
    )
    if kind == "shortanswer":
        return "" if all(a.fraction == ONE for a in answers) else explicit
    right = [i for i, a in enumerate(answers) if a.fraction > 0]
    plain = ", ".join(letters[i] for i in right)
    if kind == "single":
        simple = len(right) == 1 and all(a.fraction in (ZERO, ONE) for a in answers)
        return plain if simple else explicit
    if kind == "multiple":
        texts = [(letters[i], a.text) for i, a in enumerate(answers)]
        chosen: dict[str, Decimal | None] = {letters[i]: None for i in right}
        defaults = [fraction for _text, fraction in default_weights(texts, chosen)]
        return plain if defaults == [a.fraction for a in answers] else explicit
    return ""


def _cell_value(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        # A question such as "=SUM(2;3) gives?" is text, not a formula.
        cell.data_type = "s"


def _header(sheet: Worksheet, options: int) -> list[str]:
    keys = [
        *BEFORE_OPTIONS,
        *(f"option {OPTION_LETTERS[i]}" for i in range(options)),
        *AFTER_OPTIONS,
    ]
    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, key in enumerate(keys, 1):
        header = HEADERS.get(key) or f"Phương án {key[-1]}"
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        width = {"text": 60, "category": 24, "title": 24, "feedback": 40}.get(key, 16)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    types = DataValidation(
        type="list", formula1='"' + ",".join(TYPE_LABELS.values()) + '"', showErrorMessage=False
    )
    levels = DataValidation(
        type="list",
        formula1='"' + ",".join(DIFFICULTY_LABELS.values()) + '"',
        showErrorMessage=False,
    )
    sheet.add_data_validation(types)
    sheet.add_data_validation(levels)
    for validation, key in ((types, "type"), (levels, "difficulty")):
        letter = get_column_letter(keys.index(key) + 1)
        validation.add(f"{letter}2:{letter}5000")
    return keys


def _row_values(question: ParsedQuestion, options: int) -> list[Any]:
    difficulty, tags = split_difficulty(question.tags)
    mark: Any = question.default_mark
    mark = int(mark) if mark == mark.to_integral_value() else float(mark)
    if question.type == "matching":
        sides = [f"{p.prompt} -> {p.answer}" for p in question.pairs]
    elif question.type in ("single", "multiple", "shortanswer"):
        sides = [a.text for a in question.answers]
    else:
        sides = []
    return [
        question.category,
        question.title,
        TYPE_LABELS[question.type],
        DIFFICULTY_LABELS[difficulty] if difficulty else "",
        question.text,
        mark,
        *(sides + [""] * options)[:options],
        _right_cell(question),
        question.general_feedback,
        ", ".join(tags),
        "" if question.text_format == "plain" else question.text_format,
        "" if question.shuffle else "Không",
    ]


def _workbook(questions: list[ParsedQuestion], *, examples: bool = False) -> bytes:
    # The practical tasks go to their own sheets (sathach.practical.formats).
    from sathach.practical.formats import is_task, write_task_sheets

    tasks = [question for question in questions if is_task(question)]
    questions = [question for question in questions if not is_task(question)]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    # One column per option, at least A to H; a letter names each, so Z is the last.
    options = max([MIN_OPTIONS, *(len(q.answers) + len(q.pairs) for q in questions)])
    options = min(options, len(OPTION_LETTERS))
    keys = _header(sheet, options)
    text_column = keys.index("text") + 1
    for row, question in enumerate(questions, 2):
        for column, value in enumerate(_row_values(question, options), 1):
            _put(sheet, row, column, _cell_value(value) if isinstance(value, str) else value)
        sheet.cell(row=row, column=text_column).alignment = Alignment(wrap_text=True)
    write_instructions(workbook.create_sheet(INSTRUCTIONS_SHEET))
    write_task_sheets(workbook, tasks, examples=examples)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(questions: list[ParsedQuestion]) -> bytes:
    """A workbook of the questions in the template's layout, one row each. Pictures and the
    feedback of single answers do not fit the layout and are left out."""
    return _workbook(questions)


def template_xlsx() -> bytes:
    """The template: the questions' header row, a sheet per kind of practical task with an
    example row, and the instructions sheet."""
    return _workbook([], examples=True)

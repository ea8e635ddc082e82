"""The Excel template: one question per row of the sheet "Câu hỏi" ("questions", its name
before, is read too), Vietnamese headers in row 1, an instructions sheet "Hướng dẫn".
docs/QUESTIONS.md describes the columns.

Columns are found by their header, not their place, and headers are compared without
case or diacritics ("Noi dung cau hoi" works), so people may reorder, drop optional columns
or type without Vietnamese keys. Every error names its cell ("O7"). The layout itself
(headers, labels, instructions) is in xlsx_layout.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from sathach.core.spreadsheets import (
    SpreadsheetRefused,
    not_a_workbook,
    open_workbook,
    sheet_rows,
)
from sathach.core.text import fold
from sathach.exams.formats.base import (
    Answer,
    Issue,
    MatchPair,
    NumericalAnswer,
    ParsedQuestion,
    ParseResult,
    QuestionType,
)
from sathach.exams.formats.common import (
    HUNDRED,
    ONE,
    ZERO,
    check_question,
    difficulty_tag,
    normalize_question,
    parse_decimal,
)
from sathach.exams.formats.xlsx_layout import (
    DIFFICULTY_ALIASES,
    FALSE_WORDS,
    FORMAT_WORDS,
    HEADER_ALIASES,
    HEADERS,
    INSTRUCTIONS_SHEET,
    NO_WORDS,
    OPTION_HEADER,
    SHEET,
    SHEET_EN,
    TRUE_WORDS,
    TYPE_ALIASES,
    TYPE_LABELS,
    UNSUPPORTED_TYPES,
    YES_WORDS,
    default_weights,
)

_ARROW = re.compile(r"\s*(?:->|→|=>)\s*")
_WEIGHTED = re.compile(r"^([A-Za-z])\s*[=:]\s*(-?\d+(?:[.,]\d+)?)\s*%?$")
_NUMERIC = re.compile(
    r"^(?P<value>[^±()]+?)\s*(?:(?:±|\+/-|\+-)\s*(?P<tolerance>[^()]+?))?"
    r"\s*(?:\(\s*(?P<weight>-?\d+(?:[.,]\d+)?)\s*%\s*\))?$"
)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class _Row:
    number: int
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (ref, text)
    options: list[tuple[str, str, str]] = field(default_factory=list)  # (letter, ref, text)
    errors: list[Issue] = field(default_factory=list)

    def text(self, key: str) -> str:
        return self.cells.get(key, ("", ""))[1]

    def ref(self, key: str) -> str:
        """The cell of this row in the column `key`, or the row's first cell when the sheet
        has no such column."""
        return self.cells.get(key, (f"A{self.number}", ""))[0]

    def error(self, key: str, message: str) -> None:
        self.errors.append(Issue(message, cell=self.ref(key)))


def _columns(
    header_row: list[tuple[str, Any]], result: ParseResult
) -> tuple[dict[int, str], dict[int, str]]:
    """The columns of the header row: {index: key} and {index: option letter}."""
    keys: dict[int, str] = {}
    letters: dict[int, str] = {}
    seen: dict[str, str] = {}
    for column, (ref, value) in enumerate(header_row, 1):
        header = " ".join(fold(_cell_text(value)).split())
        if not header:
            continue
        option = OPTION_HEADER.match(header)
        key = next(
            (k for k, h in HEADERS.items() if header == fold(h) or header in HEADER_ALIASES[k]),
            None,
        )
        if key is None and option:
            key = "option " + option.group(1).upper()
        if key is None:
            result.warnings.append(
                Issue(
                    _("The column '%(header)s' is not part of the template and was ignored.")
                    % {"header": _cell_text(value)},
                    cell=ref,
                )
            )
            continue
        if key in seen:
            result.errors.append(
                Issue(
                    _("The column '%(header)s' appears twice (also in %(other)s).")
                    % {"header": _cell_text(value), "other": seen[key]},
                    cell=ref,
                )
            )
            continue
        seen[key] = ref
        if key.startswith("option "):
            letters[column] = key[-1]
        else:
            keys[column] = key
    if "text" not in keys.values():
        result.errors.append(
            Issue(
                _(
                    "The header row has no column '%(header)s': row 1 must hold the "
                    "template's headers. Download the template and copy the questions into it."
                )
                % {"header": HEADERS["text"]},
                cell="A1",
            )
        )
    return keys, letters


def _sheet(workbook: Workbook) -> Any:
    for name in workbook.sheetnames:
        if fold(name) in (fold(SHEET), SHEET_EN):
            return workbook[name]
    sheets = [s for s in workbook.worksheets if fold(s.title) != fold(INSTRUCTIONS_SHEET)]
    return sheets[0] if sheets else workbook.worksheets[0]


def read_xlsx(data: bytes) -> ParseResult:
    """Every question of the workbook's "Câu hỏi" (or "questions") sheet, with every error
    at its cell.
    The workbook is checked and streamed (core.spreadsheets): a zip bomb or a sheet past
    XLSX_MAX_ROWS rows is one error, read no further."""
    result = ParseResult()
    try:
        workbook = open_workbook(data)
        try:
            sheet = _sheet(workbook)
            rows = [
                [
                    (f"{get_column_letter(column)}{number}", value)
                    for column, value in enumerate(values, 1)
                ]
                for number, values in enumerate(sheet_rows(sheet), 1)
            ]
        finally:
            workbook.close()
    except SpreadsheetRefused as error:
        result.errors.append(Issue(error.message, cell="A1"))
        result.refused = True
        return result
    # openpyxl lets errors of zipfile, the XML parser and its own checks through on a
    # damaged file while it streams the rows; each means the same to the person importing.
    except Exception:
        result.errors.append(Issue(not_a_workbook().message, cell="A1"))
        result.refused = True
        return result
    keys, letters = _columns(rows[0] if rows else [], result)
    if not result.errors:
        _read_rows(rows, keys, letters, result)
    # Each place is named as the person sees the sheet: the column's title beside its letter.
    titles = {ref.rstrip("0123456789"): _cell_text(value) for ref, value in rows[0]} if rows else {}
    for issue in (*result.errors, *result.warnings):
        issue.column = titles.get(issue.letter, "")
    return result


def _read_rows(
    rows: list[list[tuple[str, Any]]],
    keys: dict[int, str],
    letters: dict[int, str],
    result: ParseResult,
) -> None:
    for number, cells in enumerate(rows[1:], 2):
        row = _Row(number)
        for column, (ref, value) in enumerate(cells, 1):
            text = _cell_text(value)
            if column in keys:
                row.cells[keys[column]] = (ref, text)
            elif column in letters and text:
                row.options.append((letters[column], ref, text))
        if not any(text for _ref, text in row.cells.values()) and not row.options:
            continue
        _read_row(row, result)


def _read_row(row: _Row, result: ParseResult) -> None:
    kind = _row_type(row, result)
    if kind is None:
        result.errors += row.errors
        return
    question = ParsedQuestion(
        type=kind,
        text=row.text("text"),
        title=row.text("title"),
        category=row.text("category"),
        general_feedback=row.text("feedback"),
        cell=f"A{row.number}",
    )
    _read_settings(row, question)
    if kind in ("single", "multiple"):
        question.answers = _choices(row, kind)
    elif kind == "truefalse":
        answer = fold(row.text("right")).strip()
        if answer in TRUE_WORDS | FALSE_WORDS:
            question.truefalse = answer in TRUE_WORDS
        else:
            row.error("right", _("Write Đúng or Sai as the right answer of a true/false question."))
    elif kind == "shortanswer":
        question.answers = _short_answers(row)
    elif kind == "matching":
        question.pairs = _pairs(row)
    elif kind == "numerical":
        question.numerical = _numerical(row)
    normalize_question(question)
    if not question.text:
        row.error("text", _("The question has no text."))
    if not row.errors:
        first_option = row.options[0][1] if row.options else row.ref("right")
        place = first_option if kind in ("shortanswer", "matching") else row.ref("right")
        row.errors += [Issue(message, cell=place) for message in check_question(question)]
    if row.errors:
        result.errors += row.errors
    else:
        result.questions.append(question)


def _row_type(row: _Row, result: ParseResult) -> QuestionType | None:
    label = " ".join(fold(row.text("type")).split())
    if not label:
        # A row with options but no type is a choice question: the right answer says which.
        if row.options:
            return "multiple" if len(_tokens(row.text("right"))) > 1 else "single"
        row.error("type", _("The type of the question is missing."))
        return None
    if label in TYPE_ALIASES:
        return TYPE_ALIASES[label]
    if label in UNSUPPORTED_TYPES:
        result.warnings.append(
            Issue(
                _(
                    "Questions of type '%(type)s' are not supported by the question bank; "
                    "the row was skipped."
                )
                % {"type": row.text("type")},
                cell=row.ref("type"),
            )
        )
        return None
    row.error(
        "type",
        _("Unknown type '%(type)s'. Use one of: %(types)s.")
        % {"type": row.text("type"), "types": ", ".join(TYPE_LABELS.values())},
    )
    return None


def _read_settings(row: _Row, question: ParsedQuestion) -> None:
    tags = [tag.strip() for tag in row.text("tags").split(",") if tag.strip()]
    difficulty = " ".join(fold(row.text("difficulty")).split())
    if difficulty in DIFFICULTY_ALIASES:
        tags.insert(0, difficulty_tag(DIFFICULTY_ALIASES[difficulty]))
    elif difficulty:
        row.error(
            "difficulty",
            _("Unknown difficulty '%(value)s'. Use dễ, trung bình or khó.")
            % {"value": row.text("difficulty")},
        )
    question.tags = tags
    mark = row.text("mark")
    if mark:
        value = parse_decimal(mark)
        if value is None or value < 0:
            row.error(
                "mark",
                _("The mark '%(value)s' is not a number of 0 or more.") % {"value": mark},
            )
        else:
            question.default_mark = value
    elif question.type == "description":
        question.default_mark = ZERO
    fmt = fold(row.text("format")).strip()
    if fmt in FORMAT_WORDS:
        question.text_format = FORMAT_WORDS[fmt]
    elif fmt:
        row.error(
            "format",
            _("Unknown text format '%(value)s'. Use plain or html.")
            % {"value": row.text("format")},
        )
    shuffle = fold(row.text("shuffle")).strip()
    if shuffle in NO_WORDS:
        question.shuffle = False
    elif shuffle and shuffle not in YES_WORDS:
        row.error("shuffle", _("Write Có or Không to say whether the options are shuffled."))


def _tokens(text: str) -> list[str]:
    """The parts of a right-answer cell: "A, C", "A;C", "A C" or "A=50%, C=50%"."""
    tokens: list[str] = []
    for part in re.split(r"[,;]", text):
        part = part.strip()
        if not part:
            continue
        if re.fullmatch(r"[A-Za-z](\s+[A-Za-z])+", part):
            tokens += part.split()
        else:
            tokens.append(part)
    return tokens


def _weights(row: _Row, *, accepted: bool) -> dict[str, Decimal | None] | None:
    """The letters of the right-answer cell with their weights (None: not given), or None
    after an error."""
    letters = [letter for letter, _ref, _text in row.options]
    chosen: dict[str, Decimal | None] = {}
    for token in _tokens(row.text("right")):
        weighted = _WEIGHTED.match(token)
        letter = (weighted.group(1) if weighted else token).upper()
        if not weighted and not re.fullmatch(r"[A-Z]", letter):
            row.error(
                "right",
                _(
                    "'%(token)s' is not an option letter. Write the letters of the right "
                    "options (B, or A, C) or weights (A=50%%, C=50%%)."
                )
                % {"token": token},
            )
            return None
        if letter not in letters:
            row.error(
                "right",
                _("The right answer '%(letter)s' is not one of the options %(letters)s.")
                % {"letter": letter, "letters": ", ".join(letters) or "-"},
            )
            return None
        if letter in chosen:
            row.error("right", _("The letter %(letter)s is given twice.") % {"letter": letter})
            return None
        weight = parse_decimal(weighted.group(2)) if weighted else None
        chosen[letter] = weight / HUNDRED if weight is not None else None
    given = {weight is not None for weight in chosen.values()}
    if len(given) > 1:
        row.error(
            "right",
            _("Give a weight to every letter (A=50%, C=50%) or to none (A, C)."),
        )
        return None
    if not chosen and not accepted:
        row.error("right", _("The right answer is missing: write the letter of the right option."))
        return None
    return chosen


def _choices(row: _Row, kind: QuestionType) -> list[Answer]:
    chosen = _weights(row, accepted=False)
    texts = [(letter, text) for letter, _ref, text in row.options]
    if chosen is None:
        return [Answer(text, ZERO) for _letter, text in texts]
    if any(weight is not None for weight in chosen.values()):
        return [Answer(text, chosen.get(letter) or ZERO) for letter, text in texts]
    if kind == "single" and len(chosen) > 1:
        row.error(
            "right",
            _(
                "A single-choice question has one right answer, but '%(right)s' names "
                "%(count)s. Use the type 'nhiều đáp án' for several right answers."
            )
            % {"right": row.text("right"), "count": len(chosen)},
        )
        return []
    if kind == "single":
        return [Answer(text, ONE if letter in chosen else ZERO) for letter, text in texts]
    return [Answer(text, fraction) for text, fraction in default_weights(texts, chosen)]


def _short_answers(row: _Row) -> list[Answer]:
    """Every answer counts in full unless the right-answer cell names some (those count in
    full) or weighs them; answers it leaves out then count nothing."""
    chosen = _weights(row, accepted=True)
    if chosen is None:
        return []
    answers = []
    for letter, _ref, text in row.options:
        if not chosen:
            fraction = ONE
        elif letter not in chosen:
            fraction = ZERO
        else:
            weight = chosen[letter]
            fraction = ONE if weight is None else weight
        answers.append(Answer(text, fraction))
    return answers


def _pairs(row: _Row) -> list[MatchPair]:
    pairs = []
    for letter, ref, text in row.options:
        parts = _ARROW.split(text, maxsplit=1)
        if len(parts) != 2:
            row.errors.append(
                Issue(
                    _("Option %(letter)s has no ->: write each pair as 'left -> right'.")
                    % {"letter": letter},
                    cell=ref,
                )
            )
            continue
        pairs.append(MatchPair(parts[0], parts[1]))
    return pairs


def _numerical(row: _Row) -> list[NumericalAnswer]:
    values = []
    for item in row.text("right").split(";"):
        item = item.strip()
        if not item:
            continue
        match = _NUMERIC.match(item)
        if match is None:
            row.error("right", _numeric_help(item))
            continue
        weight = parse_decimal(match.group("weight") or "100")
        low, dots, high = match.group("value").partition("..")
        if dots and not match.group("tolerance"):
            low_value, high_value = parse_decimal(low), parse_decimal(high)
            if low_value is None or high_value is None or low_value > high_value:
                row.error("right", _numeric_help(item))
                continue
            value: Decimal | None = (low_value + high_value) / 2
            tolerance: Decimal | None = high_value - (low_value + high_value) / 2
        else:
            value = parse_decimal(match.group("value"))
            tolerance = parse_decimal(match.group("tolerance") or "0")
        if value is None or tolerance is None or weight is None:
            row.error("right", _numeric_help(item))
            continue
        values.append(NumericalAnswer(value, tolerance, weight / HUNDRED))
    if not values and not row.errors:
        row.error("right", _("The right value is missing: write it like 3.5 or 3.5±0.1."))
    return values


def _numeric_help(item: str) -> str:
    return _(
        "'%(value)s' is not a right value: write it like 3.5, 3.5±0.1 or 3..4, "
        "several separated by ';' with a weight like 3.5±1 (50%%)."
    ) % {"value": item}


# Writing.

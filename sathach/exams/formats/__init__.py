"""Question-bank files: GIFT, Moodle XML, Aiken and the Excel template, read into
`ParsedQuestion`s and written back, without the database. docs/QUESTIONS.md describes
each format and what it keeps.

    fmt = detect_format(upload.name, data)
    result = read(data, fmt)          # ParseResult: questions, warnings, errors
    content = write(questions, "gift")
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sathach.exams.formats.aiken import read_aiken
from sathach.exams.formats.base import Issue, ParsedQuestion, ParseResult
from sathach.exams.formats.detect import decode, detect_format, not_text, not_this_format
from sathach.exams.formats.gift import read_gift
from sathach.exams.formats.gift_write import write_gift
from sathach.exams.formats.moodle_xml import read_moodle_xml
from sathach.exams.formats.moodle_xml_write import write_moodle_xml
from sathach.exams.formats.xlsx import read_xlsx
from sathach.exams.formats.xlsx_write import template_xlsx, write_xlsx

READ_FORMATS = ("gift", "moodle-xml", "aiken", "xlsx")
WRITE_FORMATS = ("gift", "moodle-xml", "xlsx")

__all__ = [
    "READ_FORMATS",
    "WRITE_FORMATS",
    "detect_format",
    "read",
    "read_aiken",
    "read_gift",
    "read_moodle_xml",
    "read_xlsx",
    "template_xlsx",
    "write",
    "write_gift",
    "write_moodle_xml",
    "write_xlsx",
]


def read(data: bytes, fmt: str) -> ParseResult:
    """The questions of a file in the format `fmt` (one of READ_FORMATS), every string in
    Unicode NFC, with every error and warning at its line or cell. A file that is not in
    that format at all is one error, `refused`, and no question; so is a file of that
    format that holds no question."""
    if fmt not in READ_FORMATS:
        raise ValueError(f"unknown question file format {fmt!r}")
    if fmt == "moodle-xml":
        result = read_moodle_xml(data)
    elif fmt == "xlsx":
        # The practical tasks' sheets are read beside the questions' (sathach.practical).
        from sathach.practical.formats import read_workbook

        result = read_workbook(data, read_xlsx)
    else:
        refusal = not_text(data, fmt)
        text = decode(data) if refusal is None else refusal
        if isinstance(text, Issue):
            return ParseResult(errors=[text], refused=True)
        refusal = not_this_format(text, fmt)
        if refusal is not None:
            return ParseResult(errors=[refusal], refused=True)
        result = read_gift(text) if fmt == "gift" else read_aiken(text)
    if not result.errors and not result.questions:
        result.errors.append(
            Issue(_("The file holds no question to import. Nothing was stored."), line=1)
        )
        result.refused = True
    return result


def write(questions: list[ParsedQuestion], fmt: str) -> bytes:
    """The questions as a file in the format `fmt` (one of WRITE_FORMATS). Only the Excel
    workbook holds practical tasks (a sheet per kind); the other formats leave them out."""
    from sathach.practical.formats import is_task

    if fmt != "xlsx":
        questions = [question for question in questions if not is_task(question)]
    if fmt == "gift":
        return write_gift(questions).encode("utf-8")
    if fmt == "moodle-xml":
        return write_moodle_xml(questions)
    if fmt == "xlsx":
        return write_xlsx(questions)
    raise ValueError(f"no writer for the question file format {fmt!r}")

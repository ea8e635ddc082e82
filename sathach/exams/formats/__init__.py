"""Question-bank files: GIFT, Moodle XML, Aiken and the Excel template, read into
`ParsedQuestion`s and written back, without the database. docs/QUESTIONS.md describes
each format and what it keeps.

    fmt = detect_format(upload.name, data)
    result = read(data, fmt)          # ParseResult: questions, warnings, errors
    content = write(questions, "gift")
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from sathach.exams.formats.aiken import read_aiken
from sathach.exams.formats.base import Issue, ParsedQuestion, ParseResult
from sathach.exams.formats.gift import read_gift
from sathach.exams.formats.gift_write import write_gift
from sathach.exams.formats.moodle_xml import read_moodle_xml
from sathach.exams.formats.moodle_xml_write import write_moodle_xml
from sathach.exams.formats.xlsx import read_xlsx
from sathach.exams.formats.xlsx_write import template_xlsx, write_xlsx

READ_FORMATS = ("gift", "moodle-xml", "aiken", "xlsx")
WRITE_FORMATS = ("gift", "moodle-xml", "xlsx")
_ZIP_MAGIC = b"PK\x03\x04"

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


def detect_format(filename: str, text_or_bytes: str | bytes) -> str:
    """The format of a file from its name, or from its first bytes when the name does not
    say: `.xlsx` → xlsx, `.xml` → moodle-xml, `.gift` and `.txt` → gift. Aiken files look
    like plain text and are never guessed: they must be named with `--format aiken`."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith(".xml"):
        return "moodle-xml"
    if name.endswith((".gift", ".txt")):
        return "gift"
    head = text_or_bytes[:512]
    if isinstance(head, bytes):
        if head.startswith(_ZIP_MAGIC):
            return "xlsx"
        head = head.decode("utf-8", errors="replace")
    if head.lstrip("\ufeff \t\r\n").startswith("<"):
        return "moodle-xml"
    return "gift"


def _decode(data: bytes) -> str | Issue:
    """UTF-8 text, with or without a byte order mark, or the error that it is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return Issue(
            _(
                "The file is not UTF-8 text (the first character that is not is on line "
                "%(line)s). Save it with the encoding UTF-8 (in Notepad: File, Save as, "
                "Encoding UTF-8) and import it again."
            )
            % {"line": line},
            line=1,
        )


def read(data: bytes, fmt: str) -> ParseResult:
    """The questions of a file in the format `fmt` (one of READ_FORMATS), every string in
    Unicode NFC, with every error and warning at its line or cell."""
    if fmt == "moodle-xml":
        return read_moodle_xml(data)
    if fmt == "xlsx":
        return read_xlsx(data)
    if fmt not in ("gift", "aiken"):
        raise ValueError(f"unknown question file format {fmt!r}")
    text = _decode(data)
    if isinstance(text, Issue):
        return ParseResult(errors=[text])
    refusal = _not_this_format(text, fmt)
    if refusal is not None:
        return ParseResult(errors=[refusal])
    return read_gift(text) if fmt == "gift" else read_aiken(text)


_AIKEN_ANSWER = re.compile(r"^\s*(?:ANSWER|ĐÁP\s*ÁN)\s*:", re.IGNORECASE | re.MULTILINE)


def _not_this_format(text: str, fmt: str) -> Issue | None:
    """Read a file only as what it is: a GIFT file has at least one answer block in braces
    (outside its // comments), an Aiken file at least one ANSWER line. Anything else (a CSV,
    a letter, a spreadsheet saved as text) would otherwise become questions made of its
    lines."""
    if "\x00" in text:
        return Issue(_("The file is not a text file (it holds binary data)."), line=1)
    if fmt == "gift":
        lines = (line for line in text.splitlines() if not line.lstrip().startswith("//"))
        if not any("{" in line for line in lines):
            return Issue(
                _(
                    "The file is not a GIFT question file: no question has its answers in "
                    "braces { }. A CSV file or plain text is not imported; use the Excel "
                    "template (.xlsx) or write the questions in GIFT. Nothing was stored."
                ),
                line=1,
            )
    elif not _AIKEN_ANSWER.search(text):
        return Issue(
            _(
                "The file is not an Aiken question file: it has no ANSWER line (for example "
                "'ANSWER: B'). Nothing was stored."
            ),
            line=1,
        )
    return None


def write(questions: list[ParsedQuestion], fmt: str) -> bytes:
    """The questions as a file in the format `fmt` (one of WRITE_FORMATS)."""
    if fmt == "gift":
        return write_gift(questions).encode("utf-8")
    if fmt == "moodle-xml":
        return write_moodle_xml(questions)
    if fmt == "xlsx":
        return write_xlsx(questions)
    raise ValueError(f"no writer for the question file format {fmt!r}")

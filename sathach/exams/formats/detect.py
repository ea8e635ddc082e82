"""Which format a question file is in, and whether it is one at all.

A file is read as GIFT, Moodle XML, Aiken or Excel only when it is one: its content decides,
not its name alone. A zip archive is read as a workbook (the workbook reader then refuses a
Word file or a damaged one), text starting with `<` as Moodle XML (whose reader refuses
anything but `<quiz>`), and any other text as GIFT, which must hold a GIFT answer block.
A CSV table, a letter, a PDF or an old Office file is refused with a sentence that says what
the file is not, before any question is made of its lines (docs/QUESTIONS.md).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from sathach.exams.formats.base import Issue

ZIP_MAGIC = b"PK\x03\x04"
# What other files people pick by mistake start with: Office 97-2003 (.xls, .doc), PDF.
_BINARY_MAGICS = (ZIP_MAGIC, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF-")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# A GIFT answer block: {} (essay), {=…} {~…} (choices, short answer, matching), {#…}
# (numerical), {T} {FALSE#…} (true/false), {####…} (essay with feedback), or an embedded
# answer {1:MULTICHOICE:…}, which the reader skips with a warning that names it.
_GIFT_ANSWERS = re.compile(
    r"^(?:$|[=~#]|(?:true|false|t|f)\s*(?:#|$)|\d*\s*:\s*[A-Z_]+\s*:)", re.IGNORECASE
)
_GIFT_BLOCK = re.compile(r"(?<!\\)\{((?:\\.|[^{}\\])*)\}", re.DOTALL)
_AIKEN_OPTION = re.compile(r"^\s*[A-Za-z][.)]\s+\S", re.MULTILINE)
_AIKEN_ANSWER = re.compile(r"^\s*(?:ANSWER|ĐÁP\s*ÁN)\s*:\s*[A-Za-z]", re.IGNORECASE | re.MULTILINE)
_CSV_SEPARATORS = (",", ";", "\t")


def detect_format(filename: str, data: str | bytes) -> str:
    """The format of a file from its first bytes, then its name: a zip archive is `xlsx`,
    text starting with `<` is `moodle-xml`; a `.xlsx` or `.xml` name that the content does
    not contradict keeps its format (its reader says why the file is not one); any other
    text is `gift`. Aiken files look like plain text and are never guessed: they are read
    as Aiken only when the person chooses it (`--format aiken`)."""
    head = data[:512]
    if isinstance(head, bytes):
        if head.startswith(ZIP_MAGIC):
            return "xlsx"
        head = head.decode("utf-8", errors="replace")
    if head.lstrip("\ufeff \t\r\n").startswith("<"):
        return "moodle-xml"
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith(".xml"):
        return "moodle-xml"
    return "gift"


def not_text(data: bytes, fmt: str) -> Issue | None:
    """The refusal of a binary file (a workbook, a Word or PDF file) read as a text
    format, before it is decoded, so that its message says what it is not."""
    if data.startswith(_UTF16_BOMS):
        return None
    if data.startswith(_BINARY_MAGICS) or b"\x00" in data[:4096]:
        return Issue(
            _(
                "The file is not a text file: it is a workbook, a Word or PDF document or "
                "another binary file, so it cannot be a %(format)s question file. Nothing was "
                "stored."
            )
            % {"format": "GIFT" if fmt == "gift" else "Aiken"},
            line=1,
        )
    return None


def decode(data: bytes) -> str | Issue:
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


def not_this_format(text: str, fmt: str) -> Issue | None:
    """Read a text only as what it is: a GIFT file has at least one GIFT answer block in
    braces (outside its // comments), an Aiken file at least one option line and one
    ANSWER line. Anything else (a CSV, a letter, a spreadsheet saved as text, prose with a
    brace in it) would otherwise become questions made of its lines."""
    if "\x00" in text:
        return Issue(_("The file is not a text file (it holds binary data)."), line=1)
    if fmt == "gift":
        if not has_gift_answers(text):
            return Issue(_not_gift_message(text), line=1)
    elif not (_AIKEN_OPTION.search(text) and _AIKEN_ANSWER.search(text)):
        return Issue(
            _(
                "The file is not an Aiken question file: no question has options (A. or A)) "
                "followed by an ANSWER line (for example 'ANSWER: B'). Nothing was stored."
            ),
            line=1,
        )
    return None


def has_gift_answers(text: str) -> bool:
    """Whether the text holds at least one GIFT answer block outside its comments."""
    lines = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return any(_GIFT_ANSWERS.match(block.strip()) for block in _GIFT_BLOCK.findall(lines))


def looks_like_csv(text: str) -> bool:
    """Two lines or more, each with the same number (one or more) of one separator."""
    lines = [line for line in text.splitlines() if line.strip()][:20]
    if len(lines) < 2:
        return False
    return any(
        len({line.count(separator) for line in lines}) == 1 and lines[0].count(separator) > 0
        for separator in _CSV_SEPARATORS
    )


def _not_gift_message(text: str) -> str:
    if looks_like_csv(text):
        return _(
            "The file is not a GIFT question file but a table of values separated by commas, "
            "semicolons or tabs (CSV). Questions are imported from GIFT, Moodle XML, Aiken or "
            "the Excel template (.xlsx): copy the rows into the template. Nothing was stored."
        )
    return _(
        "The file is not a GIFT question file: no question has its answers in braces, "
        "such as {=right ~wrong} or {T}. A CSV file or plain text is not imported; use the "
        "Excel template (.xlsx) or write the questions in GIFT. Nothing was stored."
    )

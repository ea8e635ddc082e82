"""The "document" practical task (IU03, Văn bản): the leader lays out an administrative
document (a Công văn, a Thông báo …) in the layout of Nghị định 30/2020/NĐ-CP, Phụ lục I,
and uploads it as .docx (or .odt, which LibreOffice turns into .docx first).

The catalogue's defaults are the decree's figures; the reading of the file is in
document_read, the checks in document_checks (docs/practical/document.md).
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document

from sathach.core.errors import DomainError
from sathach.practical import office
from sathach.practical.graders.base import (
    ZERO,
    Criterion,
    Verdict,
    all_zero,
    params_of,
    validate_against,
)
from sathach.practical.graders.document_body import normalized
from sathach.practical.graders.document_checks import CHECKS
from sathach.practical.graders.document_read import Docx, Unreadable, read_docx

logger = logging.getLogger(__name__)

KIND = "document"
EXTENSIONS = (".docx", ".odt")
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _range_problems(params: Mapping[str, Any], names: tuple[str, ...]) -> list[str]:
    """Each named parameter must be two positive numbers, the smaller first."""
    problems = []
    for name in names:
        value = params.get(name)
        ok = (
            isinstance(value, list | tuple)
            and len(value) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in value)
            and value[0] <= value[1]
        )
        if not ok:
            problems.append(
                _("“%(name)s” must be two positive numbers, the smaller first (e.g. [20, 25]).")
                % {"name": name}
            )
    return problems


def _number_problems(params: Mapping[str, Any], names: tuple[str, ...]) -> list[str]:
    return [
        _("“%(name)s” must be a positive number.") % {"name": name}
        for name in names
        if not (
            isinstance(params.get(name), int | float)
            and not isinstance(params.get(name), bool)
            and params[name] > 0
        )
    ]


def _ranges(*names: str) -> Any:
    return lambda params: _range_problems(params, names)


def _font_problems(params: Mapping[str, Any]) -> list[str]:
    name = params.get("name")
    if isinstance(name, str) and name.strip():
        return []
    return [_("“name” must be the name of a font (e.g. Times New Roman).")]


def _paper_problems(params: Mapping[str, Any]) -> list[str]:
    return _number_problems(params, ("width", "height")) + (
        []
        if isinstance(params.get("tolerance"), int | float) and params["tolerance"] >= 0
        else [_("“tolerance” must be a number of millimetres, 0 or more.")]
    )


def _spacing_problems(params: Mapping[str, Any]) -> list[str]:
    return _number_problems(params, ("between_min", "exact_min")) + _range_problems(
        params, ("line",)
    )


def _recipients_problems(params: Mapping[str, Any]) -> list[str]:
    return _number_problems(params, ("heading_size", "list_size"))


def _phrases_problems(params: Mapping[str, Any]) -> list[str]:
    phrases = params.get("phrases")
    if (
        isinstance(phrases, list)
        and phrases
        and all(isinstance(p, str) and p.strip() for p in phrases)
    ):
        return []
    return [_("“phrases” must be a list of the texts the document must hold.")]


def _none(params: Mapping[str, Any]) -> list[str]:
    return []


CRITERIA: dict[str, Criterion] = {
    c.key: c
    for c in (
        Criterion(
            "paper",
            gettext_lazy("A4 paper, portrait"),
            {"width": 210, "height": 297, "tolerance": 1},
            _paper_problems,
        ),
        Criterion(
            "margins",
            gettext_lazy("Page margins"),
            {"top": [20, 25], "bottom": [20, 25], "left": [30, 35], "right": [15, 20]},
            lambda params: _range_problems(
                params, tuple(k for k in ("top", "bottom", "left", "right") if k in params)
            ),
        ),
        Criterion(
            "font",
            gettext_lazy("Times New Roman font"),
            {"name": "Times New Roman"},
            _font_problems,
        ),
        Criterion("body_size", gettext_lazy("Body text size"), {"size": [13, 14]}, _ranges("size")),
        Criterion(
            "national_title",
            gettext_lazy("Quốc hiệu and Tiêu ngữ"),
            {"title_size": [12, 13], "motto_size": [13, 14]},
            _ranges("title_size", "motto_size"),
        ),
        Criterion("number_symbol", gettext_lazy("Number and symbol (Số: …/…)"), {}, _none),
        Criterion("place_date", gettext_lazy("Place and date in italics"), {}, _none),
        Criterion(
            "first_line_indent",
            gettext_lazy("First-line indent of the body"),
            {"cm": [1, 1.27]},
            _ranges("cm"),
        ),
        Criterion(
            "spacing",
            gettext_lazy("Paragraph and line spacing"),
            {"between_min": 6, "line": [1, 1.5], "exact_min": 15},
            _spacing_problems,
        ),
        Criterion("body_alignment", gettext_lazy("Body justified"), {}, _none),
        Criterion(
            "recipients",
            gettext_lazy("Nơi nhận block"),
            {"heading_size": 12, "list_size": 11},
            _recipients_problems,
        ),
        Criterion("page_numbers", gettext_lazy("Page numbers from page 2"), {}, _none),
        Criterion(
            "contains_text",
            gettext_lazy("Required text"),
            {"phrases": []},
            _phrases_problems,
        ),
    )
}


def validate_specs(specs: Any) -> list[str]:
    """The problems of a task's criteria, in Vietnamese, each naming its criterion (the
    rules every kind shares: graders.base.validate_against)."""
    return validate_against(
        specs,
        CRITERIA,
        lambda number, key: (
            _("Criterion %(n)s: “%(key)s” is not a criterion of a document task.")
            % {"n": number, "key": key}
        ),
    )


def make_starter(starter: Mapping[str, Any]) -> bytes | None:
    """The raw text as a plain .docx (python-docx's template: Letter-sized, Cambria 11 pt,
    no indent; deliberately not the decree's layout, which is the leader's task), or
    None when the task starts from nothing."""
    text = str(starter.get("text") or "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    document = Document()
    title = str(starter.get("title") or "").strip()
    if title:
        document.add_paragraph(title)
    for line in lines:
        document.add_paragraph(line)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _unreadable(why: str) -> str:
    if why == "too_big":
        return _("The file is too large once unpacked: it cannot be graded.")
    return _(
        "The file is not a Word document (.docx) or OpenDocument text (.odt) that can be opened."
    )


def _read(data: bytes, extension: str) -> Docx | str:
    """The document, or the reason it cannot be graded."""
    if extension not in EXTENSIONS:
        return _("The file must be a Word document (.docx) or an OpenDocument text (.odt).")
    if not data:
        return _("The file is empty.")
    if extension == ".odt":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                mimetype = package.read("mimetype") if "mimetype" in package.namelist() else b""
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
            return _unreadable("not_docx")
        if mimetype.strip() != _ODT_MIMETYPE:
            return _unreadable("not_docx")
        try:
            data = office.convert_bytes(data, ".odt", "docx")
        except DomainError as error:
            return error.message
    try:
        document = read_docx(data)
    except Unreadable as error:
        return _unreadable(error.why)
    if not any(normalized(p.text) for p in document.paragraphs):
        return _("The document is empty: it holds no text.")
    return document


def grade(
    data: bytes, extension: str, specs: Sequence[Mapping[str, Any]], *, starter: Mapping[str, Any]
) -> list[Verdict]:
    """One verdict per criterion, in order; never raises on the leader's file."""
    specs = list(specs)
    extension = extension.lower() if extension.startswith(".") else f".{extension.lower()}"
    try:
        document = _read(data, extension)
    # The last guard: a file no check above foresaw still gets its verdicts, not a 500.
    except Exception:
        logger.exception("The document grader could not read an upload")
        document = _unreadable("not_docx")
    if isinstance(document, str):
        return all_zero(specs, document)
    verdicts = []
    for spec in specs:
        key = str(spec.get("key", ""))
        criterion = CRITERIA.get(key)
        if criterion is None:
            verdicts.append(
                Verdict(
                    key, ZERO, _("“%(key)s” is not a criterion of a document task.") % {"key": key}
                )
            )
            continue
        try:
            earned, reason = CHECKS[key](document, params_of(spec, criterion))
        except (KeyError, TypeError, ValueError, ArithmeticError):
            logger.warning("Bad parameters for the document criterion %s", key, exc_info=True)
            earned, reason = ZERO, _("The criterion's parameters are wrong: ask the author.")
        verdicts.append(Verdict(key, earned, reason))
    return verdicts


# What the task editor and the bank's page call each parameter.
PARAM_LABELS = {
    "width": gettext_lazy("width of the page (mm)"),
    "height": gettext_lazy("height of the page (mm)"),
    "tolerance": gettext_lazy("tolerance (mm)"),
    "top": gettext_lazy("top margin (mm)"),
    "bottom": gettext_lazy("bottom margin (mm)"),
    "left": gettext_lazy("left margin (mm)"),
    "right": gettext_lazy("right margin (mm)"),
    "name": gettext_lazy("font"),
    "size": gettext_lazy("size (pt)"),
    "title_size": gettext_lazy("size of the Quốc hiệu (pt)"),
    "motto_size": gettext_lazy("size of the Tiêu ngữ (pt)"),
    "cm": gettext_lazy("first-line indent (cm)"),
    "between_min": gettext_lazy("space between paragraphs, at least (pt)"),
    "line": gettext_lazy("line spacing (lines)"),
    "exact_min": gettext_lazy("exact line spacing, at least (pt)"),
    "heading_size": gettext_lazy("size of “Nơi nhận:” (pt)"),
    "list_size": gettext_lazy("size of the recipients (pt)"),
    "phrases": gettext_lazy("required phrases"),
}

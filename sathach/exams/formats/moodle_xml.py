"""Moodle XML (question/format/xml): `<quiz>` holding `<question type="...">` elements.

A `<question type="category">` sets the category of the questions after it. Texts carry a
`format` attribute and often CDATA; pictures of the question text are `<file>` elements in
base64, referenced from the text as `@@PLUGINFILE@@/name`. Weights are percentages
(`fraction="33.33333"`), kept here as fractions of the mark (Decimal("0.3333333")).

The file is parsed with expat directly so that each question's line is known; a document
type declaration is refused outright, which rules out entity-expansion bombs and external
entities without the defusedxml package.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sathach.exams.formats.base import (
    Answer,
    Issue,
    MatchPair,
    NumericalAnswer,
    ParsedQuestion,
    ParseResult,
    TextFormat,
)
from sathach.exams.formats.common import (
    HUNDRED,
    ONE,
    ZERO,
    check_question,
    clean_category,
    normalize_question,
    parse_decimal,
    question_label,
    settle_wildcards,
    text_label,
)
from sathach.exams.formats.moodle_pictures import read_pictures

_FORMAT_NAMES: dict[str, TextFormat] = {
    "html": "html",
    "moodle_auto_format": "moodle",
    "plain_text": "plain",
    "markdown": "markdown",
}
FORMAT_ATTRIBUTES = {fmt: name for name, fmt in _FORMAT_NAMES.items()}
# Moodle writes a matching question as "matching" and reads "match" too.
_SUPPORTED = {
    "multichoice",
    "truefalse",
    "shortanswer",
    "matching",
    "match",
    "numerical",
    "essay",
    "description",
}
_TRUE_WORDS = {"true", "1", "yes"}
_UNSUPPORTED_NAMES = {
    "cloze": gettext_lazy("embedded answers (cloze)"),
    "multianswer": gettext_lazy("embedded answers (cloze)"),
    "ddwtos": gettext_lazy("drag and drop into text"),
    "gapselect": gettext_lazy("select missing words"),
    "calculated": gettext_lazy("calculated"),
    "calculatedsimple": gettext_lazy("simple calculated"),
    "calculatedmulti": gettext_lazy("calculated multichoice"),
    "randomsamatch": gettext_lazy("random short-answer matching"),
}


class _Refused(Exception):
    """The document declares a document type or entities."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _Invalid(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages)
        self.messages = messages


def _parse(data: bytes) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The element tree, and the line where each element starts."""
    parser = expat.ParserCreate()
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        lines[builder.start(tag, attributes)] = parser.CurrentLineNumber

    def refuse(*_args: Any) -> None:
        raise _Refused(parser.CurrentLineNumber)

    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.Parse(data, True)
    return builder.close(), lines


def read_moodle_xml(data: bytes) -> ParseResult:
    """Every question of a Moodle XML file, with every error and warning at its line."""
    result = ParseResult()
    try:
        root, lines = _parse(data)
    except _Refused as refused:
        message = _(
            "The file declares a document type or entities (<!DOCTYPE or <!ENTITY>), which "
            "are refused for safety. Moodle never writes them; remove them and try again."
        )
        result.errors.append(Issue(message, line=refused.line))
        result.refused = True
        return result
    except expat.ExpatError as error:
        result.errors.append(
            Issue(
                _("The file is not well-formed XML: %(reason)s.")
                % {"reason": expat.ErrorString(error.code)},
                line=error.lineno,
            )
        )
        result.refused = True
        return result
    if root.tag != "quiz":
        result.errors.append(
            Issue(
                _(
                    "This is not a Moodle XML question file: its outer element is "
                    "<%(tag)s>, not <quiz>."
                )
                % {"tag": root.tag},
                line=lines[root],
            )
        )
        result.refused = True
        return result
    category = ""
    for element in root.findall("question"):
        line = lines[element]
        kind = element.get("type", "")
        if kind == "category":
            category = clean_category(element.findtext("category/text", ""))
            continue
        if kind not in _SUPPORTED:
            name = element.findtext("name/text") or element.findtext("questiontext/text") or ""
            result.warnings.append(
                Issue(
                    _(
                        "The question '%(name)s' is of type '%(type)s' (%(what)s), which the "
                        "question bank does not support; it was skipped."
                    )
                    % {
                        "name": text_label(name),
                        "type": kind or "?",
                        "what": _UNSUPPORTED_NAMES.get(kind, _("a type of its own")),
                    },
                    line=line,
                )
            )
            continue
        warnings: list[str] = []
        try:
            question = _read_question(element, kind, warnings)
        except _Invalid as invalid:
            result.errors += [Issue(message, line=line) for message in invalid.messages]
            continue
        question.category = category
        question.line = line
        normalize_question(question)
        notes, skip = settle_wildcards(question)
        if skip:
            result.warnings.append(Issue(skip, line=line))
            continue
        result.warnings += [Issue(message, line=line) for message in warnings + notes]
        problems = check_question(question)
        if problems:
            result.errors += [Issue(message, line=line) for message in problems]
        else:
            result.questions.append(question)
    return result


def _number(text: str | None, message: str, problems: list[str], default: Decimal) -> Decimal:
    """The number in `text`, or `default` when there is none; `message` (with a %(text)s
    placeholder) says what is wrong when it is not a number."""
    if text is None or not text.strip():
        return default
    value = parse_decimal(text)
    if value is None:
        problems.append(message % {"text": text.strip()})
        return default
    return value


def _flag(element: ET.Element, tag: str, default: bool) -> bool:
    text = element.findtext(tag)
    if text is None or not text.strip():
        return default
    return text.strip().lower() in _TRUE_WORDS


def _answers(element: ET.Element, problems: list[str]) -> list[Answer]:
    answers = []
    for answer in element.findall("answer"):
        fraction = (
            _number(
                answer.get("fraction"), _("The weight '%(text)s' is not a number."), problems, ZERO
            )
            / HUNDRED
        )
        answers.append(
            Answer(
                answer.findtext("text", ""),
                fraction,
                answer.findtext("feedback/text", ""),
            )
        )
    return answers


def _read_question(element: ET.Element, kind: str, warnings: list[str]) -> ParsedQuestion:
    problems: list[str] = []
    text_element = element.find("questiontext")
    if text_element is None:
        raise _Invalid([_("The question has no <questiontext>.")])
    # First, as renaming a picture rewrites the texts that show it.
    images = read_pictures(element, problems, warnings)
    question = ParsedQuestion(
        type="description",
        text=text_element.findtext("text", ""),
        title=element.findtext("name/text", ""),
        text_format=_FORMAT_NAMES.get(text_element.get("format", ""), "html"),
        general_feedback=element.findtext("generalfeedback/text", ""),
        # Moodle's default: a multichoice question without the setting keeps its order.
        shuffle=_flag(element, "shuffleanswers", kind != "multichoice"),
        tags=[tag.findtext("text", "") for tag in element.findall("tags/tag")],
        images=images,
    )
    default_mark = ZERO if kind == "description" else ONE
    question.default_mark = _number(
        element.findtext("defaultgrade"),
        _("The mark (defaultgrade) '%(text)s' is not a number."),
        problems,
        default_mark,
    )
    if kind == "multichoice":
        question.type = "single" if _flag(element, "single", True) else "multiple"
        question.answers = _answers(element, problems)
    elif kind == "truefalse":
        question.type = "truefalse"
        _truefalse(question, _answers(element, problems), problems)
    elif kind == "shortanswer":
        question.type = "shortanswer"
        question.answers = _answers(element, problems)
        if _flag(element, "usecase", False):
            warnings.append(
                _(
                    "The question '%(question)s' asks for answers in the right case (usecase); "
                    "the question bank compares short answers without regard to case."
                )
                % {"question": question_label(question)}
            )
    elif kind == "numerical":
        question.type = "numerical"
        question.numerical, question.answers = _numerical(element, problems)
        if element.findall("units/unit"):
            warnings.append(
                _(
                    "The units of the question '%(question)s' were left out: the question "
                    "bank grades the number alone."
                )
                % {"question": question_label(question)}
            )
    elif kind in ("matching", "match"):
        question.type = "matching"
        question.pairs = [
            MatchPair(sub.findtext("text", ""), sub.findtext("answer/text", ""))
            for sub in element.findall("subquestion")
        ]
    elif kind == "essay":
        question.type = "essay"
    if problems:
        raise _Invalid(problems)
    return question


def _truefalse(question: ParsedQuestion, answers: list[Answer], problems: list[str]) -> None:
    """Moodle keeps a "true" and a "false" answer; the one worth 100% is right, and each
    one's feedback is shown to whoever picks it."""
    by_text = {answer.text.strip().lower(): answer for answer in answers}
    true, false = by_text.get("true"), by_text.get("false")
    if true is None and false is None and len(answers) == 2:
        # Files from before Moodle named the answers list "true" first.
        true, false = answers
    if true is None and false is None:
        problems.append(_("The true/false question has neither a 'true' nor a 'false' answer."))
        return
    if true is not None:
        question.truefalse = true.fraction == ONE
    elif false is not None:
        question.truefalse = false.fraction != ONE
    true_feedback = true.feedback if true is not None else ""
    false_feedback = false.feedback if false is not None else ""
    if question.truefalse:
        question.truefalse_feedback = (false_feedback, true_feedback)
    else:
        question.truefalse_feedback = (true_feedback, false_feedback)


def _numerical(
    element: ET.Element, problems: list[str]
) -> tuple[list[NumericalAnswer], list[Answer]]:
    """The values, and Moodle's "any other answer" `*` as an answer of its own, for
    settle_wildcards to leave out (with a warning when it carries feedback)."""
    values = []
    others = []
    for answer in element.findall("answer"):
        text = answer.findtext("text", "").strip()
        if text == "*":
            others.append(
                Answer(text, _fraction(answer, problems), answer.findtext("feedback/text", ""))
            )
            continue
        value = parse_decimal(text)
        if value is None:
            problems.append(_("The right value '%(text)s' is not a number.") % {"text": text})
            continue
        values.append(
            NumericalAnswer(
                value,
                _number(
                    answer.findtext("tolerance"),
                    _("The tolerance '%(text)s' is not a number."),
                    problems,
                    ZERO,
                ),
                _fraction(answer, problems),
                answer.findtext("feedback/text", ""),
            )
        )
    return values, others


def _fraction(answer: ET.Element, problems: list[str]) -> Decimal:
    """The weight as a fraction: `fraction="50"`, or Moodle's old `<fraction>0.5</fraction>`."""
    message = _("The weight '%(text)s' is not a number.")
    old = answer.findtext("fraction")
    if old is not None and old.strip():
        return _number(old, message, problems, ZERO)
    return _number(answer.get("fraction"), message, problems, ZERO) / HUNDRED

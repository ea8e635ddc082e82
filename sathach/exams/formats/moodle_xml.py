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

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sathach.exams.formats.base import (
    Answer,
    Image,
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
    decimal_text,
    normalize_question,
    parse_decimal,
    percent_text,
)

_FORMAT_NAMES: dict[str, TextFormat] = {
    "html": "html",
    "moodle_auto_format": "moodle",
    "plain_text": "plain",
    "markdown": "markdown",
}
_FORMAT_ATTRIBUTES = {fmt: name for name, fmt in _FORMAT_NAMES.items()}
_SUPPORTED = {
    "multichoice",
    "truefalse",
    "shortanswer",
    "match",
    "numerical",
    "essay",
    "description",
}
_TRUE_WORDS = {"true", "1", "yes"}
# Characters that XML 1.0 cannot hold at all; a question text should never have them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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
        return result
    except expat.ExpatError as error:
        result.errors.append(
            Issue(
                _("The file is not well-formed XML: %(reason)s.")
                % {"reason": expat.ErrorString(error.code)},
                line=error.lineno,
            )
        )
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
        return result
    category = ""
    for element in root.findall("question"):
        line = lines[element]
        kind = element.get("type", "")
        if kind == "category":
            category = clean_category(element.findtext("category/text", ""))
            continue
        if kind not in _SUPPORTED:
            result.warnings.append(
                Issue(
                    _(
                        "Questions of type '%(type)s' are not supported by the question bank; "
                        "the question was skipped."
                    )
                    % {"type": kind or "?"},
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
        result.warnings += [Issue(message, line=line) for message in warnings]
        question.category = category
        question.line = line
        normalize_question(question)
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


def _images(element: ET.Element, problems: list[str], warnings: list[str]) -> list[Image]:
    images = []
    text_element = element.find("questiontext")
    own = text_element.findall("file") if text_element is not None else []
    for file in own:
        name = (file.get("name") or "").strip()
        if not name:
            problems.append(_("A picture of the question text has no name."))
            continue
        try:
            content = base64.b64decode("".join((file.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            problems.append(_("The picture '%(name)s' is not valid base64 data.") % {"name": name})
            continue
        images.append(Image(name, content))
    others = len(list(element.iter("file"))) - len(own)
    if others:
        warnings.append(
            ngettext(
                "%(count)s picture in an answer or feedback was left out; only pictures of "
                "the question text are kept.",
                "%(count)s pictures in answers or feedback were left out; only pictures of "
                "the question text are kept.",
                others,
            )
            % {"count": others}
        )
    return images


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
    question = ParsedQuestion(
        type="description",
        text=text_element.findtext("text", ""),
        title=element.findtext("name/text", ""),
        text_format=_FORMAT_NAMES.get(text_element.get("format", ""), "html"),
        general_feedback=element.findtext("generalfeedback/text", ""),
        shuffle=_flag(element, "shuffleanswers", True),
        tags=[tag.findtext("text", "") for tag in element.findall("tags/tag")],
    )
    question.images = _images(element, problems, warnings)
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
    elif kind == "numerical":
        question.type = "numerical"
        question.numerical = _numerical(element, problems, warnings)
    elif kind == "match":
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
    element: ET.Element, problems: list[str], warnings: list[str]
) -> list[NumericalAnswer]:
    values = []
    for answer in element.findall("answer"):
        text = answer.findtext("text", "").strip()
        if text == "*":
            # "Any other answer" only carries feedback; the bank has no such answer.
            warnings.append(_("The feedback for any other answer (*) was left out."))
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
                _number(
                    answer.get("fraction"),
                    _("The weight '%(text)s' is not a number."),
                    problems,
                    ZERO,
                )
                / HUNDRED,
                answer.findtext("feedback/text", ""),
            )
        )
    return values


# Writing.


def _cdata(text: str) -> str:
    text = _NOT_XML.sub("", text)
    if not re.search(r"[<>&]", text):
        return text
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(tag: str, text: str, fmt: TextFormat | None = None, inner: str = "") -> str:
    attribute = f" format={quoteattr(_FORMAT_ATTRIBUTES[fmt])}" if fmt else ""
    return f"<{tag}{attribute}><text>{_cdata(text)}</text>{inner}</{tag}>"


def _answer(fraction: Decimal, text: str, feedback: str, fmt: TextFormat, extra: str = "") -> str:
    return (
        f'    <answer fraction="{percent_text(fraction)}" format="{_FORMAT_ATTRIBUTES[fmt]}">'
        f"<text>{_cdata(text)}</text>{extra}{_text('feedback', feedback, fmt)}</answer>"
    )


def _files(question: ParsedQuestion) -> str:
    return "".join(
        f'<file name={quoteattr(_NOT_XML.sub("", image.name))} path="/" encoding="base64">'
        f"{base64.b64encode(image.content).decode('ascii')}</file>"
        for image in question.images
    )


def _body(question: ParsedQuestion) -> list[str]:
    # Answers are plain text in the bank; in an HTML question they are HTML like the text.
    fmt: TextFormat = "html" if question.text_format == "html" else "plain"
    shuffle = "true" if question.shuffle else "false"
    lines = []
    kind = question.type
    if kind in ("single", "multiple"):
        lines.append(f"    <single>{'true' if kind == 'single' else 'false'}</single>")
        lines.append(f"    <shuffleanswers>{shuffle}</shuffleanswers>")
        lines.append("    <answernumbering>abc</answernumbering>")
        lines += [_answer(a.fraction, a.text, a.feedback, fmt) for a in question.answers]
    elif kind == "truefalse":
        wrong, right = question.truefalse_feedback
        value = bool(question.truefalse)
        lines.append(_answer(ONE if value else ZERO, "true", right if value else wrong, fmt))
        lines.append(_answer(ZERO if value else ONE, "false", wrong if value else right, fmt))
    elif kind == "shortanswer":
        lines.append("    <usecase>0</usecase>")
        lines += [_answer(a.fraction, a.text, a.feedback, fmt) for a in question.answers]
    elif kind == "numerical":
        lines += [
            _answer(
                n.fraction,
                decimal_text(n.value),
                n.feedback,
                fmt,
                f"<tolerance>{decimal_text(n.tolerance)}</tolerance>",
            )
            for n in question.numerical
        ]
    elif kind == "matching":
        lines.append(f"    <shuffleanswers>{shuffle}</shuffleanswers>")
        lines += [
            "    "
            + _text(
                "subquestion", p.prompt, fmt, f"<answer><text>{_cdata(p.answer)}</text></answer>"
            )
            for p in question.pairs
        ]
    elif kind == "essay":
        lines += [
            "    <responseformat>editor</responseformat>",
            "    <responserequired>1</responserequired>",
            "    <responsefieldlines>15</responsefieldlines>",
            "    <attachments>0</attachments>",
            "    <attachmentsrequired>0</attachmentsrequired>",
            '    <graderinfo format="html"><text></text></graderinfo>',
            '    <responsetemplate format="html"><text></text></responsetemplate>',
        ]
    return lines


_MOODLE_TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "truefalse": "truefalse",
    "shortanswer": "shortanswer",
    "matching": "match",
    "numerical": "numerical",
    "essay": "essay",
    "description": "description",
}


def _question(question: ParsedQuestion) -> list[str]:
    fmt = question.text_format
    lines = [
        f'  <question type="{_MOODLE_TYPES[question.type]}">',
        "    " + _text("name", question.title),
        "    " + _text("questiontext", question.text, fmt, _files(question)),
        "    " + _text("generalfeedback", question.general_feedback, fmt),
        f"    <defaultgrade>{decimal_text(question.default_mark)}</defaultgrade>",
        f"    <penalty>{'1' if question.type == 'truefalse' else '0.3333333'}</penalty>",
        "    <hidden>0</hidden>",
        "    <idnumber></idnumber>",
        *_body(question),
    ]
    if question.tags:
        tags = "".join(f"<tag><text>{_cdata(tag)}</text></tag>" for tag in question.tags)
        lines.append(f"    <tags>{tags}</tags>")
    lines.append("  </question>")
    return lines


def write_moodle_xml(questions: list[ParsedQuestion]) -> bytes:
    """A Moodle XML file of the questions, with a category entry whenever the category
    changes (as `$course$/top/<path>`, where Moodle 3.5 and later put it)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    category: str | None = None
    for question in questions:
        if question.category != category:
            category = question.category
            path = "$course$/top" + (f"/{category}" if category else "")
            lines += [
                '  <question type="category">',
                f"    <category><text>{escape(path)}</text></category>",
                "  </question>",
            ]
        lines += _question(question)
    lines.append("</quiz>")
    return ("\n".join(lines) + "\n").encode("utf-8")

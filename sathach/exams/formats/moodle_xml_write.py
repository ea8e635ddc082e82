"""Writing Moodle XML (the reader and the format's rules are `exams/formats/moodle_xml.py`).

The file is what Moodle's own export writes and its import reads: the type names of its
reader (`matching`, not our `match` of old), `$course$/top/<path>` categories, CDATA for text
with markup, and each picture as a `<file>` of every text that shows it, as Moodle keeps
files per text (a picture that no text shows goes with the question text).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from decimal import Decimal
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from sathach.exams.formats.base import Image, ParsedQuestion, TextFormat
from sathach.exams.formats.common import (
    ONE,
    ZERO,
    decimal_text,
    moodle_category,
    percent_text,
)
from sathach.exams.formats.moodle_pictures import REFERENCE
from sathach.exams.formats.moodle_xml import FORMAT_ATTRIBUTES

# Characters that XML 1.0 cannot hold at all; a question text should never have them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _cdata(text: str) -> str:
    text = _NOT_XML.sub("", text)
    if not re.search(r"[<>&]", text):
        return text
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _shows(text: str, image: Image) -> bool:
    return any(REFERENCE + form in text for form in {image.name, quote(image.name)})


def _files(images: Sequence[Image], text: str | None = None) -> str:
    """The `<file>`s of the pictures that `text` shows (Moodle keeps files per text), or of
    every picture."""
    return "".join(
        f'<file name={quoteattr(_NOT_XML.sub("", image.name))} path="/" encoding="base64">'
        f"{base64.b64encode(image.content).decode('ascii')}</file>"
        for image in images
        if text is None or _shows(text, image)
    )


def _text(
    tag: str,
    text: str,
    fmt: TextFormat | None = None,
    inner: str = "",
    images: Sequence[Image] = (),
) -> str:
    attribute = f" format={quoteattr(FORMAT_ATTRIBUTES[fmt])}" if fmt else ""
    files = _files(images, text)
    return f"<{tag}{attribute}><text>{_cdata(text)}</text>{files}{inner}</{tag}>"


def _answer(
    fraction: Decimal,
    text: str,
    feedback: str,
    fmt: TextFormat,
    images: Sequence[Image],
    extra: str = "",
) -> str:
    return (
        f'    <answer fraction="{percent_text(fraction)}" format="{FORMAT_ATTRIBUTES[fmt]}">'
        f"<text>{_cdata(text)}</text>{_files(images, text)}{extra}"
        f"{_text('feedback', feedback, fmt, images=images)}</answer>"
    )


def _question_text_images(question: ParsedQuestion) -> list[Image]:
    """The pictures to write with the question text: those it shows, and those that no
    text shows, so that nothing the bank holds is lost."""
    others = "\n".join(
        [
            question.general_feedback,
            *question.truefalse_feedback,
            *(f"{a.text}\n{a.feedback}" for a in question.answers),
            *(n.feedback for n in question.numerical),
            *(p.prompt for p in question.pairs),
        ]
    )
    return [
        image
        for image in question.images
        if _shows(question.text, image) or not _shows(others, image)
    ]


def _body(question: ParsedQuestion) -> list[str]:
    # Answers are plain text in the bank; in an HTML question they are HTML like the text.
    fmt: TextFormat = "html" if question.text_format == "html" else "plain"
    shuffle = "true" if question.shuffle else "false"
    images = question.images
    lines = []
    kind = question.type
    if kind in ("single", "multiple"):
        lines.append(f"    <single>{'true' if kind == 'single' else 'false'}</single>")
        lines.append(f"    <shuffleanswers>{shuffle}</shuffleanswers>")
        lines.append("    <answernumbering>abc</answernumbering>")
        lines += [_answer(a.fraction, a.text, a.feedback, fmt, images) for a in question.answers]
    elif kind == "truefalse":
        wrong, right = question.truefalse_feedback
        value = bool(question.truefalse)
        true_feedback, false_feedback = (right, wrong) if value else (wrong, right)
        lines.append(_answer(ONE if value else ZERO, "true", true_feedback, fmt, images))
        lines.append(_answer(ZERO if value else ONE, "false", false_feedback, fmt, images))
    elif kind == "shortanswer":
        lines.append("    <usecase>0</usecase>")
        # A star is Moodle's wildcard in a short answer; \* is a star as written.
        lines += [
            _answer(a.fraction, a.text.replace("*", "\\*"), a.feedback, fmt, images)
            for a in question.answers
        ]
    elif kind == "numerical":
        lines += [
            _answer(
                n.fraction,
                decimal_text(n.value),
                n.feedback,
                fmt,
                images,
                f"<tolerance>{decimal_text(n.tolerance)}</tolerance>",
            )
            for n in question.numerical
        ]
    elif kind == "matching":
        lines.append(f"    <shuffleanswers>{shuffle}</shuffleanswers>")
        lines += [
            "    "
            + _text(
                "subquestion",
                p.prompt,
                fmt,
                f"<answer><text>{_cdata(p.answer)}</text></answer>",
                images,
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
    "matching": "matching",
    "numerical": "numerical",
    "essay": "essay",
    "description": "description",
}


def _question(question: ParsedQuestion) -> list[str]:
    fmt = question.text_format
    lines = [
        f'  <question type="{_MOODLE_TYPES[question.type]}">',
        "    " + _text("name", question.title),
        "    " + _text("questiontext", question.text, fmt, _files(_question_text_images(question))),
        "    " + _text("generalfeedback", question.general_feedback, fmt, images=question.images),
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
    changes (as `$course$/top/<path>`, where Moodle 3.5 and later put it, a slash inside a
    name doubled)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    category: str | None = None
    for question in questions:
        if question.category != category:
            category = question.category
            path = "$course$/top" + (f"/{moodle_category(category)}" if category else "")
            lines += [
                '  <question type="category">',
                f"    <category><text>{escape(path)}</text></category>",
                "  </question>",
            ]
        lines += _question(question)
    lines.append("</quiz>")
    return ("\n".join(lines) + "\n").encode("utf-8")

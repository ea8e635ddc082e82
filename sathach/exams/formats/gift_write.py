"""Writing Moodle's GIFT format (the reader and the format's rules are
`exams/formats/gift.py`). An image's `@@PLUGINFILE@@/name` reference stays in the text and
its data is dropped, as Moodle's own GIFT export does."""

from __future__ import annotations

from decimal import Decimal

from sathach.exams.formats.base import NumericalAnswer, ParsedQuestion, TextFormat
from sathach.exams.formats.common import ONE, decimal_text, moodle_category, percent_text
from sathach.exams.formats.gift import (
    BLANK,
    CATEGORY_PREFIX,
    FORMAT_TAG,
    WEIGHT,
)

_WRITE_ESCAPES = str.maketrans(
    {"\\": "\\\\", "#": "\\#", "=": "\\=", "~": "\\~", "{": "\\{", "}": "\\}", "\n": "\\n"}
)


def _escape(text: str, *, colons: bool = False) -> str:
    escaped = text.replace("\r", "").translate(_WRITE_ESCAPES)
    return escaped.replace(":", "\\:") if colons else escaped


def _guarded(text: str, fmt: TextFormat) -> str:
    """An answer or feedback, escaped, with a format tag in front if it begins with
    something that reads as one."""
    escaped = _escape(text)
    return f"[{fmt}]{escaped}" if FORMAT_TAG.match(escaped) else escaped


def _weighted(mark: str, fraction: Decimal, text: str, fmt: TextFormat) -> str:
    """`=`, `~` or `~%50%`, then the answer; the weight is spelled out when the text
    itself begins like one."""
    body = _guarded(text, fmt)
    if mark in ("=", "~") and WEIGHT.match(body):
        mark += f"%{percent_text(fraction)}%"
    return mark + body


def _with_feedback(text: str, feedback: str, fmt: TextFormat) -> str:
    return f"{text}#{_guarded(feedback, fmt)}" if feedback else text


def _answers_block(question: ParsedQuestion) -> str:
    fmt = question.text_format
    general = f"####{_guarded(question.general_feedback, fmt)}" if question.general_feedback else ""
    lines: list[str] = []
    if question.type == "essay":
        return "{" + general + "}"
    if question.type == "truefalse":
        wrong, right = question.truefalse_feedback
        value = "TRUE" if question.truefalse else "FALSE"
        if wrong or right:
            value += "#" + _guarded(wrong, fmt)
        if right:
            value += "#" + _guarded(right, fmt)
        return "{" + value + general + "}"
    if question.type == "numerical":
        values = question.numerical
        if len(values) == 1 and values[0].fraction == ONE:
            return "{#" + _numerical_answer(values[0], fmt) + general + "}"
        lines = ["=%" + percent_text(v.fraction) + "%" + _numerical_answer(v, fmt) for v in values]
        return "{#\n" + "".join(f"\t{line}\n" for line in lines) + _general_line(general) + "}"
    if question.type in ("single", "multiple"):
        for answer in question.answers:
            if question.type == "single" and answer.fraction == ONE:
                mark = "="
            elif answer.fraction == 0:
                mark = "~"
            else:
                mark = f"~%{percent_text(answer.fraction)}%"
            lines.append(
                _with_feedback(
                    _weighted(mark, answer.fraction, answer.text, fmt), answer.feedback, fmt
                )
            )
    elif question.type == "shortanswer":
        for answer in question.answers:
            mark = "=" if answer.fraction == ONE else f"=%{percent_text(answer.fraction)}%"
            # A star is Moodle's wildcard in a short answer; \* is a star as written.
            text = answer.text.replace("*", "\\*")
            lines.append(
                _with_feedback(_weighted(mark, answer.fraction, text, fmt), answer.feedback, fmt)
            )
    elif question.type == "matching":
        lines = [f"={_guarded(p.prompt, fmt)} -> {_escape(p.answer)}" for p in question.pairs]
    return "{\n" + "".join(f"\t{line}\n" for line in lines) + _general_line(general) + "}"


def _general_line(general: str) -> str:
    return f"\t{general}\n" if general else ""


def _numerical_answer(value: NumericalAnswer, fmt: TextFormat) -> str:
    text = decimal_text(value.value)
    if value.tolerance:
        text += ":" + decimal_text(value.tolerance)
    return _with_feedback(text, value.feedback, fmt)


def _question_text(question: ParsedQuestion) -> str:
    text = question.text
    colons = text.startswith(":") or text.startswith(CATEGORY_PREFIX)
    escaped = _escape(text, colons=colons)
    fmt = question.text_format
    needs_tag = fmt != "plain" or FORMAT_TAG.match(escaped)
    if not question.title and escaped.startswith("//"):
        needs_tag = True
    head = f"::{_escape(question.title, colons=True)}::" if question.title else ""
    if needs_tag:
        head += f"[{fmt}]"
    if question.type == "description":
        return head + escaped
    block = _answers_block(question)
    blank = escaped.find(BLANK)
    # A blank at the very end would read back as answers closing the question.
    if blank >= 0 and escaped[blank + len(BLANK) :].strip():
        return head + escaped[:blank] + block + escaped[blank + len(BLANK) :]
    return head + escaped + block


def _tags(tags: list[str]) -> str:
    """Moodle's tag tokens, as its GIFT export writes them (`// [tag:name]`), with a `]` of
    a name escaped by a backslash."""
    return "// " + " ".join("[tag:" + tag.replace("]", "\\]") + "]" for tag in tags)


def write_gift(questions: list[ParsedQuestion]) -> str:
    """A GIFT file of the questions: a `$CATEGORY:` line whenever the category changes,
    the tags as Moodle's `// [tag:name]` tokens, one blank line between questions. Images
    stay as `@@PLUGINFILE@@/name` references without their data, as in Moodle's GIFT
    export."""
    parts: list[str] = []
    category = ""
    for question in questions:
        if question.category != category:
            category = question.category
            parts.append(f"$CATEGORY: {moodle_category(category)}\n")
        lines = []
        if question.tags:
            lines.append(_tags(question.tags))
        lines.append(_question_text(question))
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)

"""Moodle's GIFT format: one question per block of lines, blocks separated by blank lines.

    // [tag:difficulty:easy]
    ::Title::[html]Question text{
        =right answer#feedback
        ~wrong answer#feedback
        ~%50%half-right answer
        ####general feedback
    }

The reader follows Moodle's `qformat_gift` (question/format/gift/format.php) so that files
written for Moodle read the same here, with three departures that help people who write
the file by hand: every error of the file is reported with the line where its question
starts, text before the first `=` or `~` of an answer block is an error rather than an
answer, and `{true}`/`{false}` are accepted in any case. GIFT has tags only in the comments
before a question: Moodle's `// [tag:name]` tokens, and our older `// tags: a, b` line.
GIFT cannot carry images, marks or the shuffle setting: the writer keeps an image's
`@@PLUGINFILE@@/name` reference in the text and drops its data, as Moodle's own GIFT export
does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

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
    decimal_text,
    normalize_question,
    parse_decimal,
    settle_wildcards,
)

# Escaped characters become private-use placeholders while the block is cut up, so that
# `\=` or `\{` never counts as syntax, and turn back into the characters at the end.
_PLACEHOLDERS = {
    "\\": "\ue000",
    ":": "\ue001",
    "#": "\ue002",
    "=": "\ue003",
    "{": "\ue004",
    "}": "\ue005",
    "~": "\ue006",
    "n": "\ue007",
}
_ESCAPED = re.compile(r"\\([\\:#={}~n])")
_RESTORE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDERS.items()})

_FORMATS: tuple[TextFormat, ...] = ("html", "markdown", "plain", "moodle")
FORMAT_TAG = re.compile(r"^\[(html|markdown|plain|moodle)\]", re.IGNORECASE)
WEIGHT = re.compile(r"^%\s*(-?\d+(?:[.,]\d+)?)\s*%")
_BROKEN_WEIGHT = re.compile(r"^%\s*-?\d")
_TAGS_COMMENT = re.compile(r"^//\s*tags?\s*:(.*)$", re.IGNORECASE)
# Moodle's `[tag:name]` token; a `]` in the name is written `\]` (qformat_gift's
# extract_idnumber_and_tags_from_comment). `[id:...]` is Moodle's idnumber: not kept.
_MOODLE_TAG = re.compile(r"\[tag:((?:\\\]|[^\]\x00-\x1f])+)\]")
CATEGORY_PREFIX = "$CATEGORY:"
# Cloze (embedded answers): {1:MULTICHOICE:=a~b}, {:SA:=word}.
_CLOZE = re.compile(r"\{\s*\d*\s*:\s*[A-Z_]+\s*:")
_AIKEN_ANSWER = re.compile(r"^ANSWER\s*:", re.IGNORECASE)
_AIKEN_OPTION = re.compile(r"^[A-Z][.)]\s")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TRUE = ("T", "TRUE")
_FALSE = ("F", "FALSE")
BLANK = "_____"


def _protect(text: str) -> str:
    return _ESCAPED.sub(lambda match: _PLACEHOLDERS[match.group(1)], text)


def _restore(text: str) -> str:
    return text.translate(_RESTORE)


def _split_format(text: str, default: TextFormat) -> tuple[TextFormat, str]:
    """A leading `[html]`-style tag and the text after it (Moodle's parse_text_with_format)."""
    match = FORMAT_TAG.match(text)
    if not match:
        return default, text
    name = match.group(1).lower()
    fmt = next(f for f in _FORMATS if f == name)
    return fmt, text[match.end() :]


def _clean(text: str) -> str:
    """An answer or feedback: without its own format tag, escapes undone."""
    return _restore(_split_format(text.strip(), "plain")[1]).strip()


class _Invalid(Exception):
    """The question cannot be read; `messages` say why, all of them."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages)
        self.messages = messages


class _Unsupported(Exception):
    """A question of a kind the bank does not keep: a warning, and it is skipped."""


@dataclass
class _Block:
    """The lines of one question, comments taken out, with where each came from."""

    lines: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    current = _Block()
    for number, raw in enumerate(_LINE_BREAK.split(text), 1):
        line = raw.strip()
        if not line:
            if current.lines or current.comments:
                blocks.append(current)
            current = _Block()
        elif line.startswith(CATEGORY_PREFIX):
            # Moodle wants a category line alone in its block; we also take a question
            # (and its tags comment) that follows it without a blank line.
            if current.lines or current.comments:
                blocks.append(current)
            blocks.append(_Block(lines=[line], numbers=[number]))
            current = _Block()
        elif line.startswith("//"):
            # Only comments above the question can carry its tags; one inside it is dropped.
            if not current.lines:
                current.comments.append(line)
        else:
            # As in Moodle, a line keeps its indentation: a <pre> listing needs it.
            current.lines.append(raw.rstrip())
            current.numbers.append(number)
    if current.lines or current.comments:
        blocks.append(current)
    return blocks


def _tags(comments: list[str]) -> list[str]:
    tags: list[str] = []
    for comment in comments:
        match = _TAGS_COMMENT.match(comment)
        if match:
            tags += [tag.strip() for tag in match.group(1).split(",")]
        tags += [tag.replace("\\]", "]").strip() for tag in _MOODLE_TAG.findall(comment)]
    return [tag for tag in tags if tag]


def read_gift(text: str) -> ParseResult:
    """Every question of a GIFT file, with every error and warning at its line."""
    result = ParseResult()
    category = ""
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))
    for block in _blocks(text):
        if block.lines and block.lines[0].startswith(CATEGORY_PREFIX):
            category = clean_category(block.lines[0][len(CATEGORY_PREFIX) :])
            continue
        if not block.lines:
            continue
        start = block.numbers[0]
        try:
            question = _read_question(block)
        except _Invalid as invalid:
            result.errors += [Issue(message, line=start) for message in invalid.messages]
            continue
        except _Unsupported as unsupported:
            result.warnings.append(Issue(str(unsupported), line=start))
            continue
        question.category = category
        question.tags = _tags(block.comments)
        question.line = start
        normalize_question(question)
        notes, skip = settle_wildcards(question)
        if skip:
            result.warnings.append(Issue(skip, line=start))
            continue
        result.warnings += [Issue(note, line=start) for note in notes]
        problems = check_question(question)
        if problems:
            result.errors += [Issue(message, line=start) for message in problems]
        else:
            result.questions.append(question)
    return result


def _read_question(block: _Block) -> ParsedQuestion:
    full = _protect("\n".join(block.lines).lstrip())
    start = 0
    title = ""
    if full.startswith("::"):
        end = full.find("::", 2)
        if end < 0:
            raise _Invalid(
                [_("The title starts with :: but never ends with ::. Write \\: for a colon.")]
            )
        title = _restore(full[2:end]).strip()
        start = end + 2
        while start < len(full) and full[start].isspace():
            start += 1
    fmt, body = _split_format(full[start:], "plain")
    start = len(full) - len(body)

    def line_at(offset: int) -> int:
        return block.numbers[full.count("\n", 0, start + offset)]

    if _CLOZE.search(body):
        raise _Unsupported(
            _(
                "Embedded answers (cloze) are not supported by the question bank; "
                "the question was skipped."
            )
        )
    opening, closing = body.find("{"), body.find("}")
    if opening < 0 and closing < 0:
        _refuse_aiken(block)
        question = ParsedQuestion(type="description", text=_restore(body))
        question.default_mark = ZERO
    else:
        answers, text = _answer_block(body, opening, closing, line_at)
        question = _typed_question(answers)
        question.text = _restore(text)
    question.title = title
    question.text_format = fmt
    return question


def _answer_block(
    body: str, opening: int, closing: int, line_at: Callable[[int], int]
) -> tuple[str, str]:
    """The text between the braces, and the question text with `_____` where the braces
    were (Moodle's missing-word format) unless they close the question."""
    if opening < 0 or 0 <= closing < opening:
        raise _Invalid(
            [
                _(
                    "A closing brace } on line %(line)s has no opening {. "
                    "Write \\} for a brace that is part of the text."
                )
                % {"line": line_at(closing)}
            ]
        )
    if closing < 0:
        raise _Invalid(
            [
                _(
                    "Unclosed brace: the answers start with { on line %(line)s but never end "
                    "with }. Write \\{ for a brace that is part of the text."
                )
                % {"line": line_at(opening)}
            ]
        )
    inside = body[opening + 1 : closing]
    if "{" in inside:
        raise _Invalid(
            [
                _(
                    "A second { on line %(line)s opens before the answers close with }. "
                    "Write \\{ for a brace that is part of the text."
                )
                % {"line": line_at(opening + 1 + inside.index("{"))}
            ]
        )
    after = body[closing + 1 :]
    if "{" in after and "}" in after:
        raise _Unsupported(
            _(
                "The question has several answer blocks (embedded answers), which the "
                "question bank does not support; the question was skipped."
            )
        )
    if "}" in after or "{" in after:
        brace = "}" if "}" in after else "{"
        raise _Invalid(
            [
                _(
                    "A stray %(brace)s on line %(line)s after the answers. "
                    "Write \\%(brace)s for a brace that is part of the text."
                )
                % {"brace": brace, "line": line_at(closing + 1 + after.index(brace))}
            ]
        )
    before = body[:opening]
    text = before if not after.strip() else before + BLANK + after
    return inside.strip(), text


def _refuse_aiken(block: _Block) -> None:
    """An Aiken question read as GIFT would silently become a description."""
    lines = [line.strip() for line in block.lines]
    if any(_AIKEN_ANSWER.match(line) for line in lines) and any(
        _AIKEN_OPTION.match(line) for line in lines
    ):
        raise _Invalid(
            [
                _(
                    "This looks like an Aiken question (options A) B) and an ANSWER: line), "
                    "not GIFT. Import the file with the Aiken format."
                )
            ]
        )


def _typed_question(answers: str) -> ParsedQuestion:
    general = ""
    separator = answers.rfind("####")
    if separator >= 0:
        general = _clean(answers[separator + 4 :])
        answers = answers[:separator].strip()
    if not answers:
        question = ParsedQuestion(type="essay", text="")
    elif answers.startswith("#"):
        question = _numerical(answers[1:])
    elif "~" in answers:
        question = _choice(answers)
    elif "=" in answers and "->" in answers:
        question = _matching(answers)
    elif answers.split("#", 1)[0].strip().upper() in _TRUE + _FALSE:
        question = _truefalse(answers)
    else:
        question = _short_answer(answers)
    question.general_feedback = general
    return question


def _weight(piece: str, default: Decimal, problems: list[str]) -> tuple[Decimal, str]:
    """A leading `%50%` weight as a fraction (0.5), and the rest of the answer."""
    match = WEIGHT.match(piece)
    if match:
        value = parse_decimal(match.group(1))
        if value is not None:
            return value / HUNDRED, piece[match.end() :]
    if _BROKEN_WEIGHT.match(piece):
        problems.append(
            _("The weight at the start of '%(answer)s' should look like %%50%% or %%-25%%.")
            % {"answer": _restore(piece.strip())[:60]}
        )
    return default, piece


def _feedback(piece: str) -> tuple[str, str]:
    text, _hash, feedback = piece.partition("#")
    return _clean(text), _clean(feedback)


def _leading_text(pieces: list[str], problems: list[str]) -> list[str]:
    head = pieces[0].strip()
    if head:
        problems.append(
            _(
                "'%(text)s' stands before the first answer: start every answer with "
                "= (right) or ~ (wrong)."
            )
            % {"text": _restore(head)[:60]}
        )
    return pieces[1:]


def _choice(answers: str) -> ParsedQuestion:
    problems: list[str] = []
    # Moodle's rule: an answer marked = makes a single-choice question (other answers may
    # still earn part of the mark); without one, weights share the mark among several.
    single = "=" in answers
    options: list[Answer] = []
    for piece in _leading_text(answers.replace("=", "~=").split("~"), problems):
        piece = piece.strip()
        right = piece.startswith("=")
        if right:
            piece = piece[1:].lstrip()
        fraction, piece = _weight(piece, ONE if right else ZERO, problems)
        text, feedback = _feedback(piece)
        options.append(Answer(text, fraction, feedback))
    if not single and options and all(option.fraction <= 0 for option in options):
        problems.append(
            _(
                "No right answer: mark the right answer with = (or give the right answers "
                "weights such as ~%%50%% that add up to 100%%)."
            )
            % {}
        )
    if problems:
        raise _Invalid(problems)
    return ParsedQuestion(type="single" if single else "multiple", text="", answers=options)


def _matching(answers: str) -> ParsedQuestion:
    problems: list[str] = []
    pairs = []
    for number, piece in enumerate(_leading_text(answers.split("="), problems), 1):
        prompt, arrow, answer = piece.partition("->")
        if not arrow:
            problems.append(
                _("Pair %(number)s ('%(text)s') has no ->: write each pair as =left -> right.")
                % {"number": number, "text": _restore(piece.strip())[:60]}
            )
            continue
        # As in Moodle, only the left side may carry a format tag.
        pairs.append(MatchPair(_clean(prompt), _restore(answer).strip()))
    if problems:
        raise _Invalid(problems)
    return ParsedQuestion(type="matching", text="", pairs=pairs)


def _truefalse(answers: str) -> ParsedQuestion:
    value, *feedback = answers.split("#", 2)
    wrong = _clean(feedback[0]) if feedback else ""
    right = _clean(feedback[1]) if len(feedback) > 1 else ""
    return ParsedQuestion(
        type="truefalse",
        text="",
        truefalse=value.strip().upper() in _TRUE,
        truefalse_feedback=(wrong, right),
    )


def _short_answer(answers: str) -> ParsedQuestion:
    problems: list[str] = []
    accepted = []
    for piece in _leading_text(answers.split("="), problems):
        fraction, piece = _weight(piece.strip(), ONE, problems)
        text, feedback = _feedback(piece)
        accepted.append(Answer(text, fraction, feedback))
    if problems:
        raise _Invalid(problems)
    return ParsedQuestion(type="shortanswer", text="", answers=accepted)


def _number(text: str, problems: list[str]) -> Decimal:
    value = parse_decimal(_restore(text))
    if value is None:
        problems.append(
            _(
                "'%(text)s' is not a number: write a numerical answer as {#3.5}, "
                "{#3.5:0.1} (value and tolerance) or {#3..4} (range)."
            )
            % {"text": _restore(text.strip())[:60]}
        )
        return ZERO
    return value


def _numerical(answers: str) -> ParsedQuestion:
    problems: list[str] = []
    # Moodle reads the part after ~ as the answer * (any other answer) with its feedback;
    # it is kept as such here, and left out with a warning (settle_wildcards).
    answers, tilde, other = answers.partition("~")
    others = [Answer("*", ZERO, _clean(other.partition("#")[2]))] if tilde else []
    pieces = answers.split("=")
    if not pieces[0].strip():
        pieces = pieces[1:]
    values = []
    for piece in pieces:
        fraction, piece = _weight(piece.strip(), ONE, problems)
        value_text, _hash, feedback = piece.partition("#")
        low, dots, high = value_text.partition("..")
        if dots:
            low_value, high_value = _number(low, problems), _number(high, problems)
            if low_value > high_value:
                problems.append(
                    _("The range %(low)s..%(high)s starts above its end.")
                    % {"low": decimal_text(low_value), "high": decimal_text(high_value)}
                )
            value = (low_value + high_value) / 2
            tolerance = high_value - value
        else:
            number, colon, margin = value_text.partition(":")
            value = _number(number, problems)
            tolerance = _number(margin, problems) if colon else ZERO
        values.append(NumericalAnswer(value, tolerance, fraction, _clean(feedback)))
    if not values:
        problems.append(_("The numerical question has no right value: write it as {#3.5}."))
    if problems:
        raise _Invalid(problems)
    return ParsedQuestion(type="numerical", text="", numerical=values, answers=others)


# Writing.

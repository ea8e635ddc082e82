"""What every reader and writer shares: NFC normalisation, category paths, numbers and the
checks that make a parsed question usable by the bank, whatever file it came from."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from sathach.core.text import nfc, nfc_text
from sathach.exams.formats.base import (
    DIFFICULTY_TAG_PREFIX,
    Answer,
    MatchPair,
    NumericalAnswer,
    ParsedQuestion,
)

ONE = Decimal(1)
ZERO = Decimal(0)
HUNDRED = Decimal(100)
# Moodle stores weights with seven decimals (0.3333333); so do we when we compute them.
WEIGHT_QUANTUM = Decimal("0.0000001")
# Moodle accepts the weights of a multiple-answer question when they add up to 100% give or
# take this much, so that three answers of 33.33333% pass.
WEIGHT_SUM_SLACK = Decimal("0.01")

# Moodle prefixes a category path with its context ($course$, $system$, $module$,
# $coursecategory$) and, since 3.5, with the context's "top" category.
_CONTEXT_PREFIX = re.compile(r"^\s*\$[a-z]+\$\s*(/|$)")
_DIFFICULTIES = ("easy", "medium", "hard")


def clean_category(path: str) -> str:
    """A Moodle category path as the bank stores it: "IU03/Định dạng", without the
    `$course$/top/` head, empty segments or stray white space."""
    path = _CONTEXT_PREFIX.sub("", path)
    segments = [nfc(segment) for segment in path.split("/")]
    segments = [segment for segment in segments if segment]
    if segments and segments[0] == "top":
        segments = segments[1:]
    return "/".join(segments)


def decimal_text(value: Decimal) -> str:
    """A number as people write it: "0.5", "3", "-0.25", never "5E-1" or "3.000"."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent_text(fraction: Decimal) -> str:
    """A weight as a percentage without the sign: Decimal("0.3333333") → "33.33333"."""
    return decimal_text(fraction * HUNDRED)


def parse_decimal(text: str) -> Decimal | None:
    """A finite number written with a point or a Vietnamese decimal comma, or None."""
    cleaned = text.strip().replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", cleaned):
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def equal_share(count: int) -> Decimal:
    """One of `count` equal shares of the mark, as Moodle rounds it (1/3 → 0.3333333)."""
    return (ONE / count).quantize(WEIGHT_QUANTUM)


def difficulty_tag(value: str) -> str:
    return f"{DIFFICULTY_TAG_PREFIX}{value}"


def split_difficulty(tags: list[str]) -> tuple[str | None, list[str]]:
    """The first valid difficulty of the tags, and the other tags."""
    difficulty: str | None = None
    others: list[str] = []
    for tag in tags:
        value = tag.removeprefix(DIFFICULTY_TAG_PREFIX)
        if difficulty is None and tag.startswith(DIFFICULTY_TAG_PREFIX) and value in _DIFFICULTIES:
            difficulty = value
        else:
            others.append(tag)
    return difficulty, others


def _text(value: str) -> str:
    return nfc_text(value).strip()


def normalize_question(question: ParsedQuestion) -> ParsedQuestion:
    """Every string of the question in Unicode NFC: texts keep their line breaks, one-line
    fields (title, category, tags) also lose repeated white space."""
    question.title = nfc(question.title)
    question.text = _text(question.text)
    question.category = clean_category(question.category)
    question.general_feedback = _text(question.general_feedback)
    question.answers = [
        Answer(_text(a.text), a.fraction, _text(a.feedback)) for a in question.answers
    ]
    question.numerical = [
        NumericalAnswer(n.value, n.tolerance, n.fraction, _text(n.feedback))
        for n in question.numerical
    ]
    question.pairs = [MatchPair(_text(p.prompt), _text(p.answer)) for p in question.pairs]
    wrong, right = question.truefalse_feedback
    question.truefalse_feedback = (_text(wrong), _text(right))
    tags = [nfc(tag) for tag in question.tags]
    question.tags = [tag for i, tag in enumerate(tags) if tag and tag not in tags[:i]]
    for image in question.images:
        image.name = nfc(image.name)
    return question


def check_question(question: ParsedQuestion) -> list[str]:
    """Why the bank could not use this question, as messages for the person who wrote it;
    empty when it is usable. The readers check their own syntax first; this checks what
    every format must agree on."""
    problems: list[str] = []
    if not question.text:
        problems.append(_("The question has no text."))
    if question.default_mark < 0:
        problems.append(_("The mark %(mark)s is negative.") % {"mark": question.default_mark})
    kind = question.type
    if kind in ("single", "multiple"):
        problems += _check_choices(question)
    elif kind == "truefalse":
        if question.truefalse is None:
            problems.append(
                _("The true/false question does not say whether the statement is true.")
            )
    elif kind == "shortanswer":
        problems += _check_short_answers(question)
    elif kind == "matching":
        problems += _check_pairs(question)
    elif kind == "numerical":
        problems += _check_numerical(question)
    return problems


def _check_weights(answers: list[Answer], *, accepted: bool) -> list[str]:
    problems = []
    for number, answer in enumerate(answers, 1):
        if -ONE <= answer.fraction <= ONE:
            continue
        params = {"weight": percent_text(answer.fraction), "number": number}
        if accepted:
            message = _(
                "The weight %(weight)s%% of accepted answer %(number)s is outside -100%% to 100%%."
            )
        else:
            message = _("The weight %(weight)s%% of option %(number)s is outside -100%% to 100%%.")
        problems.append(message % params)
    return problems


def _check_choices(question: ParsedQuestion) -> list[str]:
    answers = question.answers
    problems = []
    if len(answers) < 2:
        problems.append(
            _("A choice question needs at least two options; this one has %(count)s.")
            % {"count": len(answers)}
        )
    for number, answer in enumerate(answers, 1):
        if not answer.text:
            problems.append(_("Option %(number)s is empty.") % {"number": number})
    problems += _check_weights(answers, accepted=False)
    if problems or not answers:
        return problems
    if question.type == "single":
        if max(a.fraction for a in answers) != ONE:
            problems.append(
                _("No option is fully right: a single-choice question needs one option worth 100%.")
            )
    else:
        positive = sum((a.fraction for a in answers if a.fraction > 0), ZERO)
        if positive == 0:
            problems.append(_("No option is right: give the right options positive weights."))
        elif abs(positive - ONE) > WEIGHT_SUM_SLACK:
            problems.append(
                _(
                    "The weights of the right options add up to %(total)s%%; "
                    "they must add up to 100%%."
                )
                % {"total": percent_text(positive)}
            )
    return problems


def _check_short_answers(question: ParsedQuestion) -> list[str]:
    answers = question.answers
    if not answers:
        return [_("The short-answer question has no accepted answer.")]
    problems = [
        _("Accepted answer %(number)s is empty.") % {"number": number}
        for number, answer in enumerate(answers, 1)
        if not answer.text
    ]
    problems += _check_weights(answers, accepted=True)
    if not problems and max(a.fraction for a in answers) != ONE:
        problems.append(_("No accepted answer is worth 100%."))
    return problems


def _check_pairs(question: ParsedQuestion) -> list[str]:
    problems = []
    prompts = [pair for pair in question.pairs if pair.prompt]
    if len(prompts) < 2:
        problems.append(
            _("A matching question needs at least two pairs; this one has %(count)s.")
            % {"count": len(prompts)}
        )
    for number, pair in enumerate(question.pairs, 1):
        if not pair.answer:
            problems.append(
                _("Pair %(number)s has nothing on its right side.") % {"number": number}
            )
    return problems


def _check_numerical(question: ParsedQuestion) -> list[str]:
    values = question.numerical
    if not values:
        return [_("The numerical question has no right value.")]
    problems = []
    for number, value in enumerate(values, 1):
        if value.tolerance < 0:
            problems.append(
                _("The tolerance of value %(number)s is negative.") % {"number": number}
            )
        if not -ONE <= value.fraction <= ONE:
            problems.append(
                _("The weight %(weight)s%% of value %(number)s is outside -100%% to 100%%.")
                % {"weight": percent_text(value.fraction), "number": number}
            )
    if not problems and max(v.fraction for v in values) != ONE:
        problems.append(_("No right value is worth 100%."))
    return problems

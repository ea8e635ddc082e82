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
# Moodle accepts the weights of a multiple-answer question when their sum rounded to two
# decimals is 1 (qtype_multichoice: round($totalfraction, 2) == 1), that is from 99.5% up to,
# not including, 100.5%; three answers of 33.33333% pass.
WEIGHT_SUM_SLACK = Decimal("0.005")
# The weights Moodle's question bank can hold (question_bank::fraction_options_full()), and
# how far a file's weight may be from one of them to count as it (match_grade_options()).
_MOODLE_WEIGHTS = (
    "1 0.9 0.8333333 0.8 0.75 0.7 0.6666667 0.6 0.5 0.4 0.3333333 0.3 0.25 0.2 0.1666667 "
    "0.1428571 0.125 0.1111111 0.1 0.05"
)
ALLOWED_WEIGHTS = (
    *(sign * Decimal(text) for text in _MOODLE_WEIGHTS.split() for sign in (1, -1)),
    Decimal(0),
)
WEIGHT_MATCH = Decimal("0.00001")

# Moodle prefixes a category path with its context ($course$, $system$, $module$,
# $coursecategory$) and, since 3.5, with the context's "top" category.
_CONTEXT_PREFIX = re.compile(r"^\s*\$[a-z]+\$\s*(/|$)")
_DIFFICULTIES = ("easy", "medium", "hard")
# Moodle writes a slash inside a category's name twice ("Word//Writer" is one category); the
# bank's paths join segments with "/", so such a slash is kept as a division slash.
NAME_SLASH = "\u2215"
# Moodle's short answers: a run of stars not after a backslash matches any text; "\*" is a
# star (qtype_shortanswer's compare_string_with_wildcard). "*" alone is "any other answer".
_WILDCARD = re.compile(r"(?<!\\)\*+")
ANY_OTHER_ANSWER = "*"


def clean_category(path: str) -> str:
    """A Moodle category path as the bank stores it: "IU03/Định dạng", without the
    `$course$/top/` head, empty segments or stray white space."""
    path = _CONTEXT_PREFIX.sub("", path).replace("//", NAME_SLASH)
    segments = [nfc(segment) for segment in path.split("/")]
    segments = [segment for segment in segments if segment]
    if segments and segments[0] == "top":
        segments = segments[1:]
    return "/".join(segments)


def moodle_category(path: str) -> str:
    """A category path as Moodle writes it: a slash inside a name doubled."""
    return path.replace(NAME_SLASH, "//")


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


def nearest_weight(fraction: Decimal) -> Decimal:
    return min(ALLOWED_WEIGHTS, key=lambda weight: abs(weight - fraction))


def allowed_weight(fraction: Decimal) -> Decimal | None:
    """The weight of Moodle's list that `fraction` stands for (Decimal("0.333333") is
    Decimal("0.3333333")), or None when it is none of them."""
    nearest = nearest_weight(fraction)
    return nearest if abs(nearest - fraction) < WEIGHT_MATCH else None


def text_label(text: str) -> str:
    """A text cut to fit in a message: one line, at most 60 characters."""
    label = " ".join(nfc(text).split())
    return label if len(label) <= 60 else label[:59] + "…"


def question_label(question: ParsedQuestion) -> str:
    """How a message names a question: its title, else the start of its text."""
    return text_label(question.title or question.text)


def any_other_answer_left_out(question: ParsedQuestion) -> str:
    return _(
        "The question '%(question)s' gives feedback for any other answer (*); the question "
        "bank has no such answer, so that feedback was left out."
    ) % {"question": question_label(question)}


def settle_wildcards(question: ParsedQuestion) -> tuple[list[str], str | None]:
    """The short answers of a Moodle question as the bank compares them (as written): `\\*`
    becomes a star; an answer with Moodle's wildcard that earns nothing (the "any other
    answer" `*`, or `Sai*` at 0%) only carried feedback and is left out with a warning. One
    that earns marks cannot be graded as Moodle grades it: the second value says why the
    question is skipped. Returns (warnings, reason to skip or None); an answer left out
    without feedback needs no warning."""
    if question.type not in ("shortanswer", "numerical"):
        return [], None
    messages: list[str] = []
    kept: list[Answer] = []
    for answer in question.answers:
        if not _WILDCARD.search(answer.text):
            kept.append(Answer(answer.text.replace("\\*", "*"), answer.fraction, answer.feedback))
            continue
        if answer.fraction > 0:
            return messages, _(
                "The answer '%(answer)s' of the question '%(question)s' gives marks to any text "
                "that Moodle's wildcard * matches; the question bank compares answers as "
                "written, so the question was skipped. Write \\* for a star that is part of "
                "the answer."
            ) % {"answer": text_label(answer.text), "question": question_label(question)}
        if not answer.feedback.strip():
            continue
        if answer.text.strip() == ANY_OTHER_ANSWER:
            messages.append(any_other_answer_left_out(question))
        else:
            messages.append(
                _(
                    "The answer '%(answer)s' of the question '%(question)s' uses Moodle's "
                    "wildcard * and earns no mark; the question bank compares answers as "
                    "written, so it was left out with its feedback."
                )
                % {"answer": text_label(answer.text), "question": question_label(question)}
            )
    question.answers = kept
    return messages, None


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
    problems += _match_weights(question)
    if problems:
        return problems
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


def _match_weights(question: ParsedQuestion) -> list[str]:
    """Every weight replaced by the one of Moodle's list it stands for, as Moodle's import
    does; a weight that stands for none is an error, as in Moodle, so that whatever the
    bank holds can go back to Moodle."""
    problems = []
    weighted: list[Answer | NumericalAnswer] = [*question.answers, *question.numerical]
    for number, answer in enumerate(weighted, 1):
        if not -ONE <= answer.fraction <= ONE:
            continue  # reported as out of range by the type's own checks
        allowed = allowed_weight(answer.fraction)
        if allowed is not None:
            answer.fraction = allowed
            continue
        problems.append(
            _(
                "The weight %(weight)s%% of answer %(number)s of the question '%(question)s' is "
                "not one that Moodle allows; the nearest allowed weight is %(nearest)s%%. "
                "Allowed: 100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, "
                "25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5 and 0 percent, and the "
                "same below zero."
            )
            % {
                "weight": percent_text(answer.fraction),
                "number": number,
                "question": question_label(question),
                "nearest": percent_text(nearest_weight(answer.fraction)),
            }
        )
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
        elif not ONE - WEIGHT_SUM_SLACK <= positive < ONE + WEIGHT_SUM_SLACK:
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

"""The Aiken format: single-choice questions only, each written as

    Question text (one line or more)
    A) first option        (or "A. first option")
    B) second option
    ANSWER: B

Blank lines between questions are optional. `ĐÁP ÁN: B` is read like `ANSWER: B`, and
option letters may be lower case, because that is how people here type the file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from sathach.exams.formats.base import Answer, Issue, ParsedQuestion, ParseResult
from sathach.exams.formats.common import ONE, ZERO, check_question, normalize_question

_OPTION = re.compile(r"^([A-Za-z])[.)]\s+(.*)$")
_ANSWER = re.compile(r"^(?:ANSWER|ĐÁP\s*ÁN)\s*:\s*(.*)$", re.IGNORECASE)
_LETTER = re.compile(r"^([A-Za-z])\s*[.)]?$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class _Draft:
    line: int
    text: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)  # (letter, text)
    problems: list[str] = field(default_factory=list)


def _letters(options: list[tuple[str, str]]) -> str:
    return ", ".join(letter for letter, _text in options)


def _finish(draft: _Draft, answer: str | None, result: ParseResult) -> None:
    problems = list(draft.problems)
    if answer is None:
        problems.append(
            _("The question has no ANSWER line (for example 'ANSWER: B') after its options.")
        )
    if len(draft.options) < 2:
        problems.append(
            _("The question needs at least two options (A and B); it has %(count)s.")
            % {"count": len(draft.options)}
        )
    right: str | None = None
    if answer is not None:
        match = _LETTER.match(answer.strip())
        if not match:
            problems.append(
                _("The ANSWER line should name one letter, like 'ANSWER: B', not '%(text)s'.")
                % {"text": answer.strip()}
            )
        else:
            right = match.group(1).upper()
            if draft.options and right not in {letter for letter, _text in draft.options}:
                problems.append(
                    _("The right answer '%(letter)s' is not one of the options %(letters)s.")
                    % {"letter": right, "letters": _letters(draft.options)}
                )
    question = ParsedQuestion(
        type="single",
        text="\n".join(draft.text),
        answers=[Answer(text, ONE if letter == right else ZERO) for letter, text in draft.options],
        line=draft.line,
    )
    normalize_question(question)
    if not problems:
        problems = check_question(question)
    if problems:
        result.errors += [Issue(message, line=draft.line) for message in problems]
    else:
        result.questions.append(question)


def read_aiken(text: str) -> ParseResult:
    """Every question of an Aiken file, with every error at the line where its question
    starts."""
    result = ParseResult()
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))
    draft: _Draft | None = None
    for number, raw in enumerate(_LINE_BREAK.split(text), 1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        if answer:
            if draft is None:
                result.errors.append(
                    Issue(_("An ANSWER line without a question and options above it."), line=number)
                )
            else:
                _finish(draft, answer.group(1), result)
            draft = None
        elif option and draft is not None:
            letter = option.group(1).upper()
            if letter in {known for known, _text in draft.options}:
                draft.problems.append(
                    _("The option letter %(letter)s is used twice.") % {"letter": letter}
                )
            draft.options.append((letter, option.group(2)))
        elif option:
            # Options with no question text above them: report them with their own line.
            draft = _Draft(line=number, options=[(option.group(1).upper(), option.group(2))])
            draft.problems.append(_("Options start here, but there is no question text above."))
        else:
            if draft is not None and draft.options:
                # Text after the options means a new question; the one before it never
                # got its ANSWER line.
                _finish(draft, None, result)
                draft = None
            if draft is None:
                draft = _Draft(line=number)
            draft.text.append(line)
    if draft is not None:
        _finish(draft, None, result)
    result.errors.sort(key=lambda issue: issue.line or 0)
    return result

"""Grading one answer: the share of the mark (0 to 1) that a response earns.

Partial credit follows the answer weights, as Moodle does: a multiple-answer question adds the
weights of the chosen options and keeps the sum between 0 and 1. Responses come from the
browser, so anything malformed earns 0 and never raises.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sathach.core.text import nfc

ZERO = Decimal(0)
ONE = Decimal(1)


def _clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value))


def _fraction(answer: dict[str, Any]) -> Decimal:
    return Decimal(str(answer.get("fraction", "0")))


def _index(value: Any, size: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value < size else None


def normalize_short_answer(text: str) -> str:
    """Case-insensitive, spaces collapsed; Vietnamese diacritics stay significant."""
    return " ".join(nfc(text).casefold().split())


def parse_number(text: str) -> Decimal | None:
    """A number as a Vietnamese user types it: "3,5" or "3.5", "1.000" is not guessed."""
    cleaned = text.strip().replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    # Anything beyond 15 digits is no answer to a skills question, and would make the
    # tolerance arithmetic overflow.
    if not number.is_finite() or number.adjusted() > 15 or number.adjusted() < -15:
        return None
    return number


def grade(kind: str, data: dict[str, Any], response: Any) -> Decimal:
    """The fraction of the mark earned by `response` to a question of type `kind`."""
    if not isinstance(response, dict):
        return ZERO
    answers = data.get("answers", [])
    if kind == "single":
        index = _index(response.get("choice"), len(answers))
        return ZERO if index is None else _clamp(_fraction(answers[index]))
    if kind == "multiple":
        chosen = response.get("choices")
        if not isinstance(chosen, list):
            return ZERO
        indexes = {i for i in (_index(c, len(answers)) for c in chosen) if i is not None}
        return _clamp(sum((_fraction(answers[i]) for i in indexes), ZERO))
    if kind == "truefalse":
        value = response.get("value")
        if not isinstance(value, bool):
            return ZERO
        return ONE if value == data.get("truefalse") else ZERO
    if kind == "shortanswer":
        text = response.get("text")
        if not isinstance(text, str) or not text.strip():
            return ZERO
        given = normalize_short_answer(text)
        earned = [
            _fraction(a) for a in answers if normalize_short_answer(str(a.get("text", ""))) == given
        ]
        return _clamp(max(earned, default=ZERO))
    if kind == "numerical":
        text = response.get("text")
        number = parse_number(text) if isinstance(text, str) else None
        if number is None:
            return ZERO
        earned = [
            Decimal(str(a.get("fraction", "1")))
            for a in data.get("numerical", [])
            if abs(number - Decimal(str(a["value"]))) <= Decimal(str(a.get("tolerance", "0")))
        ]
        return _clamp(max(earned, default=ZERO))
    if kind == "matching":
        pairs = data.get("pairs", [])
        given_pairs = response.get("pairs")
        if not pairs or not isinstance(given_pairs, dict):
            return ZERO
        right = 0
        for prompt_index, pair in enumerate(pairs):
            # The examinee picks, for each prompt, the text of its answer.
            if given_pairs.get(str(prompt_index)) == pair.get("answer"):
                right += 1
        return Decimal(right) / Decimal(len(pairs))
    return ZERO


def is_answered(kind: str, response: Any) -> bool:
    if not isinstance(response, dict):
        return False
    if kind == "single":
        return response.get("choice") is not None
    if kind == "multiple":
        return bool(response.get("choices"))
    if kind == "truefalse":
        return isinstance(response.get("value"), bool)
    if kind in ("shortanswer", "numerical", "essay", "typing"):
        return bool(str(response.get("text") or "").strip())
    if kind in ("document", "spreadsheet", "presentation"):
        return bool(response.get("file"))
    if kind == "matching":
        return any(v for v in (response.get("pairs") or {}).values())
    return False

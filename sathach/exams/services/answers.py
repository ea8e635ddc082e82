"""The answers of an autosave as the server accepts them: each bounded in shape and size and
storable by the database (`parse_answers`), and the others named so that the browser stops
resending them (`refused_answers`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sathach.core.text import hidden_characters, nfc_text

MAX_TEXT = 2000
MAX_ANSWERS_PER_SAVE = 200
MAX_POSITION = 32767  # the column's smallint
MAX_SEQ = 2**31 - 1  # and integer


@dataclass(frozen=True)
class Answer:
    """One answer of a save, as parse_answers checked it."""

    position: int
    seq: int
    response: Any
    flagged: bool


def parse_answers(answers: list[Any]) -> dict[int, Answer]:
    """The well-formed answers of a save, the newest one per question; others are skipped."""
    parsed: dict[int, Answer] = {}
    for answer in answers[:MAX_ANSWERS_PER_SAVE]:
        try:
            item = Answer(
                position=int(answer["p"]),
                seq=int(answer["s"]),
                response=_clean_response(answer.get("r")),
                flagged=bool(answer.get("f", False)),
            )
        except (KeyError, TypeError, ValueError, RecursionError):
            continue
        if not (0 < item.position <= MAX_POSITION and 0 < item.seq <= MAX_SEQ):
            continue
        kept = parsed.get(item.position)
        if kept is None or item.seq > kept.seq:
            parsed[item.position] = item
    return parsed


def refused_answers(answers: list[Any], parsed: dict[int, Answer]) -> dict[int, int]:
    """The answers of a save that parse_answers skipped (a shape no question takes, text too
    long, a character the database cannot store), as position: sequence number, so that the
    browser stops resending them and tells the examinee."""
    refused: dict[int, int] = {}
    for answer in answers[:MAX_ANSWERS_PER_SAVE]:
        try:
            position, seq = int(answer["p"]), int(answer["s"])
        except (KeyError, TypeError, ValueError):
            continue
        kept = parsed.get(position)
        if kept is None or kept.seq < seq:
            refused[position] = max(seq, refused.get(position, 0))
    return refused


def _clean_response(response: Any) -> Any:
    """Bound what a browser may store; grading treats any other shape as unanswered."""
    if response is None:
        return None
    if not isinstance(response, dict) or len(response) > 4:
        raise ValueError("bad response")
    decomposed = False
    for key, value in response.items():
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise ValueError("too long")
        if isinstance(value, str):
            if hidden_characters(value):  # zero-width, right-to-left, control characters
                raise ValueError("hidden characters")
            response[key] = nfc_text(value)  # typed in NFD (some keyboards), stored in NFC
            decomposed = decomposed or (key == "text" and response[key] != value)
        if isinstance(value, list | dict) and len(value) > 20:
            raise ValueError("too many")
    # A typing task judges the character set the leader typed with: the stored text is NFC,
    # so whether it arrived decomposed ("Unicode tổ hợp") is kept beside it.
    if decomposed and "ms" in response and len(response) < 4:
        response["decomposed"] = True
    if _holds_nul(response):  # PostgreSQL's jsonb cannot store it
        raise ValueError("NUL character")
    if not _encodable(response):  # a lone UTF-16 surrogate: neither can it
        raise ValueError("not UTF-8")
    return response


def _encodable(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_encodable(k) and _encodable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_encodable(v) for v in value)
    return True


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False

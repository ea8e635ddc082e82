"""The text side of a typing task: comparing what the leader typed with the passage, and
telling precomposed Unicode from the encodings an old keyboard setting produces.

The comparison aligns the two texts word by word (difflib, without its "junk" heuristic,
which would ignore the commonest Vietnamese words), then counts the characters to change
inside the words that differ (a Levenshtein distance). This is the character edit distance
for every ordinary typo, and an upper bound of it otherwise, at a cost that stays small for
a long passage.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

# Beyond this many cells a block's exact distance is not worth computing: such a block is a
# garbled stretch, and its longer side is counted as wrong.
_MAX_CELLS = 250_000

# Latin-1 letters that Vietnamese uses; the rest of Latin-1 (and a few cp1252 signs) in a
# typed Vietnamese text are what TCVN3 (ABC) and VNI fonts leave when the text is not
# Unicode: TCVN3's "µ" for "à" and "§" for "Đ", the "ö" and "ø" of VNI's "Tröôøng".
_VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
# The cp1252 signs (florin, daggers, per mille, carons, ligatures...) of the 0x80-0x9F row.
_CP1252_SIGNS = "\u0192\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u0161\u0153\u017e\u0178"
_LEGACY = ({chr(code) for code in range(0xA1, 0x100)} - _VIETNAMESE_LATIN1) | set(_CP1252_SIGNS)
# VIQR ("Vie^.t Nam"): a vowel followed by the marks that stand for ^, (, +.
_VIQR = re.compile(r"[aeoAEO]\^|[aA]\(|[ouOU]\+")
_LEGACY_MINIMUM = 2


def normalise(text: str) -> str:
    """NFC, runs of spaces and line breaks collapsed to one space, ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def levenshtein(a: str, b: str) -> int:
    """The number of characters to insert, delete or replace to turn a into b."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    if len(a) * len(b) > _MAX_CELLS:
        return len(a)
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class Comparison:
    """What the typed text gets right and wrong against the passage (both normalised)."""

    length: int  # characters of the passage
    errors: int  # characters to change
    correct_words: int  # the passage's words typed exactly, in order
    example: tuple[str, str] | None  # (typed, expected) of the first difference; "" = none

    @property
    def accuracy(self) -> float:
        """The share of the passage's characters typed right, in % (0 to 100)."""
        if self.length == 0:
            return 0.0
        return max(0.0, (self.length - self.errors) / self.length * 100)


def compare(typed: str, passage: str) -> Comparison:
    """The alignment of the typed text on the passage (both already normalised)."""
    expected_words, typed_words = passage.split(" "), typed.split(" ") if typed else []
    if not passage:
        return Comparison(0, len(typed), 0, None)
    if len(typed) > 2 * len(passage) + 50:
        # Longer than twice the passage: more characters wrong than the passage holds.
        return Comparison(len(passage), len(typed), 0, None)
    matcher = SequenceMatcher(None, expected_words, typed_words, autojunk=False)
    errors = correct = 0
    example: tuple[str, str] | None = None
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        want, got = expected_words[i1:i2], typed_words[j1:j2]
        if tag == "equal":
            correct += i2 - i1
            continue
        if tag == "replace":
            errors += levenshtein(" ".join(want), " ".join(got))
        elif tag == "delete":
            errors += len(" ".join(want)) + (len(expected_words) > len(want))
        else:
            errors += len(" ".join(got)) + (len(typed_words) > len(got))
        if example is None:
            example = _example(want, got)
    return Comparison(len(passage), errors, correct, example)


def _example(want: list[str], got: list[str]) -> tuple[str, str]:
    """A short (typed, expected) pair that shows the first difference."""
    if want and got and len(want) == len(got):
        for expected, typed in zip(want, got, strict=True):
            if expected != typed:
                return typed[:40], expected[:40]
    return " ".join(got)[:40], " ".join(want)[:40]


def is_decomposed(text: str) -> bool:
    """Typed in "Unicode tổ hợp": letters and their marks as separate characters."""
    return not unicodedata.is_normalized("NFC", text)


def legacy_signs(text: str, passage: str) -> list[str]:
    """The characters (or VIQR marks) of the text that betray a legacy encoding (TCVN3,
    VNI, VIQR) and that the passage itself does not hold; empty when there are fewer than a
    stray typo would make."""
    signs = [ch for ch in text if ch in _LEGACY and ch not in passage]
    if not _VIQR.search(passage):
        signs += _VIQR.findall(text)
    return signs if len(signs) >= _LEGACY_MINIMUM else []

"""The text side of a typing task: comparing what the leader typed with the passage, and
telling precomposed Unicode from the encodings an old keyboard setting produces.

The characters wrong are the edit distance (Levenshtein) between the typed text and the
passage, computed whole with a bit-parallel algorithm, fast for a long passage however
garbled the text. The words typed right, and the example the reason shows, come from an
alignment word by word (difflib, without its "junk" heuristic, which would ignore the
commonest Vietnamese words).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

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
    """The number of characters to insert, delete or replace to turn a into b.

    Myers' bit-vector algorithm (in Hyyrö's form for the whole-string distance): a column
    of the edit-distance table is held as bits of Python integers, so each character of
    the longer text costs a few integer operations on len(shorter)-bit numbers instead of
    a loop over the shorter text."""
    if a == b:
        return 0
    if len(a) > len(b):
        a, b = b, a
    if not a:
        return len(b)
    mask = (1 << len(a)) - 1
    top = 1 << (len(a) - 1)
    positions: dict[str, int] = {}
    for index, char in enumerate(a):
        positions[char] = positions.get(char, 0) | (1 << index)
    plus, minus, score = mask, 0, len(a)
    for char in b:
        equal = positions.get(char, 0)
        vertical = equal | minus
        horizontal = (((equal & plus) + plus) ^ plus) | equal
        up = minus | ~(horizontal | plus)
        down = plus & horizontal
        if up & top:
            score += 1
        elif down & top:
            score -= 1
        up = (up << 1) | 1
        down <<= 1
        plus = (down | ~(vertical | up)) & mask
        minus = up & vertical & mask
    return score


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
    # Words typed beyond twice the passage's are all wrong (and would only slow difflib).
    typed_words = typed_words[: 2 * len(expected_words) + 20]
    matcher = SequenceMatcher(None, expected_words, typed_words, autojunk=False)
    correct = 0
    example: tuple[str, str] | None = None
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            correct += i2 - i1
        elif example is None:
            example = _example(expected_words[i1:i2], typed_words[j1:j2])
    return Comparison(len(passage), levenshtein(typed, passage), correct, example)


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

"""Vietnamese text helpers: NFC normalisation, search folding and name ordering."""

from __future__ import annotations

import unicodedata

# The Vietnamese alphabet in dictionary order; ă, â, đ, ê, ô, ơ, ư are letters of their own.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# Tone marks in dictionary order: ngang (none), huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Combining marks that make a new letter rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


# Characters a reader cannot see that change what a text says or how it reads: zero-width
# characters, the bidirectional controls (a right-to-left override makes "Nguyễn Văn A"
# display as something else) and the C0/C1 controls; tab and line breaks are allowed.
_INVISIBLE = frozenset(
    [0x00AD, 0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
    + [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)]
    + list(range(0x7F, 0xA0))
)


def hidden_characters(value: str) -> list[str]:
    """The invisible and control characters of `value`, each once, as "U+202E"."""
    seen = dict.fromkeys(f"U+{ord(ch):04X}" for ch in value if ord(ch) in _INVISIBLE)
    return list(seen)


def nfc(value: str) -> str:
    """Normalise to NFC and collapse runs of white space."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def nfc_text(value: str) -> str:
    """Normalise to NFC, keeping the white space of a multi-line text."""
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Lower-case text without diacritics, for searching with or without them."""
    decomposed = unicodedata.normalize("NFD", value.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _split_letter(ch: str) -> tuple[str, int]:
    """Return (base letter, tone rank) for one lower-case character."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = 0
    kept = []
    for part in decomposed:
        if part in _TONE_RANK:
            tone = _TONE_RANK[part]
        else:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def _word_key(word: str) -> tuple[str, str]:
    """Primary (letters) and secondary (tones) keys of a word, as digit strings."""
    primary = []
    tones = []
    for ch in word.lower():
        base, tone = _split_letter(ch)
        if base in _LETTER_RANK:
            primary.append(f"{_LETTER_RANK[base] + 10:02d}")
        elif base.isdigit():
            primary.append(f"{int(base) + 40:02d}")
        elif base.isalpha():
            primary.append(f"{min(ord(base[0]), 9999) % 50 + 50:02d}")
        else:
            continue
        tones.append(str(tone))
    return "".join(primary), "".join(tones)


def name_sort_key(full_name: str) -> str:
    """A key that orders Vietnamese names by given name, then family and middle names.

    The key holds digits only, so the database orders it the same way under any collation.
    Letters compare first (a < ă < â < b …), tones only where the letters are equal.
    """
    words = nfc(full_name).split(" ")
    if not words or words == [""]:
        return ""
    given = _word_key(words[-1])
    rest = [_word_key(word) for word in words[:-1]]
    # Given name first, its tones deciding before the family name is looked at
    # (Anh < Ánh whatever the family names), then family and middle names.
    rest_primary = "00".join(key[0] for key in rest)
    rest_tones = "".join(key[1] for key in rest)
    return f"{given[0]}00{given[1]}9{rest_primary}00{rest_tones}"[:250]

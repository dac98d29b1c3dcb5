"""Small text helpers shared by stages that must not import each other."""

from __future__ import annotations

import unicodedata


class _KeepOrDrop(dict[int, str]):
    """A ``str.translate`` table, filled as characters are met: combining marks → ``""``.

    ``translate`` looks every character up in C; only a character never seen
    before costs a Python call. A character-by-character filter in Python took
    ten times longer on article texts.
    """

    LIMIT = 65536
    """Distinct characters kept at most (a text of every code point must not grow it to 100 MB)."""

    def __missing__(self, code: int) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        ch = chr(code)
        kept = "" if unicodedata.combining(ch) else ch
        self[code] = kept
        return kept


_COMBINING = _KeepOrDrop()


def strip_accents(text: str) -> str:
    """``"Pashinyán"`` → ``"Pashinyan"``: accents are spelling noise between outlets."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_COMBINING)

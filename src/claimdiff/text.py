"""Small text helpers shared by stages that must not import each other."""

from __future__ import annotations

import re
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


_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\r": "\\r"}


def _visible(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(s: str) -> str:
    r"""Make control characters visible: ``\x1b``, ``\t``, ``\u202e`` instead of the raw byte.

    Newlines stay (Rich wraps them); every other C0/C1 control, DEL, and the
    bidirectional overrides/isolates and marks that can reorder what a reader sees
    are replaced by their escape, so data can never move the cursor, recolour the
    terminal, open a hyperlink or reverse text.
    """
    return _CONTROL.sub(_visible, s)

"""Small text helpers shared by stages that must not import each other."""

from __future__ import annotations

import unicodedata


def strip_accents(text: str) -> str:
    """``"Pashinyán"`` → ``"Pashinyan"``: accents are spelling noise between outlets."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))

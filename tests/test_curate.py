"""new and locate: the curator's helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimdiff.curate import guess_title, locate, new_claim_file, slugify
from claimdiff.errors import UsageError
from claimdiff.model import Article, Location

SEED_LIKE = (
    "Loading...\n\nArticles\n\nIs the strategic alliance a thing of the past?\n"
    "Russia blames its ally Armenia for the collapse of peace talks.\n"
    "She accused Armenia of making contradictory statements. Armenia’s decision to cancel "
    "a meeting in Moscow has impeded talks.\n"
)


def article(text: str) -> Article:
    return Article(id="a", title="t", source="a.yaml", loc=Location("a.yaml"), text=text)


def test_guess_title_skips_navigation() -> None:
    assert guess_title(SEED_LIKE) == "Is the strategic alliance a thing of the past?"
    assert guess_title("“Quoted headline\nbody") == "Quoted headline"
    assert guess_title("\n\n...\n") is None


def test_slugify() -> None:
    assert slugify("Échec des pourparlers: Arménie!") == "echec-des-pourparlers-armenie"
    assert slugify("???") == "article"


def test_locate_returns_verbatim_span_with_curly_apostrophe() -> None:
    spans = locate(article(SEED_LIKE), "Armenia's decision to cancel a meeting")
    assert spans[0].text.startswith("Armenia’s decision to cancel a meeting")
    assert spans[0].line == 7
    assert spans[0].score > 85


def test_locate_offers_close_candidates() -> None:
    text = "Putin met Pashinyan in May.\nPutin met Aliyev in May.\n"
    spans = locate(article(text), "Putin met in May", limit=3)
    assert len(spans) == 2
    assert {s.line for s in spans} == {1, 2}


def test_locate_without_text_is_an_error() -> None:
    from claimdiff.errors import ClaimdiffError

    with pytest.raises(ClaimdiffError, match="has no text"):
        locate(article(None), "x")  # type: ignore[arg-type]


def test_new_claim_file_content(tmp_path: Path) -> None:
    text = tmp_path / "texts" / "my article.txt"
    text.parent.mkdir()
    text.write_text(SEED_LIKE, "utf-8")
    made = new_claim_file(text, tmp_path / "x.yaml", outlet='The "Outlet"', published="2023-10-25")
    assert "  id: my-article\n" in made.content
    assert '  outlet: "The \\"Outlet\\""\n' in made.content
    assert '  text: "texts/my article.txt"\n' in made.content
    assert "claims: []\n" in made.content
    with pytest.raises(UsageError, match="published"):
        new_claim_file(text, tmp_path / "y.yaml", published="whenever")

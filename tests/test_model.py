"""Tests for claimdiff.model: the values every stage shares."""

from __future__ import annotations

import pytest

from claimdiff.model import (
    Article,
    Claim,
    Corpus,
    Location,
    Problem,
    Report,
    Severity,
    Statement,
    Status,
)

LOC = Location("a.yaml", 1, 1)


@pytest.mark.parametrize("value", ["0\n", "a\r\nb", "x\u2028y", "end\n\n"])
def test_a_problem_is_one_line_whatever_value_it_quotes(value: str) -> None:
    p = Problem("a.yaml", 4, 9, Severity.ERROR, "alias-conflict", f"alias '{value}' is listed")
    assert len(str(p).splitlines()) == 1
    assert p.message.startswith("alias '") and p.message.endswith("is listed")
    assert Problem.at(LOC, Severity.ERROR, "x", "plain message").message == "plain message"


def claim(article: str, cid: str) -> Claim:
    return Claim(article, cid, ("Russia",), "blamed", LOC)


def article(aid: str, *claims: Claim) -> Article:
    return Article(aid, aid.title(), f"{aid}.yaml", LOC, claims=claims)


def test_corpus_lookups_find_first_article_and_every_claim() -> None:
    a, dup = article("a", claim("a", "1"), claim("a", "2")), article("a")
    corpus = Corpus(root="c", articles=(a, article("b", claim("b", "1")), dup))
    assert corpus.article("a") is a  # the first of a duplicated id, as a scan would
    with pytest.raises(KeyError):
        corpus.article("zzz")
    assert [c.ref for c in corpus.claims()] == ["a#1", "a#2", "b#1"]
    assert set(corpus.claim_index()) == {"a#1", "a#2", "b#1"}
    with pytest.raises(TypeError):
        corpus.claim_index()["x#1"] = claim("x", "1")  # type: ignore[index]


def test_report_statement_by_id() -> None:
    sts = tuple(
        Statement(
            id=f"S{n}",
            claims=(f"a#{n}",),
            who="Russia",
            did="blamed",
            whom="",
            when=None,
            articles=("a",),
            independent_sources=1,
            status=Status.UNIQUE,
            kinds=(),
            hedged=(),
            score=1.0,
        )
        for n in (1, 2)
    )
    report = Report(corpus=Corpus(root="c"), statements=sts, agreements=(), contradictions=())
    assert report.statement("S2") is sts[1]
    with pytest.raises(KeyError):
        report.statement("S3")

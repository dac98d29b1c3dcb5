"""Invariants of compare(): aliases, tense and file order never change the verdicts."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from claimdiff.compare import compare
from claimdiff.model import Alias, Article, Claim, Corpus, Location, Report

LOC = Location("claims/x.yaml", 1, 1)

ALIASES = {
    "Russia": ("Kremlin", "Moscow"),
    "Armenia": ("Yerevan",),
    "Vladimir Putin": ("President Putin", "Putin"),
}
ACTORS = sorted(ALIASES)
# (past, present, progressive) forms of one action, with a target phrase.
ACTIONS = [
    (
        "blamed Armenia for the collapse of talks",
        "blames Armenia for the collapse of talks",
        "is blaming Armenia for the collapse of talks",
    ),
    ("signed the peace deal", "signs the peace deal", "is signing the peace deal"),
    ("supported the ceasefire", "supports the ceasefire", "is supporting the ceasefire"),
    (
        "remained neutral on the ceasefire",
        "remains neutral on the ceasefire",
        "is remaining neutral on the ceasefire",
    ),
    ("deployed 2000 troops", "deploys 2000 troops", "is deploying 2000 troops"),
    ("deployed 5000 troops", "deploys 5000 troops", "is deploying 5000 troops"),
]

claim_spec = st.tuples(
    st.integers(0, 3),  # article
    st.sampled_from(ACTORS),
    st.integers(0, len(ACTIONS) - 1),
    st.booleans(),  # negated
)
corpus_spec = st.lists(claim_spec, min_size=2, max_size=9)


def build(
    spec: list[tuple[int, str, int, bool]],
    *,
    tense: int = 0,
    alias: bool = False,
    reverse: bool = False,
) -> Corpus:
    claims: dict[str, list[Claim]] = {}
    for n, (art, actor, action, negated) in enumerate(spec):
        aid = f"art{art}"
        who = ALIASES[actor][n % len(ALIASES[actor])] if alias else actor
        claims.setdefault(aid, []).append(
            Claim(aid, f"c{n}", (who,), ACTIONS[action][(tense + n) % 3], LOC, negated=negated)
        )
    articles = [
        Article(a, a, f"{a}.yaml", LOC, claims=tuple(cs)) for a, cs in sorted(claims.items())
    ]
    if reverse:
        articles = [replace(a, claims=tuple(reversed(a.claims))) for a in reversed(articles)]
    aliases = tuple(Alias(c, a, LOC) for c, names in sorted(ALIASES.items()) for a in names)
    return Corpus(root="claims", articles=tuple(articles), aliases=aliases)


def verdicts(report: Report) -> tuple[object, ...]:
    return (
        sorted(st.claims for st in report.statements),
        sorted((c.a, c.b, c.kind) for c in report.contradictions),
        sorted((st.claims, st.status) for st in report.statements),
    )


@settings(max_examples=40, deadline=None)
@given(corpus_spec)
def test_alias_renaming_keeps_verdicts(spec: list[tuple[int, str, int, bool]]) -> None:
    assert verdicts(compare(build(spec))) == verdicts(compare(build(spec, alias=True)))


@settings(max_examples=40, deadline=None)
@given(corpus_spec, st.integers(1, 2))
def test_tense_keeps_verdicts(spec: list[tuple[int, str, int, bool]], tense: int) -> None:
    assert verdicts(compare(build(spec))) == verdicts(compare(build(spec, tense=tense)))


@settings(max_examples=40, deadline=None)
@given(corpus_spec)
def test_file_and_claim_order_keeps_report(spec: list[tuple[int, str, int, bool]]) -> None:
    a, b = compare(build(spec)), compare(build(spec, reverse=True))
    assert verdicts(a) == verdicts(b)
    assert a.statements == b.statements
    assert a.contradictions == b.contradictions
    assert a.agreements == b.agreements


@settings(max_examples=25, deadline=None)
@given(corpus_spec)
def test_compare_is_deterministic(spec: list[tuple[int, str, int, bool]]) -> None:
    corpus = build(spec)
    first, second = compare(corpus), compare(corpus)
    assert first == second
    assert repr(first) == repr(second)

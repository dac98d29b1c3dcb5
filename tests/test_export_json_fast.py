"""The contradictions and agreements JSON is written as text directly, not by json.dumps.

Those writers must give byte for byte what ``json.dumps(<item dict>, ensure_ascii=False,
indent=2)`` gives for the dict builders (the reference), on real, synthetic and
hostile data; and a value of a type they do not expect must make them hand the
item back to json.dumps rather than write something else.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimdiff import export as E
from claimdiff.compare import compare
from claimdiff.export import Format, View, export, export_chunks
from claimdiff.load import load_corpus
from claimdiff.model import Article, Claim, Evidence, Report, TimeSpec
from claimdiff.synth import SynthConfig, generate, write_corpus
from conftest import build_report

ROOT = Path(__file__).resolve().parent.parent

Items = Callable[[Report], Iterator[dict[str, Any]]]
Texts = Callable[[Report], Iterator[str]]
VIEWS: tuple[tuple[View, Items, Texts], ...] = (
    (View.CONTRADICTIONS, E._contradictions_items, E._contradiction_texts),
    (View.AGREEMENTS, E._agreements_items, E._agreement_texts),
)


def _direct_only(report: Report) -> tuple[list[str], list[str]]:
    """Every item through the direct writers, with no fallback to json.dumps."""
    get, art = E.claim_lookup(report), E.article_lookup(report)
    contradictions = [
        E._contradiction_text(c, get(c.a), get(c.b), art) for c in report.contradictions
    ]
    agreements = [
        E._agreement_text(ag, [get(r) for r in ag.claims], art, E._hedged_refs(report, ag))
        for ag in report.agreements
    ]
    return contradictions, agreements


def assert_same_as_json_dumps(report: Report) -> None:
    direct = dict(zip((View.CONTRADICTIONS, View.AGREEMENTS), _direct_only(report), strict=True))
    for view, items, texts in VIEWS:
        reference = [E._item_text(d) for d in items(report)]
        fast = list(texts(report))
        assert len(fast) == len(reference)
        for i, (got, want) in enumerate(zip(fast, reference, strict=True)):
            assert got == want, f"{view.value} item {i}"
        assert direct[view] == reference, "the direct writer fell back on regular data"
        whole = "".join(export_chunks(view, Format.JSON, report))
        assert whole == "".join(E._json_items_chunks(view.value, view.value, items(report)))
        assert whole == export(view, Format.JSON, report)
        assert len(json.loads(whole)[view.value]) == len(reference)


def test_bundled_corpus() -> None:
    result = load_corpus(ROOT / "claims", use_cache=False)
    report = compare(result.corpus)
    assert report.contradictions and report.agreements
    assert_same_as_json_dumps(report)


@pytest.mark.parametrize("seed", [1, 7])
def test_synthetic_corpus(tmp_path: Path, seed: int) -> None:
    out = tmp_path / "corpus"
    write_corpus(generate(SynthConfig(articles=60, claims_per_article=10, seed=seed)), out)
    report = compare(load_corpus(out, use_cache=False).corpus)
    assert report.contradictions and report.agreements
    assert_same_as_json_dumps(report)


def test_hostile_fixture_and_empty_report() -> None:
    report = build_report()
    assert_same_as_json_dumps(report)
    assert_same_as_json_dumps(dataclasses.replace(report, contradictions=(), agreements=()))


# --------------------------------------------------------------------------- awkward values

AWKWARD = [
    "",
    '"',
    "\\",
    '\\"',
    "\x00",
    "\x1f\x7f\x80\x9f",
    "\n\r\t\b\f",
    "\u2028\u2029",
    "😀𝄞",
    "\ud800",
    "</script>",
    "é ß ж 中",
]
texts = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=12))
numbers = st.one_of(
    st.floats(),
    st.sampled_from([0.1, 1e-7, 1e16, -0.0, 5e-324, 1.7976931348623157e308]),
    st.integers(min_value=-(10**30), max_value=10**30),
)
opt_texts = st.one_of(st.none(), texts)
text_tuples = st.lists(texts, max_size=3).map(tuple)


@st.composite
def time_specs(draw: st.DrawFn, base: TimeSpec | None) -> TimeSpec | None:
    if draw(st.booleans()):
        return None
    interval = base.interval if base is not None and draw(st.booleans()) else None
    return TimeSpec(draw(texts), interval, draw(texts))


@st.composite
def awkward_claims(draw: st.DrawFn, c: Claim) -> Claim:
    return dataclasses.replace(
        c,
        who=draw(text_tuples),
        did=draw(texts),
        whom=draw(text_tuples),
        when=draw(time_specs(c.when)),
        where=draw(opt_texts),
        negated=draw(st.booleans()),
        said_by=draw(text_tuples),
        event=draw(opt_texts),
        quote=draw(opt_texts),
        tags=draw(text_tuples),
        note=draw(opt_texts),
    )


@st.composite
def awkward_evidence(draw: st.DrawFn) -> Evidence:
    keys = st.one_of(st.sampled_from(["did", "who", "did"]), texts)
    return Evidence(
        draw(texts),
        tuple(draw(st.lists(st.tuples(keys, numbers), max_size=3))),
        tuple(draw(st.lists(st.tuples(keys, texts), max_size=3))),
    )


@st.composite
def awkward_reports(draw: st.DrawFn) -> Report:
    report = build_report()
    articles = []
    for a in report.corpus.articles:
        claims = tuple(draw(awkward_claims(c)) for c in a.claims)
        articles.append(
            dataclasses.replace(
                a,
                outlet=draw(opt_texts),
                published=draw(time_specs(a.published)),
                claims=claims,
            )
        )
    corpus = dataclasses.replace(report.corpus, articles=tuple(articles))
    contradictions = tuple(
        dataclasses.replace(
            c,
            score=draw(numbers),
            statement=draw(opt_texts),
            evidence=draw(awkward_evidence()),
        )
        for c in report.contradictions
    )
    agreements = tuple(
        dataclasses.replace(
            ag,
            score=draw(numbers),
            independent_sources=draw(st.integers(min_value=-(10**30), max_value=10**30)),
            articles=draw(text_tuples),
            evidence=draw(awkward_evidence()),
        )
        for ag in report.agreements
    )
    return dataclasses.replace(
        report, corpus=corpus, contradictions=contradictions, agreements=agreements
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(awkward_reports())
def test_awkward_strings_and_numbers(report: Report) -> None:
    assert_same_as_json_dumps(report)


def test_a_missing_claim_or_article_is_written_like_the_reference() -> None:
    report = build_report()
    c = report.contradictions[0]
    ag = report.agreements[0]
    broken = dataclasses.replace(
        report,
        contradictions=(dataclasses.replace(c, a="nowhere#x"), *report.contradictions[1:]),
        agreements=(dataclasses.replace(ag, claims=(*ag.claims, "nowhere#y")),),
    )
    assert_same_as_json_dumps(broken)


# --------------------------------------------------------------------------- fallback


def _replace_claim(report: Report, ref: str, **changes: Any) -> Report:
    def fix(a: Article) -> Article:
        claims = tuple(dataclasses.replace(c, **changes) if c.ref == ref else c for c in a.claims)
        return dataclasses.replace(a, claims=claims)

    corpus = dataclasses.replace(
        report.corpus, articles=tuple(fix(a) for a in report.corpus.articles)
    )
    return dataclasses.replace(report, corpus=corpus)


IRREGULAR: list[tuple[str, dict[str, Any]]] = [
    ("negated as 1", {"negated": 1}),
    ("quote as a number", {"quote": 5}),
    ("tags holding a number", {"tags": ("x", 2.5)}),
    ("where as a list", {"where": ["a", "b"]}),
    ("time how as None", {"when": TimeSpec("then", None, None)}),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("what", "changes"), IRREGULAR, ids=[w for w, _ in IRREGULAR])
def test_a_value_of_an_unexpected_type_falls_back_to_json_dumps(
    what: str, changes: dict[str, Any]
) -> None:
    report = build_report()
    ref = next(
        r
        for c in report.contradictions
        for r in c.claims
        if any(r in ag.claims for ag in report.agreements)
    )
    odd = _replace_claim(report, ref, **changes)
    with pytest.raises((E._Irregular, TypeError)):
        _direct_only(odd)
    for view, items, texts in VIEWS:
        assert list(texts(odd)) == [E._item_text(d) for d in items(odd)], view
        whole = "".join(export_chunks(view, Format.JSON, odd))
        assert whole == "".join(E._json_items_chunks(view.value, view.value, items(odd)))


def test_odd_evidence_and_numbers_fall_back_too() -> None:
    report = build_report()
    c, ag = report.contradictions[0], report.agreements[0]
    odd_ev = Evidence("why", ((1, 0.5), ("did", "0.9")), (("k", None),))  # type: ignore[arg-type]
    odd = dataclasses.replace(
        report,
        contradictions=(dataclasses.replace(c, evidence=odd_ev), *report.contradictions[1:]),
        agreements=(dataclasses.replace(ag, score=[0.5]), *report.agreements[1:]),  # type: ignore[arg-type]
    )
    with pytest.raises((E._Irregular, TypeError)):
        _direct_only(odd)
    for view, items, texts in VIEWS:
        got = list(texts(odd))
        assert got == [E._item_text(d) for d in items(odd)], view
    assert json.loads("".join(export_chunks(View.CONTRADICTIONS, Format.JSON, odd)))[
        "contradictions"
    ][0]["evidence"]["similarities"] == {"1": 0.5, "did": "0.9"}

"""Engine quality on the bundled corpus, scored against the gold answer key."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "claims"
KEY = ROOT / "tests" / "gold" / "answer_key.yaml"


def _quality_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("quality", ROOT / "scripts" / "quality.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["quality"] = module
    spec.loader.exec_module(module)
    return module


needs_gold = pytest.mark.skipif(
    not (KEY.is_file() and CORPUS.is_dir()),
    reason="the bundled corpus (claims/) or its gold key (tests/gold/answer_key.yaml) is missing",
)


@needs_gold
def test_agreements_precision_and_recall() -> None:
    q = _quality_module().measure(CORPUS, KEY)
    assert q.agreements.expected > 0
    assert q.agreements.precision >= 0.9, q.agreements.false_positives
    assert q.agreements.recall >= 0.8, q.agreements.misses


@needs_gold
def test_contradictions_precision_and_recall() -> None:
    q = _quality_module().measure(CORPUS, KEY)
    assert q.contradictions.expected > 0
    assert q.contradictions.precision >= 0.9, q.contradictions.false_positives
    assert q.contradictions.recall >= 0.8, q.contradictions.misses


def test_scoring_rules() -> None:
    """Groups expand to cross-article pairs; debatable pairs count on neither side."""
    quality = _quality_module()
    from claimdiff.model import (
        Agreement,
        Contradiction,
        ContradictionKind,
        Corpus,
        Evidence,
        Report,
    )

    ev = Evidence("x")
    report = Report(
        corpus=Corpus(root="c"),
        statements=(),
        agreements=(Agreement("S1", ("a#1", "a#2", "b#1", "c#1"), ("a", "b", "c"), 3, 1.0, ev),),
        contradictions=(
            Contradiction(ContradictionKind.DATE, "a#9", "b#9", 1.0, ev),
            Contradiction(ContradictionKind.NEGATION, "c#8", "d#8", 1.0, ev),
        ),
    )
    key = {
        "agreements": [{"claims": ["a#1", "b#1"]}, {"claims": ["c#5", "d#5"]}],
        "contradictions": [{"claims": ["b#9", "a#9"], "kind": "number"}],
        "debatable": [{"claims": ["c#8", "d#8"]}, {"claims": ["a#2", "c#1"]}],
    }
    q = quality.evaluate(report, key)
    # reported cross-article pairs: a1-b1, a1-c1, a2-b1, b1-c1 (a2-c1 debatable, a1-a2 same article)
    assert (q.agreements.hits, q.agreements.reported, q.agreements.expected) == (1, 4, 2)
    assert (q.contradictions.hits, q.contradictions.reported) == (1, 1)
    assert (q.kinds_right, q.kinds_total) == (0, 1)
    assert q.kind_errors == (("a#9", "b#9", "number", "date"),)

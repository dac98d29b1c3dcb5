"""Precision and recall of the comparison engine against a gold answer key.

Usage: ``python scripts/quality.py [CORPUS] [KEY]`` (defaults: ``claims`` and
``tests/gold/answer_key.yaml``). Scoring follows ``tests/gold/README.md``:
agreement groups are expanded into unordered cross-article pairs, contradictions
are unordered pairs (kind scored separately), and ``debatable`` pairs count
neither as hits nor as false positives.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from claimdiff.compare import compare
from claimdiff.load import load_corpus
from claimdiff.model import CompareOptions, Report

PairKey = frozenset[str]


@dataclass(frozen=True)
class Score:
    reported: int
    expected: int
    hits: int
    false_positives: tuple[tuple[str, str], ...]
    misses: tuple[tuple[str, str], ...]

    @property
    def precision(self) -> float:
        return self.hits / self.reported if self.reported else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0


@dataclass(frozen=True)
class Quality:
    agreements: Score
    contradictions: Score
    kinds_right: int
    kinds_total: int
    kind_errors: tuple[tuple[str, str, str, str], ...]

    @property
    def kind_accuracy(self) -> float:
        return self.kinds_right / self.kinds_total if self.kinds_total else 1.0


def _pair(a: str, b: str) -> PairKey:
    return frozenset((a, b))


def _article(ref: str) -> str:
    return ref.split("#", 1)[0]


def _group_pairs(refs: Sequence[str]) -> set[PairKey]:
    return {
        _pair(a, b) for i, a in enumerate(refs) for b in refs[i + 1 :] if _article(a) != _article(b)
    }


def _sorted(pairs: Iterable[PairKey]) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for p in pairs:
        a, b = sorted(p)
        out.append((a, b))
    return tuple(sorted(out))


def _score(reported: set[PairKey], expected: set[PairKey], debatable: set[PairKey]) -> Score:
    reported = reported - debatable
    expected = expected - debatable
    return Score(
        reported=len(reported),
        expected=len(expected),
        hits=len(reported & expected),
        false_positives=_sorted(reported - expected),
        misses=_sorted(expected - reported),
    )


def evaluate(report: Report, key: Mapping[str, Any]) -> Quality:
    """Score ``report`` against a parsed answer key."""
    gold_agree: set[PairKey] = set()
    for entry in key.get("agreements") or ():
        gold_agree |= _group_pairs([str(r) for r in entry["claims"]])
    gold_contra: dict[PairKey, str] = {}
    for entry in key.get("contradictions") or ():
        a, b = (str(r) for r in entry["claims"])
        gold_contra[_pair(a, b)] = str(entry.get("kind", ""))
    debatable = {_pair(*(str(r) for r in entry["claims"])) for entry in key.get("debatable") or ()}

    found_agree: set[PairKey] = set()
    for agreement in report.agreements:
        found_agree |= _group_pairs(list(agreement.claims))
    found_contra = {_pair(c.a, c.b): c.kind.value for c in report.contradictions}

    right = 0
    errors: list[tuple[str, str, str, str]] = []
    for pair, kind in sorted(gold_contra.items(), key=lambda kv: sorted(kv[0])):
        if pair in found_contra:
            if found_contra[pair] == kind:
                right += 1
            else:
                a, b = sorted(pair)
                errors.append((a, b, kind, found_contra[pair]))
    total = len(set(gold_contra) & set(found_contra))
    return Quality(
        agreements=_score(found_agree, gold_agree, debatable),
        contradictions=_score(set(found_contra), set(gold_contra), debatable),
        kinds_right=right,
        kinds_total=total,
        kind_errors=tuple(errors),
    )


def measure(
    corpus_dir: str | Path, key_path: str | Path, options: CompareOptions | None = None
) -> Quality:
    """Load the corpus, compare it, and score the report against the key file."""
    result = load_corpus(str(corpus_dir), use_cache=False)
    report = compare(result.corpus, options or CompareOptions())
    key = yaml.safe_load(Path(key_path).read_text(encoding="utf-8")) or {}
    return evaluate(report, key)


def _print_score(name: str, s: Score) -> None:
    print(
        f"{name:<15} precision {s.precision:.2f} ({s.hits}/{s.reported})   "
        f"recall {s.recall:.2f} ({s.hits}/{s.expected})"
    )
    for a, b in s.false_positives:
        print(f"  false positive: {a}  ~  {b}")
    for a, b in s.misses:
        print(f"  missed:         {a}  ~  {b}")


def main(argv: Sequence[str]) -> int:
    import argparse

    from claimdiff.errors import ClaimdiffError

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", default="claims", help="default: claims")
    parser.add_argument(
        "key", nargs="?", default="tests/gold/answer_key.yaml", help="the gold answer key"
    )
    args = parser.parse_args(argv)
    try:
        q = measure(args.corpus, args.key)
    except (ClaimdiffError, OSError, yaml.YAMLError) as exc:
        print(f"quality: error: {exc}", file=sys.stderr)
        return 1
    _print_score("agreements", q.agreements)
    _print_score("contradictions", q.contradictions)
    print(f"{'kinds':<15} accuracy {q.kind_accuracy:.2f} ({q.kinds_right}/{q.kinds_total})")
    for a, b, want, got in q.kind_errors:
        print(f"  kind: {a}  ~  {b}: key says {want}, engine says {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""validate --watch: first every problem, then what each save changed."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimdiff.model import Problem, Severity
from claimdiff.watch import diff_problems, snapshot, watch_corpus

MINI = Path(__file__).resolve().parent / "data" / "mini"


def test_diff_problems() -> None:
    a = Problem("x.yaml", 1, 1, Severity.ERROR, "missing-field", "m")
    b = Problem("x.yaml", 2, 1, Severity.WARNING, "when-unresolved", "w")
    added, fixed = diff_problems((a,), (b,))
    assert added == [b] and fixed == [a]


def test_snapshot_sees_edits(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(MINI, corpus)
    before = snapshot(corpus)
    path = corpus / "alpha.yaml"
    path.write_text(path.read_text("utf-8") + "\n", "utf-8")
    os.utime(path, ns=(1, 1))
    assert snapshot(corpus) != before


def test_watch_reports_new_and_fixed(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(MINI, corpus)
    lines: list[str] = []
    path = corpus / "alpha.yaml"
    good = path.read_text("utf-8")

    def edit() -> None:
        time.sleep(0.3)
        path.write_text(good.replace("    did: supported\n", ""), "utf-8")
        os.utime(path, ns=(2_000_000_000, 2_000_000_000))
        time.sleep(0.3)
        path.write_text(good, "utf-8")
        os.utime(path, ns=(3_000_000_000, 3_000_000_000))

    editor = threading.Thread(target=edit)
    editor.start()
    watch_corpus(corpus, interval=0.05, use_cache=False, echo=lines.append, max_rounds=3)
    editor.join()
    assert lines[0].endswith("(Ctrl-C to stop)") and "OK: 0 error(s)" in lines[0]
    assert any(line.startswith("new:") and "[missing-field]" in line for line in lines)
    assert any(line.startswith("fixed:") and "[missing-field]" in line for line in lines)
    assert "OK: 0 error(s)" in lines[-1]


class _Enough(Exception):
    """Ends a watch loop in a test."""


def test_polling_a_large_corpus_takes_a_small_share_of_a_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A snapshot that costs 50 ms (10,000 files) is taken once a second, not twice."""
    from claimdiff import watch

    clock = [0.0]
    pauses: list[float] = []

    def slow_snapshot(root: Path) -> watch.Snapshot:
        clock[0] += 0.05
        return ()

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 3:
            raise _Enough

    monkeypatch.setattr(watch, "snapshot", slow_snapshot)
    monkeypatch.setattr(watch.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(watch.time, "sleep", sleep)
    rounds = watch.validations(tmp_path, interval=0.5, use_cache=False)
    next(rounds)  # the first look always validates
    with pytest.raises(_Enough):
        next(rounds)
    assert pauses == [pytest.approx(0.05 / watch.POLL_SHARE)] * 3
    assert 0.05 / (0.05 + pauses[0]) <= watch.POLL_SHARE
    # A small corpus keeps the interval asked for.
    clock[0], pauses[:] = 0.0, []
    monkeypatch.setattr(watch, "snapshot", lambda root: ())
    quick = watch.validations(tmp_path, interval=0.5, use_cache=False)
    next(quick)
    with pytest.raises(_Enough):
        next(quick)
    assert pauses == [0.5] * 3


def test_each_validation_reports_its_reading_to_a_fresh_meter(tmp_path: Path) -> None:
    """--watch shows the file-reading bar for every round (10,000 files take seconds)."""
    import contextlib

    from claimdiff import watch

    corpus = tmp_path / "corpus"
    shutil.copytree(MINI, corpus)
    meters: list[list[tuple[int, int]]] = []

    class Meter:
        def __init__(self) -> None:
            self.calls: list[tuple[int, int]] = []
            meters.append(self.calls)

        def update(self, done: int, total: int) -> None:
            self.calls.append((done, total))

    @contextlib.contextmanager
    def loading() -> Iterator[Meter]:
        yield Meter()

    rounds = watch.validations(
        corpus, interval=0.05, use_cache=False, max_rounds=2, loading=loading
    )
    next(rounds)
    (corpus / "alpha.yaml").write_text((corpus / "alpha.yaml").read_text("utf-8") + "\n", "utf-8")
    next(rounds)
    reserved = {"aliases.yaml", "lexicon.yaml", "decisions.yaml"}
    files = sum(1 for p in corpus.glob("*.yaml") if p.name not in reserved)
    assert len(meters) == 2
    for calls in meters:
        assert calls[-1] == (files, files)

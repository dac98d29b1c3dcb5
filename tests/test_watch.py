"""validate --watch: first every problem, then what each save changed."""

from __future__ import annotations

import os
import shutil
import threading
import time
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

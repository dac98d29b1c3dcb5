"""validate --watch: first every problem, then what each save changed."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

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

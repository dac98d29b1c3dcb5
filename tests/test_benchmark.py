"""scripts/benchmark.py runs end to end on a small corpus (its figures are not checked here:
speed targets belong to the benchmark itself, never to a timed unit test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "benchmark.py"


@pytest.mark.parametrize("texts", [False, True], ids=["yaml", "texts"])
def test_benchmark_measures_and_scores_a_small_corpus(tmp_path: Path, texts: bool) -> None:
    args = [sys.executable, str(SCRIPT), "--sizes", "200", "--out", str(tmp_path), "--repeat", "2"]
    done = subprocess.run(
        args + (["--texts"] if texts else []), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "## Results" in done.stdout
    summary = json.loads((tmp_path / "results.json").read_text())
    assert summary["texts"] is texts
    (row,) = summary["results"]
    assert row["claims"] == 200
    for figure in ("floor_s", "cold_s", "warm_s", "edit_s", "agreements_s"):
        assert row[figure] is not None and row[figure] > 0, figure
    for figure in ("floor", "cold", "warm", "edit"):
        runs = row[f"{figure}_runs_s"]
        assert len(runs) == 2, figure
        assert min(runs) <= row[f"{figure}_s"] <= max(runs), figure
    assert row["cold_floor_ratio"] > 0
    corpus_files = (tmp_path / "200" / "corpus").rglob("*.yaml")
    assert not any(b"benchmark-edit" in p.read_bytes() for p in corpus_files), "edit not undone"
    corpus = tmp_path / "200" / "corpus"
    assert any(corpus.rglob("*.txt")) is texts
    for view in ("contradictions", "agreements"):
        scores = row[view]
        assert scores["expected"] > 0 and scores["predicted"] > 0, view
        assert 0.0 <= scores["precision"] <= 1.0 and 0.0 <= scores["recall"] <= 1.0, view

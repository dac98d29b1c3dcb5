#!/usr/bin/env python3
"""Scale benchmark of claimdiff against the parse floor, in one run.

For each size it generates a synthetic corpus with an answer key
(``python -m claimdiff.synth``), then measures, each in a fresh process:

- the *parse floor*: ``yaml.load`` of every ``*.yaml`` with ``yaml.CSafeLoader``
  in one process, no claimdiff (the fastest anything YAML-based can be);
- ``claimdiff contradictions --format json`` cold (empty cache directory),
  warm (same cache, nothing changed) and after appending one claim to one file;
- ``claimdiff agreements --format json`` with the same cache (another view of the
  same corpus: it reuses the cached comparison);

with wall time and peak RSS (``os.wait4`` of the child), then scores the JSON
output against the answer key. The machine is noisy, so the targets are ratios
within one run (see docs/performance.md), and the floor, cold, warm and edit
measurements are repeated (``--repeat``, default 3) in rounds — floor, cold,
warm, edit, then again — and reported as medians: a cold/floor ratio is the
median of each round's own ratio, so a slow moment of the machine hits both
sides of a ratio rather than one. Prints a markdown table; exits 1 when a
claimdiff command failed (e.g. not written yet), after measuring what it could.

Usage: ``python scripts/benchmark.py [--sizes 10000,100000 | --quick] [--out bench-out]
[--texts] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FLOOR_SCRIPT = r"""
import json, os, sys, time
import yaml
start = time.perf_counter()
files = total = 0
for folder, dirs, names in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(names):
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(folder, name), "rb") as fh:
                data = fh.read()
            yaml.load(data, Loader=yaml.CSafeLoader)
            files += 1
            total += len(data)
print(json.dumps({"seconds": time.perf_counter() - start, "files": files, "bytes": total}))
"""

EDIT = """  - id: benchmark-edit-{n}
    who: Benchmark Observer
    did: measured the synthetic corpus
"""
"""Appended to one claim file for an edit measurement; each round appends a new
claim, so no round finds the previous round's edited corpus in the cache."""

TARGETS = """\
Targets (docs/performance.md): cold <= 1.5 x floor at 100k claims; 10k->100k cold ratio <= 12;
warm <= 1 s; one edited file ~ warm + one file; peak RSS <= 1 GB;
precision >= 0.95, recall >= 0.9 against the answer key."""


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    """One measured child process."""

    cmd: list[str]
    seconds: float = float("nan")
    rss_mb: float = float("nan")
    rc: int | None = None
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.rc == 0

    def describe_failure(self) -> str:
        tail = "\n".join(self.stderr.strip().splitlines()[-8:])
        return f"$ {' '.join(self.cmd)}\n  exit {self.rc}\n  " + tail.replace("\n", "\n  ")


@dataclass
class Series:
    """The same measurement repeated: median time, highest peak memory."""

    runs: list[Run] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.ok for r in self.runs)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def rss_mb(self) -> float:
        return max(r.rss_mb for r in self.runs)

    def times(self) -> list[float]:
        return [r.seconds for r in self.runs]

    def describe_failure(self) -> str:
        return next(r for r in self.runs if not r.ok).describe_failure()


def paired_ratio(top: Series | None, bottom: Series | None) -> float | None:
    """Median over rounds of ``top / bottom`` measured in the same round."""
    if top is None or bottom is None or not top.ok or not bottom.ok:
        return None
    ratios = [t / b for t, b in zip(top.times(), bottom.times(), strict=False) if b > 0]
    return statistics.median(ratios) if ratios else None


def measure(
    cmd: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    stdout: Path | None = None,
    timeout: float = 3600.0,
) -> Run:
    """Run ``cmd`` in a fresh process: wall time, peak RSS of the child, exit code.

    Peak RSS comes from ``wait4``: the child's own peak, or that of its largest
    waited-for descendant (Linux semantics), not the sum over a process pool.
    """
    run = Run(list(cmd))
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.PIPE, env=env, stdin=subprocess.DEVNULL
        )
        errors: list[bytes] = []
        reader = threading.Thread(target=lambda: errors.append(proc.stderr.read()))  # type: ignore[union-attr]
        reader.start()
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            if hasattr(os, "wait4"):
                _, status, usage = os.wait4(proc.pid, 0)
                run.seconds = time.perf_counter() - start
                run.rc = os.waitstatus_to_exitcode(status)
                proc.returncode = run.rc
                scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
                run.rss_mb = usage.ru_maxrss * scale / 2**20
            else:  # Windows: no rusage
                run.rc = proc.wait()
                run.seconds = time.perf_counter() - start
        finally:
            timer.cancel()
            reader.join()
        run.stderr = b"".join(errors).decode("utf-8", "replace")
    except OSError as exc:
        run.stderr = str(exc)
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
    return run


# --------------------------------------------------------------------------- scoring


def _refs(items: Iterable[Any]) -> list[str]:
    """Refs from a JSON list whose items are refs or objects with a ``ref``."""
    refs = []
    for item in items:
        if isinstance(item, str):
            refs.append(item)
        elif isinstance(item, dict) and isinstance(item.get("ref"), str):
            refs.append(item["ref"])
    return refs


def _items(doc: Any, name: str) -> list[Any]:
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        for key in (name, "items", "results"):
            if isinstance(doc.get(key), list):
                return list(doc[key])
    raise ValueError(f"no list of {name} in the JSON output")


def predicted_contradictions(doc: Any) -> dict[frozenset[str], str]:
    pairs: dict[frozenset[str], str] = {}
    for item in _items(doc, "contradictions"):
        refs = _refs(item.get("claims") or [item.get("a"), item.get("b")])
        if len(refs) == 2:
            pairs[frozenset(refs)] = str(item.get("kind"))
    return pairs


def predicted_agreements(doc: Any) -> set[frozenset[str]]:
    pairs: set[frozenset[str]] = set()
    for item in _items(doc, "agreements"):
        group = sorted(set(_refs(item.get("claims") or [])))
        pairs.update(frozenset(p) for p in itertools.combinations(group, 2))
    return pairs


@dataclass
class Scores:
    precision: float
    recall: float
    predicted: int
    expected: int
    kind_accuracy: float = float("nan")


def _pr(predicted: set[frozenset[str]], expected: set[frozenset[str]]) -> tuple[float, float]:
    hits = len(predicted & expected)
    precision = hits / len(predicted) if predicted else float("nan")
    recall = hits / len(expected) if expected else float("nan")
    return precision, recall


def score_contradictions(doc: Any, key: dict[str, Any]) -> Scores:
    expected = {frozenset(c["claims"]): c["kind"] for c in key.get("contradictions") or []}
    predicted = predicted_contradictions(doc)
    p, r = _pr(set(predicted), set(expected))
    common = set(predicted) & set(expected)
    kinds = sum(predicted[pair] == expected[pair] for pair in common)
    accuracy = kinds / len(common) if common else float("nan")
    return Scores(p, r, len(predicted), len(expected), accuracy)


def score_agreements(doc: Any, key: dict[str, Any]) -> Scores:
    expected: set[frozenset[str]] = set()
    for group in key.get("agreements") or []:
        expected.update(frozenset(p) for p in itertools.combinations(sorted(group["claims"]), 2))
    predicted = predicted_agreements(doc)
    p, r = _pr(predicted, expected)
    return Scores(p, r, len(predicted), len(expected))


# --------------------------------------------------------------------------- one size


@dataclass
class SizeResult:
    claims: int
    articles: int
    files: int = 0
    bytes: int = 0
    generate: Run | None = None
    floor: Series | None = None
    floor_inprocess: float = float("nan")
    cold: Series | None = None
    warm: Series | None = None
    edit: Series | None = None
    agreements_run: Run | None = None
    contradictions: Scores | None = None
    agreements: Scores | None = None
    failures: list[str] = field(default_factory=list)


def bench_size(claims: int, args: argparse.Namespace) -> SizeResult:
    py = sys.executable
    per = args.claims_per_article
    articles = max(1, claims // per)
    result = SizeResult(articles * per, articles)
    base = Path(args.out) / f"{result.claims}"
    corpus, key_path, cache = base / "corpus", base / "answer_key.yaml", base / "cache"
    base.mkdir(parents=True, exist_ok=True)
    print(f"\n## {result.claims} claims ({articles} articles) in {base}", flush=True)

    gen_cmd = [py, "-m", "claimdiff.synth", "--articles", str(articles)]
    gen_cmd += ["--claims-per-article", str(per), "--seed", str(args.seed)]
    gen_cmd += ["--out", str(corpus), "--key", str(key_path), "--force"]
    gen_cmd += ["--texts"] if args.texts else []
    result.generate = measure(gen_cmd, timeout=args.timeout)
    _report("generate", result.generate, result)
    if not result.generate.ok:
        return result

    result.floor, result.cold, result.warm, result.edit = Series(), Series(), Series(), Series()
    env = {**os.environ, "CLAIMDIFF_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    cd = [py, "-m", "claimdiff"]
    contra_json, agree_json = base / "contradictions.json", base / "agreements.json"
    contra = [*cd, "contradictions", str(corpus), "--format", "json"]
    edited = min(p for p in corpus.rglob("*.yaml") if p.parent != corpus)
    inprocess: list[float] = []
    for n in range(1, args.repeat + 1):
        if args.repeat > 1:
            print(f"round {n} of {args.repeat}:", flush=True)
        floor = measure(
            [py, "-c", FLOOR_SCRIPT, str(corpus)], stdout=base / "floor.json", timeout=args.timeout
        )
        result.floor.runs.append(floor)
        _report("parse floor", floor, result)
        if floor.ok:
            figures = json.loads((base / "floor.json").read_text())
            result.files, result.bytes = figures["files"], figures["bytes"]
            inprocess.append(figures["seconds"])
            result.floor_inprocess = statistics.median(inprocess)

        shutil.rmtree(cache, ignore_errors=True)
        cold = measure(contra, env=env, stdout=contra_json, timeout=args.timeout)
        result.cold.runs.append(cold)
        _report("cold contradictions", cold, result)
        if not cold.ok:
            return result
        warm = measure(contra, env=env, stdout=base / "warm.json", timeout=args.timeout)
        result.warm.runs.append(warm)
        _report("warm contradictions", warm, result)

        if n == 1:
            agree = [*cd, "agreements", str(corpus), "--format", "json"]
            result.agreements_run = measure(agree, env=env, stdout=agree_json, timeout=args.timeout)
            _report("agreements", result.agreements_run, result)

        original = edited.read_bytes()
        try:
            edited.write_bytes(original + EDIT.format(n=n).encode())
            edit = measure(contra, env=env, stdout=base / "edit.json", timeout=args.timeout)
        finally:
            edited.write_bytes(original)
        result.edit.runs.append(edit)
        _report(f"contradictions after editing {edited.relative_to(corpus)}", edit, result)
    if args.repeat > 1:
        print("medians:", flush=True)
        for what, series in (
            ("parse floor", result.floor),
            ("cold contradictions", result.cold),
            ("warm contradictions", result.warm),
            ("edited", result.edit),
        ):
            _report_series(what, series)

    key = yaml.load(key_path.read_bytes(), Loader=yaml.CSafeLoader)
    try:
        result.contradictions = score_contradictions(json.loads(contra_json.read_bytes()), key)
    except (ValueError, AttributeError, TypeError) as exc:
        result.failures.append(f"scoring contradictions: {exc}")
    if result.agreements_run.ok:
        try:
            result.agreements = score_agreements(json.loads(agree_json.read_bytes()), key)
        except (ValueError, AttributeError, TypeError) as exc:
            result.failures.append(f"scoring agreements: {exc}")
    return result


def _report(what: str, run: Run, result: SizeResult) -> None:
    if run.ok:
        print(f"- {what}: {run.seconds:.2f} s, peak RSS {run.rss_mb:.0f} MB", flush=True)
    else:
        print(f"- {what}: FAILED\n{run.describe_failure()}", flush=True)
        result.failures.append(f"{what}: exit {run.rc}")


def _report_series(what: str, series: Series) -> None:
    if series.ok:
        low, high = min(series.times()), max(series.times())
        print(
            f"- {what}: {series.seconds:.2f} s (runs {low:.2f}–{high:.2f}), "
            f"highest peak RSS {series.rss_mb:.0f} MB",
            flush=True,
        )


# --------------------------------------------------------------------------- output


def _f(value: float | None, digits: int = 2) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    return f"{value:.{digits}f}"


def _secs(run: Run | Series | None) -> float | None:
    return run.seconds if run is not None and run.ok else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b is not None and b > 0 else None


def machine() -> str:
    libyaml = getattr(yaml, "__with_libyaml__", False)
    return (
        f"{platform.platform()}; {os.cpu_count()} cores; Python {platform.python_version()} "
        f"({platform.python_implementation()}); PyYAML {yaml.__version__}, "
        f"libyaml {'present' if libyaml else 'ABSENT (floor uses the pure-Python loader)'}"
    )


def table(results: list[SizeResult]) -> str:
    head = (
        "| claims | files | MB | generate s | floor s (in-process) | cold s | cold/floor "
        "| cold RSS MB | warm s | edit s | agreements s |"
    )
    lines = [head, "|" + "---|" * 11]
    for r in results:
        lines.append(
            f"| {r.claims} | {r.files} | {_f(r.bytes / 1e6, 1)} | {_f(_secs(r.generate))} "
            f"| {_f(_secs(r.floor))} ({_f(r.floor_inprocess)}) | {_f(_secs(r.cold))} "
            f"| {_f(paired_ratio(r.cold, r.floor))} "
            f"| {_f(r.cold.rss_mb if r.cold and r.cold.ok else None, 0)} "
            f"| {_f(_secs(r.warm))} | {_f(_secs(r.edit))} | {_f(_secs(r.agreements_run))} |"
        )
    lines.append("")
    lines.append(
        "| claims | contradictions P | R | kind acc. | predicted / key pairs "
        "| agreements P | R | predicted / key pairs |"
    )
    lines.append("|" + "---|" * 8)
    for r in results:
        c, a = r.contradictions, r.agreements
        lines.append(
            f"| {r.claims} | {_f(c.precision if c else None, 3)} "
            f"| {_f(c.recall if c else None, 3)} "
            f"| {_f(c.kind_accuracy if c else None, 3)} "
            f"| {f'{c.predicted} / {c.expected}' if c else '–'} "
            f"| {_f(a.precision if a else None, 3)} | {_f(a.recall if a else None, 3)} "
            f"| {f'{a.predicted} / {a.expected}' if a else '–'} |"
        )
    return "\n".join(lines)


def scaling(results: list[SizeResult]) -> list[str]:
    lines = []
    for small, big in itertools.pairwise(results):
        factor = big.claims / small.claims
        cold = _ratio(_secs(big.cold), _secs(small.cold))
        floor = _ratio(_secs(big.floor), _secs(small.floor))
        lines.append(
            f"{small.claims} -> {big.claims} claims (x{factor:g}): cold time x{_f(cold)}, "
            f"floor x{_f(floor)}"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="claim counts, comma-separated")
    parser.add_argument("--quick", action="store_true", help="sizes 1000,10000")
    parser.add_argument("--out", default="bench-out", help="work directory (default bench-out/)")
    parser.add_argument("--claims-per-article", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=3600.0, help="per command, seconds")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="rounds of floor, cold, warm and edit measurements, reported as medians (default 3)",
    )
    parser.add_argument(
        "--texts",
        action="store_true",
        help="give every article a text file (synth --texts): claimdiff then also reads "
        "the texts, checks the quotes and looks for near-copies; the floor stays YAML only",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    sizes = [1000, 10000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]

    texts = "; every article with a text file (--texts)" if args.texts else ""
    print(f"# claimdiff benchmark\n\nMachine: {machine()}{texts}\n\n{TARGETS}", flush=True)
    results = [bench_size(n, args) for n in sorted(sizes)]

    print("\n## Results\n")
    print(f"Machine: {machine()}{texts}\n")
    if args.repeat > 1:
        print(
            f"Floor, cold, warm and edit: medians of {args.repeat} rounds "
            "(cold/floor: median of each round's ratio; RSS: highest).\n"
        )
    print(table(results))
    print()
    for line in scaling(results):
        print(f"- {line}")
    failures = [f"{r.claims} claims: {f}" for r in results for f in r.failures]
    summary = {
        "machine": machine(),
        "texts": args.texts,
        "results": [
            {
                "claims": r.claims,
                "files": r.files,
                "bytes": r.bytes,
                **{
                    name: (run.seconds if run and run.ok else None)
                    for name, run in (
                        ("generate_s", r.generate),
                        ("floor_s", r.floor),
                        ("cold_s", r.cold),
                        ("warm_s", r.warm),
                        ("edit_s", r.edit),
                        ("agreements_s", r.agreements_run),
                    )
                },
                **{
                    name: (series.times() if series else [])
                    for name, series in (
                        ("floor_runs_s", r.floor),
                        ("cold_runs_s", r.cold),
                        ("warm_runs_s", r.warm),
                        ("edit_runs_s", r.edit),
                    )
                },
                "cold_floor_ratio": paired_ratio(r.cold, r.floor),
                "floor_inprocess_s": r.floor_inprocess,
                "cold_rss_mb": r.cold.rss_mb if r.cold and r.cold.ok else None,
                "contradictions": r.contradictions.__dict__ if r.contradictions else None,
                "agreements": r.agreements.__dict__ if r.agreements else None,
            }
            for r in results
        ],
        "failures": failures,
    }
    Path(args.out, "results.json").write_text(json.dumps(summary, indent=2) + "\n")
    if failures:
        print("\nFailures:")
        for line in failures:
            print(f"- {line}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

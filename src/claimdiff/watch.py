"""``validate --watch``: re-validate on every save and show what changed.

Polling, not inotify: it needs no dependency, works the same on every OS and on
network drives. A stat of every file is cheap for a small corpus, but 10,000
files take about 50 ms: polling twice a second would keep a tenth of a core
busy, so the pause between looks grows to :data:`POLL_SHARE` of the time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from claimdiff.load import load_corpus
from claimdiff.model import Problem

Snapshot = tuple[tuple[str, int, int], ...]
WATCHED_SUFFIXES = (".yaml", ".yml", ".txt")
POLL_SHARE = 0.05
"""At most this share of one core goes to looking for changes (the interval grows)."""


class Meter(Protocol):
    """Where a validation reports how many files it has read (a progress bar)."""

    def update(self, done: int, total: int) -> None: ...


Loading = Callable[[], AbstractContextManager[Meter]]
"""Makes a meter for one validation (a corpus of 10,000 files takes seconds to read)."""


def snapshot(root: Path) -> Snapshot:
    """(path, mtime_ns, size) of every file a validation reads, sorted."""
    entries: list[tuple[str, int, int]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(WATCHED_SUFFIXES):
                continue
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            entries.append((path, st.st_mtime_ns, st.st_size))
    return tuple(entries)


def diff_problems(
    before: tuple[Problem, ...], after: tuple[Problem, ...]
) -> tuple[list[Problem], list[Problem]]:
    """(new, fixed): problems that appeared and problems that went away."""
    old, new = set(before), set(after)
    return sorted(new - old), sorted(old - new)


def summary_line(problems: tuple[Problem, ...]) -> str:
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    verdict = "OK" if errors == 0 else "FAILING"
    return f"{verdict}: {errors} error(s), {warnings} warning(s)"


def validations(
    root: Path,
    *,
    interval: float,
    use_cache: bool,
    max_rounds: int | None = None,
    loading: Loading | None = None,
) -> Iterator[tuple[Problem, ...]]:
    """Yield the corpus's problems now and after every change, forever (or ``max_rounds``)."""
    rounds = 0
    last: Snapshot | None = None
    while max_rounds is None or rounds < max_rounds:
        started = time.monotonic()
        current = snapshot(root)
        cost = time.monotonic() - started
        if current != last:
            last = current
            rounds += 1
            if loading is None:
                result = load_corpus(root, use_cache=use_cache)
            else:
                with loading() as meter:
                    result = load_corpus(root, use_cache=use_cache, progress=meter.update)
            yield tuple(sorted(result.problems))
        else:
            time.sleep(max(interval, cost / POLL_SHARE))


def watch_corpus(
    root: Path,
    *,
    interval: float = 0.5,
    use_cache: bool = True,
    echo: Callable[[str], None] = print,
    max_rounds: int | None = None,
    loading: Loading | None = None,
) -> None:
    """Print every problem once, then only what each save added or fixed."""
    previous: tuple[Problem, ...] | None = None
    for problems in validations(
        root, interval=interval, use_cache=use_cache, max_rounds=max_rounds, loading=loading
    ):
        stamp = time.strftime("%H:%M:%S")
        if previous is None:
            for problem in problems:
                echo(str(problem))
        else:
            added, fixed = diff_problems(previous, problems)
            if not added and not fixed:
                echo(f"[{stamp}] saved, no change in problems")
            for problem in fixed:
                echo(f"fixed: {problem}")
            for problem in added:
                echo(f"new:   {problem}")
        echo(f"[{stamp}] {summary_line(problems)} — watching {root} (Ctrl-C to stop)")
        previous = problems

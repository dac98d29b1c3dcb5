"""Regenerate the terminal screenshots in docs/img/ (SVG, via Rich's export).

The README shows what claimdiff's output looks like; these images are that output,
rendered by the same functions the CLI prints, on the bundled corpus. Run after a
change to the engine or the renderers:

    python scripts/screenshots.py
"""

from __future__ import annotations

import dataclasses
import io
import os
from pathlib import Path

from rich.console import Console
from rich.terminal_theme import MONOKAI

from claimdiff import render
from claimdiff.compare import compare
from claimdiff.load import load_corpus
from claimdiff.query import empty_report, select_corpus

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"


def shoot(name: str, title: str, renderable: object, width: int = 120) -> None:
    console = Console(
        record=True,
        width=width,
        force_terminal=True,
        color_system="truecolor",
        file=io.StringIO(),
    )
    console.print(renderable)
    OUT.mkdir(parents=True, exist_ok=True)
    console.save_svg(str(OUT / f"{name}.svg"), title=title, theme=MONOKAI)
    print(f"wrote {OUT / name}.svg")


def main() -> None:
    os.chdir(ROOT)  # paths in the output read `claims/...`, as a user in the repo sees them
    result = load_corpus("claims", use_cache=False)
    report = compare(result.corpus)
    shoot(
        "contradictions",
        "claimdiff contradictions",
        render.render_contradictions(
            dataclasses.replace(report, contradictions=report.contradictions[:2])
        ),
    )
    shoot("matrix", "claimdiff matrix", render.render_matrix(report), width=120)
    one = select_corpus(result.corpus, ["dw-russia-blames-armenia"])
    shoot(
        "claims",
        "claimdiff claims --article dw-russia-blames-armenia",
        render.render_claims(empty_report(one)),
    )


if __name__ == "__main__":
    main()

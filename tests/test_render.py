"""Tests for claimdiff.render: what the terminal shows; data can never drive the terminal."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

from claimdiff import render
from claimdiff.model import Problem, Report, Severity
from conftest import ANSI, DW, EVIL, RICH_BOLD, RT, TASS

BUNDLED = Path(__file__).resolve().parent.parent / "claims"

RENDERERS: dict[str, Callable[[Report], RenderableType]] = {
    "summary": render.render_summary,
    "claims": render.render_claims,
    "contradictions": render.render_contradictions,
    "agreements": render.render_agreements,
    "table": render.render_table,
    "matrix": render.render_matrix,
    "timeline": render.render_timeline,
}


def _print(renderable: RenderableType, width: int = 120, color: bool = True) -> str:
    console = Console(
        file=io.StringIO(),
        force_terminal=color,
        color_system="truecolor" if color else None,
        width=width,
        legacy_windows=False,
    )
    console.print(renderable)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mRED", "\\x1b[31mRED"),
        ("a\tb", "a\\tb"),
        ("a\r\nb", "a\\r\nb"),
        ("\x00\x07\x7f\x9b", "\\x00\\x07\\x7f\\x9b"),
        ("\u202eevil\u202c", "\\u202eevil\\u202c"),
        ("\u2066x\u2069", "\\u2066x\\u2069"),
        ("plain Zürich 東京\nnext", "plain Zürich 東京\nnext"),
    ],
)
def test_safe_makes_controls_visible(raw: str, shown: str) -> None:
    assert render.safe(raw) == shown


@pytest.mark.parametrize("name", list(RENDERERS))
def test_hostile_data_cannot_drive_the_terminal(name: str, report: Report) -> None:
    out = _print(RENDERERS[name](report))
    assert "\x1b]8;" not in out  # no hyperlink from [link=...]
    assert ANSI not in out  # the data's own colour escape never reaches the terminal raw
    assert "\u202e" not in out


@pytest.mark.parametrize("name", ["claims", "table", "timeline", "contradictions"])
def test_markup_in_data_is_shown_literally(name: str, report: Report) -> None:
    plain = _print(RENDERERS[name](report), width=400, color=False)
    wanted = {
        "claims": [RICH_BOLD, "[link=http://evil]x[/link]", "\\x1b[31mRED"],
        "table": ["<script>window.__pwned=1;alert(1)</script>"],
        "timeline": ["<script>window.__pwned=1;alert(1)</script>"],
        "contradictions": [RICH_BOLD],
    }[name]
    for text in wanted:
        assert text in plain


@pytest.mark.parametrize("name", list(RENDERERS))
@pytest.mark.parametrize("width", [60, 80, 120])
def test_fits_the_width(name: str, width: int, report: Report) -> None:
    out = _print(RENDERERS[name](report), width=width, color=False)
    assert out.strip()
    assert max(len(line) for line in out.splitlines()) <= width


def test_claims_show_articles_and_resolved_when(report: Report) -> None:
    out = _print(render.render_claims(report), width=200, color=False)
    for art in report.corpus.articles:
        assert art.id in out
    assert "Deutsche Welle · 2023-01-12" in out
    assert "last December" in out and "= 2022-12-01/2022-12-31" in out
    assert "(unresolved)" in out  # the evil claim's "-2"
    # undated article printed last
    assert out.index(EVIL) > out.index(TASS) > out.index(DW) > out.index(RT)


def test_table_switches_layout_with_width(report: Report) -> None:
    wide = _print(render.render_table(report), width=200, color=False)
    narrow = _print(render.render_table(report), width=60, color=False)
    header = next(line for line in wide.splitlines() if "statement" in line)
    assert RT in header or RT in wide.split("━")[0]  # articles are columns
    assert "╭─ S1" in narrow  # one panel per statement
    assert "╭─ S1" not in wide
    for st in report.statements:
        assert st.id in narrow and st.id in wide
    assert "contradicts (negation)" in narrow and "agrees:" in narrow


def test_contradictions_side_by_side(report: Report) -> None:
    out = _print(render.render_contradictions(report), width=160, color=False)
    assert out.count("contradicts (") == len(report.contradictions)
    assert "self-contradiction" in out
    assert "about 1,000 Russian peacekeepers" in out and "some 3,000 troops" in out
    assert "why: same event, disjoint time intervals" in out
    assert "score 0.90" in out


def test_agreements_show_sources_and_hedges(report: Report) -> None:
    out = _print(render.render_agreements(report), width=160, color=False)
    assert "S1: corroborated by 2 independent sources" in out
    assert "[hedged]" in out


def test_timeline_marks_date_disagreement(report: Report) -> None:
    out = _print(render.render_timeline(report), width=200, color=False)
    s4 = next(line for line in out.splitlines() if " S4 " in line)
    assert "disagree" in s4
    s1 = next(line for line in out.splitlines() if " S1 " in line)
    assert "disagree" not in s1


def test_render_problems_one_per_line() -> None:
    problems = [
        Problem("claims/a.yaml", 3, 5, Severity.ERROR, "missing-field", "claim needs 'did'"),
        Problem("claims/b.yaml", 1, 1, Severity.WARNING, "time", "odd [bold]x[/bold] \x1b[2J"),
    ]
    out = _print(render.render_problems(problems), color=False)
    lines = out.splitlines()
    assert lines[0] == str(problems[0])
    assert lines[1] == str(problems[1]).replace("\x1b", "\\x1b")
    coloured = _print(render.render_problems(problems))
    assert "\x1b[2J" not in coloured


def test_empty_report_renders(report: Report) -> None:
    empty = Report(report.corpus.__class__("empty"), (), (), ())
    for fn in RENDERERS.values():
        assert _print(fn(empty)).strip()


@pytest.mark.parametrize("view", ["claims", "contradictions", "agreements", "timeline", "table"])
@pytest.mark.parametrize("width", [60, 160])
def test_a_view_rendered_part_by_part_is_the_view(view: str, width: int) -> None:
    """The CLI writes a long terminal view card by card; the text must not change."""
    from rich.console import Group

    from claimdiff.cli import _rendered
    from claimdiff.compare import compare
    from claimdiff.load import load_corpus

    report = compare(load_corpus(BUNDLED, use_cache=False).corpus)
    renderable = getattr(render, f"render_{view}")(report)
    console = Console(width=width, force_terminal=True, color_system="truecolor")
    with console.capture() as capture:
        console.print(renderable)
    pieces = list(_rendered(console, renderable))
    assert "".join(pieces) == capture.get()
    if isinstance(renderable, Group):
        assert len(pieces) == len(renderable.renderables) > 1


@pytest.mark.parametrize("view", ["claims", "contradictions", "agreements"])
@pytest.mark.parametrize("empty", [False, True])
def test_a_view_built_part_by_part_is_the_view(view: str, empty: bool) -> None:
    """Long views are built card by card as they are printed; the text must not change,
    nor the message of an empty view."""
    import dataclasses

    from claimdiff.cli import _rendered_parts
    from claimdiff.compare import compare
    from claimdiff.load import load_corpus

    report = compare(load_corpus(BUNDLED, use_cache=False).corpus)
    if empty:
        report = dataclasses.replace(
            report,
            corpus=dataclasses.replace(report.corpus, articles=()),
            agreements=(),
            contradictions=(),
        )
    whole = getattr(render, f"render_{view}")
    parts = getattr(render, f"{view}_parts")
    console = Console(width=100, force_terminal=True, color_system="truecolor")
    with console.capture() as capture:
        console.print(whole(report))
    streamed = "".join(_rendered_parts(console, parts(report), lambda: whole(report)))
    assert streamed == capture.get()
    assert ("No " in streamed or "no " in streamed) if empty else len(streamed) > 1000

"""Rich renderables for the terminal (the only library module that imports Rich).

The command line prints what these functions return on a console it configures
(colour, ``NO_COLOR``, width). Everything shown comes from the same view model as
the file exports (:mod:`claimdiff.export`), so the terminal and the files agree.

Terminal safety: field values are data written by curators (or copied from the
web), never markup. They only ever reach Rich as :class:`rich.text.Text` built
from :func:`safe`, which makes control characters, escape sequences and bidi
overrides visible instead of letting the terminal act on them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from claimdiff.compare import Explanation
from claimdiff.export import (
    CellEntry,
    TableRow,
    actors,
    article_lookup,
    claim_lookup,
    interval_iso,
    matrix_counts,
    ordered_articles,
    status_text,
    summary_counts,
    table_rows,
    timeline_entries,
    when_iso,
    when_text,
    wording,
)
from claimdiff.model import Article, Claim, Problem, Report, Severity, Statement, Status
from claimdiff.text import safe

__all__ = [
    "render_agreements",
    "render_claims",
    "render_contradictions",
    "render_matrix",
    "render_problems",
    "render_summary",
    "render_table",
    "render_timeline",
    "safe",
]


def _t(value: object, style: str = "") -> Text:
    """Data as a Rich :class:`Text`: never parsed as markup, controls made visible."""
    return Text(safe(str(value)), style=style)


_STATUS_STYLE = {
    Status.CORROBORATED: "bold green",
    Status.CONTRADICTED: "bold red",
    Status.UNIQUE: "bold blue",
}


def _status(st_status: Status, label: str) -> Text:
    return _t(label, _STATUS_STYLE[st_status])


def _published(art: Article | None) -> str:
    if art is None or art.published is None:
        return "undated"
    iso = when_iso(art.published)
    text = art.published.text
    return text if not iso or iso == text else f"{text} = {iso}"


def _when(claim: Claim) -> Text:
    """``when`` as written, with the resolved interval beside it."""
    if claim.when is None:
        return Text("")
    out = _t(when_text(claim.when))
    iso = when_iso(claim.when)
    if iso and iso != claim.when.text:
        out.append_text(_t(f"\n= {iso}", "cyan"))
    elif not iso:
        out.append_text(_t(" (unresolved)", "yellow"))
    return out


def _table(*headers: str, title: Text | None = None) -> Table:
    t = Table(box=box.SIMPLE_HEAVY, title=title, title_justify="left", expand=False)
    for h in headers:
        t.add_column(_t(h), overflow="fold")
    return t


def _empty(what: str) -> Text:
    return _t(f"No {what}.", "dim")


# --------------------------------------------------------------------------- summary


def render_summary(report: Report) -> RenderableType:
    t = Table(box=box.SIMPLE, show_header=False, title=_t("Summary", "bold"), title_justify="left")
    t.add_column(overflow="fold")
    t.add_column(justify="right")
    styles = {"corroborated": "green", "contradicted": "red", "unique": "blue"}
    for label, n in summary_counts(report):
        t.add_row(_t(label, styles.get(label, "")), _t(n))
    return t


# --------------------------------------------------------------------------- claims


def _article_header(art: Article) -> Text:
    head = _t(art.title, "bold")
    meta = [x for x in (art.outlet, _published(art), art.id) if x]
    head.append_text(_t("  " + " · ".join(meta), "dim"))
    return head


def _details(c: Claim) -> Text:
    """The optional fields, one ``name: value`` per line."""
    fields = [
        ("where", c.where or ""),
        ("said by", actors(c.said_by)),
        ("event", c.event or ""),
        ("tags", ", ".join(c.tags)),
        ("note", c.note or ""),
    ]
    return Text("\n").join(_t(f"{k}: {v}") for k, v in fields if v)


def _claim_statement(c: Claim) -> Text:
    """who — did — whom on one line, the optional fields dim beneath."""
    out = _t(actors(c.who), "bold")
    out.append(" ")
    if c.negated:
        out.append_text(_t("NOT ", "bold red"))
    out.append_text(_t(c.did))
    if c.whom:
        out.append_text(_t(" → "))
        out.append_text(_t(actors(c.whom)))
    details = _details(c)
    if details.plain:
        out.append("\n")
        details.stylize("dim")
        out.append_text(details)
    return out


def render_claims(report: Report) -> RenderableType:
    """A table per article; four columns so it stays readable in 80 columns."""
    parts = list(claims_parts(report))
    return Group(*parts) if parts else _empty("articles")


def claims_parts(report: Report) -> Iterator[RenderableType]:
    """The parts of :func:`render_claims` (a header and a table per article), built one at a
    time so that a long view can be printed as it is built."""
    for art in ordered_articles(report.corpus):
        t = Table(box=box.SIMPLE_HEAVY, expand=True, title_justify="left")
        t.add_column(_t("claim"), overflow="fold", ratio=1, min_width=12)
        t.add_column(_t("who · did · whom"), overflow="fold", ratio=3)
        t.add_column(_t("when"), overflow="fold", ratio=1, min_width=10)
        t.add_column(_t("quote"), overflow="fold", ratio=3)
        for c in art.claims:
            claim = _t(c.id, "bold")
            claim.append_text(_t(f"\nline {c.loc.line}", "dim"))
            t.add_row(claim, _claim_statement(c), _when(c), _t(c.quote or "", "italic"))
        header = _article_header(art)
        header.append_text(_t(f"\n{art.source}", "dim"))
        yield header
        yield t


# --------------------------------------------------------------------------- contradictions


def _claim_lines(report: Report) -> Callable[[str], tuple[Claim, Article | None]]:
    """Claim and article by ref; a ref the corpus lacks becomes a placeholder claim."""
    get, art = claim_lookup(report), article_lookup(report)

    def lines(ref: str) -> tuple[Claim, Article | None]:
        claim = get(ref)
        return claim, art(claim.article_id)

    return lines


def _side_rows(a: tuple[Claim, Article | None], b: tuple[Claim, Article | None]) -> Table:
    t = Table(box=box.MINIMAL, show_header=True, expand=True)
    t.add_column(_t(""), style="dim", no_wrap=True)
    t.add_column(_t(a[0].ref, "bold"), overflow="fold", ratio=1)
    t.add_column(_t(b[0].ref, "bold"), overflow="fold", ratio=1)

    def row(label: str, fa: Text, fb: Text) -> None:
        t.add_row(_t(label), fa, fb)

    def outlet(art: Article | None) -> Text:
        if art is None:
            return _t("?")
        return _t(" · ".join(x for x in (art.outlet, _published(art)) if x))

    def did(c: Claim) -> Text:
        out = _t("NOT ", "bold red") if c.negated else Text("")
        out.append_text(_t(c.did))
        return out

    (ca, aa), (cb, ab) = a, b
    row("article", outlet(aa), outlet(ab))
    row("who", _t(actors(ca.who)), _t(actors(cb.who)))
    row("did", did(ca), did(cb))
    row("whom", _t(actors(ca.whom)), _t(actors(cb.whom)))
    row("when", _when(ca), _when(cb))
    row("quote", _t(ca.quote or "", "italic"), _t(cb.quote or "", "italic"))
    row("location", _t(str(ca.loc), "dim"), _t(str(cb.loc), "dim"))
    return t


def render_contradictions(report: Report) -> RenderableType:
    panels = list(contradictions_parts(report))
    return Group(*panels) if panels else _empty("contradictions")


def contradictions_parts(report: Report) -> Iterator[RenderableType]:
    """The cards of :func:`render_contradictions`, built one at a time."""
    lines = _claim_lines(report)
    for n, c in enumerate(report.contradictions, 1):
        a, b = lines(c.a), lines(c.b)
        where = "self-contradiction" if a[0].article_id == b[0].article_id else "across articles"
        title = _t(f"{n}. contradicts ({c.kind.value})", "bold red")
        title.append_text(_t(f"  score {c.score:.2f} · {where}"))
        why = _t("why: ", "bold")
        why.append_text(_t(c.evidence.reason))
        extra: list[RenderableType] = [why]
        if c.evidence.similarities:
            extra.append(
                _t(
                    "similarities: "
                    + ", ".join(f"{k} {v:.2f}" for k, v in c.evidence.similarities),
                    "dim",
                )
            )
        # Per-side normalised forms are for `explain`; the panel keeps what decided.
        for k, v in c.evidence.details:
            if not k.startswith(("a.", "b.")):
                extra.append(_t(f"{k}: {v}", "dim"))
        extra.append(_t(f"full breakdown: claimdiff explain {c.a} {c.b}", "dim"))
        yield Panel(
            Group(_side_rows(a, b), *extra), title=title, title_align="left", border_style="red"
        )


# --------------------------------------------------------------------------- agreements


def render_agreements(report: Report) -> RenderableType:
    panels = list(agreements_parts(report))
    return Group(*panels) if panels else _empty("agreements")


def agreements_parts(report: Report) -> Iterator[RenderableType]:
    """The cards of :func:`render_agreements`, built one at a time."""
    lines = _claim_lines(report)
    for ag in report.agreements:
        try:
            hedged = frozenset(report.statement(ag.statement).hedged)
        except KeyError:
            hedged = frozenset()
        n = ag.independent_sources
        title = _t(
            f"{ag.statement}: corroborated by {n} independent source{'s' if n != 1 else ''}",
            "bold green",
        )
        title.append_text(_t(f"  score {ag.score:.2f}"))
        t = _table("claim", "outlet", "wording", "quote")
        for ref in ag.claims:
            claim, art = lines(ref)
            w = _t(wording(claim))
            if ref in hedged:
                w.append_text(_t(" [hedged]", "yellow"))
            t.add_row(
                _t(ref, "bold"), _t(_published_outlet(art)), w, _t(claim.quote or "", "italic")
            )
        why = _t("why: ", "bold")
        why.append_text(_t(ag.evidence.reason))
        yield Panel(Group(t, why), title=title, title_align="left", border_style="green")


def _published_outlet(art: Article | None) -> str:
    if art is None:
        return "?"
    return " · ".join(x for x in (art.outlet, _published(art)) if x)


# --------------------------------------------------------------------------- comparison table

_FIXED_WIDTH = 44
"""Room the statement, canonical wording and status columns need, roughly."""
_ARTICLE_MIN = 18
"""Below this an article column is too narrow to read: switch to the stacked layout."""


def _entry_text(e: CellEntry) -> Text:
    style = "green" if e.relation == "agrees" else "red"
    out = _t(e.label, f"bold {style}")
    out.append_text(_t(": " + wording(e.claim)))
    if e.hedged:
        out.append_text(_t(" [hedged]", "yellow"))
    return out


def _cell(entries: Sequence[CellEntry]) -> Text:
    return Text("\n").join(_entry_text(e) for e in entries)


def _what(st: Statement) -> str:
    """The statement's canonical wording: ``who did → whom``."""
    return " ".join(x for x in (st.who, st.did, f"→ {st.whom}" if st.whom else "") if x)


def _canonical(row: TableRow) -> Text:
    st = row.statement
    out = _t(_what(st))
    if st.when is not None:
        out.append_text(_t(f" ({interval_iso(st.when)})", "cyan"))
    return out


class _ComparisonTable:
    """Chooses its layout when printed, because only then is the width known."""

    def __init__(self, report: Report) -> None:
        self.articles = ordered_articles(report.corpus)
        self.rows = table_rows(report)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.rows:
            yield _empty("statements")
            return
        width = options.max_width
        if _FIXED_WIDTH + _ARTICLE_MIN * len(self.articles) <= width:
            yield self._wide()
        else:
            yield from self._stacked()

    def _wide(self) -> Table:
        t = Table(box=box.SIMPLE_HEAVY, show_lines=True)
        t.add_column(_t("statement"), no_wrap=True)
        t.add_column(_t("what"), overflow="fold", ratio=2)
        t.add_column(_t("status"), overflow="fold")
        for a in self.articles:
            head = _t(a.id, "bold")
            head.append_text(_t("\n" + _published_outlet(a), "dim"))
            t.add_column(head, overflow="fold", ratio=2)
        for row in self.rows:
            st = row.statement
            t.add_row(
                _t(st.id, "bold"),
                _canonical(row),
                _status(st.status, status_text(st)),
                *(_cell(entries) for _, entries in row.cells),
            )
        return t

    def _stacked(self) -> Iterator[RenderableType]:
        for row in self.rows:
            st = row.statement
            title = _t(st.id + " ", "bold")
            title.append_text(_status(st.status, status_text(st)))
            grid = Table.grid(padding=(0, 1), expand=True)
            grid.add_column(style="dim", overflow="fold", max_width=24)
            grid.add_column(overflow="fold", ratio=1)
            for aid, entries in row.cells:
                if entries:
                    grid.add_row(_t(aid), _cell(entries))
            yield Panel(
                Group(_canonical(row), grid),
                title=title,
                title_align="left",
                border_style=_STATUS_STYLE[st.status].split()[-1],
            )


def render_table(report: Report) -> RenderableType:
    """The comparison table: articles as columns when they fit, else one panel per statement."""
    return _ComparisonTable(report)


# --------------------------------------------------------------------------- matrix


def render_matrix(report: Report) -> RenderableType:
    m = matrix_counts(report)
    if not m.articles:
        return _empty("articles")
    t = Table(
        box=box.SIMPLE_HEAVY,
        title=_t("agreements / contradictions between sources"),
        title_justify="left",
        caption=_t("diagonal: agreements the article takes part in / its self-contradictions"),
        caption_justify="left",
    )
    t.add_column(_t(""), overflow="fold")
    for a in m.articles:
        t.add_column(_t(a, "bold"), overflow="fold", justify="center")
    for i, a in enumerate(m.articles):
        cells: list[Text] = []
        for j in range(len(m.articles)):
            ag, cl = m.agreements[i][j], m.contradictions[i][j]
            cell = _t(f"{ag} agree", "green" if ag else "dim")
            cell.append_text(_t(" / "))
            cell.append_text(_t(f"{cl} clash", "bold red" if cl else "dim"))
            cells.append(cell)
        t.add_row(_t(a, "bold"), *cells)
    return t


# --------------------------------------------------------------------------- timeline


def render_timeline(report: Report) -> RenderableType:
    entries = timeline_entries(report)
    if not entries:
        return _empty("statements")
    t = _table("when", "statement", "what", "status", "sources", "dates")
    t.columns[0].no_wrap = True
    for e in entries:
        st = e.statement
        when = interval_iso(st.when)
        t.add_row(
            _t(when or "unknown", "cyan" if when else "dim"),
            _t(st.id, "bold"),
            _t(_what(st)),
            _status(st.status, status_text(st)),
            _t(", ".join(st.articles)),
            _t("⚠ disagree: " + e.why, "bold red") if e.dates_disagree else _t(""),
        )
    return t


# --------------------------------------------------------------------------- problems


def render_problems(problems: Iterable[Problem]) -> RenderableType:
    """One problem per line, ``file:line:col: severity [code] message``."""
    lines: list[Text] = []
    for p in problems:
        style = "red" if p.severity is Severity.ERROR else "yellow"
        line = _t(f"{p.path}:{p.line}:{p.col}: ", "bold")
        line.append_text(_t(p.severity.value, style))
        line.append_text(_t(f" [{p.code}] ", "dim"))
        line.append_text(_t(p.message))
        lines.append(line)
    return Group(*lines)


# --------------------------------------------------------------------------- explain


def render_explanation(ex: Explanation) -> RenderableType:
    """Both claims, their normalised forms, the scores and the rule that decided."""
    forms = Table(box=box.MINIMAL, expand=True, show_header=True)
    forms.add_column(_t(""), style="dim", no_wrap=True)
    forms.add_column(_t(ex.a.ref, "bold"), overflow="fold", ratio=1)
    forms.add_column(_t(ex.b.ref, "bold"), overflow="fold", ratio=1)
    fa, fb = ex.form_a, ex.form_b
    rows = [
        ("claim", _claim_statement(ex.a), _claim_statement(ex.b)),
        ("when", _when(ex.a), _when(ex.b)),
        ("quote", _t(ex.a.quote or "", "italic"), _t(ex.b.quote or "", "italic")),
        ("actors", _t(", ".join(fa.actors)), _t(", ".join(fb.actors))),
        ("targets", _t(", ".join(fa.targets)), _t(", ".join(fb.targets))),
        ("action", _t(" ".join(fa.action)), _t(" ".join(fb.action))),
        ("names", _t(", ".join(fa.names)), _t(", ".join(fb.names))),
        ("polarity", _t(fa.polarity), _t(fb.polarity)),
        ("negation", _t(", ".join(fa.negation_cues)), _t(", ".join(fb.negation_cues))),
        ("hedges", _t(", ".join(fa.hedges)), _t(", ".join(fb.hedges))),
        (
            "quantities",
            _t(", ".join(map(str, fa.quantities))),
            _t(", ".join(map(str, fb.quantities))),
        ),
        ("event", _t(fa.event or ""), _t(fb.event or "")),
        (
            "interval",
            _t(fa.interval.iso() if fa.interval else "unknown"),
            _t(fb.interval.iso() if fb.interval else "unknown"),
        ),
        ("statement", _t(ex.statement_a), _t(ex.statement_b)),
    ]
    for label, left, right in rows:
        if left.plain or right.plain:
            forms.add_row(_t(label), left, right)

    scores = Table(
        box=box.SIMPLE, show_header=True, title=_t("Similarity", "bold"), title_justify="left"
    )
    scores.add_column(_t("field"))
    scores.add_column(_t("similarity"), justify="right")
    scores.add_column(_t("weight"), justify="right")
    weights = dict(ex.weights)
    for name, value in ex.similarities:
        weight = weights.get(name)
        scores.add_row(
            _t(name), _t(f"{value:.2f}"), _t(f"{weight:.2f}" if weight is not None else "")
        )
    scores.add_row(
        _t("combined", "bold"),
        _t(f"{ex.score:.2f}", "bold"),
        _t(f"same ≥ {ex.match_threshold:.2f}, related ≥ {ex.link_threshold:.2f}", "dim"),
    )

    style = {"agreement": "bold green", "contradiction": "bold red"}.get(ex.verdict, "bold blue")
    verdict = _t(ex.verdict, style)
    if ex.kind is not None:
        verdict.append_text(_t(f" ({ex.kind.value})", style))
    lines: list[RenderableType] = [
        verdict,
        _t(f"rule: {ex.rule}"),
        _t(f"time: {ex.time_relation}"),
    ]
    if ex.decision:
        lines.append(_t(f"decided by decisions.yaml: {ex.decision}", "yellow"))
    if not ex.blocked:
        lines.append(_t("the pair shares no blocking key, so the matcher never scored it", "dim"))
    if ex.changes:
        lines.append(_t("What would change the verdict:", "bold"))
        lines.extend(_t(f"  • {change}") for change in ex.changes)
    return Group(forms, scores, *lines)

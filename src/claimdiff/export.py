"""Pure exporters: a :class:`~claimdiff.model.Report` becomes CSV, TSV, JSON, Markdown or HTML.

Every formatter is a pure function ``Report -> str`` registered for one (view, format)
pair, so the command line can list what is possible and the library can be used
without it. Output is deterministic: the same report gives byte-identical text,
because everything is walked in a stable order and nothing depends on the clock.

The shared "view model" helpers (article order, table cells, matrix counts,
timeline) live here too, so the terminal renderer shows exactly what the files say.
"""

from __future__ import annotations

import csv
import enum
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from claimdiff.compare import Explanation
from claimdiff.errors import UsageError
from claimdiff.model import (
    FORMAT_VERSION,
    Agreement,
    Article,
    Claim,
    Contradiction,
    ContradictionKind,
    Corpus,
    Evidence,
    Interval,
    Location,
    Report,
    Statement,
    Status,
    TimeSpec,
)

__all__ = [
    "TABLE_FIXED_COLUMNS",
    "CellEntry",
    "Format",
    "MatrixCounts",
    "TableRow",
    "TimelineEntry",
    "View",
    "export",
    "format_from_path",
    "formats_for",
    "matrix_counts",
    "neutralise_formula",
    "ordered_articles",
    "registered",
    "table_rows",
    "timeline_entries",
    "wording",
]


class Format(str, enum.Enum):
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"


class View(str, enum.Enum):
    CLAIMS = "claims"
    CONTRADICTIONS = "contradictions"
    AGREEMENTS = "agreements"
    TABLE = "table"
    MATRIX = "matrix"
    TIMELINE = "timeline"


Formatter = Callable[[Report], str]
_REGISTRY: dict[tuple[View, Format], Formatter] = {}

_SUFFIXES: Mapping[str, Format] = {
    ".csv": Format.CSV,
    ".tsv": Format.TSV,
    ".json": Format.JSON,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".html": Format.HTML,
    ".htm": Format.HTML,
}


def _register(view: View, fmt: Format) -> Callable[[Formatter], Formatter]:
    def deco(fn: Formatter) -> Formatter:
        _REGISTRY[(view, fmt)] = fn
        return fn

    return deco


def export(view: View, fmt: Format, report: Report) -> str:
    """Format ``report`` as ``view`` in ``fmt``; an unsupported pair is a :class:`UsageError`."""
    try:
        fn = _REGISTRY[(View(view), Format(fmt))]
    except (KeyError, ValueError):
        possible = ", ".join(f.value for f in formats_for(view)) if view in set(View) else ""
        raise UsageError(
            f"cannot export view {_val(view)!r} as {_val(fmt)!r}"
            + (f" (possible: {possible})" if possible else "")
        ) from None
    return fn(report)


def export_chunks(view: View, fmt: Format, report: Report) -> Iterator[str]:
    """The text of :func:`export`, in pieces, so large outputs can be written as they come.

    The pieces join to exactly ``export(view, fmt, report)``.
    """
    view, fmt = View(view), Format(fmt)
    if (view, fmt) == (View.CLAIMS, Format.JSON):
        yield from _claims_json_chunks(report)
        return
    if (view, fmt) == (View.TIMELINE, Format.JSON):
        yield from _json_items_chunks("timeline", "events", _timeline_events(report))
        return
    if fmt in (Format.CSV, Format.TSV) and view in _TABULAR:
        header, rows = _TABULAR[view](report)
        yield from _delimited_chunks(header, rows, "," if fmt is Format.CSV else "\t")
        return
    streamed = {
        (View.CONTRADICTIONS, Format.JSON): ("contradictions", _contradiction_texts),
        (View.AGREEMENTS, Format.JSON): ("agreements", _agreement_texts),
    }.get((view, fmt))
    if streamed is None:
        yield export(view, fmt, report)
        return
    name, texts = streamed
    yield from _json_texts_chunks(name, name, texts(report))


MAX_TABLE_CELLS = 20_000_000
"""Rows × article columns above which :func:`check_size` refuses the table."""
MAX_MATRIX_ARTICLES = 3_000
"""Articles above which :func:`check_size` refuses the matrix (4.5 million pairs)."""


def check_size(view: View, report: Report) -> None:
    """Refuse, before building it, a view whose size grows with the square of the corpus.

    The comparison table has a column per article and the matrix a cell per
    article pair: at 10,000 articles that is hundreds of millions of cells, many
    gigabytes of memory and output nobody can read. Raises :class:`UsageError`
    saying how to narrow the view instead.
    """
    view = View(view)
    columns = len(report.corpus.articles)
    if view is View.TABLE:
        rows = len(report.statements)
        if rows * columns > MAX_TABLE_CELLS:
            raise UsageError(
                f"the table would have {rows:,} rows × {columns:,} article columns "
                f"({rows * columns:,} cells, more than the {MAX_TABLE_CELLS:,} it is meant "
                "for); narrow the rows with --article or --status, or list the whole "
                "corpus one claim per row with 'claimdiff agreements' and "
                "'claimdiff contradictions'"
            )
    elif view is View.MATRIX and columns > MAX_MATRIX_ARTICLES:
        pairs = columns * (columns + 1) // 2
        raise UsageError(
            f"the matrix of {columns:,} articles would have {pairs:,} article pairs "
            f"(it is meant for up to {MAX_MATRIX_ARTICLES:,} articles); for the pairs "
            "that conflict use 'claimdiff contradictions --format csv'"
        )


def formats_for(view: View) -> tuple[Format, ...]:
    """The formats ``view`` can be exported to, in :class:`Format` order."""
    return tuple(f for f in Format if (view, f) in _REGISTRY)


def registered() -> tuple[tuple[View, Format], ...]:
    """Every registered (view, format) pair, in enum order."""
    return tuple((v, f) for v in View for f in Format if (v, f) in _REGISTRY)


def format_from_path(path: str | PurePath) -> Format | None:
    """Infer the format from a file name's suffix (case-insensitive); ``None`` if unknown."""
    return _SUFFIXES.get(PurePath(path).suffix.lower())


def _val(x: object) -> str:
    return x.value if isinstance(x, enum.Enum) else str(x)


# =========================================================================== view model


_MISSING_LOC = Location("?", 0, 0)


def ordered_articles(corpus: Corpus) -> tuple[Article, ...]:
    """Articles by publication date (start of the resolved interval), undated last, then id."""

    def key(a: Article) -> tuple[int, str, str]:
        iv = a.published.interval if a.published is not None else None
        if iv is None:
            return (1, "", a.id)
        return (0, iv.start.isoformat(), a.id)

    return tuple(sorted(corpus.articles, key=key))


def claim_lookup(report: Report) -> Callable[[str], Claim]:
    """A lookup that never fails: a ref the corpus lacks becomes an empty placeholder claim."""
    index = report.corpus.claim_index()

    def get(ref: str) -> Claim:
        found = index.get(ref)
        if found is not None:
            return found
        art, _, cid = ref.partition("#")
        return Claim(article_id=art, id=cid, who=(), did="", loc=_MISSING_LOC)

    return get


def article_lookup(report: Report) -> Callable[[str], Article | None]:
    """Article by id, ``None`` for an id the corpus lacks."""
    index = {a.id: a for a in report.corpus.articles}
    return index.get


def actors(names: Sequence[str]) -> str:
    """A list of actors as one string (``Armenia; Azerbaijan``)."""
    return "; ".join(names)


def when_text(spec: TimeSpec | None) -> str:
    return spec.text if spec is not None else ""


def when_iso(spec: TimeSpec | None) -> str:
    if spec is None or spec.interval is None:
        return ""
    return spec.interval.iso()


def interval_iso(iv: Interval | None) -> str:
    return iv.iso() if iv is not None else ""


def wording(claim: Claim) -> str:
    """The claim as one line, the way the article put it: ``who [NOT] did → whom (when)``."""
    parts = [actors(claim.who)]
    if claim.negated:
        parts.append("NOT")
    parts.append(claim.did)
    if claim.whom:
        parts.append("→ " + actors(claim.whom))
    text = " ".join(p for p in parts if p)
    if claim.when is not None:
        text += f" ({claim.when.text})"
    return text


def status_text(st: Statement) -> str:
    """``corroborated (3 sources)``, ``contradicted (negation, date)`` or ``unique``."""
    if st.status is Status.CORROBORATED:
        n = st.independent_sources
        return f"corroborated ({n} source{'s' if n != 1 else ''})"
    if st.status is Status.CONTRADICTED:
        kinds = ", ".join(k.value for k in st.kinds)
        return f"contradicted ({kinds})" if kinds else "contradicted"
    return str(st.status.value)


@dataclass(frozen=True)
class CellEntry:
    """One claim of one article in one row of the comparison table."""

    relation: str
    """``agrees`` (the claim states the row's statement) or ``contradicts``."""
    kinds: tuple[ContradictionKind, ...]
    claim: Claim
    hedged: bool

    @property
    def label(self) -> str:
        if self.relation == "contradicts":
            return f"contradicts ({', '.join(k.value for k in self.kinds)})"
        return "agrees"

    def text(self) -> str:
        """``agrees: <wording>`` / ``contradicts (<kind>): <wording>``; hedged ones say so."""
        return f"{self.label}: {wording(self.claim)}" + (" [hedged]" if self.hedged else "")


@dataclass(frozen=True)
class TableRow:
    statement: Statement
    cells: tuple[tuple[str, tuple[CellEntry, ...]], ...]
    """(article id, entries) for every article, in table column order."""

    def cell(self, article_id: str) -> tuple[CellEntry, ...]:
        for aid, entries in self.cells:
            if aid == article_id:
                return entries
        return ()


def _kinds_sorted(kinds: Iterable[ContradictionKind]) -> tuple[ContradictionKind, ...]:
    order = list(ContradictionKind)
    return tuple(sorted(set(kinds), key=order.index))


class _Touching:
    """The contradictions touching a set of claims, in report order.

    Indexed by claim once per report: scanning every contradiction for every
    statement made the table and the timeline quadratic (minutes at 100k claims).
    """

    def __init__(self, report: Report) -> None:
        self.contradictions = report.contradictions
        self.by_ref: dict[str, list[int]] = {}
        for n, c in enumerate(report.contradictions):
            self.by_ref.setdefault(c.a, []).append(n)
            self.by_ref.setdefault(c.b, []).append(n)

    def __call__(self, members: Iterable[str]) -> list[Contradiction]:
        found = {n for ref in members for n in self.by_ref.get(ref, ())}
        return [self.contradictions[n] for n in sorted(found)]


def table_rows(report: Report) -> tuple[TableRow, ...]:
    """The comparison table: one row per statement, one cell per article.

    A member claim *agrees* with its statement. A claim outside the statement that
    contradicts a member *contradicts* it. When both sides of a contradiction are
    members (the engine grouped them into one statement), the side that conflicts
    with more members is the dissenter; on a tie both sides are shown as
    contradicting, because neither can be said to state the row.
    """
    get = claim_lookup(report)
    arts = ordered_articles(report.corpus)
    touching_of = _Touching(report)
    rows: list[TableRow] = []
    for st in report.statements:
        members = frozenset(st.claims)
        hedged = frozenset(st.hedged)
        touching = touching_of(members)
        conflicts: dict[str, int] = {}
        for c in touching:
            if c.a in members and c.b in members:
                conflicts[c.a] = conflicts.get(c.a, 0) + 1
                conflicts[c.b] = conflicts.get(c.b, 0) + 1
        against: dict[str, set[ContradictionKind]] = {}
        for c in touching:
            a_in, b_in = c.a in members, c.b in members
            if a_in and b_in:
                ca, cb = conflicts[c.a], conflicts[c.b]
                if ca >= cb:
                    against.setdefault(c.a, set()).add(c.kind)
                if cb >= ca:
                    against.setdefault(c.b, set()).add(c.kind)
            else:
                other = c.b if a_in else c.a
                against.setdefault(other, set()).add(c.kind)
        refs = sorted(members | set(against))
        by_article: dict[str, list[CellEntry]] = {}
        for ref in refs:
            claim = get(ref)
            if ref in against:
                entry = CellEntry("contradicts", _kinds_sorted(against[ref]), claim, ref in hedged)
            else:
                entry = CellEntry("agrees", (), claim, ref in hedged)
            by_article.setdefault(claim.article_id, []).append(entry)
        cells = tuple((a.id, tuple(by_article.get(a.id, ()))) for a in arts)
        rows.append(TableRow(st, cells))
    return tuple(rows)


@dataclass(frozen=True)
class MatrixCounts:
    """Article × article counts, rows and columns in table column order.

    Off the diagonal: agreements both articles take part in, and contradictions
    between them. On the diagonal: agreements the article takes part in at all,
    and its self-contradictions.
    """

    articles: tuple[str, ...]
    agreements: tuple[tuple[int, ...], ...]
    contradictions: tuple[tuple[int, ...], ...]


def matrix_counts(report: Report) -> MatrixCounts:
    get = claim_lookup(report)
    ids = tuple(a.id for a in ordered_articles(report.corpus))
    pos = {aid: i for i, aid in enumerate(ids)}
    n = len(ids)
    agree = [[0] * n for _ in range(n)]
    clash = [[0] * n for _ in range(n)]
    for ag in report.agreements:
        present = sorted({pos[a] for a in ag.articles if a in pos})
        for i in present:
            for j in present:
                if i != j or len(present) > 1:
                    agree[i][j] += 1
    for c in report.contradictions:
        pa = pos.get(get(c.a).article_id)
        pb = pos.get(get(c.b).article_id)
        if pa is None or pb is None:
            continue
        clash[pa][pb] += 1
        if pa != pb:
            clash[pb][pa] += 1
    return MatrixCounts(ids, tuple(tuple(r) for r in agree), tuple(tuple(r) for r in clash))


@dataclass(frozen=True)
class TimelineEntry:
    statement: Statement
    claims: tuple[Claim, ...]
    dates_disagree: bool
    why: str
    """Empty when the sources agree on the date."""


def timeline_entries(report: Report) -> tuple[TimelineEntry, ...]:
    """Statements in time order (start, end, then report order); unknown time last.

    The sources *disagree on the date* when a ``date`` contradiction touches the
    statement or two members' resolved intervals are disjoint.
    """
    get = claim_lookup(report)
    touching = _Touching(report)
    order = {st.id: i for i, st in enumerate(report.statements)}

    def key(st: Statement) -> tuple[int, str, str, int]:
        if st.when is None:
            return (1, "", "", order[st.id])
        return (0, st.when.start.isoformat(), st.when.end.isoformat(), order[st.id])

    out: list[TimelineEntry] = []
    for st in sorted(report.statements, key=key):
        members = frozenset(st.claims)
        claims = tuple(get(r) for r in sorted(members))
        reasons: list[str] = []
        dated = [c for c in touching(members) if c.kind is ContradictionKind.DATE]
        if dated:
            pairs = sorted(f"{c.a} vs {c.b}" for c in dated)
            reasons.append("date contradiction: " + "; ".join(pairs))
        ivs = [
            (c.ref, c.when.interval)
            for c in claims
            if c.when is not None and c.when.interval is not None
        ]
        disjoint = [
            f"{ra} {ia.iso()} vs {rb} {ib.iso()}"
            for k, (ra, ia) in enumerate(ivs)
            for rb, ib in ivs[k + 1 :]
            if not ia.overlaps(ib)
        ]
        if disjoint:
            reasons.append("disjoint intervals: " + "; ".join(disjoint))
        out.append(TimelineEntry(st, claims, bool(reasons), "; ".join(reasons)))
    return tuple(out)


def summary_counts(report: Report) -> list[tuple[str, int]]:
    """The numbers a reader wants first, in display order."""
    by_status = {s: 0 for s in Status}
    for st in report.statements:
        by_status[st.status] += 1
    rows: list[tuple[str, int]] = [
        ("articles", len(report.corpus.articles)),
        ("claims", len(report.corpus.claims())),
        ("statements", len(report.statements)),
        ("corroborated", by_status[Status.CORROBORATED]),
        ("contradicted", by_status[Status.CONTRADICTED]),
        ("unique", by_status[Status.UNIQUE]),
        ("agreements", len(report.agreements)),
        ("contradictions", len(report.contradictions)),
    ]
    for kind in ContradictionKind:
        n = sum(1 for c in report.contradictions if c.kind is kind)
        if n:
            rows.append((f"contradictions: {kind.value}", n))
    return rows


def _similarities_text(ev: Evidence) -> str:
    return "; ".join(f"{k}={v:.2f}" for k, v in ev.similarities)


def _details_text(ev: Evidence) -> str:
    return "; ".join(f"{k}: {v}" for k, v in ev.details)


def _published(art: Article | None) -> str:
    if art is None or art.published is None:
        return ""
    return art.published.text


def _published_iso(art: Article | None) -> str:
    return when_iso(art.published) if art is not None else ""


# =========================================================================== CSV / TSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float


def neutralise_formula(value: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula.

    Cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are
    formulas (or DDE payloads) in Excel and LibreOffice; the apostrophe makes them
    plain text. Numbers are never passed through here, so counts stay numeric.
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def _delimited(header: Sequence[str], rows: Iterable[Sequence[Cell]], delimiter: str) -> str:
    return "".join(_delimited_chunks(header, rows, delimiter))


_ROWS_PER_CHUNK = 2000


def _delimited_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], delimiter: str
) -> Iterator[str]:
    """:func:`_delimited` in pieces of :data:`_ROWS_PER_CHUNK` rows.

    Written whole, the agreements of 100k claims (58 MB of CSV) were held as a
    StringIO of four bytes per character (any non-ASCII name makes it so), its
    value and its UTF-8 bytes at once: 200 MB on top of the comparison.
    """
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow([neutralise_formula(h) for h in header])
    for n, row in enumerate(rows, 1):
        w.writerow([neutralise_formula(c) if isinstance(c, str) else _num(c) for c in row])
        if n % _ROWS_PER_CHUNK == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _num(x: int | float) -> str:
    return str(x) if isinstance(x, int) else f"{x:.4f}".rstrip("0").rstrip(".") or "0"


Tabular = tuple[list[str], list[list[Cell]]]


def _register_delimited(view: View, build: Callable[[Report], Tabular]) -> None:
    def make(delimiter: str) -> Formatter:
        def fmt(report: Report) -> str:
            header, rows = build(report)
            return _delimited(header, rows, delimiter)

        return fmt

    _REGISTRY[(view, Format.CSV)] = make(",")
    _REGISTRY[(view, Format.TSV)] = make("\t")


CLAIM_COLUMNS = [
    "article",
    "title",
    "outlet",
    "published",
    "published_resolved",
    "ref",
    "claim",
    "who",
    "did",
    "whom",
    "when",
    "when_resolved",
    "where",
    "negated",
    "said_by",
    "event",
    "quote",
    "tags",
    "note",
    "location",
]


def _claims_tabular(report: Report) -> Tabular:
    rows: list[list[Cell]] = []
    for art in ordered_articles(report.corpus):
        for c in art.claims:
            rows.append(
                [
                    art.id,
                    art.title,
                    art.outlet or "",
                    _published(art),
                    _published_iso(art),
                    c.ref,
                    c.id,
                    actors(c.who),
                    c.did,
                    actors(c.whom),
                    when_text(c.when),
                    when_iso(c.when),
                    c.where or "",
                    "true" if c.negated else "false",
                    actors(c.said_by),
                    c.event or "",
                    c.quote or "",
                    "; ".join(c.tags),
                    c.note or "",
                    str(c.loc),
                ]
            )
    return CLAIM_COLUMNS, rows


def _side_cells(claim: Claim, art: Article | None) -> list[Cell]:
    return [
        claim.ref,
        claim.article_id,
        (art.outlet or "") if art else "",
        _published(art),
        actors(claim.who),
        "true" if claim.negated else "false",
        claim.did,
        actors(claim.whom),
        when_text(claim.when),
        when_iso(claim.when),
        claim.quote or "",
        str(claim.loc),
    ]


_SIDE = [
    "ref",
    "article",
    "outlet",
    "published",
    "who",
    "negated",
    "did",
    "whom",
    "when",
    "when_resolved",
    "quote",
    "location",
]
CONTRADICTION_COLUMNS = [
    "kind",
    "score",
    "statement",
    *(f"a_{s}" for s in _SIDE),
    *(f"b_{s}" for s in _SIDE),
    "reason",
    "similarities",
    "details",
]


def _contradictions_tabular(report: Report) -> Tabular:
    get, art = claim_lookup(report), article_lookup(report)
    rows: list[list[Cell]] = []
    for c in report.contradictions:
        a, b = get(c.a), get(c.b)
        rows.append(
            [
                c.kind.value,
                c.score,
                c.statement or "",
                *_side_cells(a, art(a.article_id)),
                *_side_cells(b, art(b.article_id)),
                c.evidence.reason,
                _similarities_text(c.evidence),
                _details_text(c.evidence),
            ]
        )
    return CONTRADICTION_COLUMNS, rows


AGREEMENT_COLUMNS = [
    "statement",
    "sources",
    "articles",
    "score",
    "reason",
    "ref",
    "article",
    "outlet",
    "published",
    "who",
    "did",
    "whom",
    "when",
    "when_resolved",
    "quote",
    "hedged",
]


def _hedged_refs(report: Report, ag: Agreement) -> frozenset[str]:
    try:
        return frozenset(report.statement(ag.statement).hedged)
    except KeyError:
        return frozenset()


def _agreements_tabular(report: Report) -> Tabular:
    get, art = claim_lookup(report), article_lookup(report)
    rows: list[list[Cell]] = []
    for ag in report.agreements:
        hedged = _hedged_refs(report, ag)
        for ref in ag.claims:
            c = get(ref)
            a = art(c.article_id)
            rows.append(
                [
                    ag.statement,
                    ag.independent_sources,
                    "; ".join(ag.articles),
                    ag.score,
                    ag.evidence.reason,
                    ref,
                    c.article_id,
                    (a.outlet or "") if a else "",
                    _published(a),
                    actors(c.who),
                    c.did,
                    actors(c.whom),
                    when_text(c.when),
                    when_iso(c.when),
                    c.quote or "",
                    "true" if ref in hedged else "false",
                ]
            )
    return AGREEMENT_COLUMNS, rows


TABLE_FIXED_COLUMNS = ["statement", "who", "did", "whom", "when", "status", "sources", "kinds"]


def _cell_text(entries: Sequence[CellEntry]) -> str:
    return "\n".join(e.text() for e in entries)


def _table_tabular(report: Report) -> Tabular:
    arts = ordered_articles(report.corpus)
    rows: list[list[Cell]] = []
    for row in table_rows(report):
        st = row.statement
        rows.append(
            [
                st.id,
                st.who,
                st.did,
                st.whom,
                interval_iso(st.when),
                st.status.value,
                st.independent_sources,
                "; ".join(k.value for k in st.kinds),
                *(_cell_text(entries) for _, entries in row.cells),
            ]
        )
    return [*TABLE_FIXED_COLUMNS, *(a.id for a in arts)], rows


MATRIX_COLUMNS = ["article_a", "article_b", "agreements", "contradictions"]


def _matrix_tabular(report: Report) -> Tabular:
    m = matrix_counts(report)
    rows: list[list[Cell]] = []
    for i, a in enumerate(m.articles):
        for j in range(i, len(m.articles)):
            rows.append([a, m.articles[j], m.agreements[i][j], m.contradictions[i][j]])
    return MATRIX_COLUMNS, rows


TIMELINE_COLUMNS = [
    "statement",
    "when",
    "who",
    "did",
    "whom",
    "status",
    "sources",
    "dates_disagree",
    "why",
    "claims",
]


def _timeline_tabular(report: Report) -> Tabular:
    rows: list[list[Cell]] = []
    for e in timeline_entries(report):
        st = e.statement
        rows.append(
            [
                st.id,
                interval_iso(st.when),
                st.who,
                st.did,
                st.whom,
                st.status.value,
                "; ".join(st.articles),
                "true" if e.dates_disagree else "false",
                e.why,
                "; ".join(
                    f"{c.ref} ({when_text(c.when)}"
                    + (f" = {when_iso(c.when)})" if when_iso(c.when) else ")")
                    if c.when is not None
                    else c.ref
                    for c in e.claims
                ),
            ]
        )
    return TIMELINE_COLUMNS, rows


_TABULAR: dict[View, Callable[[Report], Tabular]] = {
    View.CLAIMS: _claims_tabular,
    View.CONTRADICTIONS: _contradictions_tabular,
    View.AGREEMENTS: _agreements_tabular,
    View.TABLE: _table_tabular,
    View.MATRIX: _matrix_tabular,
    View.TIMELINE: _timeline_tabular,
}
for _view, _build in _TABULAR.items():
    _register_delimited(_view, _build)


# =========================================================================== JSON


def _dump(kind: str, body: Mapping[str, Any]) -> str:
    doc: dict[str, Any] = {"format": FORMAT_VERSION, "kind": f"claimdiff.{kind}"}
    doc.update(body)
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def _json_items_chunks(kind: str, key: str, items: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The text of ``_dump(kind, {key: list(items)})``, one item at a time.

    At 100k claims the whole document as nested dicts costs several hundred MB
    more than its text; serialising item by item keeps only the text, and a
    caller that writes the pieces as they come keeps not even that.
    """
    return _json_texts_chunks(kind, key, map(_item_text, items))


def _item_text(item: Mapping[str, Any]) -> str:
    """One item of a list at the top level of a document, indented as it is printed there."""
    return "    " + json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")


def _json_texts_chunks(
    kind: str, key: str, texts: Iterable[str], head_fields: Mapping[str, Any] | None = None
) -> Iterator[str]:
    """:func:`_json_items_chunks` for items already written by :func:`_item_text` (or its equal).

    ``head_fields`` are written between ``kind`` and the list, as :func:`_dump` would.
    """
    head = json.dumps(
        {"format": FORMAT_VERSION, "kind": f"claimdiff.{kind}", **(head_fields or {})},
        ensure_ascii=False,
        indent=2,
    )[:-2]
    first = True
    for text in texts:
        yield (f'{head},\n  "{key}": [\n' if first else ",\n") + text
        first = False
    yield f'{head},\n  "{key}": []\n}}\n' if first else "\n  ]\n}\n"


def _time_json(spec: TimeSpec | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    iv = spec.interval
    return {
        "text": spec.text,
        "resolved": iv.iso() if iv else None,
        "start": iv.start.isoformat() if iv else None,
        "end": iv.end.isoformat() if iv else None,
        "how": spec.how,
    }


def _interval_json(iv: Interval | None) -> dict[str, str] | None:
    if iv is None:
        return None
    return {"resolved": iv.iso(), "start": iv.start.isoformat(), "end": iv.end.isoformat()}


def _claim_json(c: Claim) -> dict[str, Any]:
    return {
        "ref": c.ref,
        "article": c.article_id,
        "id": c.id,
        "who": list(c.who),
        "negated": c.negated,
        "did": c.did,
        "whom": list(c.whom),
        "when": _time_json(c.when),
        "where": c.where,
        "said_by": list(c.said_by),
        "event": c.event,
        "quote": c.quote,
        "tags": list(c.tags),
        "note": c.note,
        "location": str(c.loc),
    }


def _article_json(a: Article, *, with_claims: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": a.id,
        "title": a.title,
        "outlet": a.outlet,
        "url": a.url,
        "published": _time_json(a.published),
        "author": a.author,
        "source": a.source,
        "location": str(a.loc),
    }
    if with_claims:
        out["claims"] = [_claim_json(c) for c in a.claims]
    return out


def _pairs_obj(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Pairs as an object; a repeated key keeps every value, joined with ``; ``."""
    out: dict[str, Any] = {}
    for k, v in pairs:
        out[k] = f"{out[k]}; {v}" if k in out else v
    return out


def _evidence_json(ev: Evidence) -> dict[str, Any]:
    return {
        "reason": ev.reason,
        "similarities": _pairs_obj(ev.similarities),
        "details": _pairs_obj(ev.details),
    }


@_register(View.CLAIMS, Format.JSON)
def _claims_json(report: Report) -> str:
    return "".join(_claims_json_chunks(report))


def _claims_json_chunks(report: Report) -> Iterator[str]:
    """The claims document one article at a time (100k claims as dicts cost ~0.5 GB)."""
    articles = ordered_articles(report.corpus)
    texts = (_item_text(_article_json(a, with_claims=True)) for a in articles)
    return _json_texts_chunks("claims", "articles", texts, {"corpus": report.corpus.root})


def _member_json(claim: Claim, art: Article | None, hedged: bool) -> dict[str, Any]:
    """One member of an agreement: flat, so 100k members stay a manageable document."""
    published = art.published.interval if art and art.published else None
    interval = claim.when.interval if claim.when else None
    return {
        "ref": claim.ref,
        "article": claim.article_id,
        "outlet": art.outlet if art else None,
        "published": published.iso() if published else None,
        "wording": wording(claim),
        "who": list(claim.who),
        "negated": claim.negated,
        "did": claim.did,
        "whom": list(claim.whom),
        "when": claim.when.text if claim.when else None,
        "interval": interval.iso() if interval else None,
        "said_by": list(claim.said_by),
        "quote": claim.quote,
        "hedged": hedged,
        "location": str(claim.loc),
    }


def _side_json(claim: Claim, art: Article | None) -> dict[str, Any]:
    return {
        "ref": claim.ref,
        "article": claim.article_id,
        "outlet": art.outlet if art else None,
        "published": _time_json(art.published) if art else None,
        "wording": wording(claim),
        "claim": _claim_json(claim),
    }


ArticleOf = Callable[[str], Article | None]


def _contradiction_json(c: Contradiction, a: Claim, b: Claim, art: ArticleOf) -> dict[str, Any]:
    return {
        "kind": c.kind.value,
        "claims": [c.a, c.b],
        "score": c.score,
        "statement": c.statement,
        "self": a.article_id == b.article_id,
        "a": _side_json(a, art(a.article_id)),
        "b": _side_json(b, art(b.article_id)),
        "evidence": _evidence_json(c.evidence),
    }


def _contradictions_items(report: Report) -> Iterator[dict[str, Any]]:
    get, art = claim_lookup(report), article_lookup(report)
    for c in report.contradictions:
        yield _contradiction_json(c, get(c.a), get(c.b), art)


def _contradiction_texts(report: Report) -> Iterator[str]:
    """``map(_item_text, _contradictions_items(report))``, written directly (see :func:`_enc`)."""
    get, art = claim_lookup(report), article_lookup(report)
    sides: dict[str, str] = {}
    for c in report.contradictions:
        a, b = get(c.a), get(c.b)
        try:
            text = _contradiction_text(c, a, b, art, sides)
        except _IRREGULAR:
            text = _item_text(_contradiction_json(c, a, b, art))
        yield text


@_register(View.CONTRADICTIONS, Format.JSON)
def _contradictions_json(report: Report) -> str:
    return "".join(
        _json_texts_chunks("contradictions", "contradictions", _contradiction_texts(report))
    )


def _agreement_json(
    ag: Agreement, members: Sequence[Claim], art: ArticleOf, hedged: frozenset[str]
) -> dict[str, Any]:
    return {
        "statement": ag.statement,
        "independent_sources": ag.independent_sources,
        "articles": list(ag.articles),
        "score": ag.score,
        "evidence": _evidence_json(ag.evidence),
        "claims": list(ag.claims),
        "members": [_member_json(c, art(c.article_id), c.ref in hedged) for c in members],
    }


def _agreements_items(report: Report) -> Iterator[dict[str, Any]]:
    get, art = claim_lookup(report), article_lookup(report)
    for ag in report.agreements:
        yield _agreement_json(ag, [get(r) for r in ag.claims], art, _hedged_refs(report, ag))


def _agreement_texts(report: Report) -> Iterator[str]:
    """``map(_item_text, _agreements_items(report))``, written directly (see :func:`_enc`)."""
    get, art = claim_lookup(report), article_lookup(report)
    heads: dict[str, str] = {}
    for ag in report.agreements:
        members = [get(r) for r in ag.claims]
        hedged = _hedged_refs(report, ag)
        try:
            text = _agreement_text(ag, members, art, hedged, heads)
        except _IRREGULAR:
            text = _item_text(_agreement_json(ag, members, art, hedged))
        yield text


@_register(View.AGREEMENTS, Format.JSON)
def _agreements_json(report: Report) -> str:
    return "".join(_json_texts_chunks("agreements", "agreements", _agreement_texts(report)))


# --------------------------------------------------------------------------- direct JSON text
#
# json.dumps with indent uses CPython's pure-Python encoder, which costs more than
# building the dicts. The two large list views are therefore written here as text,
# one function per object shape, producing exactly what _item_text(<the dict>) gives:
# strings through the same C encoder json uses, numbers as json writes them, the
# indentation of an item inside the top-level list. Anything of a type these
# functions do not expect raises, and that one item is written by json.dumps instead.

_enc: Callable[[str], str] = json.encoder.encode_basestring
"""The string encoder of ``json.dumps(..., ensure_ascii=False)`` (C when available)."""

_INF = float("inf")


class _Irregular(Exception):
    """A value the direct writer cannot be sure to write as json would."""


_IRREGULAR = (_Irregular, TypeError, ValueError, AttributeError)
"""What makes the direct writer give an item back to json.dumps (which then writes
it, or raises exactly what it always raised)."""


def _scalar(v: object) -> str:
    """A leaf as json writes it, checked in the order json checks."""
    if isinstance(v, str):
        return _enc(v)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return int.__repr__(v)
    if isinstance(v, float):
        if v != v:
            return "NaN"
        if v == _INF:
            return "Infinity"
        if v == -_INF:
            return "-Infinity"
        return float.__repr__(v)
    raise _Irregular


def _bool(v: object) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    raise _Irregular


def _opt(v: str | None) -> str:
    return "null" if v is None else _enc(v)


def _strs(xs: Iterable[str], ind: str) -> str:
    """A list of strings whose elements are indented by ``ind``."""
    body = f",\n{ind}".join(map(_enc, xs))
    return f"[\n{ind}{body}\n{ind[:-2]}]" if body else "[]"


def _map_text(d: Mapping[str, Any], ind: str) -> str:
    if not d:
        return "{}"
    n = f",\n{ind}"
    return (
        "{\n" + ind + n.join(f"{_enc(k)}: {_scalar(v)}" for k, v in d.items()) + f"\n{ind[:-2]}}}"
    )


def _time_text(spec: TimeSpec | None, ind: str) -> str:
    """:func:`_time_json` as text; ``ind`` is the indentation of its keys."""
    if spec is None:
        return "null"
    iv = spec.interval
    if iv:
        resolved, start, end = _enc(iv.iso()), _enc(iv.start.isoformat()), _enc(iv.end.isoformat())
    else:
        resolved = start = end = "null"
    n = f",\n{ind}"
    return (
        f'{{\n{ind}"text": {_enc(spec.text)}{n}"resolved": {resolved}{n}"start": {start}'
        f'{n}"end": {end}{n}"how": {_enc(spec.how)}\n{ind[:-2]}}}'
    )


def _claim_text(c: Claim, ind: str) -> str:
    """:func:`_claim_json` as text."""
    n, i2 = f",\n{ind}", ind + "  "
    return (
        f'{{\n{ind}"ref": {_enc(c.ref)}{n}"article": {_enc(c.article_id)}{n}"id": {_enc(c.id)}'
        f'{n}"who": {_strs(c.who, i2)}{n}"negated": {_bool(c.negated)}{n}"did": {_enc(c.did)}'
        f'{n}"whom": {_strs(c.whom, i2)}{n}"when": {_time_text(c.when, i2)}'
        f'{n}"where": {_opt(c.where)}{n}"said_by": {_strs(c.said_by, i2)}'
        f'{n}"event": {_opt(c.event)}{n}"quote": {_opt(c.quote)}{n}"tags": {_strs(c.tags, i2)}'
        f'{n}"note": {_opt(c.note)}{n}"location": {_enc(str(c.loc))}\n{ind[:-2]}}}'
    )


def _side_text(claim: Claim, art: Article | None, ind: str) -> str:
    """:func:`_side_json` as text."""
    n, i2 = f",\n{ind}", ind + "  "
    outlet = _opt(art.outlet) if art else "null"
    published = _time_text(art.published, i2) if art else "null"
    return (
        f'{{\n{ind}"ref": {_enc(claim.ref)}{n}"article": {_enc(claim.article_id)}'
        f'{n}"outlet": {outlet}{n}"published": {published}{n}"wording": {_enc(wording(claim))}'
        f'{n}"claim": {_claim_text(claim, i2)}\n{ind[:-2]}}}'
    )


def _evidence_text(ev: Evidence, ind: str) -> str:
    """:func:`_evidence_json` as text."""
    n, i2 = f",\n{ind}", ind + "  "
    return (
        f'{{\n{ind}"reason": {_enc(ev.reason)}'
        f'{n}"similarities": {_map_text(_pairs_obj(ev.similarities), i2)}'
        f'{n}"details": {_map_text(_pairs_obj(ev.details), i2)}\n{ind[:-2]}}}'
    )


_I6, _I8, _I10, _I12 = " " * 6, " " * 8, " " * 10, " " * 12
"""Key indentation of an item of the top-level list, of its objects, of theirs..."""
_N10 = ",\n" + _I10


def _member_head(art: Article | None) -> str:
    """The article's part of :func:`_member_json` (``outlet``, ``published``) as text."""
    published = art.published.interval if art and art.published else None
    return (
        f'"outlet": {_opt(art.outlet) if art else "null"}'
        f'{_N10}"published": {_enc(published.iso()) if published else "null"}'
    )


def _member_text(claim: Claim, head: str, hedged: frozenset[str]) -> str:
    """:func:`_member_json` as text, inside an agreement; ``head`` is :func:`_member_head`."""
    ref = claim.ref
    when = claim.when
    interval = when.interval if when else None
    return (
        f'{{\n{_I10}"ref": {_enc(ref)}{_N10}"article": {_enc(claim.article_id)}{_N10}{head}'
        f'{_N10}"wording": {_enc(wording(claim))}'
        f'{_N10}"who": {_strs(claim.who, _I12)}'
        f'{_N10}"negated": {_bool(claim.negated)}{_N10}"did": {_enc(claim.did)}'
        f'{_N10}"whom": {_strs(claim.whom, _I12)}'
        f'{_N10}"when": {_enc(when.text) if when else "null"}'
        f'{_N10}"interval": {_enc(interval.iso()) if interval else "null"}'
        f'{_N10}"said_by": {_strs(claim.said_by, _I12)}'
        f'{_N10}"quote": {_opt(claim.quote)}{_N10}"hedged": {"true" if ref in hedged else "false"}'
        f'{_N10}"location": {_enc(str(claim.loc))}\n{_I8}}}'
    )


def _contradiction_text(
    c: Contradiction, a: Claim, b: Claim, art: ArticleOf, sides: dict[str, str] | None = None
) -> str:
    """``_item_text(_contradiction_json(c, a, b, art))``, written directly.

    A claim is often a side of several contradictions, and its side is the same
    text each time: ``sides`` keeps them by ref (about half the work at 100k).
    """
    if sides is None:
        sides = {}
    side_a = sides.get(c.a)
    if side_a is None:
        side_a = sides[c.a] = _side_text(a, art(a.article_id), _I8)
    side_b = sides.get(c.b)
    if side_b is None:
        side_b = sides[c.b] = _side_text(b, art(b.article_id), _I8)
    n = ",\n" + _I6
    return (
        f'    {{\n{_I6}"kind": {_enc(c.kind.value)}'
        f'{n}"claims": [\n{_I8}{_enc(c.a)},\n{_I8}{_enc(c.b)}\n{_I6}]'
        f'{n}"score": {_scalar(c.score)}{n}"statement": {_opt(c.statement)}'
        f'{n}"self": {_bool(a.article_id == b.article_id)}'
        f'{n}"a": {side_a}{n}"b": {side_b}'
        f'{n}"evidence": {_evidence_text(c.evidence, _I8)}\n    }}'
    )


def _agreement_text(
    ag: Agreement,
    members: Sequence[Claim],
    art: ArticleOf,
    hedged: frozenset[str],
    heads: dict[str, str] | None = None,
) -> str:
    """``_item_text(_agreement_json(ag, members, art, hedged))``, written directly.

    ``heads`` keeps :func:`_member_head` by article id from one agreement to the next.
    """
    n = ",\n" + _I6
    if heads is None:
        heads = {}
    parts = []
    for c in members:
        head = heads.get(c.article_id)
        if head is None:
            head = heads[c.article_id] = _member_head(art(c.article_id))
        parts.append(_member_text(c, head, hedged))
    texts = f",\n{_I8}".join(parts)
    listed = f"[\n{_I8}{texts}\n{_I6}]" if texts else "[]"
    return (
        f'    {{\n{_I6}"statement": {_enc(ag.statement)}'
        f'{n}"independent_sources": {_scalar(ag.independent_sources)}'
        f'{n}"articles": {_strs(ag.articles, _I8)}{n}"score": {_scalar(ag.score)}'
        f'{n}"evidence": {_evidence_text(ag.evidence, _I8)}{n}"claims": {_strs(ag.claims, _I8)}'
        f'{n}"members": {listed}\n    }}'
    )


def _statement_json(st: Statement) -> dict[str, Any]:
    return {
        "statement": st.id,
        "who": st.who,
        "did": st.did,
        "whom": st.whom,
        "when": _interval_json(st.when),
        "status": st.status.value,
        "sources": st.independent_sources,
        "kinds": [k.value for k in st.kinds],
        "score": st.score,
        "claims": list(st.claims),
        "hedged": list(st.hedged),
        "articles": list(st.articles),
    }


@_register(View.TABLE, Format.JSON)
def _table_json(report: Report) -> str:
    rows = []
    for row in table_rows(report):
        doc = _statement_json(row.statement)
        doc["cells"] = {
            aid: [
                {
                    "relation": e.relation,
                    "kinds": [k.value for k in e.kinds],
                    "ref": e.claim.ref,
                    "wording": wording(e.claim),
                    "who": list(e.claim.who),
                    "negated": e.claim.negated,
                    "did": e.claim.did,
                    "whom": list(e.claim.whom),
                    "when": _time_json(e.claim.when),
                    "quote": e.claim.quote,
                    "hedged": e.hedged,
                    "location": str(e.claim.loc),
                }
                for e in entries
            ]
            for aid, entries in row.cells
        }
        rows.append(doc)
    return _dump(
        "table",
        {
            "articles": [
                _article_json(a, with_claims=False) for a in ordered_articles(report.corpus)
            ],
            "rows": rows,
        },
    )


@_register(View.MATRIX, Format.JSON)
def _matrix_json(report: Report) -> str:
    m = matrix_counts(report)
    pairs = [
        {
            "a": a,
            "b": m.articles[j],
            "agreements": m.agreements[i][j],
            "contradictions": m.contradictions[i][j],
        }
        for i, a in enumerate(m.articles)
        for j in range(i, len(m.articles))
    ]
    return _dump(
        "matrix",
        {
            "articles": list(m.articles),
            "agreements": [list(r) for r in m.agreements],
            "contradictions": [list(r) for r in m.contradictions],
            "pairs": pairs,
        },
    )


def _timeline_events(report: Report) -> Iterator[dict[str, Any]]:
    for e in timeline_entries(report):
        doc = _statement_json(e.statement)
        doc["dates_disagree"] = e.dates_disagree
        doc["why"] = e.why or None
        doc["members"] = [
            {"ref": c.ref, "article": c.article_id, "when": _time_json(c.when)} for c in e.claims
        ]
        yield doc


@_register(View.TIMELINE, Format.JSON)
def _timeline_json(report: Report) -> str:
    return "".join(_json_items_chunks("timeline", "events", _timeline_events(report)))


# =========================================================================== Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_NEWLINE = re.compile(r"\r\n|\r|\n")


def md(value: object) -> str:
    """Text for a GitHub-flavoured Markdown table cell, shown literally.

    Markdown punctuation and pipes are backslash-escaped, ``&``/``<``/``>`` become
    entities (so nothing is taken as HTML), and line breaks become ``<br>`` because a
    raw newline would end the table row.
    """
    s = str(value)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return _NEWLINE.sub("<br>", s)


def _md_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(md(h) for h in header) + " |"]
    lines.append("|" + "|".join(" --- " for _ in header) + "|")
    for r in rows:
        lines.append("| " + " | ".join(md(c) if c != "" else " " for c in r) + " |")
    return lines


def _md_doc(title: str, blocks: Iterable[Iterable[str]]) -> str:
    out = [f"# {md(title)}", ""]
    for block in blocks:
        out.extend(block)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _md_summary(report: Report) -> list[str]:
    return _md_table(["", "count"], summary_counts(report))


@_register(View.CLAIMS, Format.MARKDOWN)
def _claims_md(report: Report) -> str:
    blocks: list[list[str]] = []
    for a in ordered_articles(report.corpus):
        meta = " · ".join(md(x) for x in (a.outlet, _published(a) or None, a.id) if x)
        block = [f"## {md(a.title)}", "", meta, ""]
        block += _md_table(
            ["claim", "who", "did", "whom", "when", "resolved", "quote", "location"],
            (
                [
                    c.id,
                    actors(c.who),
                    ("NOT " if c.negated else "") + c.did,
                    actors(c.whom),
                    when_text(c.when),
                    when_iso(c.when),
                    c.quote or "",
                    str(c.loc),
                ]
                for c in a.claims
            ),
        )
        blocks.append(block)
    if not blocks:
        blocks.append(["No articles."])
    return _md_doc("Claims", blocks)


@_register(View.CONTRADICTIONS, Format.MARKDOWN)
def _contradictions_md(report: Report) -> str:
    get, art = claim_lookup(report), article_lookup(report)
    blocks: list[list[str]] = []
    for n, c in enumerate(report.contradictions, 1):
        a, b = get(c.a), get(c.b)
        aa, ab = art(a.article_id), art(b.article_id)
        where = "self-contradiction" if a.article_id == b.article_id else "across articles"
        block = [f"## {n}. {md(c.kind.value)} — score {c.score:.2f} ({where})", ""]
        block += _md_table(
            ["", "A", "B"],
            [
                ["ref", a.ref, b.ref],
                ["outlet", (aa.outlet or "") if aa else "", (ab.outlet or "") if ab else ""],
                ["published", _published(aa), _published(ab)],
                ["who", actors(a.who), actors(b.who)],
                [
                    "did",
                    ("NOT " if a.negated else "") + a.did,
                    ("NOT " if b.negated else "") + b.did,
                ],
                ["whom", actors(a.whom), actors(b.whom)],
                ["when", when_text(a.when), when_text(b.when)],
                ["resolved", when_iso(a.when), when_iso(b.when)],
                ["quote", a.quote or "", b.quote or ""],
                ["location", str(a.loc), str(b.loc)],
            ],
        )
        block += ["", f"**Why:** {md(c.evidence.reason)}"]
        if c.evidence.similarities:
            block += ["", f"**Similarities:** {md(_similarities_text(c.evidence))}"]
        if c.evidence.details:
            block += ["", f"**Details:** {md(_details_text(c.evidence))}"]
        blocks.append(block)
    if not blocks:
        blocks.append(["No contradictions."])
    return _md_doc("Contradictions", blocks)


@_register(View.AGREEMENTS, Format.MARKDOWN)
def _agreements_md(report: Report) -> str:
    get, art = claim_lookup(report), article_lookup(report)
    blocks: list[list[str]] = []
    for ag in report.agreements:
        hedged = _hedged_refs(report, ag)
        n = ag.independent_sources
        block = [
            f"## {md(ag.statement)} — {n} independent source{'s' if n != 1 else ''}, "
            f"score {ag.score:.2f}",
            "",
            f"**Why:** {md(ag.evidence.reason)}",
            "",
        ]
        rows = []
        for ref in ag.claims:
            c = get(ref)
            a = art(c.article_id)
            rows.append(
                [
                    ref,
                    (a.outlet or "") if a else "",
                    wording(c),
                    when_iso(c.when),
                    c.quote or "",
                    "hedged" if ref in hedged else "",
                ]
            )
        block += _md_table(["claim", "outlet", "wording", "resolved", "quote", "hedged"], rows)
        blocks.append(block)
    if not blocks:
        blocks.append(["No agreements."])
    return _md_doc("Agreements", blocks)


@_register(View.TABLE, Format.MARKDOWN)
def _table_md(report: Report) -> str:
    arts = ordered_articles(report.corpus)
    header = ["statement", "who", "did", "whom", "when", "status", *(a.id for a in arts)]
    rows = [
        [
            r.statement.id,
            r.statement.who,
            r.statement.did,
            r.statement.whom,
            interval_iso(r.statement.when),
            status_text(r.statement),
            *(_cell_text(entries) for _, entries in r.cells),
        ]
        for r in table_rows(report)
    ]
    return _md_doc("Comparison table", [_md_summary(report), _md_table(header, rows)])


@_register(View.MATRIX, Format.MARKDOWN)
def _matrix_md(report: Report) -> str:
    m = matrix_counts(report)
    rows = [
        [a, *(f"{m.agreements[i][j]} / {m.contradictions[i][j]}" for j in range(len(m.articles)))]
        for i, a in enumerate(m.articles)
    ]
    note = [
        "Each cell: agreements / contradictions between the two articles. "
        "Diagonal: agreements the article takes part in / its self-contradictions."
    ]
    return _md_doc("Source matrix", [note, _md_table(["", *m.articles], rows)])


@_register(View.TIMELINE, Format.MARKDOWN)
def _timeline_md(report: Report) -> str:
    rows = [
        [
            interval_iso(e.statement.when) or "unknown",
            e.statement.id,
            f"{e.statement.who} {e.statement.did} {e.statement.whom}".strip(),
            status_text(e.statement),
            "; ".join(e.statement.articles),
            ("⚠ " + e.why) if e.dates_disagree else "",
        ]
        for e in timeline_entries(report)
    ]
    return _md_doc(
        "Timeline",
        [_md_table(["when", "statement", "what", "status", "sources", "dates disagree"], rows)],
    )


# =========================================================================== HTML


def esc(value: object) -> str:
    """HTML-escape anything (quotes too), so data can never become markup."""
    return html.escape(str(value), quote=True)


_CSS = """
:root{--agree:#d8f0d8;--agree-b:#2e7d32;--clash:#fbdada;--clash-b:#c62828;--uniq:#eeeeee;
--uniq-b:#616161;--fg:#1b1b1b;--bg:#fff;--muted:#5f6368;--line:#d0d0d0}
@media (prefers-color-scheme: dark){:root{--agree:#1e3a20;--clash:#4a1c1c;--uniq:#2b2b2b;
--fg:#e8e8e8;--bg:#121212;--muted:#a0a0a0;--line:#3a3a3a;--agree-b:#81c784;--clash-b:#ef9a9a;
--uniq-b:#bdbdbd}}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
background:var(--bg);margin:1.5rem}
h1{font-size:1.4rem;margin:0 0 .5rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.summary{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0 1rem;padding:0;list-style:none}
.summary li{border:1px solid var(--line);border-radius:4px;padding:.2rem .6rem}
.summary b{font-size:1.1rem;margin-right:.3rem}
.controls{display:flex;gap:1rem;align-items:center;margin:.5rem 0}
.controls input{min-width:18rem;padding:.3rem}
.wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid var(--line);padding:.3rem .45rem;vertical-align:top;text-align:left;
overflow-wrap:anywhere}
td{white-space:pre-wrap;max-width:40rem}
th.k{min-width:7rem}th.d{min-width:6.5rem}th.s{min-width:9rem}th.art{min-width:15rem}
th.t{min-width:8rem}th.t2{min-width:11rem}
.nw{white-space:nowrap}
th{position:sticky;top:0;background:var(--bg)}
th button{all:unset;cursor:pointer;font-weight:600}
th[aria-sort=ascending] button::after{content:" ▲"}
th[aria-sort=descending] button::after{content:" ▼"}
td.num{text-align:right}
.label{font-weight:600;font-size:.85em;text-transform:uppercase}
.agrees,.st-corroborated{background:var(--agree)}
.agrees .label,.st-corroborated .label{color:var(--agree-b)}
.contradicts,.st-contradicted{background:var(--clash)}
.contradicts .label,.st-contradicted .label{color:var(--clash-b)}
.st-unique{background:var(--uniq)}.st-unique .label{color:var(--uniq-b)}
.entry+.entry{border-top:1px dashed var(--line);margin-top:.3rem;padding-top:.3rem}
details{margin-top:.2rem}summary{cursor:pointer;color:var(--muted)}
blockquote{margin:.2rem 0;padding-left:.5rem;border-left:3px solid var(--line)}
.meta{color:var(--muted)}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.side{border:1px solid var(--line);border-radius:4px;padding:.5rem}
.card{border:1px solid var(--line);border-radius:6px;padding:.6rem;margin:.6rem 0}
""".strip()

_JS = """
(function(){
"use strict";
var table=document.getElementById("data");
if(!table){return;}
var body=table.tBodies[0];
var filter=document.getElementById("filter");
var status=document.getElementById("status");
var count=document.getElementById("shown");
function keyOf(row,i){var c=row.cells[i];if(!c){return "";}
var k=c.getAttribute("data-sort");return k===null?c.textContent.trim():k;}
function cmp(a,b){var na=Number(a),nb=Number(b);
if(a!==""&&b!==""&&!isNaN(na)&&!isNaN(nb)){return na-nb;}
return a.localeCompare(b,undefined,{numeric:true,sensitivity:"base"});}
var heads=table.tHead.rows[0].cells;
Array.prototype.forEach.call(heads,function(th,i){
var btn=th.querySelector("button");if(!btn){return;}
btn.addEventListener("click",function(){
var asc=th.getAttribute("aria-sort")!=="ascending";
Array.prototype.forEach.call(heads,function(h){h.removeAttribute("aria-sort");});
th.setAttribute("aria-sort",asc?"ascending":"descending");
var rows=Array.prototype.slice.call(body.rows);
rows.sort(function(x,y){var r=cmp(keyOf(x,i),keyOf(y,i));if(!asc){r=-r;}
if(r===0){r=Number(x.getAttribute("data-order"))-Number(y.getAttribute("data-order"));}
return r;});
rows.forEach(function(r){body.appendChild(r);});});});
function apply(){
var q=filter?filter.value.trim().toLowerCase():"";
var s=status?status.value:"";var n=0;
Array.prototype.forEach.call(body.rows,function(r){
var ok=(!q||r.textContent.toLowerCase().indexOf(q)!==-1)&&
(!s||r.getAttribute("data-status")===s);
r.hidden=!ok;if(ok){n++;}});
if(count){count.textContent=String(n);}}
if(filter){filter.addEventListener("input",apply);}
if(status){status.addEventListener("change",apply);}
apply();
})();
""".strip()

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def _html_page(title: str, report: Report, body: str) -> str:
    summary = "".join(f"<li><b>{n}</b>{esc(label)}</li>" for label, n in summary_counts(report))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>claimdiff — {esc(title)}</title>\n"
        f"<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f"<header>\n<h1>claimdiff — {esc(title)}</h1>\n"
        f'<p class="meta">corpus: {esc(report.corpus.root)}</p>\n'
        f'<ul class="summary">{summary}</ul>\n</header>\n'
        f"<main>\n{body}</main>\n"
        f"<script>\n{_JS}\n</script>\n</body>\n</html>\n"
    )


def _controls(statuses: Sequence[str] = ()) -> str:
    opts = "".join(f'<option value="{esc(s)}">{esc(s)}</option>' for s in statuses)
    select = (
        f'<label>status <select id="status"><option value="">all</option>{opts}</select></label>'
        if statuses
        else ""
    )
    return (
        '<div class="controls">'
        '<label>filter <input id="filter" type="search" placeholder="text in any cell"'
        ' autocomplete="off"></label>'
        f'{select}<span class="meta">showing <span id="shown"></span> rows</span></div>\n'
    )


def _th(head: str | tuple[str, str]) -> str:
    label, cls = head if isinstance(head, tuple) else (head, "")
    c = f' class="{cls}"' if cls else ""
    return f'<th scope="col"{c}><button type="button">{esc(label)}</button></th>'


def _html_table(
    header: Sequence[str | tuple[str, str]], rows: Iterable[tuple[Mapping[str, str], Sequence[str]]]
) -> str:
    """A sortable, filterable table; cells are ready HTML, rows carry their attributes."""
    out = ['<div class="wrap"><table id="data">', "<thead><tr>"]
    out.append("".join(_th(h) for h in header))
    out.append("</tr></thead>\n<tbody>")
    for n, (attrs, cells) in enumerate(rows):
        a = "".join(f' {k}="{esc(v)}"' for k, v in attrs.items())
        out.append(f'<tr data-order="{n}"{a}>' + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>\n")
    return "\n".join(out)


def _td(text: object, cls: str = "", sort: str | None = None) -> str:
    c = f' class="{cls}"' if cls else ""
    s = f' data-sort="{esc(sort)}"' if sort is not None else ""
    return f"<td{c}{s}>{esc(text)}</td>"


def _td_when(when: Interval | None) -> str:
    """An interval cell that may break after the ``/`` but never inside a date."""
    iso = interval_iso(when)
    parts = (f'<span class="nw">{esc(p)}</span>' for p in iso.split("/"))
    return f'<td data-sort="{esc(iso)}">' + "/<wbr>".join(parts) + "</td>"


def _quote_html(quote: str | None) -> str:
    if not quote:
        return ""
    return f"<details><summary>quote</summary><blockquote>{esc(quote)}</blockquote></details>"


def _entry_html(e: CellEntry) -> str:
    hedged = ' <span class="meta">[hedged]</span>' if e.hedged else ""
    when = when_iso(e.claim.when)
    resolved = f' <span class="meta">= {esc(when)}</span>' if when else ""
    return (
        f'<div class="entry {esc(e.relation)}"><span class="label">{esc(e.label)}</span> '
        f"{esc(wording(e.claim))}{resolved}{hedged}"
        f'<div class="meta">{esc(e.claim.ref)}</div>{_quote_html(e.claim.quote)}</div>'
    )


def _cell_html(entries: Sequence[CellEntry]) -> str:
    if not entries:
        return '<td data-sort=""></td>'
    rel = "contradicts" if any(e.relation == "contradicts" for e in entries) else "agrees"
    key = " ".join(e.label for e in entries)
    return (
        f'<td class="{rel}" data-sort="{esc(key)}">' + "".join(map(_entry_html, entries)) + "</td>"
    )


def _contradiction_cards(report: Report) -> str:
    get, art = claim_lookup(report), article_lookup(report)
    out: list[str] = []
    for c in report.contradictions:
        a, b = get(c.a), get(c.b)
        where = "self-contradiction" if a.article_id == b.article_id else "across articles"
        sides = []
        for cl in (a, b):
            ar = art(cl.article_id)
            outlet = f"{ar.outlet} · " if ar and ar.outlet else ""
            when = when_iso(cl.when)
            sides.append(
                '<div class="side">'
                f'<div class="meta">{esc(outlet)}{esc(_published(ar))} · {esc(cl.ref)}</div>'
                f"<div>{esc(wording(cl))}"
                + (f' <span class="meta">= {esc(when)}</span>' if when else "")
                + "</div>"
                + (f"<blockquote>{esc(cl.quote)}</blockquote>" if cl.quote else "")
                + f'<div class="meta">{esc(str(cl.loc))}</div></div>'
            )
        sims = _similarities_text(c.evidence)
        det = _details_text(c.evidence)
        out.append(
            '<div class="card st-contradicted">'
            f'<div><span class="label">contradicts ({esc(c.kind.value)})</span> '
            f"score {c.score:.2f} · {esc(where)}"
            + (f" · statement {esc(c.statement)}" if c.statement else "")
            + "</div>"
            f'<div class="pair">{"".join(sides)}</div>'
            f"<p>Why: {esc(c.evidence.reason)}</p>"
            + (f'<p class="meta">similarities: {esc(sims)}</p>' if sims else "")
            + (f'<p class="meta">details: {esc(det)}</p>' if det else "")
            + "</div>"
        )
    if not out:
        return "<p>No contradictions.</p>\n"
    return "\n".join(out) + "\n"


@_register(View.TABLE, Format.HTML)
def _table_html(report: Report) -> str:
    arts = ordered_articles(report.corpus)
    header: list[str | tuple[str, str]] = [("statement", "k"), ("who", "t"), ("did", "t2")]
    header += [("whom", "t"), ("when", "d"), ("status", "s"), *((a.id, "art") for a in arts)]
    rows: list[tuple[Mapping[str, str], Sequence[str]]] = []
    for r in table_rows(report):
        st = r.statement
        status_cell = (
            f'<td class="st-{esc(st.status.value)}" data-sort="{esc(st.status.value)}">'
            f'<span class="label">{esc(status_text(st))}</span></td>'
        )
        cells = [
            _td(st.id, sort=st.id),
            _td(st.who),
            _td(st.did),
            _td(st.whom),
            _td_when(st.when),
            status_cell,
            *(_cell_html(entries) for _, entries in r.cells),
        ]
        rows.append(({"data-status": st.status.value}, cells))
    art_rows = "".join(
        f"<tr><td>{esc(a.id)}</td><td>{esc(a.title)}</td><td>{esc(a.outlet or '')}</td>"
        f"<td>{esc(_published(a))}</td></tr>"
        for a in arts
    )
    body = (
        "<section><h2>Statements</h2>\n"
        + _controls([s.value for s in Status])
        + _html_table(header, rows)
        + "</section>\n<section><h2>Articles</h2>\n"
        '<table class="articles"><thead><tr><th>id</th><th>title</th><th>outlet</th>'
        f"<th>published</th></tr></thead><tbody>{art_rows}</tbody></table></section>\n"
        "<section><h2>Contradictions</h2>\n" + _contradiction_cards(report) + "</section>\n"
    )
    return _html_page("comparison table", report, body)


@_register(View.CONTRADICTIONS, Format.HTML)
def _contradictions_html(report: Report) -> str:
    return _html_page(
        "contradictions",
        report,
        "<section><h2>Contradictions</h2>\n" + _contradiction_cards(report) + "</section>\n",
    )


@_register(View.CLAIMS, Format.HTML)
def _claims_html(report: Report) -> str:
    header = ["article", "outlet", "published", "claim", "who", "did", "whom", "when", "resolved"]
    rows: list[tuple[Mapping[str, str], Sequence[str]]] = []
    for a in ordered_articles(report.corpus):
        for c in a.claims:
            rows.append(
                (
                    {},
                    [
                        _td(a.id),
                        _td(a.outlet or ""),
                        _td(_published(a), sort=_published_iso(a)),
                        f"<td>{esc(c.id)}{_quote_html(c.quote)}"
                        f'<div class="meta">{esc(str(c.loc))}</div></td>',
                        _td(actors(c.who)),
                        _td(("NOT " if c.negated else "") + c.did),
                        _td(actors(c.whom)),
                        _td(when_text(c.when), sort=when_iso(c.when)),
                        _td(when_iso(c.when)),
                    ],
                )
            )
    body = "<section><h2>Claims</h2>\n" + _controls() + _html_table(header, rows) + "</section>\n"
    return _html_page("claims", report, body)


@_register(View.AGREEMENTS, Format.HTML)
def _agreements_html(report: Report) -> str:
    get = claim_lookup(report)
    header = ["statement", "sources", "score", "claims", "why"]
    rows: list[tuple[Mapping[str, str], Sequence[str]]] = []
    for ag in report.agreements:
        hedged = _hedged_refs(report, ag)
        entries = "".join(
            _entry_html(CellEntry("agrees", (), get(ref), ref in hedged)) for ref in ag.claims
        )
        rows.append(
            (
                {},
                [
                    _td(ag.statement, sort=ag.statement),
                    _td(ag.independent_sources, cls="num"),
                    _td(f"{ag.score:.2f}", cls="num"),
                    f'<td class="agrees">{entries}</td>',
                    _td(ag.evidence.reason),
                ],
            )
        )
    body = (
        "<section><h2>Agreements</h2>\n" + _controls() + _html_table(header, rows) + "</section>\n"
    )
    return _html_page("agreements", report, body)


@_register(View.MATRIX, Format.HTML)
def _matrix_html(report: Report) -> str:
    m = matrix_counts(report)
    rows: list[tuple[Mapping[str, str], Sequence[str]]] = []
    for i, a in enumerate(m.articles):
        cells = [_td(a)]
        for j in range(len(m.articles)):
            ag, cl = m.agreements[i][j], m.contradictions[i][j]
            cls = "contradicts" if cl else ("agrees" if ag else "")
            cells.append(
                f'<td class="{cls}" data-sort="{cl}">'
                f'<span class="label">{ag} agree</span> / <span class="label">{cl} clash</span>'
                "</td>"
            )
        rows.append(({}, cells))
    body = (
        "<section><h2>Source matrix</h2>\n<p>Each cell: agreements / contradictions between "
        "the two articles. Diagonal: agreements the article takes part in / its "
        "self-contradictions.</p>\n"
        + _controls()
        + _html_table(["", *m.articles], rows)
        + "</section>\n"
    )
    return _html_page("source matrix", report, body)


@_register(View.TIMELINE, Format.HTML)
def _timeline_html(report: Report) -> str:
    header = ["when", "statement", "what", "status", "sources", "dates"]
    rows: list[tuple[Mapping[str, str], Sequence[str]]] = []
    for e in timeline_entries(report):
        st = e.statement
        when = interval_iso(st.when)
        dates = (
            f'<td class="contradicts"><span class="label">disagree</span> {esc(e.why)}</td>'
            if e.dates_disagree
            else "<td></td>"
        )
        rows.append(
            (
                {"data-status": st.status.value},
                [
                    _td(when or "unknown", sort=when or "~"),
                    _td(st.id, sort=st.id),
                    _td(f"{st.who} {st.did} {st.whom}".strip()),
                    f'<td class="st-{esc(st.status.value)}"><span class="label">'
                    f"{esc(status_text(st))}</span></td>",
                    _td("; ".join(st.articles)),
                    dates,
                ],
            )
        )
    body = (
        "<section><h2>Timeline</h2>\n"
        + _controls([s.value for s in Status])
        + _html_table(header, rows)
        + "</section>\n"
    )
    return _html_page("timeline", report, body)


# --------------------------------------------------------------------------- explain


def explanation_json(explanation: Explanation) -> str:
    """``claimdiff explain --format json``: the explanation as a documented document."""
    body = explanation.to_dict()
    body["contradiction_kind"] = body.pop("kind", None)
    body["claims"] = [explanation.a.ref, explanation.b.ref]
    return _dump("explanation", body)

"""Tests for claimdiff.export: every (view, format) pair on a realistic, partly hostile report."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from html.parser import HTMLParser

import pytest

from claimdiff.errors import UsageError
from claimdiff.export import (
    TABLE_FIXED_COLUMNS,
    Format,
    View,
    export,
    format_from_path,
    formats_for,
    matrix_counts,
    neutralise_formula,
    ordered_articles,
    registered,
    table_rows,
    timeline_entries,
)
from claimdiff.model import ContradictionKind, Corpus, Report
from conftest import DW, EVIL, FORMULA, IMG, RT, SCRIPT, TASS, build_report

PAIRS = registered()
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _rows(text: str, fmt: Format) -> list[list[str]]:
    delim = "," if fmt is Format.CSV else "\t"
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))


def _all_refs(report: Report) -> set[str]:
    refs = {r for st in report.statements for r in st.claims}
    refs |= {r for c in report.contradictions for r in c.claims}
    refs |= {r for ag in report.agreements for r in ag.claims}
    return refs


# --------------------------------------------------------------------------- registry


def test_every_view_supports_every_format() -> None:
    for view in View:
        assert formats_for(view) == tuple(Format)
    assert len(PAIRS) == len(View) * len(Format)


@pytest.mark.parametrize(("view", "fmt"), PAIRS, ids=[f"{v.value}-{f.value}" for v, f in PAIRS])
def test_every_pair_runs_and_is_deterministic(view: View, fmt: Format, report: Report) -> None:
    first = export(view, fmt, report)
    second = export(view, fmt, build_report())
    assert first == second
    assert first.endswith("\n")
    assert len(first.splitlines()) > 2


@pytest.mark.parametrize(("view", "fmt"), PAIRS, ids=[f"{v.value}-{f.value}" for v, f in PAIRS])
def test_every_pair_handles_an_empty_report(view: View, fmt: Format) -> None:
    out = export(view, fmt, Report(Corpus("empty"), (), (), ()))
    assert isinstance(out, str)
    if fmt is Format.JSON:
        assert json.loads(out)["kind"] == f"claimdiff.{view.value}"


def test_unsupported_combination_is_a_usage_error(report: Report) -> None:
    with pytest.raises(UsageError, match="xlsx"):
        export(View.TABLE, "xlsx", report)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        export("pie-chart", Format.CSV, report)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("out.csv", Format.CSV),
        ("dir.x/OUT.TSV", Format.TSV),
        ("a.json", Format.JSON),
        ("a.md", Format.MARKDOWN),
        ("a.markdown", Format.MARKDOWN),
        ("a.html", Format.HTML),
        ("a.htm", Format.HTML),
        ("a.xlsx", None),
        ("noext", None),
    ],
)
def test_format_from_path(path: str, expected: Format | None) -> None:
    assert format_from_path(path) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_neutralise_formula(value: str, expected: str) -> None:
    assert neutralise_formula(value) == expected


# --------------------------------------------------------------------------- view model


def test_articles_ordered_by_date_undated_last(report: Report) -> None:
    assert [a.id for a in ordered_articles(report.corpus)] == [RT, DW, TASS, EVIL]


def _cell(report: Report, statement: str, article: str) -> list[tuple[str, str]]:
    row = next(r for r in table_rows(report) if r.statement.id == statement)
    return [(e.relation, e.claim.ref) for e in row.cell(article)]


def test_table_cells_cross_statement_contradiction(report: Report) -> None:
    # S2 is Armenia freezing; Reuters says it did not (a claim outside S2).
    assert _cell(report, "S2", DW) == [("agrees", f"{DW}#armenia-freezes-csto")]
    assert _cell(report, "S2", RT) == [("contradicts", f"{RT}#armenia-stays-csto")]
    assert _cell(report, "S2", TASS) == []


def test_table_cells_internal_dissenter_and_tie(report: Report) -> None:
    # troops-3000 conflicts with two members, so it is the one that contradicts.
    assert _cell(report, "S5", DW) == [
        ("agrees", f"{DW}#troops-1000"),
        ("contradicts", f"{DW}#troops-3000"),
    ]
    assert _cell(report, "S5", RT) == [("agrees", f"{RT}#troops")]
    # Two members in one date conflict: neither states the row, both are shown contradicting.
    assert _cell(report, "S4", DW) == [("contradicts", f"{DW}#talks-december")]
    assert _cell(report, "S4", TASS) == [("contradicts", f"{TASS}#talks-november")]


def test_timeline_order_and_date_disagreement(report: Report) -> None:
    entries = timeline_entries(report)
    starts = [e.statement.when.start for e in entries if e.statement.when is not None]
    assert starts == sorted(starts)
    known = len(starts)
    assert all(e.statement.when is None for e in entries[known:])
    flagged = {e.statement.id for e in entries if e.dates_disagree}
    date_statements = {st.id for st in report.statements if ContradictionKind.DATE in st.kinds}
    assert flagged == date_statements
    s4 = next(e for e in entries if e.statement.id == "S4")
    assert "disjoint intervals" in s4.why


def test_matrix_counts(report: Report) -> None:
    m = matrix_counts(report)
    n = len(m.articles)
    for i in range(n):
        for j in range(n):
            assert m.agreements[i][j] == m.agreements[j][i]
            assert m.contradictions[i][j] == m.contradictions[j][i]
    idx = {a: i for i, a in enumerate(m.articles)}
    index = report.corpus.claim_index()
    for a in m.articles:
        for b in m.articles:
            expected = sum(
                1
                for c in report.contradictions
                if {index[c.a].article_id, index[c.b].article_id} == {a, b}
            )
            assert m.contradictions[idx[a]][idx[b]] == expected
    assert m.contradictions[idx[DW]][idx[DW]] == 1  # the troops self-contradiction
    assert m.agreements[idx[RT]][idx[DW]] == sum(
        1 for ag in report.agreements if {RT, DW} <= set(ag.articles)
    )


# --------------------------------------------------------------------------- CSV / TSV


@pytest.mark.parametrize("fmt", [Format.CSV, Format.TSV])
def test_table_csv_structure(fmt: Format, report: Report) -> None:
    text = export(View.TABLE, fmt, report)
    assert text.endswith("\r\n")
    rows = _rows(text, fmt)
    arts = [a.id for a in ordered_articles(report.corpus)]
    assert rows[0] == [*TABLE_FIXED_COLUMNS, *arts]
    body = rows[1:]
    assert [r[0] for r in body] == [st.id for st in report.statements]
    assert all(len(r) == len(rows[0]) for r in body)
    col = {name: i for i, name in enumerate(rows[0])}
    for r, st in zip(body, report.statements, strict=True):
        assert r[col["sources"]] == str(st.independent_sources)
        assert r[col["status"]] == st.status.value
    s10 = body[[st.id for st in report.statements].index("S10")]
    assert s10[col["did"]] == "'" + FORMULA
    assert s10[col["whom"]].startswith("'+1")
    s2 = body[1]
    assert s2[col[RT]].startswith("contradicts (negation): ")
    assert s2[col[DW]].startswith("agrees: ")


@pytest.mark.parametrize("fmt", [Format.CSV, Format.TSV])
@pytest.mark.parametrize("view", list(View))
def test_no_csv_cell_can_run_as_a_formula(view: View, fmt: Format, report: Report) -> None:
    for row in _rows(export(view, fmt, report), fmt):
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell


@pytest.mark.parametrize("fmt", [Format.CSV, Format.TSV])
def test_claims_csv_round_trips_hostile_text(fmt: Format, report: Report) -> None:
    rows = _rows(export(View.CLAIMS, fmt, report), fmt)
    col = {name: i for i, name in enumerate(rows[0])}
    evil = report.corpus.article(EVIL).claims[0]
    row = next(r for r in rows[1:] if r[col["ref"]] == evil.ref)
    assert row[col["quote"]] == evil.quote  # tabs, CR/LF, pipes, quotes all survive
    assert row[col["note"]] == "'" + (evil.note or "")
    assert row[col["when"]] == "'-2"
    assert row[col["when_resolved"]] == ""
    dw = report.corpus.article(DW).claims[0]
    row = next(r for r in rows[1:] if r[col["ref"]] == dw.ref)
    assert dw.when is not None and dw.when.interval is not None
    assert row[col["when"]] == dw.when.text
    assert row[col["when_resolved"]] == dw.when.interval.iso()
    assert len(rows) - 1 == len(report.corpus.claims())


def test_matrix_csv_numbers_stay_numbers(report: Report) -> None:
    rows = _rows(export(View.MATRIX, Format.CSV, report), Format.CSV)
    assert rows[0] == ["article_a", "article_b", "agreements", "contradictions"]
    n = len(report.corpus.articles)
    assert len(rows) - 1 == n * (n + 1) // 2
    for r in rows[1:]:
        assert r[2].isdigit() and r[3].isdigit()


# --------------------------------------------------------------------------- JSON


@pytest.mark.parametrize("view", list(View))
def test_json_envelope_and_refs(view: View, report: Report) -> None:
    text = export(view, Format.JSON, report)
    doc = json.loads(text)
    assert list(doc)[:2] == ["format", "kind"]
    assert doc["format"] == 1
    assert doc["kind"] == f"claimdiff.{view.value}"
    assert "\\u" not in text.replace("\\u001b", "").replace("\\u202e", "")  # ensure_ascii=False
    if view is View.CLAIMS:
        refs = {c.ref for c in report.corpus.claims()}
    elif view is View.CONTRADICTIONS:
        refs = {r for c in report.contradictions for r in c.claims}
    elif view is View.AGREEMENTS:
        refs = {r for ag in report.agreements for r in ag.claims}
    elif view is View.MATRIX:
        refs = set()
    else:
        refs = _all_refs(report)
    for ref in refs:
        assert f'"{ref}"' in text


def test_table_json_structure(report: Report) -> None:
    doc = json.loads(export(View.TABLE, Format.JSON, report))
    assert [a["id"] for a in doc["articles"]] == [a.id for a in ordered_articles(report.corpus)]
    assert [r["statement"] for r in doc["rows"]] == [st.id for st in report.statements]
    s4 = next(r for r in doc["rows"] if r["statement"] == "S4")
    assert s4["status"] == "contradicted" and s4["kinds"] == ["date"]
    assert list(s4["cells"]) == [a["id"] for a in doc["articles"]]
    (dw_entry,) = s4["cells"][DW]
    assert dw_entry["relation"] == "contradicts" and dw_entry["kinds"] == ["date"]
    assert dw_entry["when"]["resolved"] == "2022-12-01/2022-12-31"
    assert dw_entry["quote"] == "talks hosted in Moscow last December"
    s1 = next(r for r in doc["rows"] if r["statement"] == "S1")
    assert s1["sources"] == 2
    assert s1["hedged"] == [f"{TASS}#blame"]
    assert s1["cells"][TASS][0]["hedged"] is True


def test_contradictions_json_sides(report: Report) -> None:
    doc = json.loads(export(View.CONTRADICTIONS, Format.JSON, report))
    items = doc["contradictions"]
    assert [i["kind"] for i in items] == [c.kind.value for c in report.contradictions]
    selfs = [i for i in items if i["self"]]
    assert len(selfs) == 1 and selfs[0]["a"]["article"] == selfs[0]["b"]["article"] == DW
    date = next(i for i in items if i["kind"] == "date")
    assert date["a"]["outlet"] == "Deutsche Welle"
    assert date["a"]["claim"]["when"]["text"] == "last December"
    assert date["evidence"]["similarities"] == {"event": 1.0}


def test_claims_view_uses_only_the_corpus(claims_report: Report) -> None:
    doc = json.loads(export(View.CLAIMS, Format.JSON, claims_report))
    assert sum(len(a["claims"]) for a in doc["articles"]) == len(claims_report.corpus.claims())
    evil = next(a for a in doc["articles"] if a["id"] == EVIL)
    assert evil["published"] is None
    assert evil["claims"][0]["when"] == {
        "text": "-2",
        "resolved": None,
        "start": None,
        "end": None,
        "how": "",
    }


# --------------------------------------------------------------------------- Markdown

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@pytest.mark.parametrize("view", list(View))
def test_markdown_tables_stay_tables(view: View, report: Report) -> None:
    text = export(view, Format.MARKDOWN, report)
    assert "<script" not in text and "<img" not in text
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.startswith("|"):
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    tables = [b for b in blocks if b]
    assert tables
    for table in tables:
        widths = {len(_UNESCAPED_PIPE.findall(line)) for line in table}
        assert len(widths) == 1, table
        assert set(table[1].replace("|", "").split()) == {"---"}
        for line in table:
            assert line.endswith("|") and "\r" not in line


def test_markdown_table_has_one_line_per_statement(report: Report) -> None:
    text = export(View.TABLE, Format.MARKDOWN, report)
    lines = [line for line in text.split("\n") if line.startswith("| S")]
    assert len(lines) == len(report.statements)
    assert "&lt;script&gt;" in text
    assert "<br>" in text  # the two-claim S5 cell


# --------------------------------------------------------------------------- HTML

_NETWORK = re.compile(r"""(?:src|href|action|srcset|poster)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
_ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "ul", "li",
    "b", "main", "section", "div", "label", "input", "select", "option", "span", "table",
    "thead", "tbody", "tr", "th", "td", "button", "details", "summary", "blockquote", "script",
    "wbr",
}  # fmt: skip


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


@pytest.mark.parametrize("view", list(View))
def test_html_is_self_contained_and_escaped(view: View, report: Report) -> None:
    text = export(view, Format.HTML, report)
    assert text.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert not _NETWORK.search(text)
    assert "@import" not in text and "url(" not in text
    for hostile in (SCRIPT, IMG, "<script>window", '"window.__pwned'):
        assert hostile not in text
    parser = _Tags()
    parser.feed(text)
    assert set(parser.tags) <= _ALLOWED_TAGS
    assert parser.tags.count("script") == 1  # ours, nothing from the data
    assert not [name for name, _ in parser.attrs if name.startswith("on")]
    assert "__pwned" not in "".join(parser.scripts)


@pytest.mark.parametrize("view", [View.TABLE, View.CLAIMS, View.TIMELINE])
def test_html_shows_hostile_text_escaped(view: View, report: Report) -> None:
    text = export(view, Format.HTML, report)
    assert "&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;" in text


def test_html_table_rows_and_contradictions(report: Report) -> None:
    text = export(View.TABLE, Format.HTML, report)
    assert text.count('<tr data-order="') == len(report.statements)
    assert text.count('class="card st-contradicted"') == len(report.contradictions)
    for st in report.statements:
        assert f'data-status="{st.status.value}"' in text
    assert 'id="filter"' in text and 'id="status"' in text
    assert "<details><summary>quote</summary>" in text


@pytest.mark.parametrize("view", ["contradictions", "agreements"])
def test_item_by_item_json_is_the_same_document(report: Report, view: str) -> None:
    """The streamed list views print exactly what one json.dumps of the whole would."""
    text = export(View(view), Format.JSON, report)
    doc = json.loads(text)
    assert doc[view], "the fixture should have items for this view"
    assert text == json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    empty = dataclasses.replace(report, contradictions=(), agreements=())
    text = export(View(view), Format.JSON, empty)
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"
    assert json.loads(text)[view] == []


@pytest.mark.parametrize(("view", "fmt"), registered(), ids=lambda v: getattr(v, "value", v))
def test_chunks_join_to_the_export(report: Report, view: View, fmt: Format) -> None:
    from claimdiff.export import export_chunks

    assert "".join(export_chunks(view, fmt, report)) == export(view, fmt, report)


@pytest.mark.parametrize("fmt", [Format.CSV, Format.TSV])
@pytest.mark.parametrize("rows", [1, 2, 3])
def test_delimited_exports_come_in_pieces_of_rows(
    report: Report, fmt: Format, rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large CSV is written a few thousand rows at a time; the pieces join to the whole."""
    from claimdiff import export as export_mod

    monkeypatch.setattr(export_mod, "_ROWS_PER_CHUNK", rows)
    for view in View:
        whole = export(view, fmt, report)
        pieces = list(export_mod.export_chunks(view, fmt, report))
        assert "".join(pieces) == whole
        lines = whole.count("\r\n")
        if lines > rows + 1:
            assert len(pieces) > 1, view


# --------------------------------------------------------------------------- size limits


def test_views_that_grow_with_the_square_of_the_corpus_are_refused(
    report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimdiff import export

    rows, columns = len(report.statements), len(report.corpus.articles)
    assert rows >= 2 and columns >= 2
    for view in View:
        export.check_size(view, report)  # the real limits: nothing to refuse here
    monkeypatch.setattr(export, "MAX_TABLE_CELLS", rows * columns - 1)
    with pytest.raises(UsageError, match=f"{rows:,} rows × {columns:,} article columns"):
        export.check_size(View.TABLE, report)
    narrowed = dataclasses.replace(report, statements=report.statements[:1])
    export.check_size(View.TABLE, narrowed)
    monkeypatch.setattr(export, "MAX_MATRIX_ARTICLES", columns - 1)
    with pytest.raises(UsageError, match=f"matrix of {columns:,} articles"):
        export.check_size(View.MATRIX, report)
    for view in (View.CLAIMS, View.AGREEMENTS, View.CONTRADICTIONS, View.TIMELINE):
        export.check_size(view, report)


def test_table_and_timeline_find_contradictions_by_claim(report: Report) -> None:
    """The indexed lookup gives what a scan of every contradiction gives, in report order."""
    from claimdiff.export import _Touching

    touching = _Touching(report)
    for st in report.statements:
        members = frozenset(st.claims)
        scanned = [c for c in report.contradictions if c.a in members or c.b in members]
        assert touching(members) == scanned
    assert any(touching(frozenset(st.claims)) for st in report.statements)


@pytest.mark.parametrize("empty", [False, True])
def test_claims_json_is_written_one_article_at_a_time_as_one_document(
    report: Report, empty: bool
) -> None:
    from claimdiff.export import _article_json, _dump, export_chunks

    if empty:
        report = dataclasses.replace(report, corpus=dataclasses.replace(report.corpus, articles=()))
    reference = _dump(
        "claims",
        {
            "corpus": report.corpus.root,
            "articles": [
                _article_json(a, with_claims=True) for a in ordered_articles(report.corpus)
            ],
        },
    )
    chunks = list(export_chunks(View.CLAIMS, Format.JSON, report))
    assert "".join(chunks) == reference == export(View.CLAIMS, Format.JSON, report)
    assert len(chunks) == len(report.corpus.articles) + 1


@pytest.mark.parametrize("empty", [False, True])
def test_timeline_json_is_written_one_event_at_a_time_as_one_document(
    report: Report, empty: bool
) -> None:
    from claimdiff.export import _dump, _timeline_events, export_chunks

    if empty:
        report = dataclasses.replace(report, statements=())
    reference = _dump("timeline", {"events": list(_timeline_events(report))})
    chunks = list(export_chunks(View.TIMELINE, Format.JSON, report))
    assert "".join(chunks) == reference == export(View.TIMELINE, Format.JSON, report)
    assert len(chunks) == len(report.statements) + 1
    assert len(json.loads(reference)["events"]) == len(report.statements)

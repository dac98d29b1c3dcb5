"""Fuzzing the whole pipeline: load, compare, every export and every renderer, and the CLI.

Generated corpora are valid-ish on purpose: shared actors and actions so that the
engine finds agreements and contradictions, negation words, numbers, times from
the grammar and garbage, Rich markup, terminal escapes and bidi overrides in every
field, plus byte-level mutations. Whatever the input, the only allowed outcomes
are a result or a :class:`ClaimdiffError`; and what reaches a terminal never
carries a raw control character from the data.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from io import StringIO
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from claimdiff import render
from claimdiff.cli import cli
from claimdiff.compare import compare, explain
from claimdiff.errors import ClaimdiffError
from claimdiff.export import View, export, registered
from claimdiff.load import LoadResult, load_corpus
from claimdiff.query import empty_report

SGR = re.compile(r"\x1b\[[0-9;]*m")
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

HOSTILE = [
    "[bold]Russia[/bold]",
    "[link=http://x]y[/link]",
    "\x1b[31mRussia",
    "\x1b]8;;http://x\x07Kremlin\x1b]8;;\x07",
    "Armenia\u202e",
    "\x9b31m\x85",
    "Ереван — 東京",
    "=HYPERLINK(1)",
    "<script>x</script>",
    "a | b",
]
ACTORS = ["Russia", "Kremlin", "Moscow", "Armenia", "Vladimir Putin", "Putin", "Turkey", "42", "NO"]
ACTIONS = [
    "supported",
    "did not support",
    "remained neutral",
    "brokered a ceasefire",
    "never brokered a ceasefire",
    "signed the deal",
    "refused to sign the deal",
    "failed to attend the talks",
    "attended the talks",
    "deployed 1000 peacekeepers",
    "deployed 3,000 peacekeepers",
    "reportedly blamed Armenia",
    "allegedly froze 2.5 million dollars",
]
WHENS = [
    "2020",
    "2020-09",
    "2020-09-27",
    "2020-09-27/2020-11-10",
    "27 September 2020",
    "Sept 27, 2020",
    "early 2023",
    "late 2022",
    "Q3 2021",
    "the 1990s",
    "winter 2021",
    "last December",
    "in September",
    "yesterday",
    "3 days ago",
    "recently",
    "between March and May 2020",
    "12/03/2020",
    "2023-02-30",
    "on Thursday",
    "the other day-ish",
]
EVENTS = ["2020 ceasefire", "Moscow talks", "CSTO summit"]

texts = st.one_of(
    st.sampled_from(ACTORS + HOSTILE),
    st.text(min_size=1, max_size=25).filter(lambda s: s.strip() != ""),
)
wild_texts = st.one_of(texts, st.text(max_size=25))
# The common values come first and twice, so that most corpora share actors and
# actions across articles and the engine has agreements and contradictions to find.
COMMON_ACTORS = st.sampled_from(["Russia", "Kremlin", "Vladimir Putin", "Putin"])
COMMON_ACTIONS = st.sampled_from(ACTIONS[:8])
actions = st.one_of(
    COMMON_ACTIONS,
    COMMON_ACTIONS,
    st.sampled_from(ACTIONS),
    st.builds(lambda a, h: f"{a} {h}", st.sampled_from(ACTIONS), st.sampled_from(HOSTILE)),
    st.text(min_size=1, max_size=30).filter(lambda s: s.strip() != ""),
)
whens = st.one_of(st.sampled_from(WHENS), st.text(max_size=20), st.integers(1900, 2100))
actors = st.one_of(
    COMMON_ACTORS,
    COMMON_ACTORS,
    texts,
    st.lists(st.sampled_from(ACTORS) | texts, min_size=1, max_size=3),
    st.integers(-5, 5000),
)
wild_actors = st.one_of(actors, wild_texts, st.lists(wild_texts, max_size=2), st.none())


@st.composite
def claims(draw: st.DrawFn, cid: str, text_words: list[str], broken: bool) -> dict[str, Any]:
    """One claim; ``broken`` lets any field take a value the format refuses."""
    some_actors = wild_actors if broken else actors
    claim: dict[str, Any] = {
        "id": draw(st.sampled_from([cid, "c0", "a b", "x#y", ""])) if broken else cid,
        "who": draw(some_actors),
        "did": draw(actions | wild_texts) if broken else draw(actions),
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "whom": some_actors,
        "when": whens,
        "where": texts,
        "negated": st.sampled_from([True, False, "yes", "No", *(["maybe"] if broken else [])]),
        "said_by": some_actors,
        "event": st.sampled_from(EVENTS) | texts,
        "tags": st.lists(wild_texts if broken else texts, max_size=3),
        "note": wild_texts,
    }
    for key in draw(st.sets(st.sampled_from(sorted(optional)), max_size=5)):
        claim[key] = draw(optional[key])
    if text_words and draw(st.booleans()):
        start = draw(st.integers(0, len(text_words) - 1))
        end = draw(st.integers(start + 1, min(len(text_words), start + 6)))
        claim["quote"] = " ".join(text_words[start:end])
    elif broken and draw(st.booleans()):
        claim["quote"] = draw(wild_texts)
    return claim


@st.composite
def claim_files(draw: st.DrawFn, index: int) -> tuple[dict[str, Any], str | None]:
    """A claim file's data and, sometimes, its article text; one file in four is broken."""
    broken = draw(st.integers(0, 3)) == 0
    n_words = draw(st.integers(0, 12))
    words = [draw(st.sampled_from(ACTORS + ACTIONS + HOSTILE)) for _ in range(n_words)]
    text = " ".join(words) if words and draw(st.booleans()) else None
    article: dict[str, Any] = {"title": draw(wild_texts if broken else texts)}
    if draw(st.booleans()):
        ids = [f"art{index}", "same", "bad id", "x#y"] if broken else [f"art{index}"]
        article["id"] = draw(st.sampled_from(ids))
    if draw(st.booleans()):
        article["published"] = draw(whens)
    if draw(st.booleans()):
        article["outlet"] = draw(texts)
    if text is not None:
        article["text"] = f"texts/{index}.txt"
    quote_words = text.split() if text is not None else []
    n_claims = draw(st.integers(0, 5))
    data = {
        "article": article,
        "claims": [draw(claims(f"c{j}", quote_words, broken)) for j in range(n_claims)],
    }
    return data, text


def _pairs(draw: st.DrawFn, pool: list[str], n: int) -> list[list[str]]:
    return [draw(st.lists(st.sampled_from(pool), min_size=2, max_size=2)) for _ in range(n)]


TOKENS = [
    b":",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"&a ",
    b"*a",
    b"\t",
    b"\n  ",
    b'"',
    b"---\n",
    b"\x00",
    b"\xe9",
]


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(out)))
        op = draw(st.sampled_from(["token", "delete", "byte"]))
        if op == "token":
            out[pos:pos] = draw(st.sampled_from(TOKENS))
        elif op == "delete":
            del out[pos : pos + draw(st.integers(1, 20))]
        else:
            out[pos : pos + 1] = bytes([draw(st.integers(0, 255))])
    return bytes(out)


@st.composite
def corpora(draw: st.DrawFn) -> dict[str, bytes]:
    """Relative path -> bytes of a small corpus."""
    files: dict[str, bytes] = {}
    refs: list[str] = []
    drawn = [draw(claim_files(i)) for i in range(draw(st.integers(2, 4)))]
    pool = [c for data, _ in drawn for c in data["claims"]]
    for data, _ in drawn:
        # Echo claims of other files, as is or changed: agreements and contradictions.
        for j in range(draw(st.integers(0, 3)) if pool else 0):
            echo = {k: v for k, v in draw(st.sampled_from(pool)).items() if k != "quote"}
            echo["id"] = f"echo{j}"
            change = draw(st.sampled_from(["none", "negated", "when", "number", "actor"]))
            if change == "negated":
                echo["negated"] = echo.get("negated") not in (True, "yes")
            elif change == "when":
                echo["when"] = draw(st.sampled_from(WHENS))
            elif change == "number":
                echo["did"] = f"deployed {draw(st.integers(1, 9))}000 peacekeepers"
            elif change == "actor":
                echo["who"] = draw(st.sampled_from(ACTORS))
                echo["event"] = draw(st.sampled_from(EVENTS))
            data["claims"].append(echo)
    for i, (data, text) in enumerate(drawn):
        raw = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()
        if draw(st.integers(0, 9)) == 0:
            raw = draw(mutations(raw))
        files[f"f{i}.yaml"] = raw
        if text is not None:
            files[f"texts/{i}.txt"] = text.encode()
        art = data["article"].get("id", f"f{i}")
        refs += [f"{art}#{c['id']}" for c in data["claims"]]
    if draw(st.booleans()):
        aliases = {"Russia": ["Kremlin", "Moscow"], "Vladimir Putin": ["Putin"]}
        if draw(st.booleans()):
            aliases[draw(texts) or "x"] = draw(
                st.lists(st.sampled_from(ACTORS) | texts, max_size=3)
            )
        files["aliases.yaml"] = yaml.safe_dump(aliases, allow_unicode=True).encode()
    if draw(st.booleans()):
        lexicon = {
            "opposites": _pairs(draw, ACTIONS, draw(st.integers(0, 3))),
            "synonyms": _pairs(draw, ACTIONS, draw(st.integers(0, 2))),
        }
        files["lexicon.yaml"] = yaml.safe_dump(lexicon, allow_unicode=True).encode()
    if refs and draw(st.booleans()):
        pool = [*refs, "ghost#c9"]
        decisions = {
            "same": _pairs(draw, pool, draw(st.integers(0, 2))),
            "different": _pairs(draw, pool, draw(st.integers(0, 2))),
        }
        files["decisions.yaml"] = yaml.safe_dump(decisions, allow_unicode=True).encode()
    return files


@contextmanager
def written(files: dict[str, bytes]) -> Iterator[Path]:
    tmp = Path(tempfile.mkdtemp(prefix="claimdiff-fuzz-"))
    try:
        root = tmp / "corpus"
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        yield root
    finally:
        shutil.rmtree(tmp)


def _console() -> tuple[Console, StringIO]:
    out = StringIO()
    return Console(file=out, width=100, force_terminal=True, color_system="truecolor"), out


def _assert_terminal_safe(shown: str) -> None:
    plain = SGR.sub("", shown)
    raw = RAW_CONTROL.search(plain)
    assert raw is None, f"raw {raw.group()!r} reached the terminal" if raw else ""


RENDERERS = [
    render.render_claims,
    render.render_contradictions,
    render.render_agreements,
    render.render_table,
    render.render_matrix,
    render.render_timeline,
    render.render_summary,
]


def pipeline(root: Path) -> None:
    """Everything a user can run on ``root``; raises only ClaimdiffError."""
    result = load_corpus(root, use_cache=False)
    assert isinstance(result, LoadResult)
    corpus = result.corpus
    report = compare(corpus)
    again = compare(corpus)
    for view, fmt in registered():
        given_report = empty_report(corpus) if view is View.CLAIMS else report
        text = export(view, fmt, given_report)
        assert isinstance(text, str)
        if fmt.value == "json":
            json.loads(text)
        assert export(view, fmt, again if view is not View.CLAIMS else given_report) == text, (
            f"{view.value}/{fmt.value} differs between two identical runs"
        )
    console, out = _console()
    for renderer in RENDERERS:
        console.print(renderer(report))
    console.print(render.render_claims(empty_report(corpus)))
    console.print(render.render_problems(result.problems))
    refs = sorted(c.ref for c in corpus.claims())
    if len(refs) >= 2:
        console.print(render.render_explanation(explain(corpus, refs[0], refs[-1])))
    _assert_terminal_safe(out.getvalue())


def _run(files: dict[str, bytes]) -> None:
    with written(files) as root, suppress(ClaimdiffError):
        pipeline(root)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_pipeline_survives_generated_corpora(files: dict[str, bytes]) -> None:
    _run(files)


def test_pipeline_on_a_corpus_that_has_everything() -> None:
    """A fixed corpus with agreements and contradictions, so the fuzzer's checks can fail."""
    files = {
        "a.yaml": yaml.safe_dump(
            {
                "article": {"id": "a", "title": "[bold]A[/bold]", "published": "2020-12-01"},
                "claims": [
                    {"id": "c1", "who": "Russia", "did": "supported", "whom": "Armenia"},
                    {"id": "c2", "who": "\x1b[31mPutin", "did": "brokered a ceasefire"},
                ],
            }
        ).encode(),
        "b.yaml": yaml.safe_dump(
            {
                "article": {"id": "b", "title": "B\u202e", "published": "2020-12-02"},
                "claims": [
                    {"id": "c1", "who": "Kremlin", "did": "remained neutral", "whom": "Armenia"},
                    {"id": "c2", "who": "Vladimir Putin", "did": "brokered a ceasefire"},
                ],
            }
        ).encode(),
        "aliases.yaml": b"Russia: [Kremlin]\nVladimir Putin: [Putin]\n",
        "lexicon.yaml": b"opposites:\n  - [supported, remained neutral]\n",
    }
    with written(files) as root:
        report = compare(load_corpus(root, use_cache=False).corpus)
        assert report.contradictions and report.statements
        pipeline(root)


CLI_RUNS = [
    ["validate", "corpus", "--format", "json"],
    ["claims", "corpus", "--skip-invalid"],
    ["contradictions", "corpus"],
    ["agreements", "corpus", "--skip-invalid", "--format", "json"],
    ["table", "corpus", "--skip-invalid", "--format", "csv"],
    ["timeline", "corpus", "--skip-invalid"],
]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_cli_never_shows_a_traceback(files: dict[str, bytes]) -> None:
    runner = CliRunner()
    with written(files) as root:
        for args in CLI_RUNS:
            real = [str(root) if a == "corpus" else a for a in args]
            result = runner.invoke(cli, ["--color", "always", *real])
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                assert result.exc_info is not None
                shown = "".join(traceback.format_exception(*result.exc_info))
                raise AssertionError(f"claimdiff {' '.join(args)} raised:\n{shown}")
            assert "Traceback" not in result.output
            assert result.exit_code in (0, 1), (args, result.output)
            if "--format" not in args:
                # Rich views only: problem lines are not yet terminal-safe
                # (test_hardening.py::test_problem_lines_are_terminal_safe).
                _assert_terminal_safe(result.stdout)
            elif "json" in args and result.exit_code == 0:
                json.loads(result.stdout)

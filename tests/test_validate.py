"""Every problem code, checked against data files and generated hostile inputs.

Each ``tests/data/invalid/<case>.yaml`` (or directory ``<case>/``) declares the
problems it must produce in ``# expect: LINE:COL CODE [message fragment]``
header lines (or in a ``<file>.expect`` sidecar for files that cannot hold a
comment). A case passes when exactly those problems appear.
"""

from __future__ import annotations

import builtins
import datetime as dt
import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from claimdiff import load as load_mod
from claimdiff.load import MAX_DEPTH, MAX_FILE_BYTES, load_corpus
from claimdiff.model import (
    Alias,
    Article,
    Claim,
    Decision,
    DecisionKind,
    Location,
    Severity,
)
from claimdiff.validate import (
    DecisionEntry,
    check_aliases,
    check_article_ids,
    check_decisions,
    check_quotes,
    id_problem,
)

INVALID = Path(__file__).parent / "data" / "invalid"
EXPECT = re.compile(r"^(?:# expect:)?\s*(\d+):(\d+)\s+([a-z-]+)\s*(.*?)\s*$")

Expected = tuple[str, int, int, str]


def _cases() -> list[str]:
    return sorted(
        p.name for p in INVALID.iterdir() if not p.name.startswith("_") and p.suffix != ".expect"
    )


def _expectations(path: Path, rel: str) -> tuple[Counter[Expected], list[tuple[Expected, str]]]:
    sidecar = path.with_name(path.name + ".expect")
    if sidecar.exists():
        lines = sidecar.read_text().splitlines()
    else:
        lines = [
            ln
            for ln in path.read_bytes().decode("latin-1").splitlines()
            if ln.startswith("# expect:")
        ]
    found: Counter[Expected] = Counter()
    fragments = []
    for line in lines:
        m = EXPECT.match(line)
        assert m, f"bad expectation in {path}: {line!r}"
        key = (rel, int(m.group(1)), int(m.group(2)), m.group(3))
        found[key] += 1
        if m.group(4):
            fragments.append((key, m.group(4)))
    return found, fragments


def _build(case: str, tmp_path: Path) -> Path:
    src = INVALID / case
    corpus = tmp_path / "corpus"
    if src.is_dir():
        shutil.copytree(src, corpus, symlinks=True)
    else:
        corpus.mkdir()
        shutil.copy(src, corpus / case)
        shutil.copytree(INVALID / "_texts", corpus / "_texts")
    return corpus


@pytest.mark.parametrize("case", _cases())
def test_invalid_case(case: str, tmp_path: Path) -> None:
    corpus = _build(case, tmp_path)
    expected: Counter[Expected] = Counter()
    fragments: list[tuple[Expected, str]] = []
    for f in sorted(corpus.rglob("*.y*ml")):
        rel = f.relative_to(corpus).as_posix()
        if rel.startswith("_"):
            continue
        e, fr = _expectations(
            INVALID / case if not (INVALID / case).is_dir() else INVALID / case / rel, rel
        )
        expected += e
        fragments += fr
    assert expected, f"case {case} declares no expectation"

    result = load_corpus(str(corpus))
    prefix = str(corpus).replace(os.sep, "/") + "/"
    actual: Counter[Expected] = Counter()
    messages: dict[Expected, list[str]] = {}
    for p in result.problems:
        assert p.path.startswith(prefix)
        key = (p.path[len(prefix) :], p.line, p.col, p.code)
        actual[key] += 1
        messages.setdefault(key, []).append(p.message)
        assert "\n" not in p.message and "\r" not in p.message
        assert p.message.strip() == p.message and p.message
        assert "\n" not in str(p)
    assert actual == expected
    for key, fragment in fragments:
        assert any(fragment in m for m in messages[key]), (fragment, messages[key])
    assert list(result.problems) == sorted(result.problems)
    bad_files = {k[0] for k, _ in expected.items() if k[3] != "when-unresolved"}
    assert {Path(s.path).name for s in result.skipped} >= {Path(b).name for b in bad_files}


def test_every_documented_code_is_covered_by_a_case_or_a_test() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "validation.md").read_text()
    documented = set(re.findall(r"^### `([a-z-]+)`", doc, re.M))
    from_cases = set()
    for case in _cases():
        for f in [INVALID / case] if not (INVALID / case).is_dir() else (INVALID / case).iterdir():
            text = (
                f.with_name(f.name + ".expect").read_text()
                if f.with_name(f.name + ".expect").exists()
                else f.read_bytes().decode("latin-1")
            )
            from_cases |= set(re.findall(r"\d+:\d+ ([a-z-]+)", text))
    generated = {"too-large", "too-deep", "unreadable", "symlink-loop", "symlink-outside"}
    assert documented == from_cases | generated


# ---------------------------------------------------------------- generated hostile inputs

VALID_HEAD = b"article:\n  title: T\nclaims:\n"


def _codes(result: Any) -> list[tuple[str, int, int, str]]:
    return [(Path(p.path).name, p.line, p.col, p.code) for p in result.problems]


def test_fifty_megabyte_file_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    (tmp_path / "ok.yaml").write_bytes(VALID_HEAD + b"  - {id: c, who: a, did: b}\n")
    real_open = builtins.open

    def guarded_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        assert not str(file).endswith("big.yaml"), "the loader must not open an oversized file"
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    result = load_corpus(tmp_path)
    assert _codes(result) == [("big.yaml", 1, 1, "too-large")]
    assert "52.4 MB" in result.problems[0].message
    assert [a.id for a in result.corpus.articles] == ["ok"]


def test_parse_claim_file_refuses_oversized_bytes_too() -> None:
    parsed = load_mod.parse_claim_file("x.yaml", b" " * (MAX_FILE_BYTES + 1))
    assert [p.code for p in parsed.problems] == ["too-large"]


@pytest.mark.parametrize("depth", [MAX_DEPTH, 10_000, 300_000])
@pytest.mark.parametrize("style", ["flow-seq", "flow-map", "compact-block"])
def test_deep_nesting_is_reported_not_crashed(tmp_path: Path, depth: int, style: str) -> None:
    # The root mapping is level 1, so the MAX_DEPTH-th collection below it is too deep.
    if style == "flow-seq":
        body = b"claims: " + b"[" * depth + b"]" * depth + b"\n"
        where = (4, 9 + (MAX_DEPTH - 1))
    elif style == "flow-map":
        body = b"claims: " + b"{a: " * depth + b"x" + b"}" * depth + b"\n"
        where = (4, 9 + 4 * (MAX_DEPTH - 1))
    else:
        body = b"claims:\n" + b"- " * depth + b"x\n"
        where = (5, 1 + 2 * (MAX_DEPTH - 1))
    (tmp_path / "deep.yaml").write_bytes(b"article:\n  title: Deep\n# nested\n" + body)
    result = load_corpus(tmp_path)
    assert _codes(result) == [("deep.yaml", *where, "too-deep")]


def test_deep_indented_block_nesting(tmp_path: Path) -> None:
    lines = b"".join(b" " * i + b"k:\n" for i in range(1, MAX_DEPTH + 1))
    (tmp_path / "deep.yaml").write_bytes(b"article:\n  title: Deep\nclaims:\n" + lines + b"v\n")
    assert _codes(load_corpus(tmp_path)) == [
        ("deep.yaml", 3 + MAX_DEPTH, MAX_DEPTH + 1, "too-deep")
    ]


@pytest.mark.parametrize(("extra", "codes"), [(0, ["wrong-type"]), (1, ["too-deep"])])
def test_nesting_limit_boundary(tmp_path: Path, extra: int, codes: list[str]) -> None:
    # root mapping, claims list, claim mapping: 3 levels before 'who'.
    depth = MAX_DEPTH - 3 + extra
    who = b"[" * depth + b"a" + b"]" * depth
    (tmp_path / "x.yaml").write_bytes(
        VALID_HEAD + b"  - id: c\n    did: d\n    who: " + who + b"\n"
    )
    assert [p.code for p in load_corpus(tmp_path).problems] == codes


def test_unreadable_file_via_permission_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked.yaml").write_bytes(VALID_HEAD + b"  []\n")
    (tmp_path / "fine.yaml").write_bytes(VALID_HEAD + b"  - {id: c, who: a, did: b}\n")
    real_open = builtins.open

    def deny(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith("locked.yaml"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", deny)
    real_os_open = os.open

    def deny_fd(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("locked.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny_fd)  # the loader reads through descriptors
    result = load_corpus(tmp_path)
    assert _codes(result) == [("locked.yaml", 1, 1, "unreadable")]
    assert [s.path.rsplit("/", 1)[-1] for s in result.skipped] == ["locked.yaml"]
    assert [a.id for a in result.corpus.articles] == ["fine"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_unreadable_file_via_chmod(tmp_path: Path) -> None:
    locked = tmp_path / "locked.yaml"
    locked.write_bytes(VALID_HEAD + b"  []\n")
    locked.chmod(0)
    try:
        try:
            locked.read_bytes()
        except PermissionError:
            pass
        else:
            pytest.skip("running with privileges that ignore file permissions (root)")
        assert _codes(load_corpus(tmp_path)) == [("locked.yaml", 1, 1, "unreadable")]
    finally:
        locked.chmod(0o644)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_directory_symlink_loop_is_reported_and_not_followed(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "a.yaml").write_bytes(VALID_HEAD + b"  - {id: c, who: a, did: b}\n")
    os.symlink("..", corpus / "sub" / "loop")
    os.symlink(".", corpus / "sub" / "self")
    os.symlink("sub", corpus / "again")  # inside the corpus: its files are read as sub/ anyway
    result = load_corpus(corpus)
    assert [(p.path.split("/c/", 1)[1], p.code, p.severity) for p in result.problems] == [
        ("sub/loop", "symlink-loop", Severity.WARNING),
        ("sub/self", "symlink-loop", Severity.WARNING),
    ]
    assert result.problems[0].message.endswith("/c'; not followed")
    assert [a.id for a in result.corpus.articles] == ["a"]
    assert not result.skipped


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_text_symlink_leaving_the_corpus(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    corpus = tmp_path / "c"
    corpus.mkdir()
    os.symlink(secret, corpus / "text.txt")
    (corpus / "a.yaml").write_bytes(b"article:\n  title: T\n  text: text.txt\nclaims: []\n")
    result = load_corpus(corpus)
    assert _codes(result) == [("a.yaml", 3, 9, "text-outside-corpus")]
    assert result.corpus.articles == ()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinked_directory_outside_the_corpus_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.yaml").write_bytes(VALID_HEAD + b"  []\n")
    corpus = tmp_path / "c"
    corpus.mkdir()
    os.symlink(outside, corpus / "elsewhere")
    result = load_corpus(corpus)
    assert [(p.code, p.severity) for p in result.problems] == [
        ("symlink-outside", Severity.WARNING)
    ]
    assert result.corpus.articles == ()


def test_text_not_utf8_is_an_encoding_problem_at_the_text_field(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_bytes(b"Caf\xe9\n")
    (tmp_path / "a.yaml").write_bytes(b"article:\n  title: T\n  text: t.txt\nclaims: []\n")
    result = load_corpus(tmp_path)
    assert _codes(result) == [("a.yaml", 3, 9, "encoding")]
    assert "offset 3" in result.problems[0].message


def test_quote_found_in_a_text_with_bom_is_fine(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_bytes("\ufeffHe said “yes”.".encode())
    (tmp_path / "a.yaml").write_text(
        "article:\n  title: T\n  text: t.txt\n"
        "claims:\n  - {id: c, who: a, did: b, quote: said “yes”}\n"
    )
    result = load_corpus(tmp_path)
    assert result.problems == ()
    assert result.corpus.articles[0].text == "He said “yes”."


# ---------------------------------------------------------------- the checks on their own

L = Location("f.yaml", 1, 1)


def _claim(cid: str, line: int, quote: str | None = None) -> Claim:
    return Claim(
        "a",
        cid,
        ("x",),
        "did",
        Location("f.yaml", line, 5),
        quote=quote,
        field_locs=(
            ("id", Location("f.yaml", line, 9)),
            ("quote", Location("f.yaml", line + 1, 12)),
        ),
    )


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("abc", True),
        ("a-b_c.1", True),
        ("", False),
        ("a#b", False),
        ("a b", False),
        ("a\tb", False),
        ("é", True),
    ],
)
def test_id_problem(value: str, ok: bool) -> None:
    assert (id_problem(value) is None) is ok


def test_duplicate_article_ids_point_at_each_other() -> None:
    a1 = Article("x", "T", "c/a.yaml", Location("c/a.yaml", 2, 3))
    a2 = Article(
        "x",
        "T",
        "c/b.yaml",
        Location("c/b.yaml", 2, 3),
        field_locs=(("id", Location("c/b.yaml", 3, 7)),),
    )
    a3 = Article("y", "T", "c/c.yaml", Location("c/c.yaml", 2, 3))
    problems = check_article_ids([a1, a2, a3])
    assert [(p.path, p.line, p.col) for p in problems] == [("c/a.yaml", 2, 3), ("c/b.yaml", 3, 7)]
    assert "c/b.yaml:3:7" in problems[0].message and "c/a.yaml:2:3" in problems[1].message


def test_check_quotes_without_text_checks_nothing() -> None:
    art = Article("a", "T", "f.yaml", L, claims=(_claim("c", 5, quote="anything"),))
    assert check_quotes(art, "t.txt") == []


def test_check_quotes_names_the_differing_characters() -> None:
    art = Article(
        "a",
        "T",
        "f.yaml",
        L,
        text="one\ntwo — three\n",
        claims=(_claim("c", 5, quote="two - three"),),
    )
    [p] = check_quotes(art, "t.txt")
    assert p.line == 6 and p.col == 12
    assert "line 2" in p.message and "quotation marks or apostrophes" in p.message
    assert "'-'" in p.message and "'—'" in p.message


def test_aliases_conflict_case_insensitively() -> None:
    aliases = [
        Alias("Russia", "Moscow", Location("al.yaml", 1, 10)),
        Alias("Moscow Oblast", "moscow", Location("al.yaml", 2, 17)),
        Alias("Russia", "MOSCOW", Location("al.yaml", 1, 18)),
    ]
    problems = check_aliases(aliases)
    assert [(p.line, p.col, p.code) for p in problems] == [(2, 17, "alias-conflict")]


def _entry(kind: DecisionKind, a: str, b: str, line: int) -> DecisionEntry:
    return DecisionEntry(
        Decision(kind, a, b, Location("d.yaml", line, 5)),
        Location("d.yaml", line, 6),
        Location("d.yaml", line, 12),
    )


def test_decision_conflict_through_a_chain_names_the_chain() -> None:
    same, diff = DecisionKind.SAME, DecisionKind.DIFFERENT
    entries = [
        _entry(same, "a#1", "b#1", 2),
        _entry(same, "c#1", "d#1", 3),
        _entry(same, "b#1", "c#1", 4),
        _entry(same, "x#1", "y#1", 5),
        _entry(diff, "a#1", "d#1", 7),
        _entry(diff, "a#1", "x#1", 8),
    ]
    known = {"a#1", "b#1", "c#1", "d#1", "x#1", "y#1"}
    problems = check_decisions(entries, known)
    assert [(p.line, p.code) for p in problems] == [(7, "decision-conflict")]
    assert "(line 2, line 3, line 4)" in problems[0].message


def test_decision_same_and_different_on_the_same_pair() -> None:
    entries = [
        _entry(DecisionKind.SAME, "a#1", "b#1", 2),
        _entry(DecisionKind.DIFFERENT, "b#1", "a#1", 4),
    ]
    problems = check_decisions(entries, {"a#1", "b#1"})
    assert [(p.line, p.code) for p in problems] == [(4, "decision-conflict")]


def test_unknown_decision_refs_point_at_the_reference() -> None:
    problems = check_decisions([_entry(DecisionKind.DIFFERENT, "a#1", "b#9", 3)], {"a#1"})
    assert [(p.line, p.col, p.code) for p in problems] == [(3, 12, "decision-unknown-claim")]


def test_validate_functions_are_deterministic() -> None:
    claims = (_claim("c", 5), _claim("c", 9), _claim("c", 13))
    art = Article("a", "T", "f.yaml", L, claims=claims, published=None)
    from claimdiff.validate import check_claim_ids

    problems = check_claim_ids(art)
    assert [(p.line, p.code) for p in problems] == [
        (9, "duplicate-claim-id"),
        (13, "duplicate-claim-id"),
    ]
    assert all("line 5" in p.message for p in problems)
    assert dt is not None

"""Loading a corpus: values as written, locations, reserved files, skipping, hostile YAML."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimdiff.errors import ClaimdiffError
from claimdiff.load import (
    LoadResult,
    SkippedFile,
    load_claim_file,
    load_corpus,
    parse_aliases,
    parse_claim_file,
    parse_decisions,
    parse_lexicon,
    string_typed_document,
)
from claimdiff.model import DecisionKind, Interval, Location

VALID = Path(__file__).parent / "data" / "valid"


@pytest.fixture(scope="module", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """load_corpus caches by default: keep it away from the user's cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLAIMDIFF_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def valid() -> LoadResult:
    return load_corpus(str(VALID))


def test_valid_corpus_loads_without_problems(valid: LoadResult) -> None:
    assert valid.problems == ()
    assert valid.skipped == ()
    assert [a.id for a in valid.corpus.articles] == [
        "bom",
        "dw-russia-blames-armenia",
        "no-claims",
        "nested-stem",
        "1e3",
    ]
    assert valid.corpus.root == str(VALID)


def test_every_field_of_the_contract_example(valid: LoadResult) -> None:
    art = valid.corpus.article("dw-russia-blames-armenia")
    src = f"{VALID.as_posix()}/dw-russia-blames-armenia.yaml"
    assert art.source == src
    assert (art.title, art.outlet, art.url, art.author, art.text_path) == (
        "New tensions between Russia and ally Armenia",
        "Deutsche Welle",
        "https://example.org/dw/russia-armenia",
        "Jane Doe",
        "texts/dw.txt",
    )
    day = dt.date(2023, 1, 12)
    assert art.published is not None and art.published.interval == Interval(day, day)
    assert art.text == (VALID / "texts" / "dw.txt").read_text(encoding="utf-8")
    c = art.claims[0]
    assert c.ref == "dw-russia-blames-armenia#blames-armenia"
    assert c.who == ("Russian Foreign Ministry",)
    assert c.did == "blamed for the collapse of peace talks with Azerbaijan"
    assert c.whom == ("Armenia",)
    assert c.when is not None and c.when.text == "2023-01" and c.when.how == "ISO month"
    assert (c.where, c.negated, c.said_by, c.event, c.tags, c.note) == (
        "Moscow",
        False,
        ("Maria Zakharova",),
        "Armenia-Azerbaijan peace talks",
        ("diplomacy",),
        "free text",
    )
    assert c.quote == "Russia blames its ally Armenia for the collapse of peace talks"
    # locations: the claim mapping start and each value, in file order
    assert c.loc == Location(src, 11, 5)
    assert [k for k, _ in c.field_locs] == [
        "id",
        "who",
        "did",
        "whom",
        "when",
        "where",
        "negated",
        "said_by",
        "event",
        "quote",
        "tags",
        "note",
    ]
    assert c.loc_of("who") == Location(src, 12, 10)
    assert c.loc_of("tags") == Location(src, 21, 11)
    assert art.loc_of("title") == Location(src, 4, 10)


def test_lists_and_relative_times(valid: LoadResult) -> None:
    art = valid.corpus.article("dw-russia-blames-armenia")
    c = art.claims[1]
    assert c.who == ("Russia", "Russian peacekeepers")
    assert c.whom == ("Armenia", "Azerbaijan")
    assert c.said_by == ("Maria Zakharova", "Sergei Lavrov")
    assert c.negated is True
    assert c.when is not None and c.when.interval is not None
    assert c.when.interval.iso() == "2022-12-01/2022-12-31"
    assert c.when.how == "relative to published 2023-01-12"
    meeting = art.claims[2]
    assert meeting.when is not None and meeting.when.interval is not None
    assert meeting.when.interval.iso() == "2023-01-12"
    assert meeting.loc_of("quote") == meeting.loc  # not written


def test_yaml_1_1_surprises_load_as_written_text(valid: LoadResult) -> None:
    art = valid.corpus.article("1e3")
    assert art.title == "0x1F"
    assert art.published is not None and art.published.text == "2020-09-27"
    c, d = art.claims
    assert c.id == "0o17"
    assert c.who == ("NO",)
    assert c.did == "on"
    assert c.whom == ("yes", "off", "y", "n")
    assert c.when is not None and c.when.text == "2020-09-27"
    assert c.where == "12:30:00"
    assert c.negated is False  # "No"
    assert c.event == ".inf"
    assert c.tags == ("2001-12-14t21:59:43.10-05:00", "1_000", "null_not")
    assert c.note is None  # "~" is YAML's null: not given
    assert (d.id, d.who, d.did, d.negated) == ("042", ("42nd Brigade",), "3.14", True)


def test_unquoted_and_quoted_dates_load_the_same(tmp_path: Path) -> None:
    a = parse_claim_file(
        "a.yaml", b"article: {title: T}\nclaims:\n  - {id: c, who: x, did: y, when: 2020-09-27}\n"
    )
    b = parse_claim_file(
        "a.yaml", b"article: {title: T}\nclaims:\n  - {id: c, who: x, did: y, when: '2020-09-27'}\n"
    )
    assert a.article is not None and b.article is not None
    assert a.article.claims[0].when == b.article.claims[0].when


def test_bom_nested_yml_and_default_id(valid: LoadResult) -> None:
    bom = valid.corpus.article("bom")
    assert bom.title == "Café crème"
    assert bom.claims[0].who == ("François",)
    assert bom.loc_of("title") == Location(f"{VALID.as_posix()}/bom.yaml", 3, 10)
    nested = valid.corpus.article("nested-stem")
    assert nested.source == f"{VALID.as_posix()}/sub/nested-stem.yml"
    flow, _relative, empty = nested.claims
    assert flow.did == "left the CSTO"
    assert flow.when is not None and flow.when.interval is not None
    assert flow.when.interval.iso() == "2023-09-01/2023-09-30"
    assert (empty.whom, empty.where, empty.tags) == ((), "", ())


def test_non_ascii_columns_count_characters(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "article: {title: Ééé}\nclaims:\n  - {id: c, who: Ünal, did: ä, whom: [é, x]}\n"
    )
    result = load_corpus(tmp_path)
    c = result.corpus.articles[0].claims[0]
    assert c.loc_of("whom") == Location(
        f"{tmp_path.as_posix()}/a.yaml", 3, 38
    )  # characters, not bytes


def test_reserved_files(valid: LoadResult) -> None:
    corpus = valid.corpus
    assert [(a.canonical, a.alias) for a in corpus.aliases][-1] == ("Armenia", "Yerevan")
    assert len(corpus.aliases) == 8
    assert corpus.lexicon.synonyms[1] == ("met", "held talks with", "sat down with")
    assert corpus.lexicon.opposites == (("supported", "remained neutral"), ("signed", "collapsed"))
    assert [(d.kind, d.a, d.b) for d in corpus.decisions] == [
        (DecisionKind.SAME, "dw-russia-blames-armenia#blames-armenia", "nested-stem#relative"),
        (DecisionKind.SAME, "nested-stem#relative", "bom#c1"),
        (DecisionKind.DIFFERENT, "dw-russia-blames-armenia#meeting", "nested-stem#flow-style"),
    ]
    assert corpus.decisions[0].loc.line == 2


def test_reserved_names_only_at_the_root(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "aliases.yaml").write_text("article: {title: T}\nclaims: []\n")
    (tmp_path / "aliases.yaml").write_text("Russia: [Moscow]\n")
    result = load_corpus(tmp_path)
    assert result.problems == ()
    assert [a.id for a in result.corpus.articles] == ["aliases"]
    assert [a.alias for a in result.corpus.aliases] == ["Moscow"]


def test_a_canonical_name_without_aliases_is_kept() -> None:
    """`Linz: []` says Linz is an entity of its own (so that a lookalike name such
    as Lienz is never read as its spelling); it used to leave no trace."""
    aliases, problems = parse_aliases("aliases.yaml", b"Linz: []\nLienz: []\nRussia: [Moscow]\n")
    assert problems == ()
    assert [(a.canonical, a.alias, a.loc.line, a.loc.col) for a in aliases] == [
        ("Linz", "Linz", 1, 1),
        ("Lienz", "Lienz", 2, 1),
        ("Russia", "Moscow", 3, 10),
    ]


def test_empty_reserved_files_are_fine() -> None:
    assert parse_aliases("aliases.yaml", b"# none yet\n") == ((), ())
    lexicon, problems = parse_lexicon("lexicon.yaml", b"")
    assert lexicon.synonyms == () and problems == ()
    assert parse_decisions("decisions.yaml", b"same:\n") == ((), ())


def test_skip_invalid_keeps_the_valid_files(tmp_path: Path) -> None:
    shutil.copytree(VALID, tmp_path / "c")
    (tmp_path / "c" / "broken.yaml").write_text(
        "article: {title: T}\nclaims:\n  - {id: a, who: x}\n  - {id: b, who: y, did: z}\n"
    )
    (tmp_path / "c" / "warned.yaml").write_text(
        "article: {title: W}\nclaims:\n  - {id: a, who: x, did: y, when: someday}\n"
    )
    result = load_corpus(tmp_path / "c")
    assert [p.code for p in result.problems] == ["missing-field", "when-unresolved"]
    assert result.skipped == (SkippedFile(f"{(tmp_path / 'c').as_posix()}/broken.yaml", 2, 1),)
    ids = [a.id for a in result.corpus.articles]
    assert "broken" not in ids and "warned" in ids and "dw-russia-blames-armenia" in ids
    assert len(result.errors) == 1


def test_decisions_about_skipped_files_are_dropped_not_errors(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("article: {title: A}\nclaims:\n  - {id: c, who: x, did: y}\n")
    (tmp_path / "b.yaml").write_text(
        "article: {title: B}\nclaims:\n"
        "  - {id: c, who: x, did: y, negated: perhaps}\n  - {id: d, who: x, did: y}\n"
    )
    (tmp_path / "decisions.yaml").write_text("same:\n  - [a#c, b#d]\ndifferent:\n  - [a#c, b#c]\n")
    result = load_corpus(tmp_path)
    assert [(Path(p.path).name, p.code) for p in result.problems] == [
        ("b.yaml", "wrong-type"),
        ("decisions.yaml", "decision-unknown-claim"),
    ]
    assert result.corpus.decisions == ()


def test_paths_are_as_the_user_named_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "claims" / "deep").mkdir(parents=True)
    (tmp_path / "claims" / "deep" / "x.yaml").write_text("article: {title: T}\nclaims: [1]\n")
    monkeypatch.chdir(tmp_path)
    for root in ("claims", "claims/", "./claims"):
        result = load_corpus(root)
        expected = os.path.join(root, "deep/x.yaml").replace(os.sep, "/")
        assert [p.path for p in result.problems] == [expected]
        assert (
            str(result.problems[0])
            == f"{expected}:2:10: error [not-mapping] a claim must be a mapping of fields, "
            "not a text"
        )


def test_missing_root_and_file_root_raise(tmp_path: Path) -> None:
    with pytest.raises(ClaimdiffError, match="does not exist"):
        load_corpus(tmp_path / "nope")
    (tmp_path / "f.yaml").write_text("x: 1\n")
    with pytest.raises(ClaimdiffError, match="is not a directory"):
        load_corpus(tmp_path / "f.yaml")


def test_load_is_deterministic(tmp_path: Path) -> None:
    shutil.copytree(Path(__file__).parent / "data" / "invalid", tmp_path / "c")
    first = load_corpus(tmp_path / "c")
    second = load_corpus(tmp_path / "c", use_cache=False)
    assert first == second
    assert len(first.problems) > 20


def test_load_claim_file_on_its_own() -> None:
    parsed = load_claim_file(VALID / "bom.yaml")
    assert parsed.article is not None and parsed.article.id == "bom"
    assert parsed.claims == 1 and not parsed.has_errors
    missing = load_claim_file(VALID / "nope.yaml")
    assert [p.code for p in missing.problems] == ["unreadable"]


def test_parse_claim_file_is_pure() -> None:
    data = (VALID / "dw-russia-blames-armenia.yaml").read_bytes()
    assert parse_claim_file("x/a.yaml", data) == parse_claim_file("x/a.yaml", data)
    parsed = parse_claim_file("x/a.yaml", data)
    assert (
        parsed.article is not None and parsed.article.text is None
    )  # texts are I/O, attached later


BILLION_LAUGHS = b"""\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
article: {title: T}
claims: [{id: c, who: *i, did: laughed}]
"""


def test_billion_laughs_is_bounded(tmp_path: Path) -> None:
    (tmp_path / "lol.yaml").write_bytes(BILLION_LAUGHS)
    result = load_corpus(tmp_path)
    codes = {p.code for p in result.problems}
    assert codes <= {"unknown-key", "wrong-type", "alias-bomb"} and "unknown-key" in codes
    with pytest.raises(ClaimdiffError, match="aliases expand"):
        string_typed_document(BILLION_LAUGHS)


def test_recursive_alias_is_bounded() -> None:
    with pytest.raises(ClaimdiffError):
        string_typed_document(b"a: &a [*a, *a]\n")


def test_harmless_aliases_are_allowed() -> None:
    data = (
        b"article: {title: T}\nclaims:\n"
        b"  - {id: a, who: &ru Russia, did: x}\n  - {id: b, who: *ru, did: y}\n"
    )
    parsed = parse_claim_file("a.yaml", data)
    assert parsed.problems == ()
    assert parsed.article is not None and parsed.article.claims[1].who == ("Russia",)


def test_string_typed_document() -> None:
    doc = string_typed_document(b"a: 2020-09-27\nb: NO\nc: [1e3, 0x1F, ~, '', null, 'null']\nd:\n")
    assert doc == {
        "a": "2020-09-27",
        "b": "NO",
        "c": ["1e3", "0x1F", None, "", None, "null"],
        "d": None,
    }
    with pytest.raises(ClaimdiffError, match="mapping values"):
        string_typed_document(b"a: b: c\n")

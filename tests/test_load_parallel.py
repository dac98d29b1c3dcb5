"""Loading at scale: parallel parsing, the parse cache, progress and the corpus fingerprint.

Every path must give the result of the plain sequential load, byte for byte:
the pool, the cache (cold, warm, after an edit, corrupt) and the compact form
parse results travel in.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from claimdiff import load
from claimdiff.load import LoadResult, ParsedFile, corpus_fingerprint, load_corpus
from claimdiff.model import Article, Claim, Location, Problem, Severity, TimeSpec
from claimdiff.synth import SynthConfig, generate, write_corpus

DATA = Path(__file__).parent / "data"
FORK = sys.platform.startswith("linux")


@pytest.fixture(autouse=True)
def cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every test gets its own cache directory; the user's cache is never touched."""
    path = tmp_path / "cache"
    monkeypatch.setenv("CLAIMDIFF_CACHE_DIR", str(path))
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus (3 directories, article texts) plus every broken file of the suite."""
    base = tmp_path_factory.mktemp("template")
    corpus = generate(SynthConfig(articles=230, claims_per_article=4, seed=11, texts=True))
    write_corpus(corpus, base / "corpus", base / "key.yaml")
    shutil.copytree(DATA / "invalid", base / "corpus" / "broken")
    shutil.copytree(DATA / "valid", base / "corpus" / "valid")
    return base / "corpus"


@pytest.fixture()
def corpus(template: Path, tmp_path: Path) -> Path:
    """A private copy of the template, free to edit."""
    root = tmp_path / "corpus"
    shutil.copytree(template, root)
    return root


@pytest.fixture(scope="module")
def reference(template: Path) -> LoadResult:
    return load_corpus(template, use_cache=False, workers=1)


def cache_files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []


def test_the_template_has_claims_problems_and_texts(reference: LoadResult) -> None:
    # Guards the other tests: equality of empty results would prove nothing.
    assert len(reference.corpus.articles) >= 230
    assert sum(len(a.claims) for a in reference.corpus.articles) >= 900
    assert any(a.text for a in reference.corpus.articles)
    codes = {p.code for p in reference.problems}
    assert {"yaml-syntax", "encoding", "duplicate-key", "text-missing"} <= codes
    assert any(p.severity is Severity.WARNING for p in reference.problems)


@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_equals_sequential(template: Path, reference: LoadResult, workers: int) -> None:
    got = load_corpus(template, use_cache=False, workers=workers)
    assert got == reference
    assert repr(got) == repr(reference)


def test_automatic_choice_equals_sequential(template: Path, reference: LoadResult) -> None:
    assert load_corpus(template, use_cache=False) == reference


def test_cold_and_warm_cache_equal_sequential(
    template: Path, reference: LoadResult, cache_dir: Path
) -> None:
    cold = load_corpus(template, workers=2)
    assert cache_files(cache_dir)
    warm = load_corpus(template, workers=2)
    assert cold == reference and warm == reference
    assert repr(warm) == repr(reference)


def test_warm_run_parses_nothing(
    template: Path, reference: LoadResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_corpus(template, workers=1)

    def fail(path: str, data: bytes) -> ParsedFile:
        raise AssertionError(f"{path} parsed on a warm run")

    monkeypatch.setattr(load, "parse_claim_file", fail)
    assert load_corpus(template, workers=1) == reference


def test_editing_one_file_parses_only_that_file(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, cache_dir: Path
) -> None:
    load_corpus(corpus, workers=2)
    before = set(cache_files(cache_dir))
    target = sorted((corpus / "001").glob("*.yaml"))[5]
    text = target.read_text(encoding="utf-8")
    target.write_text(
        text + "  - id: extra-claim\n    who: Observer\n    did: watched the edit\n",
        encoding="utf-8",
    )
    parsed: list[str] = []
    real = load.parse_claim_file

    def counting(path: str, data: bytes) -> ParsedFile:
        parsed.append(path)
        return real(path, data)

    monkeypatch.setattr(load, "parse_claim_file", counting)
    got = load_corpus(corpus, workers=1)
    assert parsed == [target.as_posix()]
    art = next(a for a in got.corpus.articles if a.source == target.as_posix())
    assert art.claims[-1].ref.endswith("#extra-claim")
    monkeypatch.setattr(load, "parse_claim_file", real)
    assert got == load_corpus(corpus, use_cache=False, workers=1)
    # One pack (of the edited file's group) and the index are new; the rest is untouched.
    new = set(cache_files(cache_dir)) - before
    assert len([p for p in new if "parse-pack" in p.parts]) == 1


def test_adding_a_file_rewrites_one_pack(corpus: Path, cache_dir: Path) -> None:
    load_corpus(corpus, workers=1)
    before = set(cache_files(cache_dir))
    source = sorted((corpus / "002").glob("*.yaml"))[0]
    shutil.copy(source, corpus / "002" / "zz-copy.yaml")
    got = load_corpus(corpus, workers=1)
    assert got == load_corpus(corpus, use_cache=False, workers=1)
    new = set(cache_files(cache_dir)) - before
    assert len([p for p in new if "parse-pack" in p.parts]) == 1


def test_corrupt_cache_gives_the_same_result(
    template: Path, reference: LoadResult, cache_dir: Path
) -> None:
    load_corpus(template, workers=2)
    files = cache_files(cache_dir)
    for i, path in enumerate(files):
        raw = path.read_bytes()
        damaged = [raw[: len(raw) // 2], b"", b"not a cache entry", raw[:-1] + b"\x00"][i % 4]
        path.write_bytes(damaged)
    assert load_corpus(template, workers=2) == reference
    assert load_corpus(template, workers=1) == reference  # rebuilt entries are good


def test_deleted_cache_gives_the_same_result(
    corpus: Path, reference: LoadResult, cache_dir: Path
) -> None:
    first = load_corpus(corpus, workers=1)
    shutil.rmtree(cache_dir)
    assert load_corpus(corpus, workers=1) == first


def test_stale_index_never_gives_a_stale_result(corpus: Path) -> None:
    # The index remembers each group's last pack; after an edit and its undo the
    # pack it points to is older than the files, and must only serve matching files.
    target = sorted((corpus / "000").glob("*.yaml"))[3]
    original = target.read_bytes()
    load_corpus(corpus, workers=1)
    target.write_bytes(
        original.replace(b"claims:", b"claims:\n  - id: x1\n    who: A\n    did: b", 1)
    )
    edited = load_corpus(corpus, workers=1)
    assert edited == load_corpus(corpus, use_cache=False, workers=1)
    target.write_bytes(original)
    assert load_corpus(corpus, workers=1) == load_corpus(corpus, use_cache=False, workers=1)
    assert edited != load_corpus(corpus, workers=1)


def test_no_cache_reads_and_writes_nothing(
    template: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_corpus(template, use_cache=False, workers=2)
    load_corpus(template, use_cache=False, workers=1)
    assert not cache_dir.exists()
    # ... and does not read a cache that exists.
    load_corpus(template, workers=1)

    def fail(*args: object) -> None:
        raise AssertionError("cache read with use_cache=False")

    monkeypatch.setattr(load.Cache, "get", fail)
    load_corpus(template, use_cache=False, workers=1)


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_counts_every_claim_file(
    template: Path, reference: LoadResult, workers: int
) -> None:
    calls: list[tuple[int, int]] = []
    got = load_corpus(
        template, use_cache=False, workers=workers, progress=lambda d, t: calls.append((d, t))
    )
    assert got == reference
    total = len(
        [p for p in template.rglob("*") if p.suffix in (".yaml", ".yml") and p.parent != template]
    )
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    done = [d for d, _ in calls]
    assert done == sorted(done) and {t for _, t in calls} == {total}


def test_pool_that_cannot_start_falls_back(
    template: Path, reference: LoadResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no semaphores here")

    monkeypatch.setattr(load, "ProcessPoolExecutor", refuse)
    assert load_corpus(template, use_cache=False, workers=2) == reference


@pytest.mark.skipif(not FORK, reason="the patched task reaches the workers only through fork")
@pytest.mark.parametrize("use_cache", [False, True])
@pytest.mark.parametrize("how", ["raises", "dies"])
def test_failing_workers_fall_back(
    template: Path,
    reference: LoadResult,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
    use_cache: bool,
) -> None:
    def crash(*args: object) -> bytes:
        if how == "dies":
            os._exit(3)
        raise MemoryError("worker failed")

    monkeypatch.setattr(load, "_worker_task", crash)
    assert load_corpus(template, use_cache=use_cache, workers=2) == reference
    monkeypatch.undo()
    assert load_corpus(template, use_cache=use_cache, workers=2) == reference


def test_bad_workers_argument(template: Path) -> None:
    with pytest.raises(ValueError):
        load_corpus(template, workers=0)


def test_gc_state_is_restored(template: Path) -> None:
    import gc

    assert gc.isenabled()
    load_corpus(template, use_cache=False, workers=2)
    assert gc.isenabled()
    gc.disable()
    try:
        load_corpus(template, use_cache=False, workers=1)
        assert not gc.isenabled()
    finally:
        gc.enable()


# --------------------------------------------------------------------------- the compact form


FULL = b"""\
article:
  id: full
  title: Every field
  outlet: Outlet
  url: https://example.org/x
  published: 2023-01-12
  author: Someone
  text: texts/x.txt
claims:
  - id: c1
    who: [Russia, Belarus]
    did: blamed
    whom: Armenia
    when: last week
    where: Moscow
    negated: yes
    said_by: Maria Zakharova
    event: Talks
    quote: a quote
    tags: [a, b]
    note: free text
  - id: c2
    who: X
    did: y
    when: soon-ish
  - id: c2
    who: X
    did: z
    bogus: 1
"""


def roundtrip(pf: ParsedFile) -> ParsedFile:
    return load._Decoder()(pickle.loads(load._dumps(load._encode(pf))))


def test_compact_form_round_trips_every_field() -> None:
    pf = load.parse_claim_file("dir/full.yaml", FULL)
    assert pf.article is not None and len(pf.article.claims) >= 2
    assert any(p.severity is Severity.WARNING for p in pf.problems)
    assert any(p.is_error for p in pf.problems)
    assert load._encode(pf)[0] != "raw"
    back = roundtrip(pf)
    assert back == pf
    assert repr(back) == repr(pf)


@pytest.mark.parametrize("name", sorted(p.name for p in (DATA / "invalid").glob("*.yaml")))
def test_compact_form_round_trips_broken_files(name: str) -> None:
    pf = load.parse_claim_file(f"invalid/{name}", (DATA / "invalid" / name).read_bytes())
    assert roundtrip(pf) == pf


def test_values_the_compact_form_cannot_hold_travel_as_they_are() -> None:
    loc = Location("elsewhere.yaml", 1, 1)
    claim = Claim("a", "c", ("X",), "did", loc)
    pf = ParsedFile("here.yaml", Article("a", "t", "here.yaml", loc, claims=(claim,)), (), 1)
    assert load._encode(pf)[0] == "raw"
    assert roundtrip(pf) == pf
    unknown = Article("a", "t", "here.yaml", Location("here.yaml"), field_locs=(("new", loc),))
    assert roundtrip(ParsedFile("here.yaml", unknown, (), 0)) == ParsedFile(
        "here.yaml", unknown, (), 0
    )


def test_the_compact_form_knows_every_field_of_the_model() -> None:
    # A field added to the model must be added to load._encode/_Decoder too
    # (the round-trip tests would then cover it); this test says where.
    import dataclasses

    def names(cls: type) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    assert names(Claim) == [
        "article_id", "id", "who", "did", "loc", "whom", "when", "where", "negated",
        "said_by", "event", "quote", "tags", "note", "field_locs",
    ]  # fmt: skip
    assert names(Article) == [
        "id", "title", "source", "loc", "outlet", "url", "published", "author",
        "text_path", "text", "claims", "field_locs",
    ]  # fmt: skip
    assert names(ParsedFile) == ["path", "article", "problems", "claims"]
    assert names(Location) == ["path", "line", "col"]
    assert names(TimeSpec) == ["text", "interval", "how"]
    assert names(Problem) == ["path", "line", "col", "severity", "code", "message"]


def test_fast_locations_equal_constructed_ones() -> None:
    made = load._make_location("p.yaml", 3, 4)
    real = Location("p.yaml", 3, 4)
    assert made == real and hash(made) == hash(real) and repr(made) == repr(real)
    assert type(made) is Location and str(made) == "p.yaml:3:4"
    with pytest.raises(AttributeError):
        made.line = 5  # type: ignore[misc]


def test_groups_split_by_directory_and_stay_small(template: Path) -> None:
    problems: list[Problem] = []
    found = [f for f in load._walk(str(template), str(template), problems) if not f.reserved]
    groups = load._groups(found)
    assert [f for g in groups for f in g.files] == found
    for g in groups:
        assert len({f.display.rpartition("/")[0] for f in g.files}) == 1
    assert len(groups) > len({f.display.rpartition("/")[0] for f in found})


def test_libyaml_flag() -> None:
    assert load.LIBYAML is bool(yaml.__with_libyaml__)


# --------------------------------------------------------------------------- fingerprint


@pytest.fixture()
def small(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "small"
    shutil.copytree(DATA / "valid", root)
    yield root


def test_fingerprint_is_stable(small: Path) -> None:
    first = corpus_fingerprint(small)
    assert isinstance(first, bytes) and len(first) >= 16
    assert corpus_fingerprint(small) == first
    assert corpus_fingerprint(str(small)) == first


@pytest.mark.parametrize(
    "change",
    [
        lambda r: (r / "bom.yaml").write_bytes((r / "bom.yaml").read_bytes() + b"\n"),
        lambda r: (r / "texts" / "dw.txt").write_text("changed", encoding="utf-8"),
        lambda r: (r / "sub" / "new.yaml").write_text("claims: []\n", encoding="utf-8"),
        lambda r: (r / "bom.yaml").rename(r / "bom2.yaml"),
        lambda r: (r / "aliases.yaml").unlink(),
        lambda r: (r / "notes.md").write_text("an article text may have any name"),
    ],
    ids=["claim-file", "text", "new-file", "rename", "reserved", "other-file"],
)
def test_fingerprint_changes_with_any_input(small: Path, change: object) -> None:
    before = corpus_fingerprint(small)
    change(small)  # type: ignore[operator]
    assert corpus_fingerprint(small) != before


def test_fingerprint_ignores_hidden_entries_and_does_not_parse(small: Path) -> None:
    before = corpus_fingerprint(small)
    (small / ".git").mkdir()
    (small / ".git" / "HEAD").write_text("ref")
    (small / ".notes.yaml").write_text("x")
    assert corpus_fingerprint(small) == before
    (small / "broken.yaml").write_bytes(b"\xff\xfe: [unclosed")
    assert corpus_fingerprint(small) != before


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_fingerprint_does_not_follow_directory_symlinks(small: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.yaml").write_text("claims: []\n")
    os.symlink(outside, small / "link")
    before = corpus_fingerprint(small)
    (outside / "a.yaml").write_text("claims: [changed]\n")
    assert corpus_fingerprint(small) == before
    # like load_corpus: the link's files are not part of the corpus
    assert not [p for p in load_corpus(small, use_cache=False).problems if "link/a" in p.path]


def test_fingerprint_of_a_missing_corpus(tmp_path: Path) -> None:
    from claimdiff.errors import ClaimdiffError

    with pytest.raises(ClaimdiffError):
        corpus_fingerprint(tmp_path / "nope")


# --------------------------------------------------------------------------- prefetched bytes


def _changed_on_disk(root: Path) -> None:
    """Change every kind of file load_corpus reads, after its bytes were collected."""
    for path in sorted(root.rglob("*.yaml")):
        path.write_bytes(b"\xff not yaml: [")
    for path in sorted(root.rglob("*.txt")):
        path.write_text("rewritten", encoding="utf-8")


@pytest.mark.parametrize(("use_cache", "workers"), [(True, 1), (True, 2), (False, 1), (False, 2)])
def test_load_parses_the_prefetched_bytes(
    corpus: Path, reference: LoadResult, use_cache: bool, workers: int
) -> None:
    kept: dict[str, bytes] = {}
    corpus_fingerprint(corpus, keep=kept)
    assert any(k.endswith(".txt") for k in kept) and any(k.endswith(".yaml") for k in kept)
    _changed_on_disk(corpus)
    got = load_corpus(corpus, use_cache=use_cache, workers=workers, prefetched=kept)
    # The bytes the fingerprint saw, not the files now on disk (paths aside, the
    # reference is the same corpus before the change).
    assert len(got.corpus.claims()) == len(reference.corpus.claims())
    assert [a.text for a in got.corpus.articles] == [a.text for a in reference.corpus.articles]
    assert [p.code for p in got.problems] == [p.code for p in reference.problems]


def test_files_missing_from_prefetched_are_read(corpus: Path, reference: LoadResult) -> None:
    got = load_corpus(corpus, use_cache=False, workers=1, prefetched={"/nowhere.yaml": b""})
    assert len(got.corpus.claims()) == len(reference.corpus.claims())


def test_reads_are_bounded_even_when_a_file_grows_after_its_stat(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"abc")
    assert load._read_bounded(str(path), 3) == b"abc"
    path.write_bytes(b"abcdef")
    assert load._read_bounded(str(path), 3) == b"abcdef"  # grew since the stat: read on
    assert load._read_bounded(str(path), 10) == b"abcdef"  # shrank: what is there
    path.write_bytes(b"")
    assert load._read_bounded(str(path), 0) == b""
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 4)
    path.write_bytes(b"abcdefgh")
    assert load._read_bounded(str(path), 3) == b"abcde"  # limit + 1: too large

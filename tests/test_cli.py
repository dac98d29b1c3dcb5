"""The command line as a user runs it, through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from claimdiff import __version__
from claimdiff.cli import cli

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "data" / "mini"
BUNDLED = ROOT / "claims"
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the small test corpus (two articles, one clash, one agreement)."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def run(runner: CliRunner, *args: str) -> click.testing.Result:
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def commands() -> list[str]:
    return sorted(cli.commands)


# --------------------------------------------------------------------------- help and docs


def test_version(runner: CliRunner) -> None:
    result = run(runner, "--version")
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help(runner: CliRunner, name: str) -> None:
    result = run(runner, name, "--help")
    assert result.exit_code == 0
    assert "Usage: " in result.output
    command = cli.commands[name]
    assert command.help and len(command.help.strip()) > 20


def readme_section(heading: str) -> str:
    """The README text under ``heading`` up to the next heading of any level."""
    start = README.index(heading)
    following = re.search(r"^#{2,3} ", README[start + len(heading) :], re.M)
    end = start + len(heading) + following.start() if following else len(README)
    return README[start:end]


def command_params(command: click.Command, path: str) -> Iterator[tuple[str, click.Parameter]]:
    """Every parameter of ``command`` and, for a group, of its subcommands, by command path."""
    for param in command.params:
        yield path, param
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            assert f"claimdiff {path} {name}" in readme_section(f"### claimdiff {path}")
            yield from command_params(sub, f"{path} {name}")


@pytest.mark.parametrize("name", commands())
def test_every_command_and_option_is_in_readme(name: str) -> None:
    section = readme_section(f"### claimdiff {name}")
    shared = readme_section("## Commands")
    for path, param in command_params(cli.commands[name], name):
        if isinstance(param, click.Option):
            longest = max(param.opts, key=len)
            if longest == "--help":
                continue
            assert longest in section or longest in shared, (
                f"README does not document `claimdiff {path} {longest}`"
            )
    for param in cli.params:
        if isinstance(param, click.Option) and "--help" not in param.opts:
            assert max(param.opts, key=len) in shared


@pytest.mark.parametrize("name", commands())
def test_format_help_names_only_formats_offered(name: str) -> None:
    for path, param in command_params(cli.commands[name], name):
        if isinstance(param, click.Option) and isinstance(param.type, click.Choice):
            offered = set(param.type.choices)
            for quoted in re.findall(r"'([a-z]+)'", param.help or ""):
                assert quoted in offered, f"claimdiff {path} {param.opts[0]}: '{quoted}'"


def test_json_of_commands_that_are_not_views_is_documented(runner: CliRunner, mini: Path) -> None:
    """Every top-level key of these documents is named in docs/json.md's section for them."""
    docs = (ROOT / "docs" / "json.md").read_text("utf-8")
    section = docs[docs.index("## Other documents") :]
    runs = {
        "claimdiff.problems": ["validate", mini, "--format", "json"],
        "claimdiff.explanation": [
            "explain",
            "alpha#support",
            "beta#neutral",
            "--corpus",
            mini,
            "--format",
            "json",
        ],
        "claimdiff.locate": [
            "locate",
            "beta",
            "Russia stayed neutral",
            "--corpus",
            mini,
            "--format",
            "json",
        ],
        "claimdiff.cache": ["cache", "info", "--format", "json"],
    }
    for kind, args in runs.items():
        doc = json.loads(run(runner, *args).stdout)
        assert list(doc)[:2] == ["format", "kind"] and doc["kind"] == kind
        entry = section[section.index(f"`{kind}`") :].split("\n- ")[0]
        for key in list(doc)[2:]:
            assert f"`{key}`" in entry, f"{kind}: `{key}` is not documented"


def test_pre_commit_hook_runs_validate() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    (hook,) = hooks
    assert hook["id"] == "claimdiff-validate"
    assert hook["entry"] == "claimdiff validate"
    assert "claimdiff-validate" in README


def test_exit_codes_documented(runner: CliRunner) -> None:
    result = run(runner, "--help")
    assert "Exit codes" in result.output
    assert "130" in result.output
    assert "## Errors and exit codes" in README


# --------------------------------------------------------------------------- bundled corpus


def test_bundled_corpus_validates(runner: CliRunner) -> None:
    result = run(runner, "validate", BUNDLED)
    assert result.exit_code == 0, result.output
    assert " error " not in result.output


def test_claims_json_lists_all_five_articles(runner: CliRunner) -> None:
    result = run(runner, "claims", BUNDLED, "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["format"] == 1
    assert len(doc["articles"]) == 5
    for article in doc["articles"]:
        assert 8 <= len(article["claims"]) <= 25


def test_claims_table_shows_titles(runner: CliRunner) -> None:
    result = run(runner, "claims", BUNDLED)
    assert result.exit_code == 0
    assert "New tensions between Russia and ally Armenia" in result.output


# --------------------------------------------------------------------------- validate


def test_validate_reports_located_errors_and_exits_1(runner: CliRunner, mini: Path) -> None:
    text = (mini / "beta.yaml").read_text(encoding="utf-8")
    (mini / "beta.yaml").write_text(text.replace("    did: remained neutral\n", ""), "utf-8")
    (mini / "alpha.yaml").write_text(
        (mini / "alpha.yaml").read_text("utf-8").replace("whom: Armenia", "whim: Armenia"), "utf-8"
    )
    result = run(runner, "validate", mini)
    assert result.exit_code == 1
    lines = [ln for ln in result.stdout.splitlines() if ln]
    assert any(
        re.match(r".*alpha\.yaml:\d+:\d+: error \[unknown-key\] .*did you mean 'whom'", ln)
        for ln in lines
    ), lines
    assert any(re.match(r".*beta\.yaml:\d+:\d+: error \[missing-field\]", ln) for ln in lines)
    assert lines == sorted(lines, key=lambda ln: (ln.split(":")[0], int(ln.split(":")[1])))
    assert "Traceback" not in result.output


def test_validate_json(runner: CliRunner, mini: Path) -> None:
    (mini / "alpha.yaml").write_text(
        (mini / "alpha.yaml").read_text("utf-8").replace("who: Kremlin", "who: 42\n    whoo: x"),
        "utf-8",
    )
    result = run(runner, "validate", mini, "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["format"] == 1
    codes = {p["code"] for p in doc["problems"]}
    assert "unknown-key" in codes
    assert all(
        {"path", "line", "col", "severity", "code", "message"} <= p.keys() for p in doc["problems"]
    )


def test_warnings_pass_unless_strict(runner: CliRunner, mini: Path) -> None:
    path = mini / "alpha.yaml"
    path.write_text(
        path.read_text("utf-8").replace("10 November 2020", "the other day-ish"), "utf-8"
    )
    assert run(runner, "validate", mini).exit_code == 0
    assert run(runner, "validate", mini, "--strict").exit_code == 1


def test_broken_file_stops_other_commands_but_skip_invalid_goes_on(
    runner: CliRunner, mini: Path
) -> None:
    (mini / "beta.yaml").write_text("article: [unclosed\n", "utf-8")
    result = run(runner, "claims", mini, "--format", "json")
    assert result.exit_code == 1
    assert re.search(r"beta\.yaml:\d+:\d+: error \[yaml-syntax\]", result.stderr)
    result = run(runner, "claims", mini, "--format", "json", "--skip-invalid")
    assert result.exit_code == 0
    assert "skipped" in result.stderr and "beta.yaml" in result.stderr
    assert [a["id"] for a in json.loads(result.stdout)["articles"]] == ["alpha"]


# --------------------------------------------------------------------------- comparison


def test_contradictions_finds_the_planted_clash(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "contradictions", mini, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    pairs = {(c["kind"], tuple(c["claims"])) for c in doc["contradictions"]}
    assert ("opposite", ("alpha#support", "beta#neutral")) in pairs
    assert run(runner, "contradictions", mini, "--check").exit_code == 1
    checked = run(runner, "contradictions", mini, "--check", "--kind", "number")
    assert checked.exit_code == 0


def test_agreements_finds_the_ceasefire(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "agreements", mini, "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    groups = [sorted(a["claims"]) for a in doc["agreements"]]
    assert ["alpha#ceasefire", "beta#ceasefire"] in groups


def test_contradictions_table_shows_quotes(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "contradictions", mini)
    assert result.exit_code == 0
    assert "remained neutral" in result.output
    assert "opposite" in result.output


def test_lookalike_names_kept_apart_by_aliases_yaml(runner: CliRunner, tmp_path: Path) -> None:
    """What explain advises for two towns read as one name works: listing both as
    canonical names in aliases.yaml removes the contradiction that reading made."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    for aid, town, day in (("a", "Linz", "2019-04-14"), ("b", "Lienz", "2020-11-13")):
        (corpus / f"{aid}.yaml").write_text(
            f"article: {{id: {aid}, title: T}}\nclaims:\n"
            f"  - {{id: c1, who: Russia, did: delivered grain to the summit in {town}, "
            f"when: {day}}}\n"
        )
    found = json.loads(run(runner, "contradictions", corpus, "--format", "json").stdout)
    assert [c["kind"] for c in found["contradictions"]] == ["date"]
    advice = run(runner, "explain", "a#c1", "b#c1", "--corpus", corpus).stdout
    assert "read as one name" in advice and "aliases.yaml" in advice
    (corpus / "aliases.yaml").write_text("Linz: []\nLienz: []\n")
    assert (
        json.loads(run(runner, "contradictions", corpus, "--format", "json").stdout)[
            "contradictions"
        ]
        == []
    )


def test_explain(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "explain", "alpha#support", "beta#neutral", "--corpus", mini)
    assert result.exit_code == 0
    assert "opposite" in result.output
    result = run(runner, "explain", "alpha#support", "beta#nope", "--corpus", mini)
    assert result.exit_code == 1
    assert "beta#nope" in result.stderr
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- output


def test_table_csv_to_file_inferred_and_atomic(
    runner: CliRunner, mini: Path, tmp_path: Path
) -> None:
    out = tmp_path / "table.csv"
    result = run(runner, "table", mini, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert rows and {"statement", "status", "alpha", "beta"} <= rows[0].keys()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "markdown", "html"])
def test_table_every_format_to_stdout(runner: CliRunner, mini: Path, fmt: str) -> None:
    result = run(runner, "table", mini, "--format", fmt)
    assert result.exit_code == 0
    assert "ceasefire" in result.stdout


def test_never_writes_inside_the_corpus(runner: CliRunner, mini: Path) -> None:
    before = (mini / "alpha.yaml").read_bytes()
    result = run(runner, "table", mini, "--format", "csv", "-o", mini / "alpha.yaml")
    assert result.exit_code == 1
    assert "inside the corpus" in result.stderr
    assert (mini / "alpha.yaml").read_bytes() == before


def test_unknown_extension_is_a_usage_error(runner: CliRunner, mini: Path, tmp_path: Path) -> None:
    result = run(runner, "table", mini, "-o", tmp_path / "table.xyz")
    assert result.exit_code == 2
    assert "--format" in result.stderr


def test_matrix_and_timeline(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "matrix", mini, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["format"] == 1
    result = run(runner, "timeline", mini, "--who", "Putin")
    assert result.exit_code == 0
    assert "ceasefire" in result.output


def test_interrupt_exits_130_with_one_line(
    runner: CliRunner, mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import claimdiff.load

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(claimdiff.load, "load_corpus", interrupted)
    result = run(runner, "claims", mini)
    assert result.exit_code == 130
    assert result.stderr.strip() == "claimdiff: interrupted"


def test_markup_in_fields_is_shown_literally(runner: CliRunner, mini: Path) -> None:
    path = mini / "alpha.yaml"
    path.write_text(
        path.read_text("utf-8").replace(
            "did: supported", 'did: "supported [bold]loudly[/bold] \\e[31m"'
        ),
        "utf-8",
    )
    result = runner.invoke(cli, ["--color", "always", "claims", str(mini)])
    assert result.exit_code == 0, result.output
    assert "[bold]loudly[/bold]" in result.output
    assert "\x1b[31m" not in result.output


def test_no_color_env(runner: CliRunner, mini: Path) -> None:
    result = runner.invoke(cli, ["claims", str(mini)], env={"NO_COLOR": "1"})
    assert result.exit_code == 0
    assert "\x1b[" not in result.output


# --------------------------------------------------------------------------- curator workflow


def test_new_then_validate_then_locate(runner: CliRunner, mini: Path) -> None:
    text = mini / "texts" / "gamma.txt"
    text.write_text(
        "Loading...\nRussia lifts sanctions\n"
        "Russia lifted its sanctions on Armenian imports in 2021.\n",
        "utf-8",
    )
    result = run(
        runner, "new", text, "--corpus", mini, "--outlet", "Gamma", "--published", "2021-05-01"
    )
    assert result.exit_code == 0, result.output
    made = mini / "gamma.yaml"
    content = made.read_text("utf-8")
    assert 'title: "Russia lifts sanctions"' in content
    assert 'text: "texts/gamma.txt"' in content
    assert run(runner, "validate", mini).exit_code == 0
    again = run(runner, "new", text, "--corpus", mini)
    assert again.exit_code == 1
    assert "refusing to overwrite" in again.stderr
    assert made.read_text("utf-8") == content
    found = run(runner, "locate", "gamma", "lifted sanctions armenian imports", "--corpus", mini)
    assert found.exit_code == 0
    assert "lifted its sanctions on Armenian imports" in found.output
    assert "texts/gamma.txt:3:" in found.output


def test_new_refuses_text_outside_corpus(runner: CliRunner, mini: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("Headline\nBody.\n", "utf-8")
    result = run(runner, "new", outside, "--corpus", mini)
    assert result.exit_code == 2
    assert "outside the corpus" in result.stderr


def test_schema_is_json(runner: CliRunner) -> None:
    result = run(runner, "schema")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["$schema"].startswith("https://json-schema.org/draft/2020-12")


def test_locate_works_on_an_article_whose_quote_is_wrong(runner: CliRunner, mini: Path) -> None:
    path = mini / "beta.yaml"
    path.write_text(
        path.read_text("utf-8").replace(
            "quote: Russia remained neutral in the conflict.", "quote: Russia stayed neutral"
        ),
        "utf-8",
    )
    assert run(runner, "validate", mini).exit_code == 1
    found = run(runner, "locate", "beta", "Russia stayed neutral", "--corpus", mini)
    assert found.exit_code == 0
    assert '"Russia remained neutral' in found.output


# --------------------------------------------------------------------------- cache


def cache_files() -> list[Path]:
    import os

    root = Path(os.environ["CLAIMDIFF_CACHE_DIR"])
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "CACHEDIR.TAG")


def forbid_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, a command that loads the corpus fails the test: it must replay."""
    from claimdiff import load

    def no_loading(*args: object, **kwargs: object) -> object:
        raise AssertionError("a replay must not load the corpus")

    monkeypatch.setattr(load, "load_corpus", no_loading)


def test_warm_run_replays_the_same_output_and_edits_are_seen(runner: CliRunner, mini: Path) -> None:
    cold = run(runner, "contradictions", mini, "--format", "json")
    assert cache_files(), "a clean corpus's output should be cached"
    warm = run(runner, "contradictions", mini, "--format", "json")
    assert warm.stdout == cold.stdout
    path = mini / "beta.yaml"
    path.write_text(path.read_text("utf-8").replace("remained neutral", "supported"), "utf-8")
    edited = run(runner, "contradictions", mini, "--format", "json")
    assert edited.stdout != cold.stdout
    assert "beta#neutral" not in edited.stdout


def test_output_is_cached_under_the_bytes_it_was_made_from(
    runner: CliRunner, mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file edited between fingerprinting and parsing must not poison the cache."""
    from claimdiff import load

    path = mini / "beta.yaml"
    before = path.read_text("utf-8")
    expected = run(runner, "contradictions", mini, "--format", "json", "--no-cache").stdout
    real = load.corpus_fingerprint

    def fingerprint_then_edit(root: object, **kw: object) -> bytes:
        digest = real(root, **kw)  # type: ignore[arg-type]
        path.write_text(before.replace("remained neutral", "supported"), "utf-8")
        return digest

    monkeypatch.setattr(load, "corpus_fingerprint", fingerprint_then_edit)
    raced = run(runner, "contradictions", mini, "--format", "json")
    monkeypatch.setattr(load, "corpus_fingerprint", real)
    # The run showed (and cached) what it fingerprinted: the file as it was.
    assert raced.stdout == expected
    path.write_text(before, "utf-8")
    assert run(runner, "contradictions", mini, "--format", "json").stdout == expected


def test_corrupt_cache_is_ignored(runner: CliRunner, mini: Path) -> None:
    cold = run(runner, "table", mini, "--format", "csv")
    for entry in cache_files():
        entry.write_bytes(b"garbage")
    again = run(runner, "table", mini, "--format", "csv")
    assert again.exit_code == 0
    assert again.stdout == cold.stdout


def test_no_cache_writes_nothing(runner: CliRunner, mini: Path) -> None:
    result = run(runner, "agreements", mini, "--format", "json", "--no-cache")
    assert result.exit_code == 0
    assert cache_files() == []


def test_a_corpus_with_warnings_is_replayed_with_its_warnings(
    runner: CliRunner, mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Most real corpora have a warning or two; their warm runs must be warm too."""

    path = mini / "beta.yaml"
    path.write_text(
        path.read_text("utf-8").replace("when: November 2020", "when: soonish"), "utf-8"
    )
    args = ("contradictions", mini, "--format", "json")
    cold = run(runner, *args)
    assert "warning [when-unresolved]" in cold.stderr
    assert cold.stdout and cache_files()

    forbid_loading(monkeypatch)
    warm = run(runner, *args)
    assert (warm.stdout, warm.stderr, warm.exit_code) == (cold.stdout, cold.stderr, 0)
    out = mini.parent / "out.json"
    monkeypatch.undo()
    cold_file = run(runner, *args, "-o", out)
    forbid_loading(monkeypatch)
    warm_file = run(runner, *args, "-o", out)
    assert warm_file.stderr == cold_file.stderr
    assert cold_file.stderr.splitlines()[-1] == f"claimdiff: wrote {out}"


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_claims_is_replayed_like_every_view(
    runner: CliRunner, mini: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:

    args = ("claims", mini, "--format", fmt, "--who", "Putin")
    cold = run(runner, *args)
    assert cold.exit_code == 0 and "Putin" in cold.stdout

    forbid_loading(monkeypatch)
    warm = run(runner, *args)
    assert (warm.stdout, warm.stderr) == (cold.stdout, cold.stderr)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_validate_replays_an_unchanged_corpus(
    runner: CliRunner, mini: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:

    path = mini / "beta.yaml"
    path.write_text(
        path.read_text("utf-8").replace("when: November 2020", "when: soonish"), "utf-8"
    )
    (mini / "gamma.yaml").write_text("article: [unclosed\n", "utf-8")
    cold = run(runner, "validate", mini, "--format", fmt)
    assert cold.exit_code == 1 and "yaml-syntax" in cold.stdout and "soonish" in cold.stdout
    (mini / "gamma.yaml").unlink()
    clean = run(runner, "validate", mini, "--format", fmt)
    assert clean.exit_code == 0
    strict = run(runner, "validate", mini, "--format", fmt, "--strict")
    assert strict.exit_code == 1

    forbid_loading(monkeypatch)
    again = run(runner, "validate", mini, "--format", fmt)
    assert (again.stdout, again.stderr, again.exit_code) == (clean.stdout, clean.stderr, 0)
    again_strict = run(runner, "validate", mini, "--format", fmt, "--strict")
    assert (again_strict.stdout, again_strict.exit_code) == (strict.stdout, 1)
    (mini / "gamma.yaml").write_text("article: [unclosed\n", "utf-8")
    broken = run(runner, "validate", mini, "--format", fmt)
    assert (broken.stdout, broken.stderr, broken.exit_code) == (
        cold.stdout,
        cold.stderr,
        1,
    )


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_explain_replays_the_same_question_about_an_unchanged_corpus(
    runner: CliRunner, mini: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:

    args = ("explain", "alpha#support", "beta#neutral", "--corpus", mini, "--format", fmt)
    first = run(runner, *args)
    assert first.exit_code == 0 and "beta#neutral" in first.stdout

    forbid_loading(monkeypatch)
    again = run(runner, *args)
    assert (again.stdout, again.stderr) == (first.stdout, first.stderr)
    with pytest.raises(AssertionError, match="must not load"):  # another pair is a new question
        run(runner, "explain", "beta#neutral", "alpha#support", "--corpus", mini, "--format", fmt)


def test_skip_invalid_runs_are_replayed_with_what_they_skipped(
    runner: CliRunner, mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large archive with one broken file is read with --skip-invalid every time."""

    (mini / "gamma.yaml").write_text("article: [unclosed\n", "utf-8")
    args = ("contradictions", mini, "--format", "json", "--skip-invalid")
    first = run(runner, *args)
    assert first.exit_code == 0 and "WARNING: skipped" in first.stderr
    assert "error [yaml-syntax]" in first.stderr

    forbid_loading(monkeypatch)
    again = run(runner, *args)
    assert (again.stdout, again.stderr, again.exit_code) == (first.stdout, first.stderr, 0)
    # Without --skip-invalid the same corpus is refused, never replayed.
    monkeypatch.undo()
    refused = run(runner, "contradictions", mini, "--format", "json")
    assert refused.exit_code == 1 and refused.stdout == ""


def test_cache_commands_show_and_empty_the_cache(runner: CliRunner, mini: Path) -> None:
    import os

    root = os.environ["CLAIMDIFF_CACHE_DIR"]
    assert run(runner, "cache", "dir").stdout == root + "\n"
    run(runner, "agreements", mini, "--format", "json")
    info = json.loads(run(runner, "cache", "info", "--format", "json").stdout)
    assert info["kind"] == "claimdiff.cache" and info["location"] == root
    names = {n["namespace"] for n in info["namespaces"]}
    assert {"output", "parse-pack", "report"} <= names
    on_disk = sum(p.stat().st_size for p in cache_files())
    assert info["entries"] == len(cache_files()) and info["bytes"] == on_disk
    text = run(runner, "cache", "info").stdout
    assert f"location: {root}" in text and "size limit: 2.0 GB" in text
    assert re.search(rf"total\s+{info['entries']} entries", text)
    cleared = run(runner, "cache", "clear")
    assert f"removed {info['entries']} entries" in cleared.stdout
    assert cache_files() == []
    assert "total        0 entries" in run(runner, "cache", "info").stdout


def test_runs_keep_the_cache_under_its_size_limit(
    runner: CliRunner, mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for view in ("contradictions", "agreements", "timeline"):
        run(runner, view, mini, "--format", "json")
    everything = sum(p.stat().st_size for p in cache_files())
    limit = everything // 2
    monkeypatch.setenv("CLAIMDIFF_CACHE_SIZE", str(limit))
    assert run(runner, "table", mini, "--format", "csv").exit_code == 0
    kept = sum(p.stat().st_size for p in cache_files())
    assert 0 < kept <= limit
    # What the last run used is what stays: run again, it is replayed from the cache.
    outputs = [p for p in cache_files() if "/output/" in p.as_posix()]
    assert outputs
    again = run(runner, "table", mini, "--format", "csv")
    assert again.exit_code == 0
    assert [p for p in cache_files() if "/output/" in p.as_posix()] == outputs


def test_a_bad_cache_size_is_one_line_and_exit_2(
    runner: CliRunner, mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMDIFF_CACHE_SIZE", "huge")
    for args in (("contradictions", mini), ("validate", mini), ("cache", "info")):
        result = run(runner, *args)
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1
        assert "CLAIMDIFF_CACHE_SIZE='huge'" in result.stderr
    assert cache_files() == []
    # Without the cache its size does not matter.
    assert run(runner, "contradictions", mini, "--no-cache").exit_code == 0


def test_check_exit_code_survives_the_cache(runner: CliRunner, mini: Path) -> None:
    assert run(runner, "contradictions", mini, "--check", "--format", "json").exit_code == 1
    assert run(runner, "contradictions", mini, "--check", "--format", "json").exit_code == 1


# --------------------------------------------------------------------------- progress


class _TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_after_the_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from claimdiff import cli as cli_module

    fake = _TTY()
    monkeypatch.setattr(sys, "stderr", fake)
    monkeypatch.setattr(cli_module._Progress, "DELAY", 0.0)
    ctx = click.Context(cli, obj=cli_module.Settings(color="always"))
    with cli_module._Progress(ctx, "reading claim files") as progress:
        progress.update(0, 10)
        progress.update(10, 10)
    assert "reading claim files" in fake.getvalue()


def test_the_timer_and_the_work_draw_one_bar_between_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The timer (for work without steps) and the work's first update both come
    due after the delay; they used to create two bars, one of them never stopped."""
    import sys
    import time

    import rich.progress

    from claimdiff import cli as cli_module

    made: list[object] = []
    stopped: list[object] = []

    class SlowProgress(rich.progress.Progress):
        def __init__(self, *args: object, **kwargs: object) -> None:
            made.append(self)
            time.sleep(0.2)  # widens the window in which the other thread comes too
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

        def stop(self) -> None:
            stopped.append(self)
            super().stop()

    monkeypatch.setattr(rich.progress, "Progress", SlowProgress)
    monkeypatch.setattr(sys, "stderr", _TTY())
    monkeypatch.setattr(cli_module._Progress, "DELAY", 0.0)
    ctx = click.Context(cli, obj=cli_module.Settings(color="always"))
    with cli_module._Progress(ctx, "reading claim files") as progress:
        time.sleep(0.05)  # the timer thread is creating its bar now
        progress.update(5, 10)
    assert len(made) == 1
    assert stopped == made


def test_work_without_steps_shows_a_spinner_and_no_count(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import time

    from claimdiff import cli as cli_module

    fake = _TTY()
    monkeypatch.setattr(sys, "stderr", fake)
    monkeypatch.setattr(cli_module._Progress, "DELAY", 0.0)
    ctx = click.Context(cli, obj=cli_module.Settings(color="never"))
    with cli_module._Progress(ctx, "comparing claims"):
        time.sleep(0.3)
    shown = fake.getvalue()
    assert "comparing claims" in shown
    assert "/?" not in shown and "0/" not in shown
    counted = _TTY()
    monkeypatch.setattr(sys, "stderr", counted)
    with cli_module._Progress(ctx, "reading claim files") as progress:
        progress.update(3, 10)
        time.sleep(0.3)
    assert "3/10" in counted.getvalue()


def test_writing_a_large_export_shows_how_much_is_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sys
    import time

    from claimdiff import cli as cli_module

    def slow_pieces() -> Iterator[str]:
        for _ in range(3):
            time.sleep(0.15)
            yield "x" * 1500

    fake = _TTY()
    monkeypatch.setattr(sys, "stderr", fake)
    monkeypatch.setattr(cli_module._Progress, "DELAY", 0.0)
    ctx = click.Context(cli, obj=cli_module.Settings(color="never"))
    monkeypatch.chdir(tmp_path)
    target = "[bold]out.json"  # a path is shown as it is, not as markup
    cli_module._emit(ctx, slow_pieces(), target, None)
    assert (tmp_path / target).read_text() == "x" * 4500
    shown = fake.getvalue()
    assert f"writing {target}" in shown and "3.0 kB" in shown
    # On a terminal the output itself shows progress: no bar over it.
    terminal = _TTY()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "stdout", _TTY())
    cli_module._emit(ctx, slow_pieces(), "-", None)
    assert "writing" not in terminal.getvalue()


def test_a_view_laid_out_whole_shows_a_spinner_first(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import time

    from rich.console import Console
    from rich.table import Table

    from claimdiff import cli as cli_module

    fake = _TTY()
    monkeypatch.setattr(sys, "stderr", fake)
    monkeypatch.setattr(cli_module._Progress, "DELAY", 0.0)
    ctx = click.Context(cli, obj=cli_module.Settings(color="never"))
    console = Console(file=io.StringIO(), width=60, color_system=None)
    table = Table("when", "what")
    table.add_row("2021", "signed")

    def slow_table() -> Table:
        time.sleep(0.3)
        return table

    text = "".join(cli_module._laid_out(ctx, console, slow_table, "laying out the timeline"))
    assert text == "".join(cli_module._rendered(console, table))
    assert "signed" in text
    assert "laying out the timeline" in fake.getvalue()


def test_no_progress_bar_when_quick_or_piped(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from claimdiff import cli as cli_module

    fake = _TTY()
    monkeypatch.setattr(sys, "stderr", fake)
    ctx = click.Context(cli, obj=cli_module.Settings())
    with cli_module._Progress(ctx, "reading claim files") as progress:
        progress.update(10, 10)  # well under a second: nothing drawn
    assert fake.getvalue() == ""
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    monkeypatch.setattr(cli_module._Progress, "DELAY", 0.0)
    with cli_module._Progress(ctx, "reading claim files") as progress:
        progress.update(5, 10)
    assert piped.getvalue() == ""


def test_oversized_table_is_refused_with_a_way_out(
    runner: CliRunner, mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimdiff import export

    monkeypatch.setattr(export, "MAX_TABLE_CELLS", 1)
    refused = run(runner, "table", mini, "--format", "csv", "--no-cache")
    assert refused.exit_code == 2
    assert refused.stdout == ""
    lines = refused.stderr.strip().splitlines()
    assert lines[-1].startswith("claimdiff: error: the table would have")
    assert "--article" in lines[-1]
    monkeypatch.setattr(export, "MAX_MATRIX_ARTICLES", 1)

    def no_comparing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the matrix's size is known before comparing")

    with monkeypatch.context() as m:
        m.setattr("claimdiff.compare.compare", no_comparing)
        matrix = run(runner, "matrix", mini, "--format", "csv", "--no-cache")
    assert matrix.exit_code == 2
    assert "matrix of 2 articles" in matrix.stderr
    assert run(runner, "contradictions", mini, "--format", "csv", "--no-cache").exit_code == 0


def test_help_and_readme_state_the_size_limits_the_code_applies(runner: CliRunner) -> None:
    from claimdiff.export import MAX_MATRIX_ARTICLES, MAX_TABLE_CELLS

    cells = f"{MAX_TABLE_CELLS // 1_000_000} million cells"
    articles = f"{MAX_MATRIX_ARTICLES:,} articles"
    assert cells in " ".join(run(runner, "table", "--help").stdout.split())
    assert articles in " ".join(run(runner, "matrix", "--help").stdout.split())
    readme = " ".join(README.split())
    assert cells in readme and articles in readme


@pytest.mark.parametrize(
    "view", ["claims", "contradictions", "agreements", "table", "matrix", "timeline"]
)
def test_every_view_command_offers_every_format_its_view_exports(view: str) -> None:
    from claimdiff.export import View, formats_for

    (option,) = [p for p in cli.commands[view].params if p.name == "fmt"]
    offered = set(option.type.choices)  # type: ignore[attr-defined]
    assert offered == {"table", *(f.value for f in formats_for(View(view)))}


@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_a_replayed_output_file_is_byte_identical(
    runner: CliRunner, mini: Path, tmp_path: Path, fmt: str
) -> None:
    cold, warm = tmp_path / f"cold.{fmt}", tmp_path / f"warm.{fmt}"
    assert run(runner, "agreements", mini, "-o", cold).exit_code == 0
    assert cache_files(), "the first run fills the output cache"
    replayed = run(runner, "agreements", mini, "-o", warm)
    assert replayed.exit_code == 0
    assert replayed.stderr.strip() == f"claimdiff: wrote {warm}"
    assert warm.read_bytes() == cold.read_bytes() != b""


def test_other_views_of_an_unchanged_corpus_reuse_the_comparison(
    runner: CliRunner, mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = {
        view: run(runner, view, mini, "--format", "json", "--no-cache").stdout
        for view in ("agreements", "table", "timeline")
    }
    assert run(runner, "contradictions", mini, "--format", "json").exit_code == 0

    def no_comparing(*args: object, **kwargs: object) -> None:
        raise AssertionError("compared again")

    monkeypatch.setattr("claimdiff.compare.compare", no_comparing)
    for view, expected in fresh.items():
        again = run(runner, view, mini, "--format", "json")
        assert again.exit_code == 0 and again.stdout == expected
    # Other options, or another corpus, are another comparison.
    with pytest.raises(AssertionError, match="compared again"):
        run(runner, "agreements", mini, "--format", "csv", "--match-threshold", "0.9")
    path = mini / "beta.yaml"
    path.write_text(path.read_text("utf-8") + "\n", "utf-8")
    with pytest.raises(AssertionError, match="compared again"):
        run(runner, "agreements", mini, "--format", "csv")


def test_a_corrupt_cached_comparison_is_computed_again(runner: CliRunner, mini: Path) -> None:
    expected = run(runner, "agreements", mini, "--format", "json", "--no-cache").stdout
    assert run(runner, "contradictions", mini, "--format", "json").exit_code == 0
    entries = [p for p in cache_files() if "/report/" in p.as_posix()]
    assert len(entries) == 1
    entries[0].write_bytes(b"CDC1" + bytes(16) + b"not a pickle")
    assert run(runner, "agreements", mini, "--format", "json").stdout == expected

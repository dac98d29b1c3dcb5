"""Hostile and broken input as a user meets it: through the command line, end to end.

The loader's own cases live in ``test_validate.py``; this file checks what reaches
the user. Each ``tests/data/catalogue/<case>/`` holds a small corpus (a copy of
``tests/data/mini`` with one thing broken) in ``corpus/`` and, in ``expect.yaml``,
the exact output and exit code of ``claimdiff validate`` and ``claimdiff
contradictions`` run from the case's parent directory. Cases that cannot be
committed (50 MB, symlinks, a file the loader may not open) name a generator
instead, and the test builds them in a temporary directory.

Every expected line was checked by hand against the documentation
(``docs/validation.md``, the README's "Errors and exit codes"): the right code, at
the right line and column, in words a curator can act on. A case whose documented
behaviour claimdiff does not have yet states that behaviour and carries
``xfail: "BUG: ..."``. What a successful comparison finds is the engine's
business and is not checked here.
"""

from __future__ import annotations

import builtins
import errno
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from claimdiff.cli import cli

TESTS = Path(__file__).resolve().parent
MINI = TESTS / "data" / "mini"
CATALOGUE = TESTS / "data" / "catalogue"

# Rich's own styling: Select Graphic Rendition only, never anything else.
SGR = re.compile(r"\x1b\[[0-9;]*m")
# What must never reach a terminal raw: C0 (but newline), DEL, C1, bidi controls.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the user's parse cache; keep it out of every corpus."""
    monkeypatch.setenv("CLAIMDIFF_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NO_COLOR", raising=False)


def invoke(args: Sequence[str], env: dict[str, str] | None = None) -> Result:
    """Run the CLI in-process; a Python exception escaping it fails the test with its traceback."""
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        shown = "".join(traceback.format_exception(*result.exc_info))
        pytest.fail(f"claimdiff {' '.join(map(str, args))} raised instead of reporting:\n{shown}")
    assert "Traceback" not in result.output
    return result


def run_subprocess(
    args: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """``python -m claimdiff ARGS`` with stdout and stderr piped (so: not a terminal)."""
    full_env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "claimdiff", *map(str, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        timeout=timeout,
        preexec_fn=preexec_fn,
        check=False,
    )


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under ``root`` (hidden ones too) with its content hash or link target."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                out[rel] = "link -> " + os.readlink(path)
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = "dir"
            elif stat.S_ISREG(st.st_mode):
                digest = hashlib.sha256()
                with path.open("rb") as fh:  # not builtins.open, which a test may deny
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(block)
                out[rel] = digest.hexdigest()
            else:
                out[rel] = f"special {stat.S_IFMT(st.st_mode)}"
    return out


# --------------------------------------------------------------------------- generated cases

Generator = Callable[[Path, pytest.MonkeyPatch], None]
GENERATORS: dict[str, Generator] = {}


def generator(name: str) -> Callable[[Generator], Generator]:
    def register(fn: Generator) -> Generator:
        GENERATORS[name] = fn
        return fn

    return register


@generator("fifty-megabytes")
def _fifty_megabytes(corpus: Path, mp: pytest.MonkeyPatch) -> None:
    with open(corpus / "beta.yaml", "r+b") as fh:
        fh.truncate(50 * 1024 * 1024)


@generator("deep-nesting")
def _deep_nesting(corpus: Path, mp: pytest.MonkeyPatch) -> None:
    depth = 10_000
    (corpus / "beta.yaml").write_bytes(
        b"article:\n  title: Deep\nclaims:\n  - id: deep\n    did: nested\n    who: "
        + b"[" * depth
        + b"Russia"
        + b"]" * depth
        + b"\n"
    )


def billion_laughs() -> bytes:
    """The classic bomb: ten levels of ten aliases, 10^9 'lol' once expanded."""
    levels = ["&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return (
        "article:\n  title: Billion laughs\nclaims:\n  - id: lol\n    did: laughed\n    who:\n"
        + "".join(f"      - {level}\n" for level in levels)
    ).encode()


def quadratic_laughs(n: int = 3000) -> bytes:
    """Aliases that *are* expanded: n copies of a claim naming n actors (9 million values)."""
    return (
        "article:\n  title: Quadratic laughs\nclaims:\n  - &c\n    id: lol\n    did: laughed\n"
        "    who: [" + ", ".join(["lol"] * n) + "]\n" + "  - *c\n" * n
    ).encode()


@generator("billion-laughs")
def _billion_laughs(corpus: Path, mp: pytest.MonkeyPatch) -> None:
    (corpus / "gamma.yaml").write_bytes(billion_laughs())


@generator("alias-bomb")
def _alias_bomb(corpus: Path, mp: pytest.MonkeyPatch) -> None:
    (corpus / "gamma.yaml").write_bytes(quadratic_laughs())


@generator("binary")
def _binary(corpus: Path, mp: pytest.MonkeyPatch) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    (corpus / "beta.yaml").write_bytes(png)


@generator("unreadable")
def _unreadable(corpus: Path, mp: pytest.MonkeyPatch) -> None:
    # Tests run as root, where chmod 000 still reads: refuse the open itself.
    real_open = builtins.open
    locked = str(corpus / "beta.yaml")

    def deny(file: Any, *args: Any, **kwargs: Any) -> Any:
        if os.path.abspath(str(file)) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    mp.setattr(builtins, "open", deny)
    real_os_open = os.open

    def deny_fd(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if os.path.abspath(str(path)) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_os_open(path, flags, *args, **kwargs)

    mp.setattr(os, "open", deny_fd)


@generator("symlink-loop")
def _symlink_loop(corpus: Path, mp: pytest.MonkeyPatch) -> None:
    (corpus / "sub").mkdir()
    os.symlink("..", corpus / "sub" / "up")
    os.symlink(".", corpus / "here")


@generator("text-symlink-outside")
def _text_symlink_outside(corpus: Path, mp: pytest.MonkeyPatch) -> None:
    outside = corpus.parent / "outside.txt"
    shutil.move(corpus / "texts" / "beta.txt", outside)
    os.symlink(outside, corpus / "texts" / "beta.txt")


@generator("claim-symlink-outside")
def _claim_symlink_outside(corpus: Path, mp: pytest.MonkeyPatch) -> None:
    outside = corpus.parent / "beta-elsewhere.yaml"
    shutil.move(corpus / "beta.yaml", outside)
    os.symlink(outside, corpus / "beta.yaml")


@generator("broken-symlink")
def _broken_symlink(corpus: Path, mp: pytest.MonkeyPatch) -> None:
    os.symlink("moved-away.yaml", corpus / "gamma.yaml")


@generator("non-utf8-name")
def _non_utf8_name(corpus: Path, mp: pytest.MonkeyPatch) -> None:
    # A file from an old Latin-1 archive: "café.yaml" with é as the byte 0xe9.
    name = os.fsencode(corpus) + b"/caf\xe9.yaml"
    try:
        with open(name, "wb") as fh:
            fh.write((corpus / "beta.yaml").read_bytes().replace(b"beta", b"cafe"))
    except OSError:
        pytest.skip("this file system only takes UTF-8 file names")


# --------------------------------------------------------------------------- the catalogue


def _catalogue() -> list[Any]:
    params = []
    for case in sorted(p for p in CATALOGUE.iterdir() if (p / "expect.yaml").exists()):
        spec = yaml.safe_load((case / "expect.yaml").read_text("utf-8"))
        marks = [pytest.mark.xfail(strict=True, reason=spec["xfail"])] if "xfail" in spec else []
        params.append(pytest.param(case.name, id=case.name, marks=marks))
    return params


def build_case(case: str, tmp_path: Path, mp: pytest.MonkeyPatch) -> tuple[Path, dict[str, Any]]:
    """The case's corpus at ``tmp_path/corpus`` and its expectations."""
    spec: dict[str, Any] = yaml.safe_load((CATALOGUE / case / "expect.yaml").read_text("utf-8"))
    corpus = tmp_path / "corpus"
    if "generate" in spec:
        shutil.copytree(MINI, corpus)
        GENERATORS[spec["generate"]](corpus, mp)
    else:
        shutil.copytree(CATALOGUE / case / "corpus", corpus, symlinks=True)
    return corpus, spec


def test_catalogue_is_complete() -> None:
    """Every directory is a case, every case is either committed or generated, never both."""
    names = sorted(p.name for p in CATALOGUE.iterdir())
    assert names == sorted(p.values[0] for p in _catalogue())
    generated = set()
    for name in names:
        spec = yaml.safe_load((CATALOGUE / name / "expect.yaml").read_text("utf-8"))
        assert spec.keys() >= {"about", "validate", "contradictions"}, name
        assert ("generate" in spec) != (CATALOGUE / name / "corpus").is_dir(), name
        if "generate" in spec:
            generated.add(spec["generate"])
    assert generated == set(GENERATORS)


@pytest.mark.parametrize("case", _catalogue())
def test_catalogue_case(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, spec = build_case(case, tmp_path, monkeypatch)
    before = snapshot(corpus)
    monkeypatch.chdir(tmp_path)
    for command in ("validate", "contradictions"):
        expected = spec[command]
        result = invoke([command, "corpus", *expected.get("args", [])])
        assert (result.exit_code, result.stderr) == (
            expected["exit"],
            expected.get("stderr", ""),
        ), f"claimdiff {command} corpus"
        if "stdout" in expected or command == "validate" or expected["exit"] != 0:
            assert result.stdout == expected.get("stdout", ""), f"claimdiff {command} corpus"
    if "claims_json" in spec or "articles_json" in spec:
        result = invoke(["claims", "corpus", "--format", "json"])
        assert (result.exit_code, result.stderr) == (0, "")
        articles = {a["id"]: a for a in json.loads(result.stdout)["articles"]}
        claims = {c["ref"]: c for a in articles.values() for c in a["claims"]}
        for shown, wanted in (
            (articles, spec.get("articles_json", {})),
            (claims, spec.get("claims_json", {})),
        ):
            for key, fields in wanted.items():
                assert {k: shown[key][k] for k in fields} == fields, key
    assert snapshot(corpus) == before


# --------------------------------------------------------------------------- bombs and hangs


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    one_gb = 1 << 30
    resource.setrlimit(resource.RLIMIT_AS, (one_gb, one_gb))


@pytest.mark.parametrize(
    ("bomb", "code"),
    [(billion_laughs(), "wrong-type"), (quadratic_laughs(), "alias-bomb")],
    ids=["billion-laughs", "quadratic"],
)
def test_alias_bombs_finish_within_bounded_memory(tmp_path: Path, bomb: bytes, code: str) -> None:
    """A real process, limited to 1 GB of address space, rejects each bomb and exits 1."""
    corpus = tmp_path / "corpus"
    shutil.copytree(MINI, corpus)
    (corpus / "gamma.yaml").write_bytes(bomb)
    for command in ("validate", "contradictions"):
        # The timeout only guards against a hang; it is far above the time needed.
        done = run_subprocess([command, "corpus"], cwd=tmp_path, preexec_fn=_limit_memory)
        shown = done.stdout if command == "validate" else done.stderr
        assert done.returncode == 1, done.stderr.decode(errors="replace")
        assert b"Traceback" not in done.stderr and b"MemoryError" not in done.stderr
        lines = shown.decode().splitlines()
        assert lines and all(f"[{code}]" in ln for ln in lines if ln.startswith("corpus/"))
        assert any(ln.startswith("corpus/gamma.yaml:") for ln in lines)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_in_the_corpus_does_not_hang(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(MINI, corpus)
    os.mkfifo(corpus / "gamma.yaml")
    try:
        done = run_subprocess(["validate", "corpus"], cwd=tmp_path, timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("claimdiff validate hung on a named pipe")
    assert done.returncode == 1
    assert re.fullmatch(rb"corpus/gamma\.yaml:1:1: error \[unreadable\] [^\n]+\n", done.stdout), (
        done.stdout
    )


def test_a_problem_is_listed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(MINI, corpus)
    (corpus / "gamma.yaml").write_text(
        "article:\n  title: Aliases\nclaims:\n"
        "  - id: a\n    did: laughed\n    who: [&pair [x, y]]\n"
        "  - id: b\n    did: laughed\n    who: [*pair, *pair, *pair]\n",
        "utf-8",
    )
    monkeypatch.chdir(tmp_path)
    lines = invoke(["validate", "corpus"]).stdout.splitlines()
    assert lines, "the nested lists must be reported"
    assert len(lines) == len(set(lines)), lines


# --------------------------------------------------------------------------- one broken file


COMPARING = ("claims", "contradictions", "agreements", "table", "matrix", "timeline")


@pytest.fixture
def three_broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """mini's two valid articles plus three files broken in three different ways."""
    corpus = tmp_path / "corpus"
    shutil.copytree(MINI, corpus)
    (corpus / "gamma.yaml").write_text("article: [unclosed\nclaims: []\n", "utf-8")
    (corpus / "delta.yaml").write_text(
        "article:\n  title: Two bad claims\nclaims:\n"
        "  - id: one\n    who: Russia\n"
        "  - id: two\n    who: Armenia\n    did: left\n    wen: 2020\n",
        "utf-8",
    )
    (corpus / "epsilon.yaml").write_bytes(
        b"article:\n  title: D\xe9j\xe0 vu\nclaims:\n  - {id: c, who: France, did: shrugged}\n"
    )
    monkeypatch.chdir(tmp_path)
    return corpus


def _validate_lines() -> list[str]:
    result = invoke(["validate", "corpus"])
    assert result.exit_code == 1
    return result.stdout.splitlines()


def test_validate_lists_every_problem_of_every_broken_file(three_broken: Path) -> None:
    lines = _validate_lines()
    assert [(ln.split(":")[0], ln.split("[")[1].split("]")[0]) for ln in lines] == [
        ("corpus/delta.yaml", "missing-field"),
        ("corpus/delta.yaml", "unknown-key"),
        ("corpus/epsilon.yaml", "encoding"),
        ("corpus/gamma.yaml", "yaml-syntax"),
    ]


@pytest.mark.parametrize("command", [*COMPARING, "explain"])
def test_one_broken_file_never_hides_the_others(three_broken: Path, command: str) -> None:
    expected = _validate_lines()
    args = (
        ["explain", "alpha#support", "beta#neutral", "--corpus", "corpus"]
        if command == "explain"
        else [command, "corpus"]
    )
    result = invoke(args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        *expected,
        f"claimdiff: {len(expected)} errors in the corpus (nothing compared; see above)",
    ]


@pytest.mark.parametrize("command", COMPARING)
def test_skip_invalid_goes_on_and_names_what_it_skipped(three_broken: Path, command: str) -> None:
    expected = _validate_lines()
    result = invoke([command, "corpus", "--skip-invalid", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        *expected,
        "WARNING: skipped corpus/delta.yaml (2 error(s), 2 claim(s) not compared)",
        "WARNING: skipped corpus/epsilon.yaml (1 error(s), 0 claim(s) not compared)",
        "WARNING: skipped corpus/gamma.yaml (1 error(s), 0 claim(s) not compared)",
        "WARNING: --skip-invalid left out 3 file(s) holding 2 claim(s); results are incomplete.",
    ]
    doc = json.loads(result.stdout)
    refs = re.findall(r'"((?:alpha|beta|gamma|delta|epsilon)#[a-z-]+)"', result.stdout)
    assert {ref.split("#")[0] for ref in refs} <= {"alpha", "beta"}
    if command == "claims":
        assert [a["id"] for a in doc["articles"]] == ["alpha", "beta"]


def test_skip_invalid_counts_what_the_walk_could_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose name is not UTF-8 is never parsed: it is in the skipped summary too."""
    corpus = tmp_path / "corpus"
    shutil.copytree(MINI, corpus)
    _non_utf8_name(corpus, monkeypatch)
    monkeypatch.chdir(tmp_path)
    result = invoke(["contradictions", "corpus", "--skip-invalid", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("corpus/caf\\xe9.yaml:1:1: error [encoding]")
    assert lines[1:] == [
        "WARNING: skipped corpus/caf\\xe9.yaml (1 error(s), 0 claim(s) not compared)",
        "WARNING: --skip-invalid left out 1 file(s) holding 0 claim(s); results are incomplete.",
    ]


def test_skip_invalid_warning_is_loud_in_colour(three_broken: Path) -> None:
    result = invoke(["--color", "always", "contradictions", "corpus", "--skip-invalid"])
    assert result.exit_code == 0
    warning = next(ln for ln in result.stderr.splitlines() if "skipped corpus/delta.yaml" in ln)
    assert SGR.search(warning), "the skipped-file warning must stand out (bold yellow)"


# --------------------------------------------------------------------------- terminal safety

# Double-quoted YAML escapes: the loaded values hold the raw control characters.
EVIL_YAML = r"""article:
  id: evil
  title: "Evil [bold]title[/bold] \e[31mRED \u202eTITLE"
  outlet: "[link=http://x]Outlet[/link] \e]8;;http://x\aLINK\e]8;;\a"
  published: 2020-12-05
claims:
  - id: neutral
    who: Russia
    did: remained neutral
    whom: Armenia
    said_by: "[bold]Speaker[/bold] \x9b31m C1 \x85 NEL \x07 BEL"
    quote: "Quote [link=http://x]y[/link] \e[31mQRED \u202eQBIDI"
  - id: ceasefire
    who: Vladimir Putin
    did: brokered a ceasefire
    whom: [Armenia, Azerbaijan]
    when: November 2020
    quote: "[bold]ceasefire quote[/bold] \e[1mBOLD"
  - id: hostile
    who: "[bold]Actor[/bold] \e[31mARED"
    did: "[link=http://x]acted[/link] \e]8;;http://x\aDIDLINK\e]8;;\a \u202eDBIDI"
    whom: "\e[2J\e[H cleared \0 NUL \x7f DEL"
    where: "[red]Where[/red]"
    when: 2020-10
"""

# Raw sequences from the data above (SGR ones with the data's text, since Rich
# writes SGR itself); none may reach the output.
DATA_SEQUENCES = (
    "\x1b[31mRED",
    "\x1b[31mQRED",
    "\x1b[31mARED",
    "\x1b[31mmaybe",
    "\x1b[1mBOLD",
    "\x1b]8;;",
    "\x1b[2J",
    "\x1b[H",
    "\x07",
    "\x9b",
)

# command line -> markup from the data that the view must show literally
VIEWS: dict[str, tuple[list[str], tuple[str, ...]]] = {
    "claims": (
        ["claims", "corpus"],
        ("[bold]title[/bold]", "[link=http://x]Outlet[/link]", "[bold]Speaker[/bold]"),
    ),
    "contradictions": (["contradictions", "corpus"], ("[link=http://x]Outlet[/link]",)),
    "agreements": (["agreements", "corpus"], ("Quote [link=http://x]y[/link]",)),
    "table": (["table", "corpus"], ("[bold]Actor[/bold]",)),
    "timeline": (["timeline", "corpus"], ("[bold]Actor[/bold]",)),
    "explain": (
        ["explain", "evil#hostile", "beta#neutral", "--corpus", "corpus"],
        ("[bold]Actor[/bold]",),
    ),
}


@pytest.fixture
def evil(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(MINI, corpus)
    (corpus / "evil.yaml").write_text(EVIL_YAML, "utf-8")
    monkeypatch.chdir(tmp_path)
    return corpus


def assert_terminal_safe(output: str, *, colour: bool) -> str:
    """No control character of the data in ``output``; returns it without Rich's colours."""
    for seq in DATA_SEQUENCES:
        assert seq not in output, f"raw {seq!r} from the data reached the terminal"
    plain = SGR.sub("", output)
    assert (plain != output) is colour, "colour expected" if colour else "no colour expected"
    raw = RAW_CONTROL.search(plain)
    assert raw is None, f"raw control {raw.group()!r} in the output" if raw else ""
    return plain


def test_evil_corpus_is_valid(evil: Path) -> None:
    """The hostile values are legal data: claimdiff must show them, not refuse them."""
    assert invoke(["validate", "corpus"]).exit_code == 0


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_markup_and_controls_are_shown_literally(evil: Path, view: str) -> None:
    args, markup = VIEWS[view]
    result = invoke(["--color", "always", *args], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.stderr
    plain = assert_terminal_safe(result.stdout, colour=True)
    for literal in markup:
        assert literal in plain, f"{literal!r} not shown literally by {view}"
    assert "\\x1b[31m" in plain or "\\x1b]8;;" in plain, "the escapes must be visible as text"


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize(
    ("flags", "env"),
    [([], {"NO_COLOR": "1"}), (["--color", "never"], {}), (["--color", "auto"], {})],
    ids=["NO_COLOR", "never", "auto-not-a-tty"],
)
def test_no_colour_means_no_escape_at_all(
    evil: Path, view: str, flags: list[str], env: dict[str, str]
) -> None:
    args, markup = VIEWS[view]
    result = invoke([*flags, *args], env={"COLUMNS": "400", **env})
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    assert_terminal_safe(result.stdout, colour=False)
    assert all(literal in result.stdout for literal in markup)


@pytest.mark.parametrize("view", ["claims", "contradictions", "table"])
def test_piped_output_in_a_real_process(evil: Path, view: str) -> None:
    args, markup = VIEWS[view]
    plain = run_subprocess(args, cwd=evil.parent, env={"COLUMNS": "400"})
    assert plain.returncode == 0, plain.stderr
    assert b"\x1b" not in plain.stdout and plain.stderr == b""
    forced = run_subprocess(["--color", "always", *args], cwd=evil.parent, env={"COLUMNS": "400"})
    assert forced.returncode == 0
    shown = assert_terminal_safe(forced.stdout.decode(), colour=True)
    assert all(literal in shown for literal in markup)


@pytest.mark.parametrize("command", ["validate", "contradictions"])
def test_problem_lines_are_terminal_safe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(MINI, corpus)
    (corpus / "gamma.yaml").write_text(
        "article:\n  title: T\nclaims:\n  - id: c\n    who: a\n    did: b\n"
        '    "wh\\e]8;;http://x\\aom": x\n    negated: "\\e[31mmaybe"\n',
        "utf-8",
    )
    (corpus / "x\x1b[2J\u202e.yaml").write_text("claims: {}\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke([command, "corpus"])
    assert result.exit_code == 1
    assert result.output.count("\n") >= 4, result.output
    assert_terminal_safe(result.output, colour=False)


# --------------------------------------------------------------------------- never lose data

EXPORTS: dict[str, tuple[str, ...]] = {
    "claims": ("json", "csv", "markdown"),
    "contradictions": ("json", "markdown", "csv", "html"),
    "agreements": ("json", "markdown", "csv", "html"),
    "table": ("csv", "tsv", "json", "markdown", "html"),
    "matrix": ("csv", "tsv", "json", "markdown", "html"),
    "timeline": ("csv", "tsv", "json", "markdown", "html"),
}
SUFFIX = {"json": "json", "csv": "csv", "tsv": "tsv", "markdown": "md", "html": "html"}


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path`` as the working directory, holding a copy of mini at ``corpus``."""
    shutil.copytree(MINI, tmp_path / "corpus")
    (tmp_path / "corpus" / "decisions.yaml").write_text(
        "different:\n  - [alpha#ceasefire, beta#neutral]\n", "utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _every_invocation(command: str) -> list[list[str]]:
    if command in EXPORTS:
        runs = [[command, "corpus"], [command, "corpus", "--skip-invalid", "--no-cache"]]
        for fmt in EXPORTS[command]:
            runs.append([command, "corpus", "--format", fmt])
            # claims does not infer the format from -o (see test_claims_infers_...).
            explicit = ["--format", fmt] if command == "claims" else []
            runs.append([command, "corpus", *explicit, "-o", f"out/{command}.{SUFFIX[fmt]}"])
        return runs
    return {
        "validate": [
            ["validate", "corpus"],
            ["validate", "corpus", "--strict", "--format", "json"],
            ["validate", "corpus", "--no-cache"],
        ],
        "explain": [
            ["explain", "alpha#support", "beta#neutral", "--corpus", "corpus"],
            ["explain", "alpha#support", "beta#neutral", "--corpus", "corpus", "--format", "json"],
        ],
        "locate": [["locate", "alpha", "kremlin supported armenia", "--corpus", "corpus"]],
        "schema": [["schema"], ["schema", "-o", "out/schema.json"]],
        "cache": [["cache", "dir"], ["cache", "info", "--format", "json"], ["cache", "clear"]],
    }[command]


def test_every_reading_command_is_covered() -> None:
    covered = {*EXPORTS, "validate", "explain", "locate", "schema", "cache"}
    assert covered | {"new"} == set(cli.commands), "a new command needs a never-lose-data test"


@pytest.mark.parametrize(
    "command", [*EXPORTS, "validate", "explain", "locate", "schema", "cache"], ids=str
)
def test_no_command_writes_to_the_corpus(workspace: Path, command: str) -> None:
    (workspace / "out").mkdir()
    before = snapshot(workspace / "corpus")
    for args in _every_invocation(command):
        result = invoke(args)
        assert result.exit_code == 0, (args, result.stderr)
    assert snapshot(workspace / "corpus") == before
    assert sorted(p.name for p in workspace.iterdir()) in (
        ["corpus", "out"],
        ["cache", "corpus", "out"],
    )
    written = sorted(p.name for p in (workspace / "out").iterdir())
    assert not [name for name in written if name.endswith(".tmp")]


def test_claims_infers_the_format_from_o(workspace: Path) -> None:
    result = invoke(["claims", "corpus", "-o", "claims.json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads((workspace / "claims.json").read_text("utf-8"))["kind"] == "claimdiff.claims"


def _into_the_corpus(workspace: Path) -> dict[str, str]:
    os.symlink(workspace / "corpus", workspace / "link")
    return {
        "new-file": "corpus/out.csv",
        "claim-file": "corpus/alpha.yaml",
        "article-text": "corpus/texts/alpha.txt",
        "reserved-file": "corpus/aliases.yaml",
        "dot-dot": "corpus/texts/../out.csv",
        "absolute": str(workspace / "corpus" / "out.csv"),
        "through-a-symlink": "link/out.csv",
    }


@pytest.mark.parametrize("command", sorted(EXPORTS))
def test_output_into_the_corpus_is_refused(workspace: Path, command: str) -> None:
    before = snapshot(workspace / "corpus")
    for name, target in _into_the_corpus(workspace).items():
        result = invoke([command, "corpus", "--format", "csv", "-o", target])
        assert result.exit_code == 1, name
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert (
            line.startswith("claimdiff: error: refusing to write ") and "inside the corpus" in line
        )
    assert snapshot(workspace / "corpus") == before


def test_output_refused_from_inside_the_corpus_too(workspace: Path) -> None:
    os.chdir(workspace / "corpus")
    before = snapshot(Path("."))
    result = invoke(["table", ".", "-o", "table.csv"])
    assert result.exit_code == 1
    assert "inside the corpus" in result.stderr
    assert snapshot(Path(".")) == before


class _Interrupted:
    """A file handle that writes half of what it is given, then fails with ``error``."""

    def __init__(self, handle: Any, error: BaseException, seen: list[list[str]]) -> None:
        self.handle, self.error, self.seen = handle, error, seen

    def __enter__(self) -> _Interrupted:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, text: str) -> int:
        self.handle.write(text[: len(text) // 2])
        self.handle.flush()
        self.seen.append(sorted(os.listdir(".")))
        raise self.error

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)


def _interrupt_writes(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> list[list[str]]:
    import claimdiff.output

    seen: list[list[str]] = []
    real = os.fdopen

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        return _Interrupted(real(fd, *args, **kwargs), error, seen)

    monkeypatch.setattr(claimdiff.output.os, "fdopen", fdopen)
    return seen


def test_interrupted_write_keeps_the_old_file(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workspace / "table.csv").write_text("the previous table\n", "utf-8")
    seen = _interrupt_writes(monkeypatch, KeyboardInterrupt())
    result = invoke(["table", "corpus", "-o", "table.csv"])
    assert result.exit_code == 130
    assert result.stderr == "claimdiff: interrupted\n"
    [mid_write] = seen
    assert [n for n in mid_write if n.endswith(".tmp")], "the write was not interrupted midway"
    assert (workspace / "table.csv").read_text("utf-8") == "the previous table\n"
    assert sorted(os.listdir(workspace)) == sorted(n for n in mid_write if not n.endswith(".tmp"))


@pytest.mark.parametrize(
    "error",
    [OSError(errno.ENOSPC, "No space left on device"), PermissionError(errno.EACCES, "denied")],
    ids=["disk-full", "permission"],
)
def test_failed_write_is_one_line_and_keeps_the_old_file(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, error: OSError
) -> None:
    (workspace / "table.csv").write_text("the previous table\n", "utf-8")
    _interrupt_writes(monkeypatch, error)
    result = invoke(["table", "corpus", "-o", "table.csv"])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("claimdiff: error: ") and "table.csv" in line
    assert (workspace / "table.csv").read_text("utf-8") == "the previous table\n"
    assert not [n for n in os.listdir(workspace) if n.endswith(".tmp")]


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process")
def test_ctrl_c_on_watch_exits_130_with_one_line(workspace: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "claimdiff", "validate", "--watch", "--interval", "0.1", "corpus"],
        cwd=workspace,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the first report: it is watching now
        assert b"watching" in first, first
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130
    assert err == b"claimdiff: interrupted\n"
    assert b"Traceback" not in out

"""The command line: a thin click layer over the library.

Every command loads, computes a value with the library and hands it to a renderer
or an exporter. Errors from the library are turned into one line and an exit code
in exactly one place (:meth:`ClaimdiffGroup.invoke`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from claimdiff import __version__
from claimdiff.errors import ClaimdiffError, CorpusError, UsageError
from claimdiff.model import (
    FORMAT_VERSION,
    CompareOptions,
    ContradictionKind,
    Corpus,
    Problem,
    Report,
    Status,
)

if TYPE_CHECKING:
    from claimdiff.cache import Cache
    from claimdiff.load import LoadResult

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = """\b
Exit codes:
  0  success (validate: no errors; contradictions --check: none found)
  1  the corpus has errors, a reference or output is wrong,
     or contradictions --check found some
  2  usage error (unknown option, bad value)
  130 interrupted (Ctrl-C)
"""

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# --------------------------------------------------------------------------- plumbing


@dataclass
class Settings:
    color: str = "auto"


def _console(ctx: click.Context, *, stderr: bool = False) -> Any:
    """A Rich console honouring ``--color``, ``NO_COLOR`` and pipes."""
    from rich.console import Console

    settings = ctx.find_object(Settings) or Settings()
    kwargs: dict[str, Any] = {"stderr": stderr, "highlight": False, "emoji": False}
    if settings.color == "always":
        kwargs["force_terminal"] = True
    elif settings.color == "never":
        kwargs["no_color"] = True
        kwargs["color_system"] = None
    if "NO_COLOR" in os.environ and settings.color != "always":
        kwargs["no_color"] = True
    stream = sys.stderr if stderr else sys.stdout
    if not stream.isatty() and settings.color != "always":
        kwargs["color_system"] = None
        kwargs.setdefault("width", int(os.environ.get("COLUMNS", "120")))
    kwargs["file"] = stream
    return Console(**kwargs)


def _safe(line: str) -> str:
    from claimdiff.text import safe

    return safe(line)


class ClaimdiffGroup(click.Group):
    """The group that turns claimdiff's own errors into one line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CorpusError as exc:
            for problem in exc.problems:
                click.echo(_safe(str(problem)), err=True)
            click.echo(f"claimdiff: {exc.message} (nothing compared; see above)", err=True)
            ctx.exit(exc.exit_code)
        except ClaimdiffError as exc:
            click.echo(_safe(f"claimdiff: error: {exc}"), err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("claimdiff: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader went away (`claimdiff claims | head`): not an error of ours.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(1)
        finally:
            _trim_cache(ctx)


_CACHE_LIMIT = "claimdiff.cache-limit"


def _use_cache(ctx: click.Context, use: bool = True) -> bool:
    """Note that this run may write to the cache, so that it is trimmed at the end.

    Reads the size limit now: a bad ``CLAIMDIFF_CACHE_SIZE`` stops the command
    before any work, not after it.
    """
    if use:
        from claimdiff.cache import size_limit

        ctx.meta[_CACHE_LIMIT] = size_limit()
    return use


def _trim_cache(ctx: click.Context) -> None:
    """Keep the cache under its size limit after a run that may have written to it."""
    limit = ctx.meta.get(_CACHE_LIMIT)
    if limit is None:
        return
    from claimdiff.cache import Cache

    # A failure (the directory vanished, or is not ours to touch) costs only space.
    with contextlib.suppress(OSError):
        Cache().trim(limit)


def corpus_argument(func: F) -> F:
    func = click.option(
        "--skip-invalid",
        is_flag=True,
        help="Go on with the valid files when some have errors (warns what was skipped).",
    )(func)
    return corpus_only(func)


def corpus_only(func: F) -> F:
    """CORPUS and --no-cache, for commands that never skip files (validate)."""
    func = click.option(
        "--no-cache",
        is_flag=True,
        help="Do not read or write the parse cache (see CLAIMDIFF_CACHE_DIR).",
    )(func)
    return click.argument(
        "corpus",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default="claims",
        required=False,
    )(func)


def engine_options(func: F) -> F:
    defaults = CompareOptions()
    func = click.option(
        "--match-threshold",
        type=click.FloatRange(0, 1),
        default=defaults.match_threshold,
        show_default=True,
        help="Combined score above which two claims state the same thing.",
    )(func)
    func = click.option(
        "--actor-threshold",
        type=click.FloatRange(0, 100),
        default=defaults.actor_threshold,
        show_default=True,
        help="Fuzzy score (0-100) above which two actor names are one entity (if they "
        "differ like two spellings of one name, not like two lookalike names).",
    )(func)
    return func


def _options(kwargs: dict[str, Any]) -> CompareOptions:
    import dataclasses

    return dataclasses.replace(
        CompareOptions(),
        match_threshold=kwargs.pop("match_threshold"),
        actor_threshold=kwargs.pop("actor_threshold"),
    )


def _load_result(
    ctx: click.Context,
    corpus: Path,
    skip_invalid: bool,
    no_cache: bool,
    prefetched: Mapping[str, bytes] | None = None,
) -> LoadResult:
    """Load, print every problem on stderr, stop on errors unless --skip-invalid."""
    from claimdiff.load import LIBYAML, load_corpus

    if not LIBYAML:
        click.echo(
            "claimdiff: warning: libyaml not found: parsing with PyYAML's pure-Python "
            "loader, about 10x slower (install PyYAML with libyaml for speed)",
            err=True,
        )
    with _Progress(ctx, "reading claim files") as progress:
        result = load_corpus(
            corpus,
            use_cache=_use_cache(ctx, not no_cache),
            progress=progress.update,
            prefetched=prefetched,
        )
    errors = [p for p in result.problems if p.is_error]
    if errors and not skip_invalid:
        raise CorpusError(result.problems)
    _print_load_messages(ctx, *_load_messages(result))
    return result


def _load_messages(result: LoadResult) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a load prints on stderr: every problem, and the loud lines of --skip-invalid.

    Kept with a cached output and printed again when it is replayed.
    """
    problems = tuple(_safe(str(problem)) for problem in result.problems)
    if not result.skipped:
        return problems, ()
    total = sum(s.claims for s in result.skipped)
    loud = [
        _safe(
            f"WARNING: skipped {skipped.path} ({skipped.problems} error(s), "
            f"{skipped.claims} claim(s) not compared)"
        )
        for skipped in result.skipped
    ]
    loud.append(
        f"WARNING: --skip-invalid left out {len(result.skipped)} file(s) holding "
        f"{total} claim(s); results are incomplete."
    )
    return problems, tuple(loud)


def _print_load_messages(ctx: click.Context, problems: Sequence[str], loud: Sequence[str]) -> None:
    for line in problems:
        click.echo(line, err=True)
    if loud:
        from rich.text import Text

        err = _console(ctx, stderr=True)
        for line in loud:
            err.print(Text(line, style="bold yellow"))


class _Progress:
    """A progress bar on stderr for work that turns out to take more than a second.

    Nothing is drawn when stderr is not a terminal (pipes, CI logs), and nothing
    for quick runs: the bar appears only once a second has passed. Work that
    reports no steps (comparing) gets a spinner and the time elapsed, from a
    timer thread; the lock makes sure the timer and the work's own updates
    create one bar between them, and none after the work is done.
    """

    DELAY = 1.0

    def __init__(self, ctx: click.Context, label: str, *, when: bool = True) -> None:
        import time

        self._ctx = ctx
        self._label = _safe(label)
        self._started = time.monotonic()
        self._enabled = when and sys.stderr.isatty()
        self._bar: Any = None
        self._task: Any = None
        self._timer: Any = None
        self._closed = False
        self._lock: Any = None

    def __enter__(self) -> _Progress:
        if self._enabled:
            import threading

            self._lock = threading.Lock()
            self._timer = threading.Timer(self.DELAY, self.update, args=(0, 0))
            self._timer.daemon = True
            self._timer.start()
        return self

    def update(self, done: int, total: int) -> None:
        """``done`` steps of ``total`` (``0, 0``: steps unknown, just keep the spinner going)."""
        self._draw(done, total, f"{done}/{total}" if total else None)

    def note(self, text: str) -> None:
        """Show ``text`` where the count goes (e.g. how much has been written)."""
        self._draw(0, 0, text)

    def _draw(self, done: int, total: int, count: str | None) -> None:
        import time

        if not self._enabled or time.monotonic() - self._started < self.DELAY:
            return
        with self._lock:
            if self._closed:
                return
            if self._bar is None:
                from rich.progress import (
                    BarColumn,
                    Progress,
                    SpinnerColumn,
                    TextColumn,
                    TimeElapsedColumn,
                )

                self._bar = Progress(
                    SpinnerColumn(),
                    TextColumn(self._label, markup=False),
                    BarColumn(),
                    TextColumn("{task.fields[count]}"),  # empty until the work counts
                    TimeElapsedColumn(),
                    console=_console(self._ctx, stderr=True),
                    transient=True,
                )
                self._bar.start()
                self._task = self._bar.add_task(self._label, total=None, count="")
            if total:
                self._bar.update(self._task, completed=done, total=total, count=count)
            elif count is not None:
                self._bar.update(self._task, count=count)

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._lock is None:
            return
        with self._lock:
            self._closed = True
            if self._bar is not None:
                self._bar.stop()


def _compare(ctx: click.Context, corpus: Corpus, options: CompareOptions) -> Report:
    from claimdiff.compare import compare

    # The corpus is frozen (load_corpus), so compare freezes what it builds with
    # it: the collector never walks either again while the output is built.
    with _Progress(ctx, "comparing claims"):
        return compare(corpus, options)


@functools.cache
def _engine_version() -> str:
    """A digest of the code and data an output depends on beyond the loader.

    Read from the files without importing them (importing the engine is what a
    warm run avoids), so output cached by other code is never replayed.
    """
    import hashlib
    import importlib.util

    digest = hashlib.blake2b(digest_size=12)
    package = Path(__file__).resolve().parent
    for name in ("text", "normalize", "match", "compare", "query", "export", "render", "cli"):
        spec = importlib.util.find_spec(f"claimdiff.{name}")
        origin = spec.origin if spec is not None else None
        digest.update(Path(origin).read_bytes() if origin else name.encode())
    for data in sorted((package / "data").glob("*")):
        digest.update(data.read_bytes())
    from importlib.metadata import version

    # Scores come from rapidfuzz (and numpy's arrays), terminal output from Rich.
    for dist in ("rapidfuzz", "numpy", "rich"):
        digest.update(f"{dist} {version(dist)}".encode())
    return digest.hexdigest()


def _output_key(
    corpus: Path, files: dict[str, bytes], console: Any, *parts: str
) -> tuple[bytes, bytes]:
    """The corpus fingerprint (the bytes it read go to ``files``, for the load) and the
    cache key of an output made from that corpus by this code with ``parts`` (the
    command and its options) for ``console`` (its width and colours; ``None``: no
    terminal view)."""
    from claimdiff.cache import combine
    from claimdiff.load import corpus_fingerprint

    terminal = (console.width, str(console.color_system), console.no_color) if console else ()
    fingerprint = corpus_fingerprint(corpus, keep=files)
    key = combine([fingerprint], __version__, _engine_version(), *parts, repr(terminal))
    return fingerprint, key


def _compare_view(
    ctx: click.Context,
    view: str,
    corpus: Path,
    *,
    skip_invalid: bool,
    no_cache: bool,
    fmt: str | None,
    output: str,
    engine: dict[str, Any],
    select: Callable[[Report], Report],
    selection: Sequence[object],
    compare: bool = True,
) -> int:
    """Load, compare (unless ``compare`` is false: the claims view), narrow and show
    one view; returns how many contradictions it shows.

    When nothing changed since an earlier identical run (same bytes in every file,
    same options, same terminal), the output is replayed from the cache: a warm
    run costs reading and hashing the files, not parsing and comparing them.
    A corpus with problems is replayed with them (and with --skip-invalid's
    warnings), printed as the load printed them.
    """
    from claimdiff.cache import Cache

    options = _options(engine) if compare else CompareOptions()
    fmt = _resolve_format(fmt, output, EXPORT_FORMATS)
    # Rich is imported only for the terminal view: a replayed export never needs it.
    console = _console(ctx) if fmt == "table" else None
    cache = Cache.disabled() if no_cache else Cache()
    _use_cache(ctx, not no_cache)
    key = fingerprint = b""
    # The bytes the fingerprint hashed are the bytes parsed: the output is
    # cached under the key of exactly what produced it, and nothing is read twice.
    files: dict[str, bytes] = {}
    if not no_cache:
        fingerprint, key = _output_key(
            corpus,
            files,
            console,
            view,
            fmt,
            repr(options),
            repr(tuple(selection)),
            str(skip_invalid),
        )
        hit = cache.get("output", key)
        if isinstance(hit, tuple) and len(hit) == 4 and isinstance(hit[0], list):
            pieces, shown, problems, loud = hit
            _print_load_messages(ctx, problems, loud)  # what the load printed
            _replay(ctx, pieces, fmt, output, corpus)
            ctx.meta.pop(_CACHE_LIMIT, None)  # nothing was written: nothing to trim
            return int(shown)
    result = _load_result(ctx, corpus, skip_invalid, no_cache, files)
    files.clear()  # parsed now; 15 MB at 100k claims, better freed before comparing
    from claimdiff import export
    from claimdiff.query import empty_report

    # What the corpus alone decides (the matrix's size) is refused before comparing.
    export.check_size(export.View(view), empty_report(result.corpus))
    if compare:
        whole = _cached_compare(ctx, cache, fingerprint, result.corpus, options, skip_invalid)
    else:
        whole = empty_report(result.corpus)
    report = select(whole)
    chunks = _view_chunks(ctx, console, view, report, fmt, output)
    # What the load printed is kept with the output and printed again on a
    # replay: the fingerprint covers everything it comes from.
    pieces = _write_view(ctx, chunks, fmt, output, corpus, keep=not no_cache)
    if not no_cache and pieces is not None:
        shown = len(report.contradictions)
        cache.put("output", key, (pieces, shown, *_load_messages(result)))
    return len(report.contradictions)


def _cached_compare(
    ctx: click.Context,
    cache: Cache,
    fingerprint: bytes,
    corpus: Corpus,
    options: CompareOptions,
    skip_invalid: bool,
) -> Report:
    """:func:`_compare`, or its result from an earlier run of any view on the same corpus.

    A researcher looks at one corpus through several views (contradictions, then
    the table, then agreements); the comparison is the same for all of them, so
    it is cached under the corpus fingerprint, the engine's code and the options.
    Only what the comparison adds is stored (statements, agreements,
    contradictions: 20 MB at 100k claims, read back in 0.2 s); the corpus comes
    from the load, which the view needs anyway.
    """
    if not cache.enabled:
        return _compare(ctx, corpus, options)
    from claimdiff import __version__ as version
    from claimdiff.cache import combine

    key = combine(
        [fingerprint], version, _engine_version(), "report", repr(options), str(skip_invalid)
    )
    hit = cache.get("report", key)
    if isinstance(hit, tuple) and len(hit) == 4 and all(isinstance(x, tuple) for x in hit):
        statements, agreements, contradictions, groups = hit
        return Report(
            corpus=corpus,
            statements=statements,
            agreements=agreements,
            contradictions=contradictions,
            options=options,
            source_groups=groups,
        )
    report = _compare(ctx, corpus, options)
    cache.put(
        "report",
        key,
        (report.statements, report.agreements, report.contradictions, report.source_groups),
    )
    return report


CACHE_LIMIT = 256 * 2**20
"""Outputs larger than this (UTF-8 bytes) are written but not kept for the cache."""


def _emit(
    ctx: click.Context,
    text: str | Iterable[str],
    output: str,
    corpus_root: Path | None,
    *,
    keep: bool = False,
) -> list[bytes] | None:
    """Print to stdout for ``-o -``, else write atomically and say where on stderr.

    ``text`` may come in pieces, written as they come, so a large export is
    never held whole. With ``keep``, returns the pieces as UTF-8 (compact, for
    the cache) unless they add up to more than :data:`CACHE_LIMIT`.
    """
    from claimdiff.cache import format_size

    chunks: Iterable[str] = [text] if isinstance(text, str) else text
    kept: list[bytes] | None = [] if keep else None
    size = 0
    terminal = output == "-" and sys.stdout.isatty()
    # Large exports take a second or two; on a terminal the output shows progress itself.
    progress = _Progress(
        ctx, f"writing {output}" if output != "-" else "writing", when=not terminal
    )

    def tee() -> Iterator[str]:
        nonlocal kept, size
        written = 0
        with progress:
            for chunk in chunks:
                if kept is not None:
                    encoded = chunk.encode("utf-8")
                    size += len(encoded)
                    kept.append(encoded)
                    if size > CACHE_LIMIT:
                        kept = None
                yield chunk
                written += len(chunk)
                progress.note(format_size(written))

    if output == "-":
        for chunk in tee():
            if terminal:
                # On a terminal, control characters in the data must not drive it;
                # files and pipes get the data unchanged.
                from claimdiff.text import safe

                chunk = "\n".join(
                    "\t".join(safe(cell) for cell in line.rstrip("\r").split("\t"))
                    for line in chunk.split("\n")
                )
            click.echo(chunk, nl=False, color=True)
    else:
        _write_file(output, tee(), corpus_root)
    return kept


def _write_file(output: str, chunks: Iterable[str | bytes], corpus_root: Path | None) -> None:
    from claimdiff.output import check_output_path, write_atomic

    path = Path(output)
    check_output_path(path, corpus_root)
    write_atomic(path, chunks)
    click.echo(f"claimdiff: wrote {path}", err=True)


def _resolve_format(fmt: str | None, output: str, allowed: Sequence[str]) -> str:
    """``--format`` wins; else the ``-o`` file's extension; else the terminal table."""
    if fmt is not None:
        return fmt
    if output != "-":
        from claimdiff.export import format_from_path

        inferred = format_from_path(output)
        if inferred is None or inferred.value not in allowed:
            raise UsageError(
                f"cannot tell the format from '{output}'; pass --format "
                f"({'|'.join(a for a in allowed if a != 'table')})"
            )
        return inferred.value
    return "table"


def _replay(ctx: click.Context, pieces: list[bytes], fmt: str, output: str, corpus: Path) -> None:
    """Write a cached output: as the bytes it was, unless a terminal needs it made safe."""
    buffer = getattr(sys.stdout, "buffer", None)  # none when stdout is a bare text stream
    if output != "-":
        _write_file(output, pieces, corpus)
    elif fmt != "table" and buffer is not None and not sys.stdout.isatty():
        sys.stdout.flush()
        for piece in pieces:
            buffer.write(piece)
        buffer.flush()
    else:
        _write_view(ctx, (p.decode("utf-8") for p in pieces), fmt, output, corpus)


def _view_chunks(
    ctx: click.Context, console: Any, view: str, report: Report, fmt: str, output: str
) -> Iterator[str]:
    """The view as text pieces: an export, or the terminal table captured from Rich."""
    from claimdiff import export

    export.check_size(export.View(view), report)
    if fmt == "table":
        if output != "-":
            raise UsageError("the terminal table goes to stdout; use --format csv|json|... with -o")
        from claimdiff import render

        whole = getattr(render, f"render_{view}")
        parts = getattr(render, f"{view}_parts", None)
        if parts is not None:
            return _rendered_parts(console, parts(report), lambda: whole(report))
        return _laid_out(ctx, console, lambda: whole(report), f"laying out the {view}")
    return export.export_chunks(export.View(view), export.Format(fmt), report)


def _rendered(console: Any, renderable: Any) -> Iterator[str]:
    """A Rich renderable as text, a part at a time.

    A view is a ``Group`` of cards or tables, one per item; rendering them one
    by one lets a long view (thousands of cards take Rich tens of seconds)
    start to appear at once and never be held whole. The text is what printing
    the whole group would give.
    """
    from rich.console import Group

    parts = renderable.renderables if isinstance(renderable, Group) else [renderable]
    for part in parts:
        with console.capture() as capture:
            console.print(part)
        yield capture.get()


def _laid_out(
    ctx: click.Context, console: Any, build: Callable[[], Any], label: str
) -> Iterator[str]:
    """:func:`_rendered` of a view Rich lays out whole (one table: the timeline of
    100k claims takes it 15 s), with a spinner meanwhile; stopped before the text
    is written, so it never mixes with the view on the terminal."""
    with _Progress(ctx, label):
        pieces = list(_rendered(console, build()))
    yield from pieces


def _rendered_parts(
    console: Any, parts: Iterator[Any], render_whole: Callable[[], Any]
) -> Iterator[str]:
    """:func:`_rendered` of a view whose parts are built one at a time: the first card
    is printed as soon as it exists, not after all of them are built. A view with no
    parts is rendered whole (it says that there is nothing to show)."""
    first = next(parts, None)
    if first is None:
        yield from _rendered(console, render_whole())
        return
    yield from _rendered(console, first)
    for part in parts:
        yield from _rendered(console, part)


def _write_view(
    ctx: click.Context,
    text: str | Iterable[str],
    fmt: str,
    output: str,
    corpus: Path,
    *,
    keep: bool = False,
) -> list[bytes] | None:
    if fmt == "table":
        # Already rendered (and made terminal-safe) by Rich: written as it comes.
        pieces: list[bytes] = []
        for chunk in [text] if isinstance(text, str) else text:
            click.echo(chunk, nl=False, color=True)
            sys.stdout.flush()
            pieces.append(chunk.encode("utf-8"))
        return pieces
    return _emit(ctx, text, output, corpus, keep=keep)


def format_option(
    choices: Sequence[str], default: str | None = None, help_text: str | None = None
) -> Callable[[F], F]:
    """``--format``; the help says what 'table' is unless ``help_text`` says it all."""
    if help_text is None:
        help_text = "Output format; 'table' is the terminal view. " + (
            "Inferred from -o's extension when not given." if default is None else ""
        )
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=default is not None,
        help=help_text,
    )


def article_option(help_text: str) -> Callable[[F], F]:
    """``--article ID`` (repeatable), as every listing command takes it."""
    return click.option("--article", "articles", multiple=True, metavar="ID", help=help_text)


output_option = click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    metavar="FILE",
    help="Write to FILE (atomically; never inside the corpus). '-' is stdout.",
)

EXPORT_FORMATS = ("table", "csv", "tsv", "json", "markdown", "html")


# --------------------------------------------------------------------------- commands


@click.group(cls=ClaimdiffGroup, context_settings=CONTEXT, epilog=EXIT_CODES)
@click.version_option(__version__, "-V", "--version", prog_name="claimdiff")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour in terminal output. NO_COLOR in the environment means never; "
    "piped output is always plain.",
)
@click.pass_context
def cli(ctx: click.Context, color: str) -> None:
    """Compare what different articles claim.

    Each article is a YAML claim file in a corpus directory (default ./claims).
    claimdiff validates them, matches claims across articles and reports where
    the sources agree and where they contradict each other.
    """
    ctx.obj = Settings(color=color)


@cli.command(epilog=EXIT_CODES)
@corpus_only
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@format_option(
    ["text", "json"], default="text", help_text="'text': one problem per line; 'json': for tools."
)
@click.option("--watch", is_flag=True, help="Re-validate on every save and show what changed.")
@click.option(
    "--interval",
    type=click.FloatRange(0.05, 60),
    default=0.5,
    show_default=True,
    help="With --watch: seconds between checks for changes (longer for a large "
    "corpus, so that looking takes at most 5% of a core).",
)
@click.pass_context
def validate(
    ctx: click.Context,
    corpus: Path,
    no_cache: bool,
    strict: bool,
    fmt: str,
    watch: bool,
    interval: float,
) -> None:
    """Check every claim file of CORPUS and list every problem, sorted.

    Problems are printed one per line as FILE:LINE:COL: SEVERITY [CODE] MESSAGE.
    Errors exit 1; warnings alone exit 0 unless --strict.
    """
    from claimdiff.load import load_corpus

    if watch:
        from claimdiff.watch import watch_corpus

        watch_corpus(
            corpus,
            interval=interval,
            use_cache=_use_cache(ctx, not no_cache),
            echo=lambda line: click.echo(_safe(line)),
            loading=lambda: _Progress(ctx, "reading claim files"),
        )
        return
    # A repeated check of an unchanged corpus (a pre-commit hook) replays its
    # result: hashing 10,000 files is a tenth of reading them back from the cache.
    cache: Cache | None = None
    key = b""
    files: dict[str, bytes] = {}
    if _use_cache(ctx, not no_cache):
        from claimdiff.cache import Cache

        cache = Cache()
        _, key = _output_key(corpus, files, None, "validate", fmt)
        hit = cache.get("output", key)
        if isinstance(hit, tuple) and len(hit) == 4 and isinstance(hit[0], str):
            out, err, n_err, n_warn = hit
            ctx.meta.pop(_CACHE_LIMIT, None)  # nothing to write, nothing to trim
            _finish_validate(ctx, out, err, int(n_err), int(n_warn), strict)
            return
    with _Progress(ctx, "reading claim files") as progress:
        result = load_corpus(
            corpus, use_cache=cache is not None, progress=progress.update, prefetched=files
        )
    files.clear()
    problems = sorted(result.problems)
    n_err = sum(1 for p in problems if p.is_error)
    n_warn = len(problems) - n_err
    n_claims = len(result.corpus.claims()) + sum(s.claims for s in result.skipped)
    n_files = len(result.corpus.articles) + len(result.skipped)
    if fmt == "json":
        doc = {
            "format": FORMAT_VERSION,
            "kind": "claimdiff.problems",
            "corpus": str(corpus),
            "summary": {
                "files": n_files,
                "claims": n_claims,
                "errors": n_err,
                "warnings": n_warn,
            },
            "problems": [_problem_json(p) for p in problems],
        }
        out, err = json.dumps(doc, ensure_ascii=False, indent=2) + "\n", ""
    else:
        out = "".join(_safe(str(problem)) + "\n" for problem in problems)
        err = (
            f"{_safe(str(corpus))}: {n_files} file(s), {n_claims} claim(s): "
            f"{n_err} error(s), {n_warn} warning(s)\n"
        )
    if cache is not None:
        cache.put("output", key, (out, err, n_err, n_warn))
    _finish_validate(ctx, out, err, n_err, n_warn, strict)


def _finish_validate(
    ctx: click.Context, out: str, err: str, n_err: int, n_warn: int, strict: bool
) -> None:
    """Print validate's result (problems on stdout, the summary on stderr) and exit."""
    click.echo(out, nl=False)
    click.echo(err, nl=False, err=True)
    if n_err or (strict and n_warn):
        ctx.exit(1)


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "path": problem.path,
        "line": problem.line,
        "col": problem.col,
        "severity": problem.severity.value,
        "code": problem.code,
        "message": problem.message,
    }


@cli.command()
@output_option
@click.pass_context
def schema(ctx: click.Context, output: str) -> None:
    """Print the JSON Schema (draft 2020-12) of a claim file.

    Point your editor at it: claim files that start with
    '# yaml-language-server: $schema=PATH' are validated and autocompleted by
    editors using the YAML language server.
    """
    from claimdiff.schema import claim_file_schema

    text = json.dumps(claim_file_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    _emit(ctx, text, output, None)


@cli.command(epilog=EXIT_CODES)
@corpus_argument
@article_option("Only this article (repeatable).")
@click.option(
    "--who", metavar="TEXT", help="Only claims naming this actor (or one of its aliases)."
)
@format_option(EXPORT_FORMATS, default=None)
@output_option
@click.pass_context
def claims(
    ctx: click.Context,
    corpus: Path,
    skip_invalid: bool,
    no_cache: bool,
    articles: tuple[str, ...],
    who: str | None,
    fmt: str,
    output: str,
) -> None:
    """List the claims of each article: a table per article with title, outlet and date."""
    from claimdiff.query import empty_report, select_corpus

    _compare_view(
        ctx,
        "claims",
        corpus,
        skip_invalid=skip_invalid,
        no_cache=no_cache,
        fmt=fmt,
        output=output,
        engine={},
        select=lambda whole: empty_report(select_corpus(whole.corpus, articles, who)),
        selection=(articles, who),
        compare=False,
    )


@cli.command(epilog=EXIT_CODES)
@corpus_argument
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice([k.value for k in ContradictionKind]),
    help="Only this kind of contradiction (repeatable).",
)
@article_option("Only contradictions involving this article (repeatable).")
@format_option(EXPORT_FORMATS, default=None)
@output_option
@click.option("--check", is_flag=True, help="Exit 1 when any contradiction is shown (for CI).")
@engine_options
@click.pass_context
def contradictions(
    ctx: click.Context,
    /,
    corpus: Path,
    skip_invalid: bool,
    no_cache: bool,
    kinds: tuple[str, ...],
    articles: tuple[str, ...],
    fmt: str | None,
    output: str,
    check: bool,
    **kwargs: Any,
) -> None:
    """Show each contradiction side by side: articles, claims, quotes, kind, score and why."""
    from claimdiff.query import select_report

    wanted = [ContradictionKind(k) for k in kinds]
    shown = _compare_view(
        ctx,
        "contradictions",
        corpus,
        skip_invalid=skip_invalid,
        no_cache=no_cache,
        fmt=fmt,
        output=output,
        engine=kwargs,
        select=lambda report: select_report(report, articles=articles, kinds=wanted),
        selection=(articles, kinds),
    )
    if check and shown:
        ctx.exit(1)


@cli.command(epilog=EXIT_CODES)
@corpus_argument
@click.option(
    "--min-sources",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Only statements with at least N independent sources.",
)
@article_option("Only agreements involving this article (repeatable).")
@format_option(EXPORT_FORMATS, default=None)
@output_option
@engine_options
@click.pass_context
def agreements(
    ctx: click.Context,
    /,
    corpus: Path,
    skip_invalid: bool,
    no_cache: bool,
    min_sources: int,
    articles: tuple[str, ...],
    fmt: str | None,
    output: str,
    **kwargs: Any,
) -> None:
    """Show statements made by two or more articles, with their independent sources."""
    from claimdiff.query import select_report

    _compare_view(
        ctx,
        "agreements",
        corpus,
        skip_invalid=skip_invalid,
        no_cache=no_cache,
        fmt=fmt,
        output=output,
        engine=kwargs,
        select=lambda report: select_report(report, articles=articles, min_sources=min_sources),
        selection=(articles, min_sources),
    )


@cli.command(epilog=EXIT_CODES)
@click.argument("ref_a", metavar="REF")
@click.argument("ref_b", metavar="REF")
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default="claims",
    show_default=True,
    help="The corpus directory.",
)
@click.option("--no-cache", is_flag=True, help="Do not use the parse cache.")
@format_option(["table", "json"], default="table")
@engine_options
@click.pass_context
def explain(
    ctx: click.Context,
    /,
    ref_a: str,
    ref_b: str,
    corpus: Path,
    no_cache: bool,
    fmt: str,
    **kwargs: Any,
) -> None:
    """Explain how two claims (ARTICLE#CLAIM) compare and what decided the verdict.

    Shows per-field similarities, normalised forms, time intervals, the rule that
    decided, and what would change the verdict.
    """
    options = _options(kwargs)
    console = _console(ctx) if fmt != "json" else None
    # It compares the whole corpus to say what the engine decided (seconds at
    # scale), so asking again about the same pair of an unchanged corpus replays.
    cache: Cache | None = None
    key = b""
    files: dict[str, bytes] = {}
    if _use_cache(ctx, not no_cache):
        from claimdiff.cache import Cache

        cache = Cache()
        _, key = _output_key(corpus, files, console, "explain", ref_a, ref_b, fmt, repr(options))
        hit = cache.get("output", key)
        if isinstance(hit, tuple) and len(hit) == 3 and isinstance(hit[0], str):
            text, problems, loud = hit
            _print_load_messages(ctx, problems, loud)
            click.echo(text, nl=False, color=True)
            ctx.meta.pop(_CACHE_LIMIT, None)  # nothing was written: nothing to trim
            return
    result = _load_result(ctx, corpus, False, no_cache, files)
    files.clear()
    from claimdiff.compare import explain as explain_pair

    with _Progress(ctx, "comparing claims"):
        explanation = explain_pair(result.corpus, ref_a, ref_b, options)
    if console is None:
        from claimdiff.export import explanation_json

        text = explanation_json(explanation)
    else:
        from claimdiff.render import render_explanation

        with console.capture() as capture:
            console.print(render_explanation(explanation))
        text = capture.get()
    click.echo(text, nl=False, color=True)
    if cache is not None:
        cache.put("output", key, (text, *_load_messages(result)))


@cli.command(epilog=EXIT_CODES)
@corpus_argument
@format_option(EXPORT_FORMATS, default=None)
@output_option
@article_option("Only rows involving this article (repeatable).")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([s.value for s in Status]),
    help="Only rows with this status (repeatable).",
)
@engine_options
@click.pass_context
def table(
    ctx: click.Context,
    /,
    corpus: Path,
    skip_invalid: bool,
    no_cache: bool,
    fmt: str | None,
    output: str,
    articles: tuple[str, ...],
    statuses: tuple[str, ...],
    **kwargs: Any,
) -> None:
    """The comparison table: statements as rows, articles as columns.

    Each row gives the statement's who / did / whom / when, its status
    (corroborated by N sources, contradicted with kinds, unique) and what each
    article says. Exports: csv, tsv, json, markdown, html (one self-contained page).
    A table of more than 20 million cells (rows x articles) is refused: narrow it
    with --article or --status.
    """
    from claimdiff.query import select_report

    wanted = [Status(s) for s in statuses]
    _compare_view(
        ctx,
        "table",
        corpus,
        skip_invalid=skip_invalid,
        no_cache=no_cache,
        fmt=fmt,
        output=output,
        engine=kwargs,
        select=lambda report: select_report(report, articles=articles, statuses=wanted),
        selection=(articles, statuses),
    )


@cli.command(epilog=EXIT_CODES)
@corpus_argument
@format_option(EXPORT_FORMATS, default=None)
@output_option
@engine_options
@click.pass_context
def matrix(
    ctx: click.Context,
    /,
    corpus: Path,
    skip_invalid: bool,
    no_cache: bool,
    fmt: str | None,
    output: str,
    **kwargs: Any,
) -> None:
    """Article x article counts of agreements and contradictions.

    One cell per article pair: refused above 3,000 articles.
    """
    _compare_view(
        ctx,
        "matrix",
        corpus,
        skip_invalid=skip_invalid,
        no_cache=no_cache,
        fmt=fmt,
        output=output,
        engine=kwargs,
        select=lambda report: report,
        selection=(),
    )


@cli.command(epilog=EXIT_CODES)
@corpus_argument
@click.option("--who", metavar="TEXT", help="Only statements naming this actor (or an alias).")
@format_option(EXPORT_FORMATS, default=None)
@output_option
@engine_options
@click.pass_context
def timeline(
    ctx: click.Context,
    /,
    corpus: Path,
    skip_invalid: bool,
    no_cache: bool,
    who: str | None,
    fmt: str | None,
    output: str,
    **kwargs: Any,
) -> None:
    """Statements in time order, with their sources; marks where sources disagree on the date."""
    from claimdiff.query import select_report

    _compare_view(
        ctx,
        "timeline",
        corpus,
        skip_invalid=skip_invalid,
        no_cache=no_cache,
        fmt=fmt,
        output=output,
        engine=kwargs,
        select=lambda report: select_report(report, who=who),
        selection=(who,),
    )


@cli.command("new", epilog=EXIT_CODES)
@click.argument("text_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "article_id", metavar="ID", help="Article id (default: from the file name).")
@click.option("--title", metavar="T", help="Title (default: guessed from the text's first line).")
@click.option("--outlet", metavar="O", help="Publisher.")
@click.option("--published", metavar="DATE", help="Publication date, e.g. 2023-01-12.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Where to write the claim file (default: ID.yaml in the corpus).",
)
@click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default="claims",
    show_default=True,
    help="The corpus the article belongs to (the text must be inside it).",
)
def new(
    text_file: Path,
    article_id: str | None,
    title: str | None,
    outlet: str | None,
    published: str | None,
    output: Path | None,
    corpus: Path,
) -> None:
    """Start a claim file for the article in TEXT_FILE.

    Fills the metadata (title guessed from the text when not given), the schema
    line for editors, the text: path, and a commented example claim.
    Never overwrites an existing file.
    """
    from claimdiff.curate import new_claim_file, slugify, write_new
    from claimdiff.output import is_inside

    if not corpus.is_dir():
        raise UsageError(f"corpus directory {corpus} does not exist (create it or pass --corpus)")
    if not is_inside(text_file, corpus):
        raise UsageError(
            f"{text_file} is outside the corpus {corpus}: claim files may only cite texts "
            f"inside it; copy the text there first (e.g. {corpus}/texts/)"
        )
    target = output or corpus / f"{article_id or slugify(text_file.stem)}.yaml"
    made = new_claim_file(
        text_file, target, article_id=article_id, title=title, outlet=outlet, published=published
    )
    write_new(made)
    click.echo(f"claimdiff: wrote {made.path}", err=True)
    if made.schema is None:
        click.echo(
            "claimdiff: hint: run `claimdiff schema -o claim-file.schema.json` beside your "
            "corpus and add a `# yaml-language-server: $schema=...` line for editor help",
            err=True,
        )


@cli.command(epilog=EXIT_CODES)
@click.argument("article_id", metavar="ARTICLE")
@click.argument("words", nargs=-1, required=True)
@click.option(
    "--corpus",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default="claims",
    show_default=True,
    help="The corpus directory.",
)
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(1),
    default=3,
    show_default=True,
    help="At most N candidates.",
)
@format_option(["table", "json"], default="table")
@click.pass_context
def locate(
    ctx: click.Context,
    article_id: str,
    words: tuple[str, ...],
    corpus: Path,
    limit: int,
    fmt: str,
) -> None:
    """Find the verbatim span of ARTICLE's text that best matches WORDS.

    Prints the span with its line number and score, ready to paste as a quote;
    several candidates when they are close.
    """
    from claimdiff.curate import locate as locate_spans
    from claimdiff.load import load_corpus
    from claimdiff.query import check_articles

    with _Progress(ctx, "reading claim files") as progress:
        result = load_corpus(corpus, use_cache=_use_cache(ctx), progress=progress.update)
    candidates = {a.id: a for a in (*result.rejected, *result.corpus.articles)}
    if article_id not in candidates:
        check_articles(result.corpus, [article_id])
    article = candidates[article_id]
    spans = locate_spans(article, " ".join(words), limit=limit)
    if fmt == "json":
        doc = {
            "format": FORMAT_VERSION,
            "kind": "claimdiff.locate",
            "article": article_id,
            "text": article.text_path,
            "candidates": [
                {"line": s.line, "col": s.col, "score": s.score, "quote": s.text} for s in spans
            ],
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    if not spans:
        raise ClaimdiffError(f"nothing in {article_id}'s text resembles those words")
    for span in spans:
        click.echo(f"{article.text_path}:{span.line}:{span.col}  score {span.score:.0f}")
        click.echo(f"  quote: {json.dumps(span.text, ensure_ascii=False)}")


@cli.group("cache")
def cache_group() -> None:
    """Where claimdiff's cache is, what it holds, and emptying it.

    The cache keeps parsed claim files, comparisons and outputs by content, so
    repeated runs are fast. It lives in the user's cache directory
    (CLAIMDIFF_CACHE_DIR overrides it) and is kept under CLAIMDIFF_CACHE_SIZE
    (default 2G; K, M, G are powers of 1000, Ki, Mi, Gi of 1024) by deleting the
    least recently used entries after each run that wrote to it. Deleting it is
    always safe.
    """


@cache_group.command("dir")
def cache_dir_command() -> None:
    """Print the cache directory (it may not exist yet)."""
    from claimdiff.cache import cache_dir

    click.echo(str(cache_dir()))


@cache_group.command("info")
@format_option(
    ["text", "json"],
    default="text",
    help_text="'text': a line per kind of entry; 'json': for tools.",
)
def cache_info(fmt: str) -> None:
    """Entries and size per kind of entry, and the size limit."""
    from claimdiff.cache import Cache, format_size, size_limit

    limit = size_limit()
    usage = Cache().usage()
    if fmt == "json":
        doc = {
            "format": FORMAT_VERSION,
            "kind": "claimdiff.cache",
            "location": str(usage.root),
            "limit": limit,
            "entries": usage.entries,
            "bytes": usage.bytes,
            "namespaces": [
                {"namespace": n.namespace, "entries": n.entries, "bytes": n.bytes}
                for n in usage.namespaces
            ],
            "temporary_files": usage.temporary_files,
            "temporary_bytes": usage.temporary_bytes,
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    click.echo(_safe(f"location: {usage.root}"))
    click.echo(f"size limit: {format_size(limit)} (CLAIMDIFF_CACHE_SIZE)")
    rows = [(n.namespace, n.entries, n.bytes) for n in usage.namespaces]
    if usage.temporary_files:
        rows.append(("(being written)", usage.temporary_files, usage.temporary_bytes))
    rows.append(("total", sum(r[1] for r in rows), usage.bytes))
    width = max(len(r[0]) for r in rows)
    for name, entries, size in rows:
        noun = "entry" if entries == 1 else "entries"
        click.echo(f"{name:<{width}}  {entries:>7} {noun:<7}  {format_size(size):>9}")


@cache_group.command("clear")
def cache_clear() -> None:
    """Delete every entry. The next run of each command parses and compares afresh."""
    from claimdiff.cache import Cache, format_size

    store = Cache()
    usage = store.usage()
    store.clear()
    noun = "entry" if usage.entries == 1 else "entries"
    size = format_size(usage.bytes)
    click.echo(_safe(f"claimdiff: removed {usage.entries} {noun} ({size}) from {usage.root}"))


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="claimdiff")

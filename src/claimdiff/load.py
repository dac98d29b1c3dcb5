"""Reading a corpus directory into the typed model, with every problem located.

Claim files are parsed to YAML *nodes* (libyaml when available) and turned
into values by this module's own rules, never by PyYAML's constructor: YAML
1.1 typing would silently turn ``when: 2020-09-27`` into a date, ``who: NO``
into ``False`` and ``id: 1e3`` into a float, and would keep only the last of
two duplicate keys. Here every scalar is the literal text the curator wrote,
each key and value keeps its ``line:col``, and every problem of every file is
reported, not just the first.

Per-file parsing (:func:`parse_claim_file`) is a pure function of the path and
the bytes so that a cache can wrap it and files can be parsed in parallel.

Hostile input is bounded: files over :data:`MAX_FILE_BYTES` are refused
before reading, nesting deeper than :data:`MAX_DEPTH` is refused before the
(recursive, C) composer sees it, and alias expansion ("billion laughs") is
capped by a node budget proportional to the file size.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import dataclasses
import datetime as dt
import difflib
import functools
import hashlib
import io
import multiprocessing
import multiprocessing.context
import os
import pickle
import re
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from claimdiff import __version__, gcpause, validate
from claimdiff.cache import Cache, combine, content_key, feed
from claimdiff.errors import ClaimdiffError
from claimdiff.model import (
    Alias,
    Article,
    Claim,
    Corpus,
    Decision,
    DecisionKind,
    Interval,
    Lexicon,
    Location,
    Problem,
    Severity,
    TimeSpec,
)
from claimdiff.timeparse import parse_time
from claimdiff.validate import DecisionEntry, one_line

__all__ = [
    "LIBYAML",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "RESERVED_FILES",
    "LoadResult",
    "ParsedFile",
    "SkippedFile",
    "corpus_fingerprint",
    "load_claim_file",
    "load_corpus",
    "loader_version",
    "parse_aliases",
    "parse_claim_file",
    "parse_decisions",
    "parse_lexicon",
    "string_typed_document",
]

LIBYAML: bool = bool(yaml.__with_libyaml__)
"""Whether PyYAML has libyaml; without it parsing is about 10x slower (tell the user)."""

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Files larger than this are refused (``too-large``) without being read."""

MAX_DEPTH = 100
"""Deepest nesting of YAML collections accepted (``too-deep``); claim files need 4."""

RESERVED_FILES = ("aliases.yaml", "lexicon.yaml", "decisions.yaml")
"""Names that are not claim files when they sit at the corpus root."""

ERROR = Severity.ERROR
WARNING = Severity.WARNING

ARTICLE_FIELDS = ("id", "title", "outlet", "url", "published", "author", "text")
CLAIM_FIELDS = (
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
)
ROOT_FIELDS = ("article", "claims")

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "yes"})
_FALSE = frozenset({"false", "no"})


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class SkippedFile:
    """A file left out of the corpus because it has errors."""

    path: str
    claims: int
    """How many claim entries the file holds (0 when it could not be read or parsed)."""
    problems: int
    """How many errors it has."""


@dataclass(frozen=True)
class LoadResult:
    corpus: Corpus
    """Only the articles (and reserved files) without errors."""
    problems: tuple[Problem, ...]
    """Every problem of every file, errors and warnings, sorted."""
    skipped: tuple[SkippedFile, ...]
    """Files left out of ``corpus`` because of their errors, sorted by path."""
    rejected: tuple[Article, ...] = ()
    """Articles that parsed but were left out for errors (e.g. a wrong quote).

    Never compared; kept for tools that work on one article, such as ``locate``,
    which a curator needs most exactly when a quote does not match.
    """

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)


@dataclass(frozen=True)
class ParsedFile:
    """What one claim file holds, independent of the rest of the corpus."""

    path: str
    article: Article | None
    """``None`` when the file is not a mapping at all; otherwise built even with errors."""
    problems: tuple[Problem, ...]
    claims: int
    """Number of claim entries written, valid or not."""

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


# --------------------------------------------------------------------------- YAML layer

_STR_TAG = "tag:yaml.org,2002:str"


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _Composer(CParser):
        """libyaml composer that skips implicit typing: every scalar stays text.

        libyaml calls these three hooks for every node (a million times for a
        large corpus). Bound methods of a constant string are C functions that
        ignore extra arguments of ``str.format`` and return the string itself:
        the same answers without running Python code (parsing is 7% faster).
        """

        resolve = _STR_TAG.format
        descend_resolver = "".format
        ascend_resolver = "".format

else:  # pragma: no cover - exercised only where libyaml is missing

    class _Composer(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        yaml.resolver.BaseResolver,
    ):
        def __init__(self, stream: bytes) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.BaseResolver.__init__(self)

        def resolve(self, kind: type, value: Any, implicit: Any) -> str:
            return _STR_TAG


class _Failed(Exception):
    """A file-level problem that stops parsing this file."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _is_null(node: Node) -> bool:
    """An empty, ``~`` or ``null`` plain scalar: YAML's ways of writing nothing."""
    return isinstance(node, ScalarNode) and not node.style and node.value in _NULLS


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _decode(path: str, data: bytes) -> tuple[bytes, str]:
    """Check the encoding; returns the UTF-8 bytes without BOM and the text."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    for bom, name in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if data.startswith(bom):
            raise _Failed(
                Problem(path, 1, 1, ERROR, "encoding", f"file is {name}; save it as UTF-8")
            )
    if b"\0" in data[:8192]:
        raise _Failed(
            Problem(path, 1, 1, ERROR, "binary", "binary file (contains NUL bytes), not YAML")
        )
    try:
        return data, data.decode("utf-8")
    except UnicodeDecodeError as exc:
        pos = exc.start
        line_start = data.rfind(b"\n", 0, pos) + 1
        line = data.count(b"\n", 0, pos) + 1
        col = len(data[line_start:pos].decode("utf-8", "replace")) + 1
        byte = data[pos]
        guess = bytes([byte]).decode("cp1252", "replace")
        hint = f" ('{guess}' in Latin-1/Windows-1252?)" if guess.isprintable() else ""
        raise _Failed(
            Problem(
                path,
                line,
                col,
                ERROR,
                "encoding",
                f"not valid UTF-8: byte 0x{byte:02x} at offset {pos}{hint}; save the file as UTF-8",
            )
        ) from None


_NOT_FLOW = bytes(c for c in range(256) if c not in b"[]{}")
_DEEP_INDENT = re.compile(rb"^ {%d}" % (MAX_DEPTH // 2), re.M)
_COMPACT = re.compile(rb"^[ ]*(?:[-?][ ]+){%d}" % (MAX_DEPTH // 4), re.M)


def _check_depth(path: str, data: bytes) -> None:
    """Refuse nesting deeper than MAX_DEPTH before the recursive composer sees it.

    libyaml's composer recurses in C and crashes the interpreter near 100,000
    levels. A cheap over-estimate (flow brackets, indentation, compact ``- -``
    runs) decides whether the exact, event-based count is needed at all.
    """
    brackets = data.translate(None, _NOT_FLOW)
    rounds = 0
    while len(brackets) >= MAX_DEPTH // 4 and rounds < MAX_DEPTH // 4:
        inner = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if inner == brackets:
            break
        brackets, rounds = inner, rounds + 1
    flow_suspect = (
        rounds >= MAX_DEPTH // 4 or brackets.count(b"[") + brackets.count(b"{") >= MAX_DEPTH // 4
    )
    if not flow_suspect and not _DEEP_INDENT.search(data) and not _COMPACT.search(data):
        return
    depth = 0
    loader = _Composer(data)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                    raise _Failed(
                        Problem(
                            path,
                            line,
                            col,
                            ERROR,
                            "too-deep",
                            f"nesting deeper than {MAX_DEPTH} levels; a claim file needs 4",
                        )
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # the composer reports the syntax error with its location
    finally:
        loader.dispose()


def _compose(path: str, data: bytes, text: str) -> Node | None:
    _check_depth(path, data)
    loader = _Composer(data)
    try:
        node: Node | None = loader.get_single_node()
        return node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        if problem.startswith("but found another document"):
            raise _Failed(
                Problem(
                    path,
                    line,
                    col,
                    ERROR,
                    "multiple-documents",
                    "a claim file holds one YAML document; remove this '---' and what follows",
                )
            ) from None
        msg = problem + (f" ({exc.context})" if exc.context else "")
        if "\t" in problem or "tab" in problem:
            msg += "; indent with spaces, YAML does not allow tabs for indentation"
        raise _Failed(Problem(path, line, col, ERROR, "yaml-syntax", one_line(msg, 200))) from None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, min(exc.position, len(text)))
        char = exc.character
        shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        msg = f"character {shown} is not allowed in YAML: {exc.reason}"
        raise _Failed(Problem(path, line, col, ERROR, "yaml-syntax", one_line(msg, 200))) from None
    except (yaml.YAMLError, ValueError, UnboundLocalError) as exc:
        raise _Failed(
            Problem(path, 1, 1, ERROR, "yaml-syntax", one_line(f"invalid YAML: {exc}", 200))
        ) from None
    finally:
        loader.dispose()


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "mapping"
    if isinstance(node, SequenceNode):
        return "list"
    return "text"


class _Builder:
    """Turns nodes into values for one file, collecting problems as it goes."""

    def __init__(self, path: str, size: int) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self._seen: set[Problem] = set()
        self.budget = 2 * size + 1000

    def loc(self, node: Node) -> Location:
        m = node.start_mark
        return _make_location(self.path, m.line + 1, m.column + 1)

    def add(self, node: Node, code: str, message: str, severity: Severity = ERROR) -> None:
        m = node.start_mark
        problem = Problem(self.path, m.line + 1, m.column + 1, severity, code, message)
        if problem not in self._seen:
            # An alias repeats its anchor's nodes: report each problem once.
            self._seen.add(problem)
            self.problems.append(problem)

    def spend(self, node: Node, n: int = 1) -> None:
        """Count visited nodes; aliases can make a small file expand without bound."""
        self.budget -= n
        if self.budget < 0:
            m = node.start_mark
            raise _Failed(
                Problem(
                    self.path,
                    m.line + 1,
                    m.column + 1,
                    ERROR,
                    "alias-bomb",
                    "YAML aliases expand to far more values than the file holds; "
                    "write the values out instead of using '*' aliases",
                )
            )

    def fields(
        self, node: MappingNode, allowed: Sequence[str], what: str
    ) -> dict[str, tuple[Node, Node]]:
        """The allowed keys of a mapping; duplicate, unknown and non-text keys are reported."""
        out: dict[str, tuple[Node, Node]] = {}
        seen: dict[str, Node] = {}
        self.spend(node, len(node.value))
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.add(key, "wrong-type", f"a key of {what} must be text, not a {_kind(key)}")
                continue
            name = key.value
            first = seen.get(name)
            if first is not None:
                self.add(
                    key,
                    "duplicate-key",
                    f"key '{one_line(name)}' is already set at line {first.start_mark.line + 1}"
                    " (YAML would silently keep only the last one)",
                )
                continue
            seen[name] = key
            if name not in allowed:
                self.add(key, "unknown-key", _unknown(name, allowed, what))
                continue
            out[name] = (key, value)
        return out

    def text(self, node: Node, what: str) -> str | None:
        """A scalar's literal text; ``None`` for an empty/null value or a wrong type."""
        self.spend(node)
        if isinstance(node, ScalarNode):
            value: str = node.value
            if not node.style and value in _NULLS:
                return None
            return value
        self.add(node, "wrong-type", f"{what} must be text, not a {_kind(node)}")
        return None

    def required(
        self, fields: dict[str, tuple[Node, Node]], name: str, where: Node, what: str
    ) -> str | None:
        if name not in fields:
            self.add(where, "missing-field", f"{what} needs '{name}'")
            return None
        key, value = fields[name]
        text = self.text(value, f"'{name}'")
        if (text is None and isinstance(value, ScalarNode)) or (
            text is not None and not text.strip()
        ):
            self.add(value if text is not None else key, "missing-field", f"'{name}' is empty")
            return None
        return text

    def optional(self, fields: dict[str, tuple[Node, Node]], name: str) -> str | None:
        if name not in fields:
            return None
        return self.text(fields[name][1], f"'{name}'")

    def texts(self, node: Node, what: str) -> tuple[str, ...] | None:
        """Text or a list of texts (actors, tags). ``None`` when wrong."""
        if isinstance(node, SequenceNode):
            self.spend(node, len(node.value))
            out = []
            ok = True
            for item in node.value:
                if isinstance(item, ScalarNode):
                    value = self.text(item, what)
                    if value is None or not value.strip():
                        self.add(item, "missing-field", f"an item of {what} is empty")
                        ok = False
                    else:
                        out.append(value)
                else:
                    self.add(
                        item, "wrong-type", f"items of {what} must be text, not a {_kind(item)}"
                    )
                    ok = False
            return tuple(out) if ok else None
        if isinstance(node, ScalarNode):
            value = self.text(node, what)
            return () if value is None or not value.strip() else (value,)
        self.add(node, "wrong-type", f"{what} must be text or a list of texts, not a mapping")
        return None

    def id(self, node: Node, value: str, what: str) -> bool:
        reason = validate.id_problem(value)
        if reason is None:
            return True
        self.add(node, "invalid-id", f"{what}: {reason}")
        return False


def _unknown(name: str, allowed: Sequence[str], what: str) -> str:
    msg = f"unknown key '{one_line(name)}' in {what}"
    close = difflib.get_close_matches(name.lower(), allowed, n=1, cutoff=0.6)
    if close:
        return msg + f"; did you mean '{close[0]}'?"
    return msg + f"; expected one of: {', '.join(allowed)}"


def _start(path: str, data: bytes) -> tuple[_Builder, Node | None]:
    """Size, encoding and YAML checks shared by every kind of file."""
    if len(data) > MAX_FILE_BYTES:
        raise _Failed(_too_large(path, len(data)))
    data, text = _decode(path, data)
    builder = _Builder(path, len(data))
    try:
        node = _compose(path, data, text)
    except RecursionError:
        raise _Failed(
            Problem(path, 1, 1, ERROR, "too-deep", "nesting too deep for the YAML parser")
        ) from None
    if node is None or _is_null(node):
        raise _Failed(Problem(path, 1, 1, ERROR, "empty-file", "file holds no YAML document"))
    return builder, node


def _too_large(path: str, size: int) -> Problem:
    return Problem(
        path,
        1,
        1,
        ERROR,
        "too-large",
        f"file is {size / 1e6:.1f} MB; claim files are limited to {MAX_FILE_BYTES // 2**20} MB",
    )


# --------------------------------------------------------------------------- claim files


def _stem(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def parse_claim_file(path: str, data: bytes) -> ParsedFile:
    """Parse one claim file. Pure: depends only on ``path`` (as displayed) and ``data``.

    The article's ``text`` is not read here (that is I/O); :func:`load_corpus`
    attaches it and runs the checks that need it.
    """
    try:
        b, root = _start(path, data)
        assert root is not None
        return _claim_file(b, root)
    except _Failed as failed:
        return ParsedFile(path, None, (failed.problem,), 0)


def _claim_file(b: _Builder, root: Node) -> ParsedFile:
    path = b.path
    if not isinstance(root, MappingNode):
        b.add(
            root,
            "not-mapping",
            f"a claim file must be a mapping with 'article' and 'claims', not a {_kind(root)}",
        )
        return ParsedFile(path, None, tuple(b.problems), 0)
    top = b.fields(root, ROOT_FIELDS, "the claim file")
    article_loc = b.loc(root)
    art_fields: dict[str, tuple[Node, Node]] = {}
    title: str | None = None
    if "article" not in top:
        b.add(root, "missing-field", "the claim file needs 'article'")
    else:
        key, node = top["article"]
        article_loc = b.loc(node)
        if isinstance(node, MappingNode):
            art_fields = b.fields(node, ARTICLE_FIELDS, "'article'")
            title = b.required(art_fields, "title", node, "'article'")
        elif _is_null(node):
            b.add(key, "missing-field", "'article' is empty; it needs at least 'title'")
        else:
            b.add(
                node, "not-mapping", f"'article' must be a mapping of fields, not a {_kind(node)}"
            )

    article_id = _stem(path)
    id_node: Node | None = None
    if "id" in art_fields:
        id_node = art_fields["id"][1]
        written = b.text(id_node, "article 'id'")
        if written is not None:
            article_id = written
            b.id(id_node, written, "article id")
    else:
        reason = validate.id_problem(article_id)
        if reason is not None:
            b.problems.append(
                Problem.at(
                    article_loc,
                    ERROR,
                    "invalid-id",
                    f"the file name gives article id '{article_id}', which is invalid: {reason}; "
                    "set article.id",
                )
            )

    published: TimeSpec | None = None
    if "published" in art_fields:
        node = art_fields["published"][1]
        written = b.text(node, "'published'")
        if written is not None:
            published = parse_time(written)
            if published.interval is None:
                b.add(node, "when-unresolved", _unresolved("published", published), WARNING)
    pub_interval: Interval | None = published.interval if published else None

    claims: list[Claim] = []
    n_claims = 0
    if "claims" not in top:
        b.add(root, "missing-field", "the claim file needs 'claims' (a list; '[]' when empty)")
    else:
        key, node = top["claims"]
        if isinstance(node, SequenceNode):
            n_claims = len(node.value)
            b.spend(node, n_claims)
            for item in node.value:
                try:
                    claim = _claim(b, item, article_id, pub_interval)
                except _Failed as failed:
                    # Report the bomb at the repeated (anchored) claim, not deep inside it.
                    raise _Failed(
                        Problem.at(b.loc(item), ERROR, "alias-bomb", failed.problem.message)
                    ) from None
                if claim is not None:
                    claims.append(claim)
        elif _is_null(node):
            b.add(key, "missing-field", "'claims' is empty; write 'claims: []' for no claims")
        else:
            b.add(
                node,
                "not-mapping",
                f"'claims' must be a list of claims ('- id: ...'), not a {_kind(node)}",
            )

    art_locs = tuple((name, b.loc(v)) for name, (_k, v) in art_fields.items())
    article = Article(
        id=article_id,
        title=title or "",
        source=path,
        loc=article_loc,
        outlet=b.optional(art_fields, "outlet"),
        url=b.optional(art_fields, "url"),
        published=published,
        author=b.optional(art_fields, "author"),
        text_path=b.optional(art_fields, "text"),
        claims=tuple(claims),
        field_locs=art_locs,
    )
    problems = b.problems + validate.check_claim_ids(article)
    return ParsedFile(path, article, tuple(sorted(problems)), n_claims)


def _unresolved(name: str, spec: TimeSpec) -> str:
    reason = spec.how.removeprefix("unresolved: ")
    return f"cannot resolve {name} '{one_line(spec.text)}': {reason}; the time counts as unknown"


_NUMBER = re.compile(r"[-+]?(\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|0[xX][0-9a-fA-F]+|0[oO][0-7]+)")


def _reject_numeric_actors(b: _Builder, node: Node, name: str) -> None:
    """An unquoted number where an actor belongs is a slip (``who: 42``), not a name.

    Quoted, it is taken as written: ``who: "42"`` is deliberate.
    """
    items = node.value if isinstance(node, SequenceNode) else [node]
    for item in items:
        if isinstance(item, ScalarNode) and not item.style and _NUMBER.fullmatch(item.value):
            b.add(
                item,
                "wrong-type",
                f"'{name}' must name an actor, not the number {item.value} "
                f'(quote it, {name}: "{item.value}", if that is really the name)',
            )


def _claim(b: _Builder, node: Node, article_id: str, published: Interval | None) -> Claim | None:
    if not isinstance(node, MappingNode):
        b.add(node, "not-mapping", f"a claim must be a mapping of fields, not a {_kind(node)}")
        return None
    f = b.fields(node, CLAIM_FIELDS, "a claim")
    before = len(b.problems)
    claim_id = b.required(f, "id", node, "a claim")
    if claim_id is not None:
        b.id(f["id"][1], claim_id, "claim id")
    did = b.required(f, "did", node, "a claim")
    actors: dict[str, tuple[str, ...]] = {}
    for name in ("who", "whom", "said_by"):
        if name in f:
            got = b.texts(f[name][1], f"'{name}'")
            if got is not None:
                actors[name] = got
                _reject_numeric_actors(b, f[name][1], name)
    if "who" not in f:
        b.add(node, "missing-field", "a claim needs 'who'")
    elif actors.get("who") == ():
        b.add(f["who"][1], "missing-field", "'who' is empty")
    when: TimeSpec | None = None
    if "when" in f:
        written = b.text(f["when"][1], "'when'")
        if written is not None:
            # An expression that resolves without an anchor is absolute and resolves
            # the same with one; asking without first lets parse_time's cache,
            # keyed by (text, anchor), serve every article that writes it.
            when = parse_time(written)
            if when.interval is None and published is not None:
                when = parse_time(written, published)
            if when.interval is None:
                b.add(f["when"][1], "when-unresolved", _unresolved("when", when), WARNING)
    negated = False
    if "negated" in f:
        value = f["negated"][1]
        written = b.text(value, "'negated'")
        if written is not None:
            low = written.lower()
            if low in _TRUE:
                negated = True
            elif low not in _FALSE:
                b.add(
                    value,
                    "wrong-type",
                    f"'negated' must be true or false, not '{one_line(written)}'",
                )
    tags: tuple[str, ...] = ()
    if "tags" in f:
        tags = b.texts(f["tags"][1], "'tags'") or ()
    if any(p.is_error for p in b.problems[before:]) or claim_id is None or did is None:
        return None
    return Claim(
        article_id=article_id,
        id=claim_id,
        who=actors.get("who", ()),
        did=did,
        loc=b.loc(node),
        whom=actors.get("whom", ()),
        when=when,
        where=b.optional(f, "where"),
        negated=negated,
        said_by=actors.get("said_by", ()),
        event=b.optional(f, "event"),
        quote=b.optional(f, "quote"),
        tags=tags,
        note=b.optional(f, "note"),
        field_locs=tuple((name, b.loc(v)) for name, (_k, v) in f.items()),
    )


def load_claim_file(path: str | os.PathLike[str]) -> ParsedFile:
    """Read and parse one claim file on its own (no text, no cross-file checks)."""
    p = os.fspath(path)
    data = _read(p, p)
    if isinstance(data, Problem):
        return ParsedFile(p.replace(os.sep, "/"), None, (data,), 0)
    return parse_claim_file(p.replace(os.sep, "/"), data)


# --------------------------------------------------------------------------- reserved files


def _reserved_root(path: str, data: bytes) -> tuple[_Builder, MappingNode | None]:
    """Reserved files may be empty; otherwise they must be a mapping."""
    try:
        b, root = _start(path, data)
    except _Failed as failed:
        if failed.problem.code == "empty-file":
            return _Builder(path, 0), None
        raise
    if not isinstance(root, MappingNode):
        assert root is not None
        b.add(root, "not-mapping", f"{_stem(path)}.yaml must be a mapping, not a {_kind(root)}")
        return b, None
    return b, root


def parse_aliases(path: str, data: bytes) -> tuple[tuple[Alias, ...], tuple[Problem, ...]]:
    """``aliases.yaml``: canonical name → alias or list of aliases.

    A canonical name with no aliases (``Linz: []``) comes back as its own alias,
    so that it still names an entity.
    """
    aliases: list[Alias] = []
    try:
        b, root = _reserved_root(path, data)
        if root is not None:
            seen: dict[str, Node] = {}
            b.spend(root, len(root.value))
            for key, value in root.value:
                canonical = b.text(key, "a canonical name")
                if canonical is None:
                    continue
                if canonical in seen:
                    b.add(
                        key,
                        "duplicate-key",
                        f"'{canonical}' is already listed at line "
                        f"{seen[canonical].start_mark.line + 1}",
                    )
                    continue
                seen[canonical] = key
                names = b.texts(value, f"the aliases of '{canonical}'")
                if names is None:
                    continue
                items = value.value if isinstance(value, SequenceNode) else [value]
                for name, item in zip(names, items, strict=False):
                    aliases.append(Alias(canonical, name, b.loc(item)))
                if not names:
                    # "Linz: []": an entity of its own, which fuzzy matching never
                    # joins to another canonical name (a lookalike such as Lienz).
                    aliases.append(Alias(canonical, canonical, b.loc(key)))
        problems = [*b.problems, *validate.check_aliases(aliases)]
    except _Failed as failed:
        problems = [failed.problem]
    return tuple(aliases), tuple(sorted(problems))


def _pairs(
    b: _Builder, node: Node, what: str, exact: int | None
) -> Iterator[tuple[Node, tuple[tuple[str, Node], ...]]]:
    """Items of a list of lists of texts (lexicon groups, decision pairs)."""
    if _is_null(node):
        return
    if not isinstance(node, SequenceNode):
        b.add(node, "wrong-type", f"{what} must be a list, not a {_kind(node)}")
        return
    b.spend(node, len(node.value))
    for item in node.value:
        if not isinstance(item, SequenceNode) or not all(
            isinstance(x, ScalarNode) for x in item.value
        ):
            b.add(item, "wrong-type", f"each entry of {what} must be a list of texts")
            continue
        values = []
        for x in item.value:
            t = b.text(x, what)
            if t is None or not t.strip():
                b.add(x, "missing-field", f"an entry of {what} is empty")
            else:
                values.append((t, x))
        if len(values) != len(item.value):
            continue
        if exact is not None and len(values) != exact:
            b.add(item, "wrong-type", f"each entry of {what} must list exactly {exact} items")
            continue
        if len(values) < 2:
            b.add(item, "wrong-type", f"each entry of {what} must list at least 2 items")
            continue
        yield item, tuple(values)


def parse_lexicon(path: str, data: bytes) -> tuple[Lexicon, tuple[Problem, ...]]:
    """``lexicon.yaml``: ``synonyms`` (groups) and ``opposites`` (pairs)."""
    synonyms: list[tuple[str, ...]] = []
    opposites: list[tuple[str, str]] = []
    try:
        b, root = _reserved_root(path, data)
        if root is not None:
            f = b.fields(root, ("synonyms", "opposites"), "lexicon.yaml")
            if "synonyms" in f:
                for _item, values in _pairs(b, f["synonyms"][1], "'synonyms'", None):
                    synonyms.append(tuple(v for v, _ in values))
            if "opposites" in f:
                for _item, values in _pairs(b, f["opposites"][1], "'opposites'", 2):
                    opposites.append((values[0][0], values[1][0]))
        problems = b.problems
    except _Failed as failed:
        problems = [failed.problem]
    return Lexicon(tuple(synonyms), tuple(opposites)), tuple(sorted(problems))


def parse_decisions(
    path: str, data: bytes
) -> tuple[tuple[DecisionEntry, ...], tuple[Problem, ...]]:
    """``decisions.yaml``: ``same`` and ``different`` pairs of ``ARTICLE#CLAIM`` references.

    Whether the claims exist is checked later, against the whole corpus.
    """
    entries: list[DecisionEntry] = []
    try:
        b, root = _reserved_root(path, data)
        if root is not None:
            f = b.fields(root, ("same", "different"), "decisions.yaml")
            for kind in (DecisionKind.SAME, DecisionKind.DIFFERENT):
                if kind.value not in f:
                    continue
                for item, values in _pairs(b, f[kind.value][1], f"'{kind.value}'", 2):
                    ok = True
                    for ref, node in values:
                        art, sep, claim = ref.partition("#")
                        if (
                            not sep
                            or "#" in claim
                            or validate.id_problem(art)
                            or validate.id_problem(claim)
                        ):
                            b.add(
                                node,
                                "invalid-id",
                                f"'{one_line(ref)}' is not a reference ARTICLE#CLAIM",
                            )
                            ok = False
                    if ok:
                        (a, a_node), (c, c_node) = values
                        decision = Decision(kind, a, c, b.loc(item))
                        entries.append(DecisionEntry(decision, b.loc(a_node), b.loc(c_node)))
        problems = b.problems
    except _Failed as failed:
        problems = [failed.problem]
    return tuple(entries), tuple(sorted(problems))


# --------------------------------------------------------------------------- string-typed documents


def string_typed_document(data: bytes, path: str = "<document>") -> Any:
    """The document as plain JSON-like data under claimdiff's typing rules.

    Every scalar is its literal text, except empty/``~``/``null`` plain scalars
    which are ``None``. This is what the JSON Schema of a claim file describes.
    Raises :class:`ClaimdiffError` when the bytes are not a single YAML document.
    """
    try:
        b, root = _start(path, data)
        assert root is not None
        return _to_data(b, root, 0)
    except _Failed as failed:
        raise ClaimdiffError(failed.problem.message, failed.problem.location) from None


def _to_data(b: _Builder, node: Node, depth: int) -> Any:
    b.spend(node)
    if depth > MAX_DEPTH:
        raise _Failed(Problem.at(b.loc(node), ERROR, "too-deep", "nesting too deep"))
    if isinstance(node, ScalarNode):
        return None if not node.style and node.value in _NULLS else node.value
    if isinstance(node, SequenceNode):
        return [_to_data(b, x, depth + 1) for x in node.value]
    out: dict[str, Any] = {}
    for k, v in node.value:
        key = k.value if isinstance(k, ScalarNode) else f"<{_kind(k)} key>"
        out[key] = _to_data(b, v, depth + 1)
    return out


# --------------------------------------------------------------------------- the corpus


def _read(fs_path: str, display: str) -> bytes | Problem:
    """The file's bytes, or the problem that prevents reading them (never reads > the limit)."""
    try:
        st = os.stat(fs_path)
        if not stat.S_ISREG(st.st_mode):
            return Problem(
                display,
                1,
                1,
                ERROR,
                "unreadable",
                "not a regular file (a named pipe, device or socket)",
            )
        size = st.st_size
        if size > MAX_FILE_BYTES:
            return _too_large(display, size)
        data = _read_bounded(fs_path, size)
    except PermissionError:
        return Problem(display, 1, 1, ERROR, "unreadable", "permission denied")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return Problem(display, 1, 1, ERROR, "unreadable", f"cannot read the file: {reason}")
    if len(data) > MAX_FILE_BYTES:
        return _too_large(display, len(data))
    return data


_Read = Callable[[str, str], bytes | Problem]


def _reader(prefetched: Mapping[str, bytes] | None) -> _Read:
    """:func:`_read`, answered from ``prefetched`` bytes where it has them."""
    if not prefetched:
        return _read

    def read(fs_path: str, display: str) -> bytes | Problem:
        data = prefetched.get(fs_path)
        if data is None or len(data) > MAX_FILE_BYTES:
            return _read(fs_path, display)
        return data

    return read


_O_BINARY = getattr(os, "O_BINARY", 0)


def _read_bounded(fs_path: str, size: int) -> bytes:
    """A regular file that ``stat`` said holds ``size`` bytes, never more than the limit + 1.

    Plain descriptor calls: a corpus is thousands of small files, and a Python
    file object per file cost more than the reads. Each read asks for what is
    left, not for the limit (``read(n)`` allocates ``n`` bytes first). A file
    that grew since the ``stat`` is read on, up to ``MAX_FILE_BYTES + 1``.
    """
    fd = os.open(fs_path, os.O_RDONLY | _O_BINARY)
    try:
        chunks = []
        got = 0
        want = size + 1
        while got < MAX_FILE_BYTES + 1:
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            want = MAX_FILE_BYTES + 1 - got if got > size else size + 1 - got
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


@dataclass(frozen=True)
class _Found:
    display: str
    fs_path: str
    reserved: bool


def _walk(root: str, root_real: str, problems: list[Problem]) -> list[_Found]:
    """Every claim file under ``root``, sorted.

    Directory symlinks are never followed: one inside the corpus names files
    that are read at their real place anyway (following it would load them
    twice), one that loops back to an ancestor would never end, and one that
    leaves the corpus would read files the corpus does not own. The last two
    are reported as warnings. Hidden entries (``.git``, caches) are skipped.
    """
    found: list[_Found] = []

    def display(rel: str) -> str:
        return os.path.join(root, rel).replace(os.sep, "/")

    def warn(rel: str, code: str, message: str) -> None:
        problems.append(Problem(display(rel), 1, 1, WARNING, code, message))

    stack: list[tuple[str, str, tuple[str, ...]]] = [(root, "", (root_real,))]
    while stack:
        fs_dir, rel, ancestors = stack.pop()
        try:
            with os.scandir(fs_dir) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if not rel:
                raise ClaimdiffError(
                    f"cannot read corpus directory '{root}': {exc.strerror}"
                ) from None
            msg = f"cannot read directory: {exc.strerror}"
            problems.append(Problem(display(rel), 1, 1, ERROR, "unreadable", msg))
            continue
        for entry in reversed(entries):
            if entry.name.startswith("."):
                continue
            child = os.path.join(rel, entry.name) if rel else entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir()
            except OSError:
                is_link, is_dir = False, False
            is_yaml = entry.name.lower().endswith((".yaml", ".yml"))
            if is_link and (is_dir or is_yaml):
                target = os.path.realpath(entry.path)
                if not _is_within(target, root_real):
                    warn(
                        child,
                        "symlink-outside",
                        "symbolic link leads outside the corpus; not followed",
                    )
                    continue
                if is_dir:
                    if target in ancestors:
                        back = display(os.path.relpath(target, root_real)).removesuffix("/.")
                        warn(
                            child,
                            "symlink-loop",
                            f"directory symlink loops back to '{back}'; not followed",
                        )
                    continue
            if is_dir:
                stack.append(
                    (entry.path, child, (*ancestors, os.path.join(ancestors[-1], entry.name)))
                )
            elif is_yaml:
                shown = display(child)
                try:
                    shown.encode("utf-8")
                except UnicodeEncodeError:
                    # A name the file system holds as bytes that are not UTF-8
                    # (an old Latin-1 archive): shown with the bytes escaped.
                    printable = os.fsencode(shown).decode("utf-8", "backslashreplace")
                    problems.append(
                        Problem(
                            printable,
                            1,
                            1,
                            ERROR,
                            "encoding",
                            "the file name is not valid UTF-8; rename the file",
                        )
                    )
                    continue
                reserved = not rel and entry.name in RESERVED_FILES
                found.append(_Found(shown, entry.path, reserved))
    return sorted(found, key=lambda f: f.display)


def _attach_text(
    parsed: ParsedFile, fs_path: str, root_real: str, read: _Read = _read
) -> tuple[Article | None, list[Problem]]:
    """Read the article text named by ``text:`` (relative to the claim file)."""
    article = parsed.article
    if article is None or article.text_path is None:
        return article, []
    loc = article.loc_of("text")
    written = article.text_path
    target = os.path.realpath(os.path.join(os.path.dirname(fs_path), written))
    if os.path.isabs(written) or not _is_within(target, root_real):
        return article, [
            Problem.at(
                loc,
                ERROR,
                "text-outside-corpus",
                f"text '{one_line(written)}' resolves outside the corpus directory",
            )
        ]
    if not os.path.isfile(target):
        return article, [
            Problem.at(
                loc, ERROR, "text-missing", f"text file '{one_line(written)}' does not exist"
            )
        ]
    data = read(target, written)
    if isinstance(data, Problem):
        return article, [
            Problem.at(loc, ERROR, data.code, f"text '{one_line(written)}': {data.message}")
        ]
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        msg = (
            f"text '{one_line(written)}' is not valid UTF-8 (byte offset {exc.start}, line {line})"
        )
        return article, [Problem.at(loc, ERROR, "encoding", msg)]
    article = replace(article, text=text)
    return article, validate.check_quotes(article, f"'{written}'")


# --------------------------------------------------------------------------- parsing many files
#
# A cold load of a large corpus parses in worker processes; a warm one reads the
# parse cache. Both move parse results as *compact tuples* of primitives, not as
# the model's dataclasses: pickling a ParsedFile tree costs about as much as
# parsing it, the tuples a fraction of that. The codec below must round-trip
# exactly (tests/test_load_parallel.py checks every field).

_Enc = tuple[Any, ...]

SEQUENTIAL_MAX_FILES = 200
"""Corpora with fewer claim files than this are parsed in this process (a pool costs more)."""
SEQUENTIAL_MAX_BYTES = 2 * 1024 * 1024
"""... and so are corpora with fewer bytes of claim files than this."""
MAX_WORKERS = 8
_GROUP_SPLIT = 4
"""A file starts a new group when the first byte of its name's digest is below this (1 in 64)."""
_PROGRESS_EVERY = 0.05
_INFLIGHT = 4
"""Tasks queued per worker. The executor's threads in this process need the GIL, which
the parsing main thread holds; with only 2 queued a worker idled a third of the time."""
_PACKS = "parse-pack"
_INDEX = "parse-index"


def _enc_time(spec: TimeSpec | None) -> _Enc | None:
    if spec is None:
        return None
    iv = spec.interval
    if iv is None:
        return (spec.text, spec.how)
    return (spec.text, spec.how, iv.start.toordinal(), iv.end.toordinal())


_FIELD_NAMES = tuple(dict.fromkeys((*ARTICLE_FIELDS, *CLAIM_FIELDS)))
_FIELD_INDEX = {name: i for i, name in enumerate(_FIELD_NAMES)}


def _enc_locs(path: str, locs: tuple[tuple[str, Location], ...]) -> _Enc:
    """Field locations as a flat ``(field number, line, col, ...)`` tuple."""
    flat: list[int] = []
    for name, loc in locs:
        index = _FIELD_INDEX.get(name)
        if index is None or loc.path != path:
            raise _NotCompact
        flat += (index, loc.line, loc.col)
    return tuple(flat)


class _NotCompact(Exception):
    """A value the compact form cannot hold (a location in another file); sent as is."""


def _encode(pf: ParsedFile) -> _Enc:
    """``pf`` as nested tuples of primitives (``("raw", pf)`` in the rare case it cannot be)."""
    try:
        return _encode_compact(pf)
    except _NotCompact:
        return ("raw", pf)


def _encode_compact(pf: ParsedFile) -> _Enc:
    path = pf.path
    problems = tuple((p.path, p.line, p.col, p.is_error, p.code, p.message) for p in pf.problems)
    art = pf.article
    if art is None:
        return (path, pf.claims, problems, None)
    if art.loc.path != path:
        raise _NotCompact
    claims = []
    for c in art.claims:
        if c.loc.path != path or c.article_id != art.id:
            raise _NotCompact
        claims.append(
            (
                c.id,
                c.who,
                c.did,
                c.loc.line,
                c.loc.col,
                c.whom,
                _enc_time(c.when),
                c.where,
                c.negated,
                c.said_by,
                c.event,
                c.quote,
                c.tags,
                c.note,
                _enc_locs(path, c.field_locs),
            )
        )
    article = (
        art.id,
        art.title,
        art.source,
        art.loc.line,
        art.loc.col,
        art.outlet,
        art.url,
        _enc_time(art.published),
        art.author,
        art.text_path,
        art.text,
        tuple(claims),
        _enc_locs(path, art.field_locs),
    )
    return (path, pf.claims, problems, article)


def _dumps(value: Any) -> bytes:
    """Pickle a tree of tuples without the memo: 3x faster both ways, for acyclic values only."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # no memo; our values are trees, which is all it requires
    pickler.dump(value)
    return buf.getvalue()


_new = object.__new__
_set = object.__setattr__
_PLAIN_DATACLASSES = all(
    not hasattr(cls, "__slots__") and not hasattr(cls, "__post_init__") for cls in (Location, Claim)
)


def _location_maker() -> Callable[[str, int, int], Location]:
    """The fastest way to build a Location that equals ``Location(path, line, col)``.

    A frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``; setting the instance dict at once is twice as fast,
    and a warm load builds 600,000 locations. Checked to be equivalent at import
    (and by the tests); if the model ever stops being a plain dataclass, the
    constructor is used.
    """

    def fast(path: str, line: int, col: int) -> Location:
        loc: Location = _new(Location)
        _set(loc, "__dict__", {"path": path, "line": line, "col": col})
        return loc

    if _PLAIN_DATACLASSES and [f.name for f in dataclasses.fields(Location)] == [
        "path",
        "line",
        "col",
    ]:
        probe = fast("p", 1, 2)
        if probe == Location("p", 1, 2) and hash(probe) == hash(Location("p", 1, 2)):
            return fast
    return Location


_make_location = _location_maker()


class _Decoder:
    """Rebuilds ParsedFiles; shares equal TimeSpecs (a corpus repeats a few thousand)."""

    def __init__(self) -> None:
        self._times: dict[_Enc, TimeSpec] = {}

    def time(self, enc: _Enc | None) -> TimeSpec | None:
        if enc is None:
            return None
        spec = self._times.get(enc)
        if spec is None:
            if len(enc) == 2:
                spec = TimeSpec(enc[0], None, enc[1])
            else:
                start, end = dt.date.fromordinal(enc[2]), dt.date.fromordinal(enc[3])
                spec = TimeSpec(enc[0], Interval(start, end), enc[1])
            self._times[enc] = spec
        return spec

    def __call__(self, enc: _Enc) -> ParsedFile:
        if enc[0] == "raw":
            raw: ParsedFile = enc[1]
            return raw
        path, n_claims, problems, art = enc
        probs = tuple(
            Problem(p, line, col, ERROR if err else WARNING, code, msg)
            for p, line, col, err, code, msg in problems
        )
        if art is None:
            return ParsedFile(path, None, probs, n_claims)
        (
            aid,
            title,
            source,
            line,
            col,
            outlet,
            url,
            pub,
            author,
            text_path,
            text,
            claims,
            flocs,
        ) = art
        time_of = self.time
        mk = _make_location
        built = []
        for (
            cid,
            who,
            did,
            cline,
            ccol,
            whom,
            when,
            where,
            negated,
            said_by,
            event,
            quote,
            tags,
            note,
            cflocs,
        ) in claims:
            built.append(
                Claim(
                    aid,
                    cid,
                    who,
                    did,
                    mk(path, cline, ccol),
                    whom,
                    None if when is None else time_of(when),
                    where,
                    negated,
                    said_by,
                    event,
                    quote,
                    tags,
                    note,
                    _dec_locs(path, cflocs),
                )
            )
        article = Article(
            aid,
            title,
            source,
            mk(path, line, col),
            outlet,
            url,
            time_of(pub),
            author,
            text_path,
            text,
            tuple(built),
            _dec_locs(path, flocs),
        )
        return ParsedFile(path, article, probs, n_claims)


def _dec_locs(path: str, flat: _Enc) -> tuple[tuple[str, Location], ...]:
    names = _FIELD_NAMES
    mk = _make_location
    it = iter(flat)
    return tuple([(names[n], mk(path, line, col)) for n, line, col in zip(it, it, it, strict=True)])


@functools.cache
def loader_version() -> str:
    """What parse results depend on besides the bytes: this code, the model, the YAML library.

    Hashes the source of the modules that shape a parse result, so an entry
    written by other code (even at the same version number, e.g. while
    developing) is never read back.
    """
    from claimdiff import errors, model, timeparse

    h = hashlib.blake2b(digest_size=12)
    for mod in (sys.modules[__name__], model, timeparse, validate, errors):
        try:
            h.update(Path(mod.__file__ or "").read_bytes())
        except OSError:
            h.update(f"{mod.__name__} {__version__}".encode())
    for cls in (ParsedFile, Article, Claim, Location, TimeSpec, Problem):
        h.update(repr([f.name for f in dataclasses.fields(cls)]).encode())
    h.update(f"pyyaml {yaml.__version__} libyaml {LIBYAML}".encode())
    return h.hexdigest()


_Item = tuple[str, str, "bytes | None"]


def _parse_items(items: Sequence[_Item]) -> list[ParsedFile]:
    """Parse ``(display, fs_path, bytes or None to read them)`` items in order."""
    out = []
    for display, fs_path, data in items:
        if data is None:
            got = _read(fs_path, display)
            if isinstance(got, Problem):
                out.append(ParsedFile(display, None, (got,), 0))
                continue
            data = got
        out.append(parse_claim_file(display, data))
    return out


def _worker_task(
    items: Sequence[_Item], keys: tuple[bytes, ...] | None, cache_root: str | None
) -> bytes:
    """Run in a worker: parse a group, return it pickled as a cache pack ``(keys, encoded)``.

    With ``cache_root`` the worker also stores the pack (under the combined
    ``keys``), so that the parent, the busiest process, does not.
    """
    with gcpause.paused():
        payload = _dumps((keys, tuple(_encode(pf) for pf in _parse_items(items))))
        if cache_root is not None and keys is not None:
            Cache(cache_root).put_pickled(_PACKS, _pack_key(keys), payload)
        return payload


def _pack_key(keys: Sequence[bytes]) -> bytes:
    return combine(keys, loader_version(), "pack")


@dataclass(eq=False)
class _Group:
    """Consecutive claim files of one directory: the unit of a worker task and of a cache pack."""

    files: list[_Found]
    data: list[bytes | Problem | None]
    keys: tuple[bytes, ...] | None = None
    """Per-file content keys; ``None`` without cache or when a file could not be read."""
    result: list[ParsedFile] | None = None

    @property
    def name(self) -> str:
        return self.files[0].display

    def pack_key(self) -> bytes | None:
        return None if self.keys is None else _pack_key(self.keys)

    def items(self) -> list[_Item]:
        return [
            (f.display, f.fs_path, d if isinstance(d, bytes) else None)
            for f, d in zip(self.files, self.data, strict=True)
        ]

    def size(self) -> int:
        return sum(len(d) for d in self.data if isinstance(d, bytes))


def _groups(files: Sequence[_Found]) -> list[_Group]:
    """Split files into groups whose boundaries depend only on names.

    A new group starts at each directory and, inside one, at files whose name
    hashes low (about 1 in 64): adding or editing a file changes one group, so
    one cache pack, not every pack after it.
    """
    groups: list[_Group] = []
    last_dir: str | None = None
    for f in files:
        folder, _, name = f.display.rpartition("/")
        split = hashlib.blake2b(name.encode(), digest_size=1).digest()[0] < _GROUP_SPLIT
        if not groups or folder != last_dir or split:
            groups.append(_Group([], []))
            last_dir = folder
        groups[-1].files.append(f)
        groups[-1].data.append(None)
    return groups


class _Progress:
    """Calls the caller's ``progress`` at most every ``_PROGRESS_EVERY`` seconds, and at the end."""

    def __init__(self, callback: Callable[[int, int], None] | None, total: int) -> None:
        self.callback = callback
        self.total = total
        self.done = 0
        self.last = 0.0
        if callback is not None:
            callback(0, total)
            self.last = time.monotonic()

    def add(self, n: int) -> None:
        self.done += n
        if self.callback is None:
            return
        now = time.monotonic()
        if now - self.last >= _PROGRESS_EVERY and self.done < self.total:
            self.last = now
            self.callback(self.done, self.total)

    def finish(self) -> None:
        if self.callback is not None:
            self.callback(self.total, self.total)


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _mp_context() -> multiprocessing.context.BaseContext:
    """``fork`` where it is safe and cheap (Linux, no other threads), else ``forkserver``."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


class _Scheduler:
    """Parses groups of files: in this process, or also in a pool once there is enough work.

    This process takes part: it parses groups from the back of the queue while
    the workers take them from the front, and turns the workers' results back
    into the model in between. On two cores one worker plus this process beats
    two workers, because rebuilding the model here costs a quarter of parsing.
    """

    def __init__(
        self, workers: int | None, store: Cache, decode: _Decoder, meter: _Progress
    ) -> None:
        self.store = store
        self.decode = decode
        self.meter = meter
        self.queue: collections.deque[_Group] = collections.deque()
        self.inflight: dict[Future[bytes], _Group] = {}
        self.pool: ProcessPoolExecutor | None = None
        self.broken = False
        if workers is None:
            self.workers = min(_cpu_count() - 1, MAX_WORKERS)
            self.min_files, self.min_bytes = SEQUENTIAL_MAX_FILES, SEQUENTIAL_MAX_BYTES
        else:
            self.workers = workers if workers > 1 else 0
            self.min_files, self.min_bytes = 0, 0
        self.files = 0
        self.bytes = 0

    def add(self, group: _Group, size: int) -> None:
        self.queue.append(group)
        self.files += len(group.files)
        self.bytes += size
        if (
            self.pool is None
            and self.workers
            and not self.broken
            and self.files >= self.min_files
            and self.bytes >= self.min_bytes
        ):
            self._start()
        self._submit()

    def _start(self) -> None:
        try:
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_mp_context())
        except (OSError, ValueError, NotImplementedError, ImportError):
            self.broken = True

    def _submit(self) -> None:
        if self.pool is None or self.broken:
            return
        while self.queue and len(self.inflight) < _INFLIGHT * self.workers:
            group = self.queue.popleft()
            root = str(self.store.root) if self.store.enabled and group.keys else None
            try:
                future = self.pool.submit(_worker_task, group.items(), group.keys, root)
            except (OSError, RuntimeError, BrokenProcessPool):
                self.queue.appendleft(group)
                self.broken = True
                return
            self.inflight[future] = group

    def _collect(self, futures: Iterable[Future[bytes]]) -> None:
        for future in futures:
            group = self.inflight.pop(future)
            try:
                payload = future.result()
                _keys, encoded = pickle.loads(payload)
            except Exception:
                # A worker died (the pool is then broken) or failed: this process
                # redoes the group, and no more work goes to the pool; what it is
                # already doing is still collected, so nothing has to be cancelled.
                self.broken = True
                self.queue.append(group)
                continue
            group.result = [self.decode(e) for e in encoded]
            self.meter.add(len(group.files))

    def _shutdown(self, *, abort: bool = False) -> None:
        """Stop the pool: after the work is done, or (``abort``) at once, on an interrupt."""
        if self.pool is not None:
            pool, self.pool = self.pool, None
            pool.shutdown(wait=not abort, cancel_futures=abort)

    def abort(self) -> None:
        self._shutdown(abort=True)

    def poll(self) -> None:
        """Take in what the workers finished, without waiting."""
        if self.inflight:
            self._collect([f for f in self.inflight if f.done()])
            self._submit()

    def finish(self) -> None:
        """Parse everything queued; returns when every group has its result."""
        try:
            while self.queue or self.inflight:
                self.poll()
                if self.queue:
                    self._parse_here(self.queue.pop())
                elif self.inflight:
                    done, _ = wait(list(self.inflight), return_when=FIRST_COMPLETED)
                    self._collect(done)
                    self._submit()
        except BaseException:
            self._shutdown(abort=True)
            raise
        self._shutdown()

    def _parse_here(self, group: _Group) -> None:
        group.result = _parse_items(group.items())
        key = group.pack_key()
        if key is not None and self.store.enabled:
            self.store.put_pickled(
                _PACKS, key, _dumps((group.keys, tuple(_encode(pf) for pf in group.result)))
            )
        self.meter.add(len(group.files))


def _parse_many(
    files: Sequence[_Found],
    root: str,
    store: Cache,
    progress: Callable[[int, int], None] | None,
    workers: int | None,
    read: _Read = _read,
) -> list[ParsedFile]:
    """Every claim file parsed, in ``files`` order: from the cache, in workers, or here.

    With the cache, files are read here (their keys need the bytes) and the
    groups that miss go to the workers while the rest is still being read.
    """
    groups = _groups(files)
    meter = _Progress(progress, len(files))
    decode = _Decoder()
    scheduler = _Scheduler(workers, store, decode, meter)
    missed = False
    try:
        if store.enabled:
            version = loader_version()
            index: dict[str, bytes] | None = None
            for g in groups:
                g.data = [read(f.fs_path, f.display) for f in g.files]
                if any(isinstance(d, Problem) for d in g.data):
                    scheduler.add(g, g.size())  # not cached: unreadable files are rare
                    continue
                g.keys = tuple(
                    content_key(d, f.display, version)
                    for f, d in zip(g.files, g.data, strict=True)
                    if isinstance(d, bytes)
                )
                key = g.pack_key()
                assert key is not None
                pack = _valid_pack(store.get(_PACKS, key), g.keys)
                if pack is not None:
                    g.result = [decode(e) for e in pack[1]]
                    meter.add(len(g.files))
                    scheduler.poll()
                    continue
                missed = True
                if index is None:
                    index = _read_index(store, root)
                old = index.get(g.name)
                old_pack = _valid_pack(store.get(_PACKS, old), None) if old else None
                if old_pack is not None and _reuse(g, old_pack, decode, store):
                    meter.add(len(g.files))
                    continue
                scheduler.add(g, g.size())
        else:
            # Files are read by whoever parses them; only the size decides.
            if len(files) >= scheduler.min_files and _at_least(files, scheduler.min_bytes):
                scheduler.min_bytes = 0
            for g in groups:
                if read is not _read:
                    got = [read(f.fs_path, f.display) for f in g.files]
                    g.data = [d if isinstance(d, bytes) else None for d in got]
                scheduler.add(g, 0)
        scheduler.finish()
    except BaseException:
        scheduler.abort()
        raise
    if missed:
        _write_index(store, root, groups)
    meter.finish()
    out: list[ParsedFile] = []
    for g in groups:
        assert g.result is not None
        out.extend(g.result)
    return out


def _at_least(files: Sequence[_Found], limit: int) -> bool:
    """Whether the files hold at least ``limit`` bytes (stats only as many as needed)."""
    total = 0
    for f in files:
        if total >= limit:
            return True
        with contextlib.suppress(OSError):
            total += os.stat(f.fs_path).st_size
    return total >= limit


def _valid_pack(value: Any, keys: Sequence[bytes] | None) -> tuple[tuple[bytes, ...], _Enc] | None:
    """A pack read from the cache, or ``None`` when it is not a pack (for these keys)."""
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], tuple)
        and isinstance(value[1], tuple)
        and len(value[0]) == len(value[1])
        and (keys is None or value[0] == tuple(keys))
    ):
        return value
    return None


def _reuse(g: _Group, old: tuple[tuple[bytes, ...], _Enc], decode: _Decoder, store: Cache) -> bool:
    """After an edit: take the group's unchanged files from its previous pack, parse the rest.

    Declines (``False``) when most of the group changed: then it is parsed like
    any other missed group, possibly in parallel.
    """
    assert g.keys is not None
    known = dict(zip(old[0], old[1], strict=True))
    if sum(1 for k in g.keys if k not in known) > len(g.keys) // 2:
        return False
    encoded = []
    result = []
    for f, d, file_key in zip(g.files, g.data, g.keys, strict=True):
        enc = known.get(file_key)
        if enc is None:
            assert isinstance(d, bytes)
            pf = parse_claim_file(f.display, d)
            enc = _encode(pf)
        else:
            pf = decode(enc)
        encoded.append(enc)
        result.append(pf)
    g.result = result
    pack_key = g.pack_key()
    assert pack_key is not None
    store.put_pickled(_PACKS, pack_key, _dumps((g.keys, tuple(encoded))))
    return True


def _index_key(root: str) -> bytes:
    return content_key(b"", loader_version(), "index", os.path.realpath(root), root)


def _read_index(store: Cache, root: str) -> dict[str, bytes]:
    """Which pack each group had last time (a hint: packs are still checked key by key)."""
    value = store.get(_INDEX, _index_key(root))
    if not isinstance(value, dict):
        return {}
    return {
        k: v
        for k, v in value.items()
        if isinstance(k, str) and isinstance(v, bytes) and len(v) >= 4
    }


def _write_index(store: Cache, root: str, groups: Sequence[_Group]) -> None:
    index = {}
    for g in groups:
        key = g.pack_key()
        if key is not None:
            index[g.name] = key
    if index:
        store.put(_INDEX, _index_key(root), index)


def load_corpus(
    root: str | os.PathLike[str],
    *,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    prefetched: Mapping[str, bytes] | None = None,
) -> LoadResult:
    """Load every claim file and reserved file under ``root``.

    ``problems`` holds every problem of every file; ``corpus`` only the files
    without errors, so that a caller may choose to go on without the rest
    (``skipped`` says what was left out).

    ``use_cache`` reads and fills the parse cache in :func:`claimdiff.cache.cache_dir`
    (unchanged files are not parsed again); ``False`` reads and writes nothing.
    ``progress(done, total)`` is called from this process as claim files are
    parsed (or found in the cache), a few times a second at most, and once with
    ``done == total`` at the end. ``workers``: ``None`` parses a large corpus in
    parallel processes and a small one here; ``1`` never starts a process; ``n``
    uses a pool of ``n`` processes whatever the size. The result is the same
    either way.

    ``prefetched`` maps file paths to bytes already read — what
    :func:`corpus_fingerprint` collects in its ``keep`` — and those bytes are
    parsed instead of reading the files again: a fingerprint and a load made
    together then describe the same bytes even if a file changes in between.
    """
    root_str = os.fspath(root)
    if not os.path.exists(root_str):
        raise ClaimdiffError(f"corpus directory '{root_str}' does not exist")
    if not os.path.isdir(root_str):
        raise ClaimdiffError(f"corpus '{root_str}' is not a directory")
    if workers is not None and workers < 1:
        raise ValueError("workers must be at least 1")
    root_real = os.path.realpath(root_str)
    problems: list[Problem] = []
    # A 100k-claim corpus is a million small acyclic objects, kept frozen so
    # that the collector never rescans it (see claimdiff.gcpause).
    with gcpause.paused(keep_frozen=True):
        found = _walk(root_str, root_real, problems)
        claim_files = [f for f in found if not f.reserved]
        store = Cache() if use_cache else Cache.disabled()
        read = _reader(prefetched)
        parsed_files = _parse_many(claim_files, root_str, store, progress, workers, read)
        return _assemble(root_str, root_real, found, parsed_files, problems, read)


def _assemble(
    root_str: str,
    root_real: str,
    found: Sequence[_Found],
    parsed_files: Sequence[ParsedFile],
    problems: list[Problem],
    read: _Read = _read,
) -> LoadResult:
    """Reserved files, texts and the checks across files: what follows per-file parsing."""
    parsed = [
        (pf, f.fs_path)
        for pf, f in zip(parsed_files, [f for f in found if not f.reserved], strict=True)
    ]
    aliases: tuple[Alias, ...] = ()
    lexicon = Lexicon()
    decisions: tuple[DecisionEntry, ...] = ()
    reserved_problems: dict[str, tuple[Problem, ...]] = {}
    for f in found:
        if not f.reserved:
            continue
        data = read(f.fs_path, f.display)
        name = os.path.basename(f.fs_path)
        if isinstance(data, Problem):
            reserved_problems[f.display] = (data,)
        elif name == "aliases.yaml":
            aliases, reserved_problems[f.display] = parse_aliases(f.display, data)
        elif name == "lexicon.yaml":
            lexicon, reserved_problems[f.display] = parse_lexicon(f.display, data)
        else:
            decisions, reserved_problems[f.display] = parse_decisions(f.display, data)

    per_file: dict[str, list[Problem]] = {}
    articles: dict[str, Article] = {}
    claim_counts: dict[str, int] = {}
    for pf, fs_path in parsed:
        article, text_problems = _attach_text(pf, fs_path, root_real, read)
        per_file[pf.path] = [*pf.problems, *text_problems]
        claim_counts[pf.path] = pf.claims
        if article is not None:
            articles[pf.path] = article
    for p in validate.check_article_ids(articles.values()):
        per_file[p.path].append(p)

    decisions_path = os.path.join(root_str, "decisions.yaml").replace(os.sep, "/")
    if decisions:
        # Claim references are needed only to check decisions (200k strings at scale).
        known = {c.ref for art in articles.values() for c in art.claims}
        reserved_problems[decisions_path] = tuple(
            sorted(
                [
                    *reserved_problems.get(decisions_path, ()),
                    *validate.check_decisions(decisions, known),
                ]
            )
        )
    for path, probs in reserved_problems.items():
        per_file[path] = list(probs)
        claim_counts[path] = 0

    # Found while walking (a file name that is not UTF-8, a directory that cannot
    # be read): nothing of them was parsed, and they are left out like a file
    # that cannot be parsed.
    skipped = [SkippedFile(p.path, 0, 1) for p in problems if p.is_error]
    bad = set()
    for path, file_problems in per_file.items():
        errors = sum(1 for p in file_problems if p.is_error)
        if errors:
            bad.add(path)
            skipped.append(SkippedFile(path, claim_counts[path], errors))
        problems.extend(file_problems)

    kept = tuple(art for path, art in articles.items() if path not in bad)
    kept_refs = {c.ref for art in kept for c in art.claims} if decisions else set()

    def reserved_ok(name: str) -> bool:
        return os.path.join(root_str, name).replace(os.sep, "/") not in bad

    corpus = Corpus(
        root=root_str,
        articles=kept,
        aliases=aliases if reserved_ok("aliases.yaml") else (),
        lexicon=lexicon if reserved_ok("lexicon.yaml") else Lexicon(),
        decisions=tuple(
            e.decision for e in decisions if e.decision.a in kept_refs and e.decision.b in kept_refs
        )
        if reserved_ok("decisions.yaml")
        else (),
    )
    rejected = tuple(art for path, art in sorted(articles.items()) if path in bad)
    return LoadResult(
        corpus,
        tuple(sorted(problems)),
        tuple(sorted(skipped, key=lambda s: s.path)),
        rejected,
    )


# --------------------------------------------------------------------------- fingerprint

_CONTENT_SUFFIXES = (".yaml", ".yml", ".txt")


def corpus_fingerprint(
    root: str | os.PathLike[str], *, keep: dict[str, bytes] | None = None
) -> bytes:
    """A digest of everything a load of ``root`` reads, computed without parsing any YAML.

    For keying a cache of whole results: equal fingerprints mean equal
    :func:`load_corpus` results (with this claimdiff). Walks like the loader
    (hidden entries skipped, directory symlinks not followed but their targets
    recorded) and hashes the path and bytes of every ``.yaml``, ``.yml`` and
    ``.txt`` file, and the path, size and modification time of every other
    file (an article text may have any name). Not covered: article texts
    inside hidden directories, which no corpus should need.

    ``keep`` receives the bytes of every file read, for
    :func:`load_corpus`'s ``prefetched`` (article texts also under their real
    path, which is how the loader finds them).
    """
    root_str = os.fspath(root)
    if not os.path.isdir(root_str):
        raise ClaimdiffError(f"corpus directory '{root_str}' does not exist or is not a directory")
    h = hashlib.blake2b(digest_size=20)

    def part(*items: str | bytes | int) -> None:
        feed(h, *items)

    part(b"claimdiff-corpus", loader_version(), root_str, os.path.realpath(root_str))
    stack: list[tuple[str, str]] = [(root_str, "")]
    while stack:
        fs_dir, rel = stack.pop()
        try:
            with os.scandir(fs_dir) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            part(b"unreadable-dir", rel, exc.strerror or type(exc).__name__)
            continue
        for entry in reversed(entries):
            name = entry.name
            if name.startswith("."):
                continue
            child = f"{rel}/{name}" if rel else name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir()
            except OSError:
                is_link, is_dir = False, False
            if is_link:
                part(b"link", child, os.path.realpath(entry.path))
                if is_dir:
                    continue
            if is_dir:
                stack.append((entry.path, child))
                continue
            data = _fingerprint_file(
                part, entry.path, child, name.lower().endswith(_CONTENT_SUFFIXES)
            )
            if keep is not None and data is not None:
                keep[entry.path] = data
                if not name.lower().endswith((".yaml", ".yml")):
                    keep[os.path.realpath(entry.path)] = data
    return h.digest()


def _fingerprint_file(
    part: Callable[..., None], fs_path: str, rel: str, content: bool
) -> bytes | None:
    """Hash one file into ``part``; returns its bytes when it read them."""
    try:
        st = os.stat(fs_path)
        if not stat.S_ISREG(st.st_mode):
            part(b"special", rel, st.st_mode)
            return None
        if not content or st.st_size > MAX_FILE_BYTES:
            part(b"stat", rel, st.st_size, st.st_mtime_ns)
            return None
        data = _read_bounded(fs_path, st.st_size)
    except OSError as exc:
        part(b"unreadable", rel, exc.strerror or type(exc).__name__)
        return None
    part(b"file", rel, data)
    return data

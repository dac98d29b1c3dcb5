"""A small content-addressed on-disk cache.

Re-reading an unchanged corpus should cost little more than hashing its bytes.
Entries are keyed by a digest of the *content* they were computed from (plus a
salt naming claimdiff's and Python's versions), never by path or modification
time, so an entry can never be stale: changed input has a different key. The
cache is an optimisation only: every entry may be deleted at any time, any
unreadable or corrupt entry is a miss (and is removed), and a failed write is
silently skipped.

Layout: ``<cache_dir>/v1/<namespace>/<2 hex>/<rest of hex>``, one file per entry
(a 2-level fan-out keeps directories small). Each file is ``MAGIC``, a 16-byte
blake2b checksum of the payload, then the pickled value; the checksum catches
truncated or foreign files that pickle might otherwise half-read. Writes go to a
temporary file in the same directory and are moved into place with
:func:`os.replace`, so readers see either nothing or a whole entry, and two
processes writing the same key write the same bytes.

For a whole corpus, store one big value (e.g. every parsed article) under
:func:`combine` of the per-file keys: a warm run then reads one file, and a run
after an edit falls back to the per-file entries (see docs/performance.md).

Content keys mean every edit leaves the previous state's entries behind (at
100k claims, tens of MB per run), so the cache is kept under a size limit
(:func:`size_limit`, ``CLAIMDIFF_CACHE_SIZE``) by :meth:`Cache.trim`, which
deletes the least recently used entries: a hit marks its entry as used.

Values are pickles: the cache directory must be as trusted as the user's home.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimdiff import __version__, gcpause
from claimdiff.errors import UsageError

CACHE_FORMAT = 1
"""Layout version; bumping it orphans old entries (they are never read again)."""

MAGIC = b"CDC1"
_SUM = 16
ENV_VAR = "CLAIMDIFF_CACHE_DIR"
SIZE_VAR = "CLAIMDIFF_CACHE_SIZE"
DEFAULT_SIZE_LIMIT = 2 * 10**9
"""2 GB: the entries of a dozen states of a 100k-claim corpus (outputs of several views)."""
TAG_NAME = "CACHEDIR.TAG"
TAG = (
    b"Signature: 8a477f597d28d172789f06886806bc55\n"
    b"# This directory holds claimdiff's cache; `claimdiff cache clear` empties it.\n"
    b"# For information about cache directory tags see https://bford.info/cachedir/\n"
)
"""Marks a format directory (``v1/``) as claimdiff's: only tagged ones are ever deleted
from, whatever else ``CLAIMDIFF_CACHE_DIR`` holds, and backup tools skip them."""
STALE_TMP_SECONDS = 3600
"""A temporary file this old was left by a writer that died; younger ones may be in use."""
_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows would otherwise translate newlines

SALT = f"claimdiff {__version__}; python {sys.version_info[0]}.{sys.version_info[1]}; " + (
    f"cache {CACHE_FORMAT}"
)
"""Mixed into every key: a new claimdiff or Python never reads an older one's entries."""


def cache_dir() -> Path:
    """Where the cache lives: ``$CLAIMDIFF_CACHE_DIR``, else the platform's user cache dir.

    Linux and others: ``$XDG_CACHE_HOME/claimdiff`` or ``~/.cache/claimdiff``;
    macOS: ``~/Library/Caches/claimdiff``; Windows: ``%LOCALAPPDATA%\\claimdiff\\Cache``.
    """
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        base = Path(local) if local else Path.home() / "AppData" / "Local"
        return base / "claimdiff" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "claimdiff"
    xdg = os.environ.get("XDG_CACHE_HOME")
    # The XDG spec says relative paths are invalid and must be ignored.
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "claimdiff"


_SIZE_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?))?b?\s*", re.IGNORECASE)
_POWERS = {"k": 1, "m": 2, "g": 3, "t": 4}


def parse_size(text: str) -> int:
    """Bytes of a size written like ``500M``, ``2G``, ``1.5GB``, ``512Mi`` or ``0``.

    Suffixes are decimal (``M`` = 10**6) unless followed by ``i`` (``Mi`` = 2**20),
    as in ccache; a bare number is bytes. Raises :class:`UsageError` otherwise.
    """
    m = _SIZE_RE.fullmatch(text)
    if m is None:
        raise UsageError(
            f"{SIZE_VAR}={text!r}: expected a size such as 500M, 2G or 0 (bytes; K, M, G, T "
            "are powers of 1000, Ki, Mi, Gi, Ti of 1024)"
        )
    number, unit, binary = m.groups()
    base = 1024 if binary else 1000
    return int(float(number) * base ** _POWERS[unit.lower()] if unit else float(number))


def size_limit() -> int:
    """The cache's size limit: ``$CLAIMDIFF_CACHE_SIZE`` (see :func:`parse_size`), else 2 GB."""
    value = os.environ.get(SIZE_VAR, "").strip()
    return parse_size(value) if value else DEFAULT_SIZE_LIMIT


def format_size(n: int) -> str:
    """``n`` bytes for people: ``950 B``, ``19.4 MB``, ``2.0 GB`` (decimal units, as parsed)."""
    if n < 1000:
        return f"{n} B"
    value = float(n)
    for unit in ("kB", "MB", "GB"):
        value /= 1000
        if value < 999.95:
            return f"{value:.1f} {unit}"
    return f"{value / 1000:.1f} TB"


def feed(h: Any, *parts: str | bytes | int) -> None:
    """Hash ``parts`` into ``h`` unambiguously: each length-prefixed, text as UTF-8
    (file names the OS holds as other bytes round-trip through ``surrogateescape``)."""
    for part in parts:
        if isinstance(part, int):
            raw = str(part).encode()
        elif isinstance(part, str):
            raw = part.encode("utf-8", "surrogateescape")
        else:
            raw = part
        h.update(len(raw).to_bytes(8, "little"))
        h.update(raw)


def content_key(data: bytes, *context: str | bytes) -> bytes:
    """The key of a value computed from ``data``: blake2b of the salt, ``context`` and ``data``.

    ``context`` holds everything else the value depends on, e.g. the file's path
    relative to the corpus root when the value records locations.
    """
    h = hashlib.blake2b(digest_size=20)
    h.update(SALT.encode())
    feed(h, *context)
    h.update(b"\x00data\x00")
    h.update(data)
    return h.digest()


def combine(keys: Iterable[bytes], *context: str | bytes) -> bytes:
    """One key for a collection of entries (order matters: pass them sorted)."""
    h = hashlib.blake2b(digest_size=20)
    h.update(SALT.encode())
    feed(h, *context)
    h.update(b"\x00keys\x00")
    for key in keys:
        h.update(len(key).to_bytes(2, "little"))
        h.update(key)
    return h.digest()


@dataclass(frozen=True)
class NamespaceUsage:
    """Entries and bytes of one namespace (``v2/parse-pack`` for another cache format's)."""

    namespace: str
    entries: int
    bytes: int


@dataclass(frozen=True)
class Usage:
    """What the cache directory holds, as :meth:`Cache.usage` finds it."""

    root: Path
    namespaces: tuple[NamespaceUsage, ...]
    """Sorted by name."""
    temporary_files: int
    """Files being written, or left by a writer that died (:meth:`Cache.trim` removes those)."""
    temporary_bytes: int

    @property
    def entries(self) -> int:
        return sum(n.entries for n in self.namespaces)

    @property
    def bytes(self) -> int:
        return sum(n.bytes for n in self.namespaces) + self.temporary_bytes


@dataclass(frozen=True)
class TrimResult:
    """What :meth:`Cache.trim` deleted, and what the cache holds after it."""

    removed: int
    freed: int
    kept: int
    """Bytes of the entries left."""


@dataclass(frozen=True, order=True)
class _File:
    mtime: float
    path: str
    size: int
    namespace: str


_FORMAT_RE = re.compile(r"v\d+")
_NAMESPACE_RE = re.compile(r"[A-Za-z0-9_-]+")
_FAN_RE = re.compile(r"[0-9a-f]{2}")
_REST_RE = re.compile(r"[0-9a-f]{6,}")


def _subdirs(path: str | Path, pattern: re.Pattern[str]) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as it:
            return [d for d in it if pattern.fullmatch(d.name) and d.is_dir(follow_symlinks=False)]
    except OSError:
        return []


def _tagged(folder: str | Path) -> bool:
    """Whether ``folder`` holds claimdiff's :data:`TAG` (so it is claimdiff's to delete from)."""
    try:
        with open(os.path.join(folder, TAG_NAME), "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return head.startswith(TAG.split(b"\n")[0]) and b"claimdiff" in head


def _formats(root: Path) -> list[os.DirEntry[str]]:
    """claimdiff's format directories under ``root`` (``v1`` …): named so, and tagged."""
    return [d for d in _subdirs(root, _FORMAT_RE) if _tagged(d.path)]


@dataclass
class CacheStats:
    """Counters for ``--verbose`` output and tests."""

    hits: int = 0
    misses: int = 0
    writes: int = 0
    errors: int = 0
    """Entries found corrupt, and writes that failed; both are harmless."""


class Cache:
    """Content-addressed store of pickled values. ``Cache(enabled=False)`` stores nothing.

    ``None`` cannot be stored (it is what :meth:`get` returns on a miss).
    """

    def __init__(self, root: Path | str | None = None, *, enabled: bool = True) -> None:
        self.root = Path(root) if root is not None else cache_dir()
        self.enabled = enabled
        self.stats = CacheStats()
        self._made: set[Path] = set()
        self._token = f"{os.getpid()}-{os.urandom(4).hex()}"
        self._count = 0

    @classmethod
    def disabled(cls) -> Cache:
        """The cache of ``--no-cache``: every lookup misses, nothing is written."""
        return cls(Path(os.devnull), enabled=False)

    def path(self, namespace: str, key: bytes) -> Path:
        """File of an entry (whether or not it exists)."""
        if not namespace or not namespace.replace("-", "").replace("_", "").isalnum():
            raise ValueError(f"bad cache namespace {namespace!r}")
        hexkey = key.hex()
        if len(hexkey) < 8:
            raise ValueError("cache keys must be digests (at least 4 bytes)")
        return self.root / f"v{CACHE_FORMAT}" / namespace / hexkey[:2] / hexkey[2:]

    # ---------------------------------------------------------------- reading

    def get(self, namespace: str, key: bytes) -> Any | None:
        """The value stored under ``key``, or ``None`` (missing, unreadable or corrupt)."""
        if not self.enabled:
            self.stats.misses += 1
            return None
        path = self.path(namespace, key)
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError:
            self.stats.misses += 1
            return None
        value = _decode(raw)
        if value is None:
            self.stats.misses += 1
            self.stats.errors += 1
            _remove(path)
            return None
        self.stats.hits += 1
        # Marks the entry as recently used: trim() deletes the least recently used first.
        with contextlib.suppress(OSError):
            os.utime(path)
        return value

    def get_many(self, namespace: str, keys: Iterable[bytes]) -> dict[bytes, Any]:
        """The values found for ``keys`` (misses are simply absent)."""
        found: dict[bytes, Any] = {}
        with gcpause.paused():
            for key in keys:
                value = self.get(namespace, key)
                if value is not None:
                    found[key] = value
        return found

    # ---------------------------------------------------------------- writing

    def put(self, namespace: str, key: bytes, value: Any) -> None:
        """Store ``value`` under ``key``; failures (read-only disk, full disk) are ignored."""
        if value is None:
            raise ValueError("None cannot be cached: it means 'miss'")
        if not self.enabled:
            return
        path = self.path(namespace, key)
        try:
            # Pickled straight into the file: a large value (a 50 MB output) is
            # never held a second and a third time as payload and entry bytes.
            self._write(path, lambda out: pickle.dump(value, out, pickle.HIGHEST_PROTOCOL))
        except Exception:  # a full disk, or an unpicklable value (a bug, but not fatal)
            self.stats.errors += 1
            return
        self.stats.writes += 1

    def put_pickled(self, namespace: str, key: bytes, payload: bytes) -> None:
        """Store a value already pickled (e.g. by a worker process), saving a second pickling.

        ``payload`` must be ``pickle.dumps`` of a value other than ``None``; bytes
        that do not unpickle are a miss on reading, like any corrupt entry.
        """
        if not self.enabled:
            return
        path = self.path(namespace, key)
        try:
            self._write(path, lambda out: out.write(payload))
        except OSError:
            self.stats.errors += 1
            return
        self.stats.writes += 1

    def put_many(self, namespace: str, items: Mapping[bytes, Any]) -> None:
        with gcpause.paused():
            for key, value in items.items():
                self.put(namespace, key, value)

    def _write(self, path: Path, fill: Callable[[_Payload], object]) -> None:
        """Write an entry whose payload ``fill`` writes, atomically (temporary file, rename)."""
        folder = path.parent
        if folder not in self._made:
            folder.mkdir(parents=True, exist_ok=True)
            tag = self.root / f"v{CACHE_FORMAT}" / TAG_NAME
            if not self._made and not tag.exists():  # once per instance (and after clear)
                with contextlib.suppress(OSError):
                    tag.write_bytes(TAG)
            self._made.add(folder)
        # A cheap unique name first (mkstemp costs 3x more per entry on ext4);
        # mkstemp only when that name is taken, e.g. left over by a crash.
        self._count += 1
        tmp = str(folder / f".tmp-{self._token}-{self._count}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o644)
        except FileExistsError:
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        try:
            try:
                _write_all(fd, MAGIC + bytes(_SUM))  # the checksum goes in at the end
                payload = _Payload(fd)
                fill(payload)
                os.lseek(fd, len(MAGIC), os.SEEK_SET)
                _write_all(fd, payload.digest())
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except BaseException:
            _remove(Path(tmp))
            raise

    # ---------------------------------------------------------------- maintenance

    def clear(self, namespace: str | None = None) -> None:
        """Delete every entry (of one namespace, or all, in every cache format); a no-op
        when disabled. Only claimdiff's own directories are touched, whatever else
        ``CLAIMDIFF_CACHE_DIR`` may hold."""
        if not self.enabled:
            return
        if namespace is not None:
            target = self.path(namespace, b"\x00" * 4).parent.parent
            if _tagged(target.parent):
                shutil.rmtree(target, ignore_errors=True)
        else:
            for fmt in _formats(self.root):
                shutil.rmtree(fmt.path, ignore_errors=True)
        self._made.clear()

    def _files(self) -> tuple[list[_File], list[_File]]:
        """Every entry and every temporary file, of every cache format."""
        entries: list[_File] = []
        temporary: list[_File] = []
        for fmt in _formats(self.root):
            current = fmt.name == f"v{CACHE_FORMAT}"
            for ns in _subdirs(fmt.path, _NAMESPACE_RE):
                label = ns.name if current else f"{fmt.name}/{ns.name}"
                for fan in _subdirs(ns.path, _FAN_RE):
                    try:
                        with os.scandir(fan.path) as it:
                            found = list(it)
                    except OSError:
                        continue
                    for f in found:
                        if _REST_RE.fullmatch(f.name):
                            into = entries
                        elif f.name.startswith(".tmp-"):
                            into = temporary
                        else:
                            continue
                        try:
                            st = f.stat(follow_symlinks=False)
                        except OSError:  # deleted meanwhile by another claimdiff
                            continue
                        if stat.S_ISREG(st.st_mode):
                            into.append(_File(st.st_mtime, f.path, st.st_size, label))
        return entries, temporary

    def usage(self) -> Usage:
        """Entries and bytes per namespace (nothing when disabled)."""
        if not self.enabled:
            return Usage(self.root, (), 0, 0)
        entries, temporary = self._files()
        counts: dict[str, tuple[int, int]] = {}
        for e in entries:
            n, b = counts.get(e.namespace, (0, 0))
            counts[e.namespace] = (n + 1, b + e.size)
        return Usage(
            self.root,
            tuple(NamespaceUsage(ns, n, b) for ns, (n, b) in sorted(counts.items())),
            len(temporary),
            sum(t.size for t in temporary),
        )

    def trim(self, limit: int) -> TrimResult:
        """Delete the least recently used entries until the rest take at most ``limit`` bytes.

        Temporary files older than an hour (left by a writer that was killed) go
        too. Entries of other cache formats (another claimdiff) count and are
        deleted like any other: nothing reads them any more, so they are the
        least recently used. Failures (another process deleting the same file,
        a read-only directory) are skipped.
        """
        if not self.enabled:
            return TrimResult(0, 0, 0)
        entries, temporary = self._files()
        removed = freed = 0
        stale = time.time() - STALE_TMP_SECONDS
        for t in temporary:
            if t.mtime < stale and _remove(Path(t.path)):
                removed, freed = removed + 1, freed + t.size
        kept = sum(e.size for e in entries)
        for e in sorted(entries):  # oldest use first; the path breaks ties
            if kept <= limit:
                break
            if _remove(Path(e.path)):
                removed, freed, kept = removed + 1, freed + e.size, kept - e.size
        return TrimResult(removed, freed, kept)


class _Payload:
    """A file-like sink for an entry's payload: written to ``fd`` and checksummed on the way."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._sum = hashlib.blake2b(digest_size=_SUM)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._sum.update(data)
        _write_all(self._fd, data)
        return len(data)

    def digest(self) -> bytes:
        return self._sum.digest()


def _write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    # os.write, not a file object: nothing to buffer twice, one syscall per piece.
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _decode(raw: bytes) -> Any | None:
    head = len(MAGIC) + _SUM
    if len(raw) <= head or not raw.startswith(MAGIC):
        return None
    payload = memoryview(raw)[head:]  # not a copy: an output entry may be 50 MB
    if hashlib.blake2b(payload, digest_size=_SUM).digest() != raw[len(MAGIC) : head]:
        return None
    with gcpause.paused():
        try:
            return pickle.loads(payload)
        except Exception:  # e.g. a class that no longer exists; treat like corruption
            return None


def _remove(path: Path) -> bool:
    try:
        path.unlink()
    except OSError:
        return False
    return True

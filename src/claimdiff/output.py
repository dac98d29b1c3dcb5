"""Writing results to files without ever losing or corrupting data.

Two promises: a claim file (or anything else inside the corpus) is never
overwritten by an output, and an output file is either the old one or the
complete new one — never half written, even on Ctrl-C or a full disk.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from claimdiff.errors import OutputError


def is_inside(path: Path, directory: Path) -> bool:
    """Whether ``path`` (resolved, following symlinks) lies inside ``directory``."""
    try:
        path.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    return True


def check_output_path(path: Path, corpus_root: Path | None) -> None:
    """Refuse paths that would overwrite the corpus or are not writable files."""
    if corpus_root is not None and is_inside(path, corpus_root):
        raise OutputError(
            f"refusing to write {path}: it is inside the corpus {corpus_root} "
            "(outputs never go into the corpus; choose a path outside it)"
        )
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a directory")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"cannot write {path}: directory {parent} does not exist")


def write_atomic(path: Path, text: str | bytes | Iterable[str | bytes]) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same directory and a rename.

    Special files (``/dev/null``, ``/dev/stdout``, a named pipe) are written to
    directly: renaming over them would replace the device with a regular file.
    ``text`` may be an iterable of pieces, written as they come; pieces are
    ``str`` (written as UTF-8) or ``bytes`` already encoded (a replayed output).
    """
    pieces: Iterable[str | bytes] = [text] if isinstance(text, (str, bytes)) else text
    chunks = (p.encode("utf-8") if isinstance(p, str) else p for p in pieces)
    if path.exists() and not path.is_file():
        try:
            with open(path, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        return
    parent = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        # mkstemp makes the file private (0600); an output is an ordinary file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        # Ctrl-C or a full disk: leave the previous file (if any) untouched.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise

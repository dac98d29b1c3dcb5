"""Outputs are atomic and never land inside the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

import claimdiff.output as output
from claimdiff.errors import OutputError


def test_write_atomic_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old", "utf-8")
    output.write_atomic(target, "new,\r\ncontent\r\n")
    assert target.read_bytes() == b"new,\r\ncontent\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_interrupted_write_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", "utf-8")

    def boom(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", boom)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(target, "partial")
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_refuses_paths_inside_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "claims"
    (corpus / "sub").mkdir(parents=True)
    with pytest.raises(OutputError, match="inside the corpus"):
        output.check_output_path(corpus / "sub" / "table.csv", corpus)
    link = tmp_path / "sneaky"
    link.symlink_to(corpus, target_is_directory=True)
    with pytest.raises(OutputError, match="inside the corpus"):
        output.check_output_path(link / "x.csv", corpus)
    output.check_output_path(tmp_path / "table.csv", corpus)


def test_refuses_directories_and_missing_parents(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        output.check_output_path(tmp_path, None)
    with pytest.raises(OutputError, match="does not exist"):
        output.check_output_path(tmp_path / "no" / "x.csv", None)


def test_special_files_are_written_not_replaced(tmp_path: Path) -> None:
    import os
    import stat

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []

    import threading

    def reader() -> None:
        with open(fifo, "rb") as handle:
            got.append(handle.read())

    thread = threading.Thread(target=reader)
    thread.start()
    output.write_atomic(fifo, "through the pipe")
    thread.join(timeout=10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    output.write_atomic(Path("/dev/null"), "discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_gets_ordinary_permissions(tmp_path: Path) -> None:
    import os
    import stat

    umask = os.umask(0o022)
    try:
        target = tmp_path / "table.csv"
        output.write_atomic(target, "x")
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    finally:
        os.umask(umask)

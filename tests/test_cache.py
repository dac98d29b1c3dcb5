"""The content-addressed cache: hits, misses, corruption, location, atomicity."""

from __future__ import annotations

import os
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from claimdiff import cache as cache_mod
from claimdiff.cache import Cache, cache_dir, combine, content_key
from claimdiff.errors import UsageError
from claimdiff.model import Claim, Location


def sample_claim(n: int = 1) -> Claim:
    return Claim("art", f"c{n}", ("Russia",), "blamed", Location("a.yaml", n, 5))


def entry_files(root: Path) -> list[Path]:
    """Entries and temporary files (the directory's cache tag is neither)."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "CACHEDIR.TAG")


def test_put_then_get_returns_an_equal_value(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    key = content_key(b"article: {}", "a.yaml")
    store.put("article", key, (sample_claim(1), sample_claim(2)))
    assert Cache(tmp_path).get("article", key) == (sample_claim(1), sample_claim(2))
    assert store.stats.writes == 1


def test_unknown_key_and_other_namespace_miss(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    key = content_key(b"x")
    store.put("article", key, [1, 2])
    assert store.get("article", content_key(b"y")) is None
    assert store.get("report", key) is None
    assert store.stats.misses == 2 and store.stats.hits == 0


def test_keys_depend_on_content_context_and_version() -> None:
    base = content_key(b"data", "a.yaml")
    assert base == content_key(b"data", "a.yaml")
    assert base != content_key(b"data!", "a.yaml")
    assert base != content_key(b"data", "b.yaml")
    # context and data cannot be confused by concatenation
    assert content_key(b"bc", "a") != content_key(b"c", "ab")
    assert "claimdiff" in cache_mod.SALT and f"{sys.version_info[0]}." in cache_mod.SALT
    assert combine([base, content_key(b"z")]) != combine([content_key(b"z"), base])


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],
        lambda raw: b"garbage" * 10,
        lambda raw: raw[:-30] + bytes([raw[-30] ^ 0x01]) + raw[-29:],
        lambda raw: b"",
        lambda raw: cache_mod.MAGIC + b"\x00" * 16 + pickle.dumps(42),  # valid pickle, bad sum
    ],
    ids=["truncated", "garbage", "flipped-byte", "empty", "bad-checksum"],
)
def test_corrupt_entry_is_a_miss_removed_and_rebuilt(
    tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    store = Cache(tmp_path)
    key = content_key(b"file")
    store.put("article", key, {"claims": list(range(100))})
    path = store.path("article", key)
    path.write_bytes(damage(path.read_bytes()))
    assert store.get("article", key) is None
    assert not path.exists()
    assert store.stats.errors == 1
    store.put("article", key, {"claims": [1]})
    assert store.get("article", key) == {"claims": [1]}


def test_unpicklable_payload_with_valid_checksum_is_a_miss(tmp_path: Path) -> None:
    import hashlib

    store = Cache(tmp_path)
    key = content_key(b"file")
    payload = b"\x80\x05\x95not a pickle"
    digest = hashlib.blake2b(payload, digest_size=16).digest()
    path = store.path("article", key)
    path.parent.mkdir(parents=True)
    path.write_bytes(cache_mod.MAGIC + digest + payload)
    assert store.get("article", key) is None
    assert not path.exists()


def test_env_var_overrides_the_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLAIMDIFF_CACHE_DIR", str(tmp_path / "here"))
    assert cache_dir() == tmp_path / "here"
    store = Cache()
    store.put("article", content_key(b"a"), 1)
    assert entry_files(tmp_path / "here")


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG applies to Linux and BSDs")
def test_xdg_cache_home_and_home_fallback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CLAIMDIFF_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "claimdiff"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "claimdiff"


def test_platform_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CLAIMDIFF_CACHE_DIR", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    monkeypatch.setattr(sys, "platform", "darwin")
    assert cache_dir() == tmp_path / "Library" / "Caches" / "claimdiff"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert cache_dir() == tmp_path / "local" / "claimdiff" / "Cache"


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    items = {content_key(str(i).encode()): {"n": i} for i in range(50)}
    store.put_many("article", items)
    store.put_many("article", items)  # overwriting is atomic too
    files = entry_files(tmp_path)
    assert len(files) == 50
    assert not [p for p in files if p.name.startswith(".tmp")]
    assert Cache(tmp_path).get_many("article", list(items)) == items


def test_failed_write_removes_its_temporary_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store = Cache(tmp_path)

    def refuse(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    key = content_key(b"a")
    store.put("article", key, 1)
    assert store.stats.errors == 1 and store.stats.writes == 0
    assert entry_files(tmp_path) == []
    assert store.get("article", key) is None


@pytest.mark.skipif(
    sys.platform == "win32" or (hasattr(os, "geteuid") and os.geteuid() == 0),
    reason="needs POSIX permissions that apply to the user",
)
def test_unwritable_cache_dir_is_ignored(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        store = Cache(tmp_path / "cache")
        store.put("article", content_key(b"a"), 1)
        assert store.stats.errors == 1
    finally:
        tmp_path.chmod(0o700)


def test_stale_temp_name_falls_back_to_a_fresh_one(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    key = content_key(b"a")
    folder = store.path("article", key).parent
    folder.mkdir(parents=True)
    (folder / f".tmp-{store._token}-1").write_bytes(b"left over by a crash")
    store.put("article", key, "value")
    assert store.get("article", key) == "value"


def test_disabled_cache_stores_nothing(tmp_path: Path) -> None:
    store = Cache(tmp_path, enabled=False)
    key = content_key(b"a")
    store.put("article", key, 1)
    assert store.get("article", key) is None
    assert store.get_many("article", [key]) == {}
    assert entry_files(tmp_path) == []
    assert Cache.disabled().get("article", key) is None


def test_deleting_the_cache_at_any_time_is_safe(tmp_path: Path) -> None:
    store = Cache(tmp_path / "c")
    key = content_key(b"a")
    store.put("article", key, 1)
    store.clear()
    assert store.get("article", key) is None
    store.put("article", key, 2)  # recreates the directories it had created before
    assert store.get("article", key) == 2
    store.put("report", key, 3)
    store.clear("article")
    assert store.get("article", key) is None and store.get("report", key) == 3


def test_none_and_bad_names_are_refused(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    with pytest.raises(ValueError):
        store.put("article", content_key(b"a"), None)
    with pytest.raises(ValueError):
        store.get("../escape", content_key(b"a"))
    with pytest.raises(ValueError):
        store.get("article", b"ab")


def test_put_pickled_stores_what_put_would(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    key = content_key(b"pack")
    store.put_pickled("pack", key, pickle.dumps(("keys", (1, 2, 3)), pickle.HIGHEST_PROTOCOL))
    assert Cache(tmp_path).get("pack", key) == ("keys", (1, 2, 3))
    other = content_key(b"other")
    store.put("pack", other, ("keys", (1, 2, 3)))
    assert store.path("pack", key).read_bytes() == store.path("pack", other).read_bytes()


def test_put_pickled_garbage_is_a_miss_and_disabled_writes_nothing(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    key = content_key(b"pack")
    store.put_pickled("pack", key, b"\x80\x05not a pickle")
    assert store.get("pack", key) is None
    Cache(tmp_path / "off", enabled=False).put_pickled("pack", key, pickle.dumps(1))
    assert not (tmp_path / "off").exists()


KEY = content_key(b"some content", "a.yaml")


def test_entry_format_is_magic_checksum_pickle(tmp_path: Path) -> None:
    """Values are pickled straight into the file; the bytes on disk stay the format
    entries always had, so older and newer entries read the same way."""
    import hashlib

    from claimdiff.cache import MAGIC

    store = Cache(tmp_path)
    value = ([bytes([i % 251]) * 70_000 for i in range(40)], 7)  # larger than pickle frames
    store.put("output", KEY, value)
    raw = store.path("output", KEY).read_bytes()
    payload = raw[len(MAGIC) + 16 :]
    assert raw.startswith(MAGIC)
    assert raw[len(MAGIC) : len(MAGIC) + 16] == hashlib.blake2b(payload, digest_size=16).digest()
    assert pickle.loads(payload) == value
    assert store.get("output", KEY) == value


def test_unpicklable_value_is_not_stored(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    store.put("ns", KEY, [b"x" * 100_000, lambda: None])
    assert store.stats.errors == 1 and store.stats.writes == 0
    assert store.get("ns", KEY) is None
    assert entry_files(tmp_path) == []


# --------------------------------------------------------------------------- size limit


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("0", 0),
        ("1234", 1234),
        ("500M", 500 * 10**6),
        ("500m", 500 * 10**6),
        ("2G", 2 * 10**9),
        ("2GB", 2 * 10**9),
        ("1.5G", 1_500_000_000),
        ("512Mi", 512 * 2**20),
        ("512MiB", 512 * 2**20),
        ("1Ti", 2**40),
        (" 64 k ", 64_000),
    ],
)
def test_parse_size(text: str, size: int) -> None:
    assert cache_mod.parse_size(text) == size


@pytest.mark.parametrize("text", ["", "abc", "-1", "1X", "1 GB GB", "M", "1,5G"])
def test_parse_size_refuses_what_is_not_a_size(text: str) -> None:
    with pytest.raises(UsageError, match="CLAIMDIFF_CACHE_SIZE"):
        cache_mod.parse_size(text)


def test_size_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMDIFF_CACHE_SIZE", raising=False)
    assert cache_mod.size_limit() == cache_mod.DEFAULT_SIZE_LIMIT == 2 * 10**9
    monkeypatch.setenv("CLAIMDIFF_CACHE_SIZE", "300M")
    assert cache_mod.size_limit() == 300 * 10**6
    monkeypatch.setenv("CLAIMDIFF_CACHE_SIZE", "lots")
    with pytest.raises(UsageError):
        cache_mod.size_limit()


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0 B"), (999, "999 B"), (1000, "1.0 kB"), (19_412_345, "19.4 MB"), (2 * 10**9, "2.0 GB")],
)
def test_format_size(n: int, text: str) -> None:
    assert cache_mod.format_size(n) == text


def aged_entry(store: Cache, namespace: str, n: int, age: float, size: int = 1000) -> Path:
    """An entry of about ``size`` bytes last used ``age`` seconds ago."""
    key = content_key(str(n).encode())
    store.put(namespace, key, b"x" * size)
    path = store.path(namespace, key)
    when = time.time() - age
    os.utime(path, (when, when))
    return path


def test_trim_deletes_least_recently_used_entries_down_to_the_limit(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    old = aged_entry(store, "output", 1, age=300)
    middle = aged_entry(store, "report", 2, age=200)
    new = aged_entry(store, "output", 3, age=100)
    size = old.stat().st_size
    result = store.trim(2 * size)
    assert (old.exists(), middle.exists(), new.exists()) == (False, True, True)
    assert (result.removed, result.freed, result.kept) == (1, size, 2 * size)
    assert store.trim(2 * size).removed == 0, "already under the limit"
    assert store.trim(0).kept == 0
    assert not middle.exists() and not new.exists()


def test_a_hit_marks_its_entry_as_recently_used(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    first = aged_entry(store, "output", 1, age=300)
    second = aged_entry(store, "output", 2, age=100)
    assert store.get("output", content_key(b"1")) is not None
    store.trim(first.stat().st_size)
    assert first.exists() and not second.exists()


def test_trim_removes_stale_temporary_files_only(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    entry = aged_entry(store, "output", 1, age=10)
    stale = entry.parent / ".tmp-123-dead"
    fresh = entry.parent / ".tmp-456-busy"
    for tmp, age in ((stale, 2 * cache_mod.STALE_TMP_SECONDS), (fresh, 5)):
        tmp.write_bytes(b"partial")
        os.utime(tmp, (time.time() - age,) * 2)
    usage = store.usage()
    assert (usage.entries, usage.temporary_files) == (1, 2)
    result = store.trim(10**9)
    assert result.removed == 1
    assert (stale.exists(), fresh.exists(), entry.exists()) == (False, True, True)


def test_trim_usage_and_clear_touch_only_claimdiffs_own_files(tmp_path: Path) -> None:
    """CLAIMDIFF_CACHE_DIR may point at a directory that holds other things."""
    outside = [tmp_path / "notes.txt", tmp_path / "photos" / "ab" / "cdef0123"]
    inside = [  # in claimdiff's tree, but not named like its entries
        tmp_path / "v1" / "README",
        tmp_path / "v1" / "output" / "zz" / "abcdef01",
        tmp_path / "v1" / "output" / "ab" / "not-hex",
    ]
    for path in outside + inside:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"keep me")
    store = Cache(tmp_path)
    entry = aged_entry(store, "output", 1, age=10)
    assert store.usage().entries == 1
    assert store.trim(0).removed == 1
    assert not entry.exists()
    assert all(path.exists() for path in outside + inside)
    store.clear()  # claimdiff's tree (v1/) goes as a whole; nothing else
    assert all(path.exists() for path in outside)
    assert not (tmp_path / "v1").exists()


def test_other_cache_formats_count_and_go_first(tmp_path: Path) -> None:
    store = Cache(tmp_path)
    other = tmp_path / "v0" / "parse" / "ab" / "cdef0123"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"y" * 500)
    (tmp_path / "v0" / "CACHEDIR.TAG").write_bytes(cache_mod.TAG)  # an older claimdiff's
    os.utime(other, (time.time() - 10**6,) * 2)
    current = aged_entry(store, "output", 1, age=10)
    usage = store.usage()
    assert [(n.namespace, n.entries) for n in usage.namespaces] == [("output", 1), ("v0/parse", 1)]
    assert usage.bytes == 500 + current.stat().st_size
    store.trim(current.stat().st_size)
    assert current.exists() and not other.exists()
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_bytes(b"y")
    (tmp_path / "v0" / "CACHEDIR.TAG").write_bytes(cache_mod.TAG)
    store.clear()
    assert not other.exists() and not current.exists()


def test_disabled_cache_neither_trims_nor_reports(tmp_path: Path) -> None:
    aged_entry(Cache(tmp_path), "output", 1, age=10)
    off = Cache(tmp_path, enabled=False)
    assert off.usage().entries == 0
    assert off.trim(0).removed == 0
    assert entry_files(tmp_path)


def test_untagged_format_like_directories_are_never_touched(tmp_path: Path) -> None:
    """``CLAIMDIFF_CACHE_DIR=~`` and a project folder called ``v2``: not claimdiff's."""
    theirs = tmp_path / "v2" / "photos" / "ab" / "cdef0123"
    theirs.parent.mkdir(parents=True)
    theirs.write_bytes(b"holiday")
    forged = tmp_path / "v3" / "CACHEDIR.TAG"  # another tool's tag is not claimdiff's
    forged.parent.mkdir()
    forged.write_bytes(b"Signature: 8a477f597d28d172789f06886806bc55\n# some other tool\n")
    (tmp_path / "v3" / "ns" / "ab").mkdir(parents=True)
    (tmp_path / "v3" / "ns" / "ab" / "cdef0123").write_bytes(b"keep")
    store = Cache(tmp_path)
    store.put("output", content_key(b"1"), 1)
    tag = tmp_path / f"v{cache_mod.CACHE_FORMAT}" / "CACHEDIR.TAG"
    assert tag.read_bytes() == cache_mod.TAG
    assert [n.namespace for n in store.usage().namespaces] == ["output"]
    store.trim(0)
    store.clear()
    assert theirs.read_bytes() == b"holiday"
    assert (tmp_path / "v3" / "ns" / "ab" / "cdef0123").read_bytes() == b"keep"
    assert not (tmp_path / f"v{cache_mod.CACHE_FORMAT}").exists()

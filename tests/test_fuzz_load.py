"""Fuzzing the loader: whatever the bytes, the outcome is a LoadResult or a ClaimdiffError."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimdiff.errors import ClaimdiffError
from claimdiff.load import LoadResult, load_corpus, parse_claim_file

VALID = Path(__file__).parent / "data" / "valid"
SEED = (VALID / "dw-russia-blames-armenia.yaml").read_bytes()
TOKENS = [
    b":",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"}",
    b"&a ",
    b"*a",
    b"\t",
    b"\n  ",
    b"'",
    b'"',
    b"#",
    b"---\n",
    b"\x00",
    b"\xff",
    b"\xe9",
    b"\xef\xbb\xbf",
    b"!!int ",
    b"? ",
    b"|\n",
    b"%YAML 1.1\n",
]


def _load_bytes(files: dict[str, bytes]) -> LoadResult | None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "c"
        root.mkdir()
        shutil.copytree(VALID / "texts", root / "texts")
        for name, data in files.items():
            (root / name).write_bytes(data)
        try:
            result = load_corpus(root)
        except ClaimdiffError:
            return None
    assert isinstance(result, LoadResult)
    assert list(result.problems) == sorted(result.problems)
    for p in result.problems:
        assert p.line >= 1 and p.col >= 1 and "\n" not in p.message
    return result


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(SEED)
    for _ in range(draw(st.integers(1, 8))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "token", "duplicate"]))
        if op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=4))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 40))]
        elif op == "replace":
            data[pos : pos + 1] = bytes([draw(st.integers(0, 255))])
        elif op == "token":
            data[pos:pos] = draw(st.sampled_from(TOKENS))
        else:
            end = min(len(data), pos + draw(st.integers(1, 200)))
            data[pos:pos] = data[pos:end]
    return bytes(data)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.dates().map(str),
    st.sampled_from(["NO", "on", "1e3", "0x1F", "~", "last December", "a#b"]),
)
trees = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "article",
                    "claims",
                    "id",
                    "who",
                    "did",
                    "when",
                    "title",
                    "negated",
                    "whom",
                    "tags",
                    "text",
                    "quote",
                    "x",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_claim_files(data: bytes) -> None:
    _load_bytes({"a.yaml": data})
    parsed = parse_claim_file("a.yaml", data)
    assert parsed.article is not None or parsed.problems


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees, st.sampled_from(["a.yaml", "aliases.yaml", "lexicon.yaml", "decisions.yaml"]))
def test_random_yaml_structures(tree: Any, name: str) -> None:
    data = yaml.safe_dump(tree, allow_unicode=True).encode()
    result = _load_bytes({name: data, "b.yaml": SEED})
    assert result is not None


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    _load_bytes({"a.yaml": data, "decisions.yaml": data})

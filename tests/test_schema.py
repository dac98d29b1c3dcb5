"""The published JSON Schema: committed copy up to date, and agreeing with the loader."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from claimdiff.errors import ClaimdiffError
from claimdiff.load import RESERVED_FILES, load_corpus, string_typed_document
from claimdiff.schema import claim_file_schema, schema_json

ROOT = Path(__file__).parents[1]
DATA = Path(__file__).parent / "data"

STRUCTURAL = {"not-mapping", "unknown-key", "missing-field", "wrong-type", "invalid-id"}
"""Codes a schema can see in one string-typed document (no duplicates, texts or times)."""

VALIDATOR = Draft202012Validator(claim_file_schema())


def test_committed_schema_is_up_to_date() -> None:
    committed = (ROOT / "schema" / "claim-file.schema.json").read_text(encoding="utf-8")
    assert committed == schema_json(), (
        "regenerate: python -m claimdiff.schema > schema/claim-file.schema.json"
    )
    assert json.loads(committed) == claim_file_schema()


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = claim_file_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    claim = schema["properties"]["claims"]["items"]
    assert claim["additionalProperties"] is False
    assert claim["required"] == ["id", "who", "did"]
    assert schema["properties"]["article"]["required"] == ["title"]


def _claim_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*.y*ml")
        if not (p.parent == folder and p.name in RESERVED_FILES) and not p.name.startswith("_")
    )


QUOTING_CASES = {"who-number.yaml"}
"""Cases decided by quoting (``who: 42`` vs ``who: "42"``), which a JSON Schema of the
string-typed document cannot see: both are the string "42" there."""


def _structural_cases() -> list[Path]:
    """Invalid single claim files, plus hand-written edge cases, with structural problems only."""
    cases = []
    for path in _claim_files(DATA / "invalid"):
        if path.parent != DATA / "invalid" or path.name in QUOTING_CASES:
            continue
        try:
            string_typed_document(path.read_bytes())
        except ClaimdiffError:
            continue  # not a YAML document at all: nothing for a schema to judge
        cases.append(path)
    return cases


EDGE_CASES = {
    "who-empty-list": "article: {title: T}\nclaims: [{id: c, who: [], did: x}]\n",
    "whom-empty-list": "article: {title: T}\nclaims: [{id: c, who: a, did: x, whom: []}]\n",
    "who-blank": "article: {title: T}\nclaims: [{id: c, who: '  ', did: x}]\n",
    "who-null-item": "article: {title: T}\nclaims: [{id: c, who: [a, ~], did: x}]\n",
    "negated-upper": "article: {title: T}\nclaims: [{id: c, who: a, did: x, negated: YES}]\n",
    "negated-null": "article: {title: T}\nclaims: [{id: c, who: a, did: x, negated: ~}]\n",
    "negated-list": "article: {title: T}\nclaims: [{id: c, who: a, did: x, negated: [true]}]\n",
    "tags-string": "article: {title: T}\nclaims: [{id: c, who: a, did: x, tags: one}]\n",
    "tags-nested": "article: {title: T}\nclaims: [{id: c, who: a, did: x, tags: [[a]]}]\n",
    "article-id-null": "article: {id: ~, title: T}\nclaims: []\n",
    "article-id-hash": "article: {id: 'a#b', title: T}\nclaims: []\n",
    "claims-null": "article: {title: T}\nclaims:\n",
    "article-null": "article:\nclaims: []\n",
    "title-list": "article: {title: [T]}\nclaims: []\n",
    "when-date": (
        "article: {title: T, published: 2020-01-02}\n"
        "claims: [{id: c, who: a, did: x, when: 2020-09-27}]\n"
    ),
    "numbers": "article: {title: 1}\nclaims: [{id: 2, who: a, did: 4, where: 5.0}]\n",
    "extra-top": "article: {title: T}\nclaims: []\nversion: 1\n",
}


def _loader_structural(tmp_path: Path, name: str, data: bytes) -> set[str]:
    corpus = tmp_path / name
    corpus.mkdir()
    (corpus / "doc.yaml").write_bytes(data)
    shutil.copytree(DATA / "invalid" / "_texts", corpus / "_texts")
    return {p.code for p in load_corpus(corpus).problems} & STRUCTURAL


def _schema_errors(data: bytes) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(string_typed_document(data))]


@pytest.mark.parametrize("path", _claim_files(DATA / "valid"), ids=lambda p: p.name)
def test_valid_files_satisfy_the_schema(path: Path) -> None:
    assert _schema_errors(path.read_bytes()) == []


@pytest.mark.parametrize("path", _structural_cases(), ids=lambda p: p.name)
def test_schema_and_loader_agree_on_invalid_cases(path: Path, tmp_path: Path) -> None:
    data = path.read_bytes()
    structural = _loader_structural(tmp_path, path.stem, data)
    errors = _schema_errors(data)
    assert bool(structural) == bool(errors), (structural, errors)


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_schema_and_loader_agree_on_edge_cases(name: str, tmp_path: Path) -> None:
    data = EDGE_CASES[name].encode()
    structural = _loader_structural(tmp_path, name, data)
    errors = _schema_errors(data)
    assert bool(structural) == bool(errors), (structural, errors)


def test_agreement_cases_include_both_outcomes(tmp_path: Path) -> None:
    outcomes = {bool(_schema_errors(EDGE_CASES[n].encode())) for n in EDGE_CASES}
    assert outcomes == {True, False}
    assert len(_structural_cases()) >= 10

"""JSON Schema (draft 2020-12) of one claim file, format v1.

Editors and other tools can validate claim files with it. It describes the
document *as claimdiff reads it*: every YAML scalar is text (``when:
2020-09-27`` is the string ``"2020-09-27"``, ``who: NO`` is ``"NO"``) and
empty / ``~`` / ``null`` values are ``null``. Checks that need more than one
document — duplicate ids across files, quotes against texts, time phrases —
are beyond a schema and are made by :mod:`claimdiff.load`.

The committed copy lives in ``schema/claim-file.schema.json``; regenerate it
with ``python -m claimdiff.schema > schema/claim-file.schema.json``.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["claim_file_schema", "schema_json"]


def _ci(word: str) -> str:
    """Case-insensitive regex for ``word`` without inline flags (ECMA-262 has none)."""
    return "".join(f"[{c.upper()}{c.lower()}]" for c in word)


def claim_file_schema() -> dict[str, Any]:
    """The schema as a dict; the same value every call."""
    nonempty = {"type": "string", "pattern": r"\S"}
    maybe_text = {"type": ["string", "null"]}
    ident = {"type": "string", "pattern": r"^[^#\s]+$"}
    actor_list = {"type": "array", "items": nonempty}

    def opt(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
        return {**(schema or maybe_text), "description": description}

    claim = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "who", "did"],
        "properties": {
            "id": {
                **ident,
                "description": "Unique within the file; referenced as ARTICLE#CLAIM.",
            },
            "who": {
                "description": "The actor, or a list of actors.",
                "anyOf": [nonempty, {**actor_list, "minItems": 1}],
            },
            "did": {**nonempty, "description": "What the actor did (a verb phrase)."},
            "whom": opt(
                "The target or other party, or a list of them.",
                {"anyOf": [maybe_text, actor_list]},
            ),
            "when": opt("When: ISO date or interval, month/day names, or a relative phrase."),
            "where": opt("Where it happened."),
            "negated": opt(
                "true when the article says it did NOT happen (true/false/yes/no).",
                {
                    "anyOf": [
                        {"type": "null"},
                        {
                            "type": "string",
                            "pattern": "^("
                            + "|".join(map(_ci, ("true", "false", "yes", "no")))
                            + ")$",
                        },
                    ]
                },
            ),
            "said_by": opt(
                "Who the article attributes the claim to, or a list of them.",
                {"anyOf": [maybe_text, actor_list]},
            ),
            "event": opt("Curator's label for the real-world event."),
            "quote": opt("A verbatim span of the article text."),
            "tags": opt("A tag or a list of tags.", {"anyOf": [maybe_text, actor_list]}),
            "note": opt("Curator's comment; never compared."),
        },
    }
    article = {
        "type": "object",
        "additionalProperties": False,
        "required": ["title"],
        "properties": {
            "id": opt(
                "Unique in the corpus; defaults to the file's stem.",
                {"anyOf": [ident, {"type": "null"}]},
            ),
            "title": {**nonempty, "description": "The article's title."},
            "outlet": opt("Publisher."),
            "url": opt("Where the article was published."),
            "published": opt("Publication date: ISO date, may be partial (2023-01, 2023)."),
            "author": opt("Author."),
            "text": opt("The article's full text (UTF-8), relative to this file."),
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "claimdiff claim file (format v1)",
        "description": (
            "One article's claims. Every YAML scalar is read as text; "
            "empty, ~ and null values are null."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["article", "claims"],
        "properties": {
            "article": article,
            "claims": {"type": "array", "items": claim},
        },
    }


def schema_json() -> str:
    """The schema as committed: pretty, sorted keys, trailing newline."""
    return json.dumps(claim_file_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(schema_json(), end="")

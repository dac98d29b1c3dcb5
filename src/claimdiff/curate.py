"""Helpers for the curator's day: start a claim file, find the verbatim quote.

Curating by hand is the slow part of using claimdiff. ``new`` writes the
boilerplate of a claim file so the curator starts at the first claim, and
``locate`` turns a half-remembered phrase into the exact span of the article,
ready to paste as a ``quote`` that validation will accept.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from claimdiff.errors import ClaimdiffError, OutputError, UsageError
from claimdiff.model import Article
from claimdiff.timeparse import parse_time

SCHEMA_NAME = "claim-file.schema.json"
_SKIP_TITLE = re.compile(r"^(loading\.*|articles?|home|menu|share|advertisement)$", re.I)


# --------------------------------------------------------------------------- new


def slugify(text: str) -> str:
    """A claim-file id from any text: lower-case ASCII words joined by dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "article"


def guess_title(text: str) -> str | None:
    """The article's headline: its first line that reads like one.

    Pages copied from the web often start with navigation ("Loading...",
    "Articles"); those are skipped, and so are lines too long to be a headline.
    """
    for raw in text.splitlines():
        line = raw.strip().strip("“”\"'‘’").strip()
        if not line or _SKIP_TITLE.match(line):
            continue
        if len(line) > 160 or not any(ch.isalpha() for ch in line):
            continue
        return line
    return None


def _find_schema(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        for candidate in (directory / "schema" / SCHEMA_NAME, directory / SCHEMA_NAME):
            if candidate.is_file():
                return candidate
    return None


def _yaml_str(value: str) -> str:
    """A YAML double-quoted scalar: safe for any text, typed as a string."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


@dataclass(frozen=True)
class NewFile:
    path: Path
    content: str
    schema: Path | None
    """The schema the editor line points at, or None when none was found."""


def new_claim_file(
    text_file: Path,
    output: Path,
    *,
    article_id: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
) -> NewFile:
    """Build (not write) the claim file for ``text_file`` to be saved at ``output``."""
    try:
        text = text_file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ClaimdiffError(
            f"{text_file}: not UTF-8 text (byte {exc.start}); save the article as UTF-8"
        ) from exc
    except OSError as exc:
        raise ClaimdiffError(f"cannot read {text_file}: {exc.strerror}") from exc
    if published is not None and parse_time(published).interval is None:
        raise UsageError(
            f"--published '{published}' is not a date claimdiff understands "
            "(use e.g. 2023-01-12, 2023-01 or 12 January 2023)"
        )
    art_id = article_id or slugify(text_file.stem)
    if "#" in art_id or any(ch.isspace() for ch in art_id):
        raise UsageError(f"--id '{art_id}' must not contain '#' or spaces")
    headline = title or guess_title(text) or art_id
    out_dir = output.parent if str(output.parent) else Path(".")
    rel_text = Path(os.path.relpath(text_file.resolve(), out_dir.resolve())).as_posix()
    schema = _find_schema(out_dir.resolve())
    lines: list[str] = []
    if schema is not None:
        rel_schema = Path(os.path.relpath(schema, out_dir.resolve())).as_posix()
        lines.append(f"# yaml-language-server: $schema={rel_schema}")
    lines += [
        "article:",
        f"  id: {art_id}",
        f"  title: {_yaml_str(headline)}",
    ]
    if outlet:
        lines.append(f"  outlet: {_yaml_str(outlet)}")
    if published:
        lines.append(f'  published: "{published}"')
    lines += [
        f"  text: {_yaml_str(rel_text)}",
        "claims: []",
        "# Replace `claims: []` with a list like this one (one entry per who-did-what):",
        "# claims:",
        f"#   - id: first-claim              # unique in this file; cited as {art_id}#first-claim",
        "#     who: Russian Foreign Ministry # the actor, as the article names it",
        "#     did: blamed for the collapse of peace talks   # what the actor did",
        "#     whom: Armenia                 # optional: the target",
        "#     when: last December           # optional: as the article writes it",
        "#     negated: false                # true when the article says it did NOT happen",
        "#     said_by: Maria Zakharova      # optional: reported speech",
        '#     quote: "verbatim words"       # find them with: claimdiff locate '
        f'{art_id} "some words"',
    ]
    return NewFile(path=output, content="\n".join(lines) + "\n", schema=schema)


def write_new(new: NewFile) -> None:
    """Create the file; refuse to overwrite anything that exists."""
    try:
        with open(new.path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(new.content)
    except FileExistsError as exc:
        raise OutputError(f"refusing to overwrite {new.path}: it already exists") from exc
    except OSError as exc:
        raise OutputError(f"cannot write {new.path}: {exc.strerror}") from exc


# --------------------------------------------------------------------------- locate


@dataclass(frozen=True, order=True)
class Span:
    """A verbatim span of an article text that matches what the curator typed."""

    score: float
    line: int
    col: int
    text: str


_SENTENCE = re.compile(r"[^.!?…\n]+(?:[.!?…]+[”\"’']?|\n|$)")


def _sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs, each a candidate region for a quote."""
    return [
        (m.start() + len(m.group()) - len(m.group().lstrip()), m.group().strip())
        for m in _SENTENCE.finditer(text)
        if m.group().strip()
    ]


_WORD = re.compile(r"\S+")


def _best_word_span(
    query: str, sentence: str, hint_start: int, hint_end: int
) -> tuple[float, int, int]:
    """The whole-word span of ``sentence`` near the hint that reads most like ``query``.

    partial-ratio alignment finds *where* the words are but cuts at the query's
    length; trying the word boundaries around it finds the span a curator would
    have copied ("lifted its sanctions", not "its sanctions").
    """
    words = [(m.start(), m.end()) for m in _WORD.finditer(sentence)]
    if not words:
        return 0.0, 0, 0
    first = next((i for i, (_, e) in enumerate(words) if e > hint_start), 0)
    last = next((i for i in range(len(words) - 1, -1, -1) if words[i][0] < hint_end), first)
    folded = query.casefold()
    best = (-1.0, 0, 0)
    for i in range(max(0, first - 3), min(len(words), first + 4)):
        for j in range(max(i, last - 3), min(len(words), last + 4)):
            start, end = words[i][0], words[j][1]
            while end > start and sentence[end - 1] in ",;:":
                end -= 1
            score = fuzz.ratio(folded, sentence[start:end].casefold())
            if score > best[0] or (score == best[0] and end - start < best[2] - best[1]):
                best = (score, start, end)
    return best


def locate(
    article: Article, words: str, *, limit: int = 3, spread: float = 10.0, min_score: float = 60.0
) -> list[Span]:
    """The spans of the article's text that best match ``words``, best first.

    Each sentence is aligned with rapidfuzz's partial-ratio alignment, so the
    span returned is what the article really says (curly quotes, spelling and
    all), not what the curator typed. Candidates within ``spread`` points of the
    best are returned too, so near-duplicates in the text are not hidden.
    Spans scoring under ``min_score`` are noise and never returned.
    """
    if article.text is None:
        raise ClaimdiffError(
            f"article '{article.id}' has no text: add `text:` to {article.source}",
            article.loc,
        )
    query = " ".join(words.split())
    if not query:
        raise UsageError("give some words to look for")
    text = article.text
    candidates: list[Span] = []
    for offset, sentence in _sentences(text):
        alignment = fuzz.partial_ratio_alignment(query, sentence, processor=lambda s: s.casefold())
        if alignment is None or alignment.score <= 0:
            continue
        score, rel_start, rel_end = _best_word_span(
            query, sentence, alignment.dest_start, alignment.dest_end
        )
        start, end = offset + rel_start, offset + rel_end
        if score < min_score:
            continue
        line = text.count("\n", 0, start) + 1
        col = start - (text.rfind("\n", 0, start) + 1) + 1
        candidates.append(Span(round(score, 1), line, col, text[start:end]))
    candidates.sort(key=lambda s: (-s.score, s.line, s.col))
    if not candidates:
        return []
    best = candidates[0].score
    seen: set[str] = set()
    result: list[Span] = []
    for span in candidates:
        if span.score < best - spread or len(result) >= limit:
            break
        if span.text not in seen:
            seen.add(span.text)
            result.append(span)
    return result

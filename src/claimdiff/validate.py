"""Checks that need more than one value: ids, duplicates, quotes, aliases, decisions.

:mod:`claimdiff.load` turns each file into model objects and reports what is
wrong *inside a value*; the checks here look across values, files and the
article texts. They take model objects and return :class:`Problem` lists, so
they can run on a cached or partially loaded corpus just the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass

from rapidfuzz import fuzz

from claimdiff.model import (
    Alias,
    Article,
    Claim,
    Decision,
    DecisionKind,
    Location,
    Problem,
    Severity,
)

__all__ = [
    "DecisionEntry",
    "check_aliases",
    "check_article_ids",
    "check_claim_ids",
    "check_decisions",
    "check_quotes",
    "id_problem",
    "one_line",
]

ERROR = Severity.ERROR

_BAD_ID = re.compile(r"[#\s]")


def one_line(text: str, limit: int = 80) -> str:
    """``text`` squeezed onto one line and shortened, for quoting inside a message."""
    s = " ".join(text.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def id_problem(value: str) -> str | None:
    """Why ``value`` cannot be an article or claim id, or ``None`` when it can.

    Ids are joined as ``ARTICLE#CLAIM`` and typed on command lines, so ``#``
    and whitespace would make references ambiguous.
    """
    if not value:
        return "an id cannot be empty"
    bad = _BAD_ID.search(value)
    if bad is None:
        return None
    what = "'#'" if bad.group() == "#" else "whitespace"
    return f"id '{one_line(value)}' contains {what}; ids are joined as ARTICLE#CLAIM"


def check_claim_ids(article: Article) -> list[Problem]:
    """``duplicate-claim-id``: two claims of one file with the same id."""
    first: dict[str, Claim] = {}
    problems = []
    for claim in article.claims:
        seen = first.setdefault(claim.id, claim)
        if seen is not claim:
            problems.append(
                Problem.at(
                    claim.loc_of("id"),
                    ERROR,
                    "duplicate-claim-id",
                    f"claim id '{one_line(claim.id)}' is already used "
                    f"at line {seen.loc_of('id').line}",
                )
            )
    return problems


def check_article_ids(articles: Iterable[Article]) -> list[Problem]:
    """``duplicate-article-id``: one problem in *each* file sharing an id, naming the others."""
    by_id: dict[str, list[Article]] = {}
    for art in articles:
        by_id.setdefault(art.id, []).append(art)
    problems = []
    for art_id, arts in by_id.items():
        if len(arts) < 2:
            continue
        for art in arts:
            others = ", ".join(str(o.loc_of("id")) for o in arts if o is not art)
            problems.append(
                Problem.at(
                    art.loc_of("id"),
                    ERROR,
                    "duplicate-article-id",
                    f"article id '{one_line(art_id)}' is also used by {others}",
                )
            )
    return problems


# --------------------------------------------------------------------------- quotes

_APOSTROPHES = "'\u2018\u2019\u201a\u201b\u2032\u00b4`"
_DOUBLE_QUOTES = '"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033'
_DASH_CHARS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_CLASSES = {
    c: "[" + re.escape(group) + "]"
    for group in (_APOSTROPHES, _DOUBLE_QUOTES, _DASH_CHARS)
    for c in group
}
_FOLD = str.maketrans(
    {c: group[0] for group in (_APOSTROPHES, _DOUBLE_QUOTES, _DASH_CHARS) for c in group}
)

_STAGES: list[tuple[str, Callable[[str], str]]] = [
    ("quotation marks or apostrophes", lambda s: s.translate(_FOLD)),
    ("whitespace", lambda s: " ".join(s.split())),
    ("letter case", str.casefold),
]


def _loose_pattern(quote: str) -> re.Pattern[str]:
    """Matches ``quote`` up to quote-mark/dash variants, whitespace runs and case."""
    words = ("".join(_CLASSES.get(c, re.escape(c)) for c in word) for word in quote.split())
    return re.compile(r"\s+".join(words), re.IGNORECASE)


def _differences(quote: str, span: str) -> list[str]:
    """Which normalisations are needed to make ``quote`` equal ``span``."""

    def same(skip: int) -> bool:
        a, b = quote, span
        for i, (_name, fn) in enumerate(_STAGES):
            if i != skip:
                a, b = fn(a), fn(b)
        return a == b

    return [name for i, (name, _fn) in enumerate(_STAGES) if not same(i)]


def _first_difference(a: str, b: str) -> str:
    for x, y in zip(a, b, strict=False):
        if x != y:
            return f" (quote has {x!r} where the text has {y!r})"
    return ""


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def check_quotes(article: Article, text_label: str) -> list[Problem]:
    """``quote-not-found``: a claim's ``quote`` is not a verbatim span of the article text.

    When a near-identical span exists the message says where it is and how it
    differs (quotation marks, whitespace, case) or shows the closest text, so
    the curator can fix the quote in one go.
    """
    text = article.text
    if text is None:
        return []
    problems = []
    for claim in article.claims:
        quote = claim.quote
        if not quote or not quote.strip() or quote in text:
            continue
        msg = f"quote not found in {text_label}"
        m = _loose_pattern(quote).search(text)
        if m is not None:
            span = m.group()
            kinds = _differences(quote, span) or ["characters"]
            detail = _first_difference(quote, span) if len(span) == len(quote) else ""
            msg += (
                f"; line {_line_at(text, m.start())} has it with different "
                f"{' and '.join(kinds)}{detail}: “{one_line(span)}”"
            )
        else:
            align = fuzz.partial_ratio_alignment(quote, text, processor=None)
            if align is not None and align.score >= 60:
                start, end = align.dest_start, align.dest_end
                while start < end and not text[start].isalnum():
                    start += 1
                msg += (
                    f"; closest text at line {_line_at(text, start)} "
                    f"({align.score:.0f}% similar): “{one_line(text[start:end])}”"
                )
        problems.append(Problem.at(claim.loc_of("quote"), ERROR, "quote-not-found", msg))
    return problems


# --------------------------------------------------------------------------- aliases


def check_aliases(aliases: Sequence[Alias]) -> list[Problem]:
    """``alias-conflict``: one alias under two canonical names, or an alias that is another entity.

    Matching is case-insensitive, so the comparison is too.
    """
    canon = {a.canonical.casefold(): a for a in aliases}
    owner: dict[str, Alias] = {}
    problems = []
    for a in aliases:
        key = a.alias.casefold()
        first = owner.setdefault(key, a)
        if first.canonical.casefold() != a.canonical.casefold():
            problems.append(
                Problem.at(
                    a.loc,
                    ERROR,
                    "alias-conflict",
                    f"alias '{one_line(a.alias)}' is listed under '{one_line(a.canonical)}' "
                    f"and under '{one_line(first.canonical)}' (line {first.loc.line})",
                )
            )
        other = canon.get(key)
        if other is not None and other.canonical.casefold() != a.canonical.casefold():
            problems.append(
                Problem.at(
                    a.loc,
                    ERROR,
                    "alias-conflict",
                    f"alias '{one_line(a.alias)}' of '{one_line(a.canonical)}' is itself "
                    f"the canonical name of another entity (line {other.loc.line})",
                )
            )
    return problems


# --------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class DecisionEntry:
    """A decision with the locations of both references, for precise problems."""

    decision: Decision
    a_loc: Location
    b_loc: Location


def check_decisions(entries: Sequence[DecisionEntry], known: Set[str]) -> list[Problem]:
    """``decision-unknown-claim`` and ``decision-conflict``.

    ``same`` decisions are transitive (union–find); a ``different`` decision
    between two claims that ``same`` decisions join is a conflict, reported with
    the chain of ``same`` decisions that joins them.
    """
    problems = []
    for e in entries:
        for ref, loc in ((e.decision.a, e.a_loc), (e.decision.b, e.b_loc)):
            if ref not in known:
                problems.append(
                    Problem.at(
                        loc,
                        ERROR,
                        "decision-unknown-claim",
                        f"decision names claim '{one_line(ref)}', which no claim file defines",
                    )
                )
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    graph: dict[str, list[tuple[str, DecisionEntry]]] = {}
    for e in entries:
        if e.decision.kind is DecisionKind.SAME:
            a, b = e.decision.a, e.decision.b
            parent[find(a)] = find(b)
            graph.setdefault(a, []).append((b, e))
            graph.setdefault(b, []).append((a, e))
    for e in entries:
        d = e.decision
        if d.kind is DecisionKind.DIFFERENT and find(d.a) == find(d.b):
            chain = _chain(graph, d.a, d.b)
            via = ", ".join(f"line {step.decision.loc.line}" for step in chain)
            problems.append(
                Problem.at(
                    d.loc,
                    ERROR,
                    "decision-conflict",
                    f"'{one_line(d.a)}' and '{one_line(d.b)}' are declared different, "
                    f"but 'same' decisions join them ({via})",
                )
            )
    return problems


def _chain(
    graph: dict[str, list[tuple[str, DecisionEntry]]], start: str, goal: str
) -> list[DecisionEntry]:
    """The ``same`` decisions on a shortest path from ``start`` to ``goal`` (BFS)."""
    back: dict[str, tuple[str, DecisionEntry] | None] = {start: None}
    queue = [start]
    for node in queue:
        if node == goal:
            break
        for nxt, entry in graph.get(node, []):
            if nxt not in back:
                back[nxt] = (node, entry)
                queue.append(nxt)
    steps: list[DecisionEntry] = []
    node = goal
    while (prev := back.get(node)) is not None:
        node, entry = prev
        steps.append(entry)
    return sorted(steps, key=lambda s: s.decision.loc)

"""Selections a user asks for (``--article``, ``--who``, ``--kind``, ``--status``).

They live in the library, not the CLI, so that scripts get the same filtering the
command line does. Filters never change verdicts: a report is computed on the
whole corpus first and only then narrowed, so a contradiction with an article
left out of the view is still found for the article kept in it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable

from claimdiff.errors import RefError
from claimdiff.model import (
    Article,
    Claim,
    ContradictionKind,
    Corpus,
    Report,
    Status,
)
from claimdiff.text import strip_accents


def _fold(text: str) -> str:
    return strip_accents(text).casefold()


def check_articles(corpus: Corpus, article_ids: Iterable[str]) -> None:
    """Raise :class:`RefError` for an article id the corpus does not have."""
    known = {a.id for a in corpus.articles}
    for article_id in article_ids:
        if article_id not in known:
            from difflib import get_close_matches

            close = get_close_matches(article_id, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise RefError(f"no article '{article_id}' in {corpus.root}{hint}")


def actor_names(corpus: Corpus, who: str) -> frozenset[str]:
    """Folded names that count as ``who``: the text itself plus its aliases.

    Asking for "Putin" finds claims by "Vladimir Putin" when ``aliases.yaml``
    says they are one entity, and asking for "Russia" finds "the Kremlin".
    """
    wanted = _fold(who.strip())
    names = {wanted}
    groups: dict[str, set[str]] = {}
    for alias in corpus.aliases:
        group = groups.setdefault(_fold(alias.canonical), {_fold(alias.canonical)})
        group.add(_fold(alias.alias))
    for group in groups.values():
        if any(wanted == name or wanted in name for name in group):
            names |= group
    return frozenset(names)


def claim_mentions(claim: Claim, names: Collection[str]) -> bool:
    """Whether any actor of ``claim`` (who, whom, said_by) contains one of ``names``."""
    actors = [_fold(a) for a in (*claim.who, *claim.whom, *claim.said_by)]
    return any(name in actor for actor in actors for name in names)


def select_corpus(corpus: Corpus, articles: Collection[str] = (), who: str | None = None) -> Corpus:
    """The corpus narrowed to some articles and to claims mentioning an actor."""
    check_articles(corpus, articles)
    names = actor_names(corpus, who) if who else None
    kept: list[Article] = []
    for art in corpus.articles:
        if articles and art.id not in articles:
            continue
        claims = art.claims
        if names is not None:
            claims = tuple(c for c in claims if claim_mentions(c, names))
        kept.append(dataclasses.replace(art, claims=claims))
    return dataclasses.replace(corpus, articles=tuple(kept))


def _article_of(ref: str) -> str:
    return ref.split("#", 1)[0]


def select_report(
    report: Report,
    *,
    articles: Collection[str] = (),
    kinds: Collection[ContradictionKind] = (),
    statuses: Collection[Status] = (),
    who: str | None = None,
    min_sources: int = 0,
) -> Report:
    """The report narrowed for display; verdicts are those of the whole corpus.

    The corpus itself is kept whole: the other side of a contradiction must still
    be shown with its outlet and date when only one article was asked for.
    """
    check_articles(report.corpus, articles)
    index = report.corpus.claim_index()
    names = actor_names(report.corpus, who) if who else None

    def ref_ok(ref: str) -> bool:
        if articles and _article_of(ref) not in articles:
            return False
        return names is None or claim_mentions(index[ref], names)

    contradictions = tuple(
        c
        for c in report.contradictions
        if (not kinds or c.kind in kinds) and (ref_ok(c.a) or ref_ok(c.b))
    )
    statements = tuple(
        s
        for s in report.statements
        if (not statuses or s.status in statuses)
        and s.independent_sources >= min_sources
        and (not kinds or any(k in kinds for k in s.kinds))
        and any(ref_ok(r) for r in s.claims)
    )
    kept_ids = {s.id for s in statements}
    agreements = tuple(a for a in report.agreements if a.statement in kept_ids)
    return dataclasses.replace(
        report,
        statements=statements,
        agreements=agreements,
        contradictions=contradictions,
    )


def empty_report(corpus: Corpus) -> Report:
    """A report with no comparison, for views that only show the corpus (``claims``)."""
    return Report(corpus=corpus, statements=(), agreements=(), contradictions=())

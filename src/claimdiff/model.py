"""The typed model every stage shares.

Everything here is a frozen dataclass so that values can be cached, hashed and
compared, and so that no stage can quietly change what an earlier stage produced.
Every claim and every field remembers where it was written (``file:line:col``):
a curator must always be able to go from a verdict back to the line that caused it.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import types
from collections.abc import Mapping
from dataclasses import dataclass, field

FORMAT_VERSION = 1
"""Version of the JSON structures claimdiff prints (``"format": 1``)."""


# --------------------------------------------------------------------------- locations


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file. ``line`` and ``col`` are 1-based, as editors show them."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input.

    Field order is the sort order: by file, then line, then column, so a list of
    problems sorts the way a reader walks through the files. A problem is one
    line: line breaks in the message (from a quoted value) are folded to spaces.
    """

    path: str
    line: int
    col: int
    severity: Severity
    code: str
    message: str

    def __post_init__(self) -> None:
        lines = self.message.splitlines()
        if len(lines) > 1:
            object.__setattr__(self, "message", " ".join(part.strip() for part in lines))

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.col)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}:{self.col}: "
            f"{self.severity.value} [{self.code}] {self.message}"
        )

    @classmethod
    def at(cls, loc: Location, severity: Severity, code: str, message: str) -> Problem:
        return cls(loc.path, loc.line, loc.col, severity, code, message)


# --------------------------------------------------------------------------- time


@dataclass(frozen=True, order=True)
class Interval:
    """A closed interval of days: ``2020-09`` is 2020-09-01 .. 2020-09-30."""

    start: dt.date
    end: dt.date

    def overlaps(self, other: Interval) -> bool:
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def iso(self) -> str:
        """ISO 8601 form: a single day, or ``start/end``."""
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


@dataclass(frozen=True)
class TimeSpec:
    """A ``when`` or ``published`` value: the text as written and what it resolved to.

    ``interval`` is ``None`` when the time is unknown (the phrase could not be
    resolved); unknown time is neither compatible nor in conflict with anything.
    """

    text: str
    interval: Interval | None
    how: str = ""
    """Short human explanation of the resolution, e.g. ``"relative to published 2023-01-12"``."""


# --------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class Claim:
    """One who-did-what assertion an article makes."""

    article_id: str
    id: str
    who: tuple[str, ...]
    did: str
    loc: Location
    whom: tuple[str, ...] = ()
    when: TimeSpec | None = None
    where: str | None = None
    negated: bool = False
    said_by: tuple[str, ...] = ()
    event: str | None = None
    quote: str | None = None
    tags: tuple[str, ...] = ()
    note: str | None = None
    field_locs: tuple[tuple[str, Location], ...] = ()
    """Where each written field's *value* starts, in file order."""

    @property
    def ref(self) -> str:
        """The reference users type: ``ARTICLE#CLAIM``."""
        return f"{self.article_id}#{self.id}"

    def loc_of(self, name: str) -> Location:
        """Location of field ``name``'s value, or of the claim when it was not written."""
        for key, loc in self.field_locs:
            if key == name:
                return loc
        return self.loc


@dataclass(frozen=True)
class Article:
    """One article's claim file."""

    id: str
    title: str
    source: str
    """Path of the claim file, relative to the corpus root's parent as the user named it."""
    loc: Location
    outlet: str | None = None
    url: str | None = None
    published: TimeSpec | None = None
    author: str | None = None
    text_path: str | None = None
    """``text:`` as written in the file."""
    text: str | None = None
    """The article text, read from ``text_path``; ``None`` when there is none."""
    claims: tuple[Claim, ...] = ()
    field_locs: tuple[tuple[str, Location], ...] = ()

    def loc_of(self, name: str) -> Location:
        for key, loc in self.field_locs:
            if key == name:
                return loc
        return self.loc


@dataclass(frozen=True)
class Alias:
    canonical: str
    alias: str
    loc: Location


@dataclass(frozen=True)
class Lexicon:
    """Curator-supplied action vocabulary (``lexicon.yaml``); extends the built-in one."""

    synonyms: tuple[tuple[str, ...], ...] = ()
    opposites: tuple[tuple[str, str], ...] = ()


class DecisionKind(str, enum.Enum):
    SAME = "same"
    DIFFERENT = "different"


@dataclass(frozen=True)
class Decision:
    """A curator's reviewed verdict on a pair of claims (``decisions.yaml``)."""

    kind: DecisionKind
    a: str
    b: str
    loc: Location


@dataclass(frozen=True)
class Corpus:
    """A loaded corpus: the articles of every valid claim file plus the reserved files."""

    root: str
    articles: tuple[Article, ...] = ()
    aliases: tuple[Alias, ...] = ()
    lexicon: Lexicon = field(default_factory=Lexicon)
    decisions: tuple[Decision, ...] = ()

    # The corpus never changes, so its lookups are built once, on first use:
    # renderers and exporters look up a claim or an article per item they show,
    # and rebuilding them each time made those views quadratic.

    def article(self, article_id: str) -> Article:
        """The first article with this id (``KeyError`` if none)."""
        return self._articles_by_id[article_id]

    def claims(self) -> tuple[Claim, ...]:
        """Every claim, article by article, in file order."""
        return self._claims

    def claim_index(self) -> Mapping[str, Claim]:
        """Claim by ref (``ARTICLE#CLAIM``); a read-only view, shared by every caller."""
        return self._claim_index

    @functools.cached_property
    def _articles_by_id(self) -> Mapping[str, Article]:
        found: dict[str, Article] = {}
        for art in self.articles:
            found.setdefault(art.id, art)
        return found

    @functools.cached_property
    def _claims(self) -> tuple[Claim, ...]:
        return tuple(c for art in self.articles for c in art.claims)

    @functools.cached_property
    def _claim_index(self) -> Mapping[str, Claim]:
        return types.MappingProxyType({c.ref: c for c in self._claims})


# --------------------------------------------------------------------------- report


class ContradictionKind(str, enum.Enum):
    NEGATION = "negation"
    DATE = "date"
    NUMBER = "number"
    OPPOSITE = "opposite"
    ACTOR = "actor"


class Status(str, enum.Enum):
    CORROBORATED = "corroborated"
    CONTRADICTED = "contradicted"
    UNIQUE = "unique"


@dataclass(frozen=True)
class Evidence:
    """Why the engine decided what it decided, in terms a reader can check."""

    reason: str
    """One sentence: the rule that decided, e.g. ``"same actor and action; polarity differs"``."""
    similarities: tuple[tuple[str, float], ...] = ()
    """Per-field similarities in 0..1, e.g. ``(("who", 1.0), ("did", 0.83))``."""
    details: tuple[tuple[str, str], ...] = ()
    """Other facts: normalised forms, intervals, quantities, decision lines."""


@dataclass(frozen=True)
class Contradiction:
    kind: ContradictionKind
    a: str
    """Ref of the first claim (sorted: ``a < b``)."""
    b: str
    score: float
    evidence: Evidence
    statement: str | None = None
    """Id of the statement the pair belongs to, when both sides are in one."""

    @property
    def claims(self) -> tuple[str, str]:
        return (self.a, self.b)


@dataclass(frozen=True)
class Statement:
    """A group of claims that state the same thing (the rows of the comparison table)."""

    id: str
    """Stable id, ``S1``, ``S2`` ... in the report's order."""
    claims: tuple[str, ...]
    """Refs of the member claims, sorted."""
    who: str
    did: str
    whom: str
    when: Interval | None
    articles: tuple[str, ...]
    independent_sources: int
    status: Status
    kinds: tuple[ContradictionKind, ...] = ()
    """Kinds of contradiction touching this statement (empty unless contradicted)."""
    hedged: tuple[str, ...] = ()
    """Refs of members whose wording is hedged ("reportedly", "allegedly")."""
    score: float = 1.0
    """Weakest link inside the group (1.0 for a single claim)."""


@dataclass(frozen=True)
class Agreement:
    """A statement made by two or more articles."""

    statement: str
    claims: tuple[str, ...]
    articles: tuple[str, ...]
    independent_sources: int
    score: float
    evidence: Evidence


@dataclass(frozen=True)
class CompareOptions:
    """Thresholds of the engine; the defaults are documented in docs/engine.md."""

    actor_threshold: float = 85.0
    """rapidfuzz score (0..100) above which two actor names are the same entity."""
    match_threshold: float = 0.62
    """Combined score (0..1) above which two claims state the same thing."""
    link_threshold: float = 0.55
    """Combined score (0..1) above which two claims are about the same thing (contradictions)."""
    number_tolerance: float = 0.05
    """Relative difference under which two quantities count as equal."""
    near_copy_threshold: float = 0.9
    """Text similarity above which two articles count as one source (syndicated copy)."""
    action_threshold: float = 0.7
    """Action similarity (0..1, token-set ratio of the normalised actions) above which
    two claims with the same head verb state the same action."""
    max_block: int = 200
    """Largest block of claims scored all-pairs; bigger blocks are split by action key,
    then by the names inside the action, then by target."""


@dataclass(frozen=True)
class Report:
    """Everything the comparison found; every exporter and renderer reads only this."""

    corpus: Corpus
    statements: tuple[Statement, ...]
    agreements: tuple[Agreement, ...]
    contradictions: tuple[Contradiction, ...]
    options: CompareOptions = field(default_factory=CompareOptions)
    source_groups: tuple[tuple[str, ...], ...] = ()
    """Groups of article ids whose texts are near-copies (counted as one source)."""

    def statement(self, statement_id: str) -> Statement:
        """The statement with this id (``KeyError`` if none); constant time, since
        exporters look up one statement per agreement."""
        return self._statements_by_id[statement_id]

    @functools.cached_property
    def _statements_by_id(self) -> Mapping[str, Statement]:
        return {st.id: st for st in self.statements}

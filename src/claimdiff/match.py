"""Matching: find the claim pairs worth comparing, score them, group statements.

Comparing every claim with every other claim is quadratic and would not survive a
real corpus, so pairs are only scored inside *blocks* of claims that share a cheap
key: a canonical actor, or an event label. A block bigger than
``CompareOptions.max_block`` is split by the *families* of the action's words
(a word's synonym class joined with its lexicon opposites, so "supported" and
"remained neutral" stay together), a sub-block still too big by the names inside
the action, then — actor blocks only — by target (``whom``). A claim goes into
the group of each of its keys, and claims without a key are compared with every
group, so a split only skips pairs that can never be the same statement or a
contradiction (the same or opposite action needs a shared word family; named
objects must overlap; an actor's targets must overlap): a verdict never depends
on how many other claims share the block. Inside a block, one
``rapidfuzz.process.cdist`` call computes the action similarity of all pairs in
C; only pairs above ``action_threshold`` (plus pairs whose words are lexicon
opposites) reach the Python-level scoring.

Grouping into statements is complete linkage: a claim joins a group only if it
states the same thing as *every* member, so a chain of weak links can never glue
two different statements together.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from claimdiff.model import CompareOptions
from claimdiff.normalize import Action, ClaimForm, LexiconIndex

WEIGHTS: tuple[tuple[str, float], ...] = (
    ("who", 0.20),
    ("did", 0.50),
    ("whom", 0.10),
    ("when", 0.05),
    ("where", 0.05),
    ("event", 0.10),
)
"""Weights of the per-field similarities in the combined score.

A field missing from either claim is left out and the remaining weights are
renormalised: an unstated target or time is no evidence either way.
"""

EVENT_SAME = 0.9
"""Event-label similarity (token-set ratio, 0..1) at which two labels name one event."""

WHO_REPRESENTED = 0.75
"""``who`` similarity of a state and a head of state who speaks for it (Kremlin / Putin)."""

NAME_CONFLICT = 0.5
"""Factor on ``did`` when both actions name things and share none of them."""

Pair = tuple[int, int]


@dataclass(frozen=True)
class PairScore:
    """Per-field similarities and combined score of one candidate pair."""

    a: int
    b: int
    score: float
    similarities: tuple[tuple[str, float], ...]
    opposite: tuple[str, str] | None = None
    """The lexicon opposites the pair states (see :func:`opposite_pair`), in (a, b) order."""

    def sim(self, name: str) -> float | None:
        for key, value in self.similarities:
            if key == name:
                return value
        return None


# --------------------------------------------------------------------------- similarities


def _disjoint(a: Sequence[str], b: Sequence[str]) -> bool:
    """Both non-empty and without a common element."""
    return bool(a) and bool(b) and not any(x in b for x in a)


def _jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    if a == b:
        return 1.0
    sa, sb = set(a), set(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


def action_order(a: Action, b: Action) -> float:
    """Token-sort ratio (0..1): ranks equally scored pairs by how exactly they agree.

    Used only to order the grouping ("key allies" ~ "allies" before "former allies" ~ "allies").
    """
    return float(fuzz.token_sort_ratio(a.string, b.string)) / 100.0


def action_similarity(a: Action, b: Action) -> float:
    """Token-set ratio (0..1) of the synonym-mapped action keys.

    Token-set, not plain ratio: a curator who writes more detail ("blamed Armenia
    for the collapse of the talks" vs "blamed Armenia") still states the same action.
    """
    if not a.content and not b.content:
        return 1.0
    return float(fuzz.token_set_ratio(a.string, b.string)) / 100.0


def _dates_named(label: str) -> tuple[frozenset[str], frozenset[str]]:
    """The numbers and the month names in an event label."""
    words = _LABEL_WORD_RE.findall(label.casefold())
    return (
        frozenset(w for w in words if w.isdigit()),
        frozenset(w for w in words if w in _MONTH_NAMES),
    )


def event_similarity(a: str, b: str) -> float:
    """How alike two event labels are (token-set ratio, 0..1), except that labels
    stating other numbers or other months name other events (0): a recurring
    action is labelled per occurrence ("Kharkiv shelling, 1 March 2022" / "…, 5
    March 2022"), and those labels share every other word. A label that only adds
    numbers or months to the other ("2020 Nagorno-Karabakh war", "…, 1 March
    2022" / "…, 1 March") is still the same event."""
    if a == b:
        return 1.0
    for x, y in zip(_dates_named(a), _dates_named(b), strict=True):
        if not (x <= y or y <= x):
            return 0.0
    return float(fuzz.token_set_ratio(a, b)) / 100.0


_LABEL_WORD_RE = re.compile(r"[^\W\d_]+|\d+")
_MONTH_NAMES = frozenset(name.casefold() for name in calendar.month_name if name)


def are_opposite(a: Action, b: Action, lex: LexiconIndex) -> tuple[str, str] | None:
    """The lexicon opposite pair the two actions state, in (a, b) order, if any."""
    hit = lex.opposite_in(a, b)
    if hit is not None:
        return hit
    back = lex.opposite_in(b, a)
    return None if back is None else (back[1], back[0])


def opposite_pair(fa: ClaimForm, fb: ClaimForm, lex: LexiconIndex) -> tuple[str, str] | None:
    """The lexicon opposites two claims state about the same object, if any.

    Opposite verbs about different objects are not opposite claims ("ratified
    the treaty" / "vetoed the budget"): the actions must not name only
    different things, and what remains after the opposite words must share a
    word when both sides have something left.
    """
    if not fa.action.opposable or not fb.action.opposable or _disjoint(fa.names, fb.names):
        return None
    hit = are_opposite(fa.action, fb.action, lex)
    if hit is None:
        return None
    rest_a = set(fa.action.content) - {hit[0]}
    rest_b = set(fb.action.content) - {hit[1]}
    if rest_a and rest_b and not rest_a & rest_b:
        return None
    return hit


CoreSims = tuple[
    tuple[str, str] | None, tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]
]
"""The part of a pair's scoring that only reads the two cores (see :func:`core_key`):
the lexicon opposites, the ``who`` / ``did`` / ``whom`` similarities and the
``where`` similarity (``when`` goes between them in ``WEIGHTS`` order)."""


def core_similarities(
    fa: ClaimForm, fb: ClaimForm, lex: LexiconIndex, did: float | None = None
) -> CoreSims:
    """What :func:`score_pair` computes from the cores alone, to share between the
    pairs of two cores that differ only in their intervals or event labels."""
    opposite = opposite_pair(fa, fb, lex)
    head, where = _core_sims(fa, fb, did, opposite)
    return opposite, head, where


def _core_sims(
    fa: ClaimForm, fb: ClaimForm, did: float | None, opposite: tuple[str, str] | None
) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]:
    """The ``who`` / ``did`` / ``whom`` similarities and the ``where`` one.

    ``did`` is halved (``NAME_CONFLICT``) when both actions name things
    ("... in Tallinn", "... in Agadir") and none of them is shared. ``did`` is 1.0
    for lexicon opposites: "supported" and "remained neutral" are about the same
    action, only with opposite sense, which is what makes them a contradiction
    rather than two unrelated claims.
    """
    if opposite is not None:
        did = 1.0
    else:
        if did is None:
            did = action_similarity(fa.action, fb.action)
        if _disjoint(fa.names, fb.names):
            did *= NAME_CONFLICT
    who = _jaccard(fa.who, fb.who)
    if who == 0.0 and not _disjoint(fa.who_wide, fb.who_wide):
        who = WHO_REPRESENTED
    head: tuple[tuple[str, float], ...] = (("who", who), ("did", did))
    if fa.whom and fb.whom:
        head += (("whom", _jaccard(fa.whom, fb.whom)),)
    if fa.where is not None and fb.where is not None:
        return head, (("where", 1.0 if fa.where == fb.where else 0.0),)
    return head, ()


def _all_sims(
    head: tuple[tuple[str, float], ...],
    where: tuple[tuple[str, float], ...],
    fa: ClaimForm,
    fb: ClaimForm,
) -> tuple[tuple[str, float], ...]:
    """The core similarities with ``when`` and ``event`` added, in ``WEIGHTS`` order."""
    da, db = fa.data, fb.data
    ia, ib = da.interval, db.interval
    sims = head
    if ia is not None and ib is not None:
        sims += (("when", 1.0 if ia.overlaps(ib) else 0.0),)
    if where:
        sims += where
    if da.event is not None and db.event is not None:
        sims += (("event", event_similarity(da.event, db.event)),)
    return sims


def combine(similarities: Iterable[tuple[str, float]]) -> float:
    """Weighted mean of the stated fields' similarities (weights in ``WEIGHTS``)."""
    weights = dict(WEIGHTS)
    total = 0.0
    weight = 0.0
    for name, value in similarities:
        w = weights[name]
        total += w * value
        weight += w
    return round(total / weight, 4) if weight else 0.0


def score_pair(
    fa: ClaimForm,
    fb: ClaimForm,
    lex: LexiconIndex,
    did: float | None = None,
    core: CoreSims | None = None,
) -> PairScore:
    """Per-field similarities and combined score of ``fa`` and ``fb``.

    ``core`` is :func:`core_similarities` of the pair's cores when already known.
    """
    if core is None:
        core = core_similarities(fa, fb, lex, did)
    opposite, head, where = core
    sims = _all_sims(head, where, fa, fb)
    a, b = (fa.index, fb.index) if fa.index < fb.index else (fb.index, fa.index)
    return PairScore(
        a=a,
        b=b,
        score=combine(sims),
        similarities=sims,
        opposite=opposite,
    )


def core_key(f: ClaimForm) -> tuple[object, ...]:
    """Everything scoring and classification read of a form, except time and event.

    Two forms with equal core keys, intervals and events get the same scores and
    verdicts against every other form, so the engine compares such forms once.
    Action keys are sorted: token-set and token-sort ratios ignore word order, and
    the head (the only order-dependent part) is kept separately.
    """
    d = f.data
    a = d.action
    return (
        d.who,
        d.who_names,
        d.who_wide,
        d.whom,
        d.where,
        tuple(sorted(a.content)),
        a.head,
        tuple(sorted(a.plain)),
        d.positive,
        d.past,
        d.quantities,
        d.names,
    )


# --------------------------------------------------------------------------- blocking


def block_keys(form: ClaimForm) -> list[tuple[str, str]]:
    """The blocks a claim belongs to: one per actor entity, one for its event label."""
    keys = [("who", w) for w in form.who_wide]
    if form.event:
        keys.append(("event", form.event))
    return keys


@dataclass
class MatchStats:
    """Work counters of one matching run (for scaling tests and benchmarks)."""

    cells: int = 0
    """Action comparisons made by the blocking step (cdist cells and direct calls)."""
    candidates: int = 0
    """Candidate pairs the blocking step proposed."""
    scored: int = 0
    """Pairs scored field by field (``score_pair`` calls)."""
    pairs: int = 0
    """Claim-form pairs whose verdict was looked up (after collapsing identical forms)."""


class _Collector:
    def __init__(
        self,
        forms: Sequence[ClaimForm],
        lex: LexiconIndex,
        options: CompareOptions,
        include_self: bool = False,
    ) -> None:
        self.forms = forms
        self.lex = lex
        self.options = options
        self.cutoff = options.action_threshold * 100.0
        self.include_self = include_self
        self.pairs: dict[Pair, float | None] = {}
        self.cells = 0

    def add(self, i: int, j: int, did: float | None) -> None:
        if i == j and not self.include_self:
            return
        if _disjoint(self.forms[i].names, self.forms[j].names):
            return  # different named objects: never the same thing (see opposite_pair)
        key = (i, j) if i < j else (j, i)
        if key not in self.pairs or self.pairs[key] is None:
            self.pairs[key] = did

    def dense(self, rows: Sequence[int], cols: Sequence[int] | None = None) -> None:
        """Score ``rows`` × ``cols`` (or all pairs of ``rows``) with one cdist call."""
        if cols is None and len(rows) < 2:
            return
        other = rows if cols is None else cols
        if not other:
            return
        strings_r = [self.forms[i].action.string for i in rows]
        strings_c = [self.forms[i].action.string for i in other]
        cells = len(rows) * len(other)
        self.cells += cells
        if cells <= _SMALL_BLOCK:
            # A cdist call costs more than a few direct comparisons.
            for r, sr in enumerate(strings_r):
                for c in range(r + 1 if cols is None else 0, len(other)):
                    sim = fuzz.token_set_ratio(sr, strings_c[c], score_cutoff=self.cutoff)
                    if sim:
                        self.add(rows[r], other[c], sim / 100.0)
        else:
            matrix = process.cdist(
                strings_r,
                strings_c,
                scorer=fuzz.token_set_ratio,
                score_cutoff=self.cutoff,
                workers=-1 if cells >= _PARALLEL_BLOCK else 1,
                dtype=np.uint8,
            )
            if cols is None:
                matrix = np.triu(matrix, 1)
            rs, cs = np.nonzero(matrix)
            values = matrix[rs, cs].tolist()
            for r, c, v in zip(rs.tolist(), cs.tolist(), values, strict=True):
                self.add(rows[r], other[c], v / 100.0)
        # Lexicon opposites rarely share words ("supported" / "remained neutral"),
        # so they are paired through an index of the opposite-bearing keys.
        by_key_r = self._opposite_index(rows)
        by_key_c = by_key_r if cols is None else self._opposite_index(other)
        by_word_c: dict[str, list[tuple[str, list[int]]]] = defaultdict(list)
        for (kb, rest_b), members_b in by_key_c.items():
            by_word_c[rest_b].append((kb, members_b))
        empty_c = [(kb, m) for (kb, rest_b), m in by_key_c.items() if rest_b == ""]
        for (ka, rest_a), members_a in by_key_r.items():
            partners = by_word_c[rest_a] if rest_a else [(kb, m) for (kb, _), m in by_key_c.items()]
            if rest_a:
                partners = partners + empty_c
            for kb, members_b in partners:
                if self.lex.are_opposite(ka, kb):
                    for i in members_a:
                        for j in members_b:
                            self.add(i, j, None)

    def _opposite_index(self, members: Sequence[int]) -> dict[tuple[str, str], list[int]]:
        """(opposite-bearing key, one other key or "") → members.

        Mirrors :func:`opposite_pair`: opposites only count when the rest of the
        two actions share a word or one of them has nothing else, so only such
        pairs are generated (and a hot actor's many "imposed" × "lifted" claims
        about different objects are never paired).
        """
        index: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i in members:
            content = set(self.forms[i].action.content)
            for key in content & self.lex.opposite_tokens:
                rest = content - {key}
                for other in sorted(rest) or [""]:
                    index[(key, other)].append(i)
        return index

    def _split_keys(self, f: ClaimForm, level: int) -> tuple[str, ...]:
        if level == 0:
            return f.families
        if level == 1:
            return f.names
        return f.whom

    def block(self, members: Sequence[int], level: int = 0, *, by_target: bool = True) -> None:
        """Score a block, splitting it first while it is bigger than ``max_block``.

        Split keys, in order: the action's families; the names inside the
        action; (``by_target``) the targets. A claim joins the group of each of
        its keys; claims without one are compared with every group (they might
        belong with any of them). Why each split loses nothing:

        - families: the same action (:func:`~claimdiff.compare._same_verb`) has
          the same head, or one action's words all in the other's — so one head
          is a word of the other: a group's members (its family is their head's
          or that of a word with an opposite) are also compared with its guests
          (claims with a word of that family elsewhere), though guests are not
          compared with each other; lexicon opposites are one family, and both
          claims are members of it;
        - names: claims naming only different things are never paired (:meth:`add`);
        - targets: in an actor block, claims whose targets share none are neither
          the same nor contradictory unless they share an event label — and then
          they meet in that label's block, which is not split by target (claims
          of one event contradict each other across targets, e.g. "actor").
        """
        if len(members) < 2:
            return
        if len(members) <= self.options.max_block or level >= _levels(by_target):
            self.dense(members)
            return
        groups: dict[str, list[int]] = defaultdict(list)
        guests: dict[str, list[int]] = defaultdict(list)
        keyless: list[int] = []
        for i in members:
            f = self.forms[i]
            keys = self._split_keys(f, level)
            if not keys:
                keyless.append(i)
            for key in keys:
                groups[key].append(i)
            if level == 0:
                for key in f.word_families:
                    guests[key].append(i)
        self.block(keyless, level + 1, by_target=by_target)
        for key in sorted(groups):
            if keyless:
                self.dense(keyless, groups[key])
            self.block(groups[key], level + 1, by_target=by_target)
            if key in guests:
                self.cross(groups[key], guests[key], level + 1, by_target=by_target)

    def cross(
        self, rows: Sequence[int], cols: Sequence[int], level: int, *, by_target: bool
    ) -> None:
        """Score ``rows`` × ``cols``, split like :meth:`block` (from ``level`` on)
        while there are more than ``max_block``² pairs."""
        if not rows or not cols:
            return
        limit = self.options.max_block
        if len(rows) * len(cols) <= limit * limit or level >= _levels(by_target):
            self.dense(rows, cols)
            return
        row_groups: dict[str, list[int]] = defaultdict(list)
        col_groups: dict[str, list[int]] = defaultdict(list)
        keyless_rows: list[int] = []
        keyless_cols: list[int] = []
        for side, groups, keyless in (
            (rows, row_groups, keyless_rows),
            (cols, col_groups, keyless_cols),
        ):
            for i in side:
                keys = self._split_keys(self.forms[i], level)
                if not keys:
                    keyless.append(i)
                for key in keys:
                    groups[key].append(i)
        if keyless_rows:
            self.dense(keyless_rows, cols)
        if keyless_cols:
            unkeyed = set(keyless_rows)
            keyed_rows = [i for i in rows if i not in unkeyed]
            if keyed_rows:
                self.dense(keyed_rows, keyless_cols)
        for key in sorted(row_groups.keys() & col_groups.keys()):
            self.cross(row_groups[key], col_groups[key], level + 1, by_target=by_target)


def _levels(by_target: bool) -> int:
    """How many split keys a block may use (the target only in actor blocks)."""
    return _LEVELS if by_target else _LEVELS - 1


_SMALL_BLOCK = 64
"""Blocks with at most this many cells are compared without cdist."""
_PARALLEL_BLOCK = 20_000
"""Blocks with at least this many cells use every core (``workers=-1``)."""
_LEVELS = 3
"""Number of split keys (families, names, targets); deeper blocks are scored whole."""


def candidate_pairs(
    forms: Sequence[ClaimForm],
    lex: LexiconIndex,
    options: CompareOptions,
    *,
    keys: Sequence[Iterable[tuple[str, str]]] | None = None,
    include_self: bool = False,
    stats: MatchStats | None = None,
) -> dict[Pair, float | None]:
    """Pairs worth scoring (positions in ``forms``), with their action similarity
    when the blocking computed it.

    ``keys`` overrides the block keys of each form (default :func:`block_keys`);
    with ``include_self`` a form is also paired with itself when it would be
    paired with an identical copy of itself (used when each form stands for
    many identical claims).

    Cost is the sum of the squared block sizes, each capped by ``max_block`` as
    far as the splitting keys allow, so it grows near-linearly with the corpus.
    """
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pos, f in enumerate(forms):
        for key in block_keys(f) if keys is None else keys[pos]:
            blocks[key].append(pos)
    collector = _Collector(forms, lex, options, include_self)
    in_block: set[int] = set()
    for key in sorted(blocks):
        collector.block(blocks[key], by_target=key[0] != "event")
        if include_self:
            in_block.update(blocks[key])
    for pos in sorted(in_block):
        collector.dense([pos], [pos])
    if stats is not None:
        stats.cells += collector.cells
        stats.candidates += len(collector.pairs)
    return collector.pairs


# --------------------------------------------------------------------------- grouping


def group_statements(
    n: int,
    same: Mapping[Pair, float],
    forced: Iterable[Pair] = (),
    cannot: Iterable[Pair] = (),
    tiebreak: Mapping[Pair, float] | None = None,
    weights: Sequence[int] | None = None,
) -> list[list[int]]:
    """Partition claims 0..n-1 into statements by complete linkage.

    ``same`` holds the pairs that state the same thing with their scores;
    ``forced`` pairs (``decisions.yaml`` ``same``) are merged first, whatever
    anything else says; ``cannot`` pairs (contradictions, ``different``
    decisions) never end up in one group unless forced. Edges are visited from
    the strongest down (ties by ``tiebreak``, higher first, then by index), and
    two groups merge only when every cross pair is a ``same`` (or forced) pair
    and none is a ``cannot`` pair.

    Then a member that fits two groups which cannot merge (an undated report of
    a fact, next to one report that got the year wrong and five that got it
    right) moves to the heavier one (``weights``: claims per member, default 1)
    when its weakest link to it is at least as strong as to the rest of its own
    group, by score and then by ``tiebreak``; the edge order alone had let the
    odd report look corroborated.
    Groups that can merge after a move are merged. The result is sorted by
    smallest member and does not depend on input order.
    """
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    forced_set = {(min(a, b), max(a, b)) for a, b in forced}
    for a, b in sorted(forced_set):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        members[find(i)].append(i)
    cannot_set = {(min(a, b), max(a, b)) for a, b in cannot}

    def linked(x: int, y: int) -> bool:
        key = (x, y) if x < y else (y, x)
        if key in forced_set:
            return True
        return key in same and key not in cannot_set

    ties = tiebreak or {}
    edges = sorted(same.items(), key=lambda kv: (-kv[1], -ties.get(kv[0], 0.0), kv[0]))
    group_of = [find(i) for i in range(n)]

    def merge_all() -> None:
        for (a, b), _ in edges:
            ra, rb = group_of[a], group_of[b]
            if ra == rb:
                continue
            ga, gb = members[ra], members[rb]
            if all(linked(x, y) for x in ga for y in gb):
                keep, drop = min(ra, rb), max(ra, rb)
                for x in members[drop]:
                    group_of[x] = keep
                members[keep] = sorted(ga + gb)
                del members[drop]

    merge_all()
    pinned = {x for p in forced_set for x in p}
    if _rehome(members, group_of, same, ties, linked, weights, pinned):
        merge_all()
    return sorted(members.values(), key=lambda g: g[0])


def _rehome(
    members: dict[int, list[int]],
    group_of: list[int],
    same: Mapping[Pair, float],
    ties: Mapping[Pair, float],
    linked: Callable[[int, int], bool],
    weights: Sequence[int] | None,
    pinned: set[int],
) -> bool:
    """Move members to a heavier group they fit as well (see :func:`group_statements`).

    Each move makes the sum of the squared group weights grow, so the loop ends.
    Returns whether anything moved.
    """
    neighbours: dict[int, list[int]] = defaultdict(list)
    for a, b in same:
        neighbours[a].append(b)
        neighbours[b].append(a)

    def w(x: int) -> int:
        return 1 if weights is None else weights[x]

    def weakest(u: int, group: Iterable[int]) -> tuple[float, float]:
        """The weakest link of ``u`` to ``group``: score, then the edges' tie-break."""
        pairs = [(u, y) if u < y else (y, u) for y in group]
        return min((same[p], ties.get(p, 0.0)) for p in pairs)

    heft = {g: sum(w(x) for x in m) for g, m in members.items()}
    # An unpinned member is linked to the rest of its group by "same" pairs only
    # (complete linkage; forced pairs involve pinned members), and so is it to a
    # group it is linked to: their scores are in ``same``.
    moved = False
    while True:
        changed = False
        for u in sorted(neighbours):
            own = group_of[u]
            others = {group_of[v] for v in neighbours[u]}
            others.discard(own)
            if not others or u in pinned or len(members[own]) == 1:
                continue  # (alone: the merges already tried every group it fits)
            stay = heft[own] - w(u)
            here: tuple[float, float] | None = None
            best: tuple[int, int] | None = None
            for h in sorted(others):
                heavier = heft[h]
                if heavier <= stay or (best is not None and heavier <= best[0]):
                    continue
                group = members[h]
                if not all(linked(u, y) for y in group):
                    continue
                if here is None:
                    here = weakest(u, (x for x in members[own] if x != u))
                if weakest(u, group) >= here:
                    best = (heavier, h)
            if best is not None:
                target = best[1]
                members[own] = [x for x in members[own] if x != u]
                members[target] = sorted([*members[target], u])
                heft[own] -= w(u)
                heft[target] += w(u)
                group_of[u] = target
                changed = moved = True
        if not changed:
            return moved

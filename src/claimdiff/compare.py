"""Classification: agreements, contradictions and unique claims.

``compare`` runs the pipeline — :func:`~claimdiff.normalize.normalize_corpus`,
:func:`~claimdiff.match.candidate_pairs`, per-pair classification, complete-linkage
grouping — and assembles the :class:`~claimdiff.model.Report`. ``explain`` shows a
reader why one pair got its verdict and what would change it.

Every candidate pair gets exactly one verdict, from the first rule that applies
(the order is documented in docs/engine.md and in :func:`classify`):
a ``decisions.yaml`` line, then *opposite*, *negation*, *date*, *number*,
*actor*, then *same statement*, else *related* or *unrelated*.
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from claimdiff import gcpause
from claimdiff.errors import RefError
from claimdiff.match import (
    EVENT_SAME,
    WEIGHTS,
    CoreSims,
    MatchStats,
    PairScore,
    action_order,
    block_keys,
    candidate_pairs,
    core_key,
    core_similarities,
    event_similarity,
    group_statements,
    score_pair,
)
from claimdiff.model import (
    Agreement,
    Claim,
    CompareOptions,
    Contradiction,
    ContradictionKind,
    Corpus,
    Decision,
    DecisionKind,
    Evidence,
    Interval,
    Report,
    Statement,
    Status,
)
from claimdiff.normalize import (
    Action,
    ClaimForm,
    EntityTable,
    LexiconIndex,
    actor_key,
    fold,
    near_copy_groups,
    normalize_corpus,
    proper_names,
)

KIND_ORDER: tuple[ContradictionKind, ...] = (
    ContradictionKind.NEGATION,
    ContradictionKind.DATE,
    ContradictionKind.NUMBER,
    ContradictionKind.OPPOSITE,
    ContradictionKind.ACTOR,
)
"""Sort order of contradictions (then by ``a``, then ``b``)."""


class Relation(str, enum.Enum):
    """What a pair of claims is to each other."""

    SAME = "agreement"
    CONTRADICTION = "contradiction"
    RELATED = "related-but-compatible"
    UNRELATED = "unrelated"


@dataclass(frozen=True)
class PairVerdict:
    relation: Relation
    rule: str
    """The rule that decided, as one sentence."""
    kind: ContradictionKind | None = None
    details: tuple[tuple[str, str], ...] = ()
    decision: Decision | None = None


# --------------------------------------------------------------------------- helpers


def time_relation(a: Interval | None, b: Interval | None) -> str:
    """``unknown`` / ``same`` / ``contains`` / ``within`` / ``overlap`` / ``disjoint``."""
    if a is None or b is None:
        return "unknown"
    if a == b:
        return "same"
    if not a.overlaps(b):
        return "disjoint"
    if a.contains(b):
        return "contains"
    if b.contains(a):
        return "within"
    return "overlap"


def numbers_conflict(a: Sequence[float], b: Sequence[float], tolerance: float) -> bool:
    """Both state quantities and none of ``a`` equals one of ``b`` within ``tolerance``."""
    if not a or not b:
        return False
    for x in a:
        for y in b:
            if abs(x - y) <= tolerance * max(abs(x), abs(y)):
                return False
    return True


def _fmt_num(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:g}"


def _polarity(f: ClaimForm) -> str:
    return "positive" if f.positive else "negative"


def _iso(i: Interval | None) -> str:
    return i.iso() if i is not None else "unknown"


def _decision_line(d: Decision) -> str:
    return f"{d.loc}: {d.kind.value}: [{d.a}, {d.b}]"


# --------------------------------------------------------------------------- classification


def classify(
    fa: ClaimForm,
    fb: ClaimForm,
    pair: PairScore,
    lex: LexiconIndex,
    options: CompareOptions,
    decision: Decision | None = None,
    facts: CoreFacts | None = None,
) -> PairVerdict:
    """The verdict on one pair; the first rule that applies decides.

    ``facts`` is :func:`core_facts` of the pair when already known (it only
    reads the cores, so it is shared by the pairs of two cores).

    0. ``decisions.yaml``: ``same`` → same statement, ``different`` → unrelated.
    1. Gates: claims whose event labels differ are never contradictory nor the same;
       a combined score under ``link_threshold`` is unrelated; "about the same
       thing" means a common actor (a head of state counts for its state) with no
       conflicting target, or the same event label with the roles not swapped;
       one claim marked past/long-standing ("traditionally") and the other not,
       both undated, is never an opposite or negation.
    2. opposite — same actor (or same event), the actions are lexicon opposites,
       same polarity, compatible target and time.
    3. negation — same actor and action, opposite polarity, time not disjoint.
    4. date — same actor and action, same polarity, disjoint intervals.
    5. number — same actor and action, same polarity, quantities differ beyond
       ``number_tolerance``.
    6. actor — same event label and action, same polarity, no common actor, the
       roles not swapped ("A blamed B" / "B blamed A" can both be true).
    7. same statement — same actor and action, same polarity, compatible target,
       time and numbers, and a combined score ≥ ``match_threshold``.
    8. otherwise related-but-compatible.
    """
    if decision is not None:
        if decision.kind is DecisionKind.SAME:
            return PairVerdict(
                Relation.SAME, "decisions.yaml says they are the same", decision=decision
            )
        return PairVerdict(
            Relation.UNRELATED, "decisions.yaml says they are different", decision=decision
        )
    did = pair.sim("did") or 0.0
    if facts is None:
        facts = core_facts(fa, fb, did, options)
    who_overlap, same_action, whom_conflict, swapped = facts
    event_sim = pair.sim("event")
    same_event = event_sim is not None and event_sim >= EVENT_SAME
    trel = time_relation(fa.interval, fb.interval)
    disjoint = trel == "disjoint"
    same_polarity = fa.positive == fb.positive
    opposite = pair.opposite

    if event_sim is not None and not same_event:
        return PairVerdict(Relation.RELATED, "different event labels: never compared further")
    if pair.score < options.link_threshold:
        return PairVerdict(
            Relation.UNRELATED,
            f"combined score {pair.score:.2f} < link threshold {options.link_threshold:.2f}",
        )
    about_same = (who_overlap and not whom_conflict) or (same_event and not swapped)
    # One claim about the past or a long-standing habit, the other not, and no
    # dates to say otherwise: both can be true, so neither opposes nor negates.
    changed_over_time = bool(fa.past) != bool(fb.past) and trel == "unknown"
    if changed_over_time and (opposite is not None or not same_polarity) and about_same:
        marker = (fa.past or fb.past)[0]
        return PairVerdict(
            Relation.RELATED,
            f"one claim is about the past or a long-standing state ({marker!r}), the other "
            "not, and neither is dated: both can be true",
        )
    if opposite is not None and about_same and not disjoint:
        if same_polarity:
            return PairVerdict(
                Relation.CONTRADICTION,
                f"same {'actor' if who_overlap else 'event'}; opposite actions in the lexicon "
                f"({opposite[0].replace('_', ' ')!r} vs {opposite[1].replace('_', ' ')!r})",
                ContradictionKind.OPPOSITE,
                (("opposites", f"{opposite[0]} / {opposite[1]}"),),
            )
        return PairVerdict(
            Relation.RELATED,
            "opposite actions, but one of them is negated: they say the same thing differently",
        )
    if not (who_overlap and same_action and not whom_conflict):
        if (
            same_event
            and same_action
            and same_polarity
            and not who_overlap
            and not disjoint
            and not swapped
        ):
            return PairVerdict(
                Relation.CONTRADICTION,
                f"same event and action; different actors "
                f"({', '.join(fa.who_names)} vs {', '.join(fb.who_names)})",
                ContradictionKind.ACTOR,
                (("actors", f"{' + '.join(fa.who_names)} / {' + '.join(fb.who_names)}"),),
            )
        return PairVerdict(Relation.RELATED, _why_not_same(fa, fb, who_overlap, same_action, did))
    if not same_polarity:
        if disjoint:
            return PairVerdict(
                Relation.RELATED,
                "opposite polarity but disjoint times: both can be true",
            )
        return PairVerdict(
            Relation.CONTRADICTION,
            "same actor and action; one says it happened, the other that it did not",
            ContradictionKind.NEGATION,
            (("polarity", f"{_polarity(fa)} / {_polarity(fb)}"),),
        )
    if disjoint:
        return PairVerdict(
            Relation.CONTRADICTION,
            f"same actor and action; the dates do not overlap "
            f"({_iso(fa.interval)} vs {_iso(fb.interval)})",
            ContradictionKind.DATE,
            (("intervals", f"{_iso(fa.interval)} / {_iso(fb.interval)}"),),
        )
    if numbers_conflict(fa.quantities, fb.quantities, options.number_tolerance):
        qa = ", ".join(_fmt_num(x) for x in fa.quantities)
        qb = ", ".join(_fmt_num(x) for x in fb.quantities)
        return PairVerdict(
            Relation.CONTRADICTION,
            f"same actor and action; the quantities differ ({qa} vs {qb}) "
            f"beyond {options.number_tolerance:.0%}",
            ContradictionKind.NUMBER,
            (("quantities", f"{qa} / {qb}"),),
        )
    if pair.score >= options.match_threshold:
        return PairVerdict(
            Relation.SAME,
            "same actor, action and polarity; compatible target, time and quantities; "
            f"score {pair.score:.2f} ≥ {options.match_threshold:.2f}",
        )
    return PairVerdict(
        Relation.RELATED,
        f"score {pair.score:.2f} < match threshold {options.match_threshold:.2f}",
    )


CoreFacts = tuple[bool, bool, bool, bool]
"""``(who_overlap, same_action, whom_conflict, swapped)`` of a pair (see :func:`core_facts`)."""


def core_facts(fa: ClaimForm, fb: ClaimForm, did: float, options: CompareOptions) -> CoreFacts:
    """What :func:`classify` reads of the two cores alone, given the ``did`` similarity.

    ``who_overlap``: a common actor (a head of state counts for its state);
    ``same_action``: action similarity ≥ ``action_threshold`` and the same verb;
    ``whom_conflict``: both state targets and share none; ``swapped``: A's actor
    is B's target and B's actor is A's target.
    """
    who_overlap = bool(set(fa.who_wide) & set(fb.who_wide))
    same_action = did >= options.action_threshold and _same_verb(fa.action, fb.action)
    whom_conflict = bool(fa.whom and fb.whom and not set(fa.whom) & set(fb.whom))
    swapped = bool(set(fa.who_wide) & set(fb.whom) and set(fb.who_wide) & set(fa.whom))
    return who_overlap, same_action, whom_conflict, swapped


def _same_verb(a: Action, b: Action) -> bool:
    """Same head key, or one action's keys are all part of the other's.

    The second case covers phrasings whose first word is not the verb ("are key
    allies" / "are allies") without letting "supported X" meet "criticised X".
    """
    if not a.content or not b.content:
        return False
    if a.head == b.head:
        return True
    sa, sb = set(a.content), set(b.content)
    return sa <= sb or sb <= sa


def _why_not_same(
    fa: ClaimForm, fb: ClaimForm, who_overlap: bool, same_action: bool, did: float
) -> str:
    if not who_overlap:
        return "different actors, and not the same event and action"
    if fa.whom and fb.whom and not set(fa.whom) & set(fb.whom):
        return "same actor, but different targets"
    if fa.action.head != fb.action.head:
        return (
            f"same actor, but different actions "
            f"({fa.action.head or '-'!r} vs {fb.action.head or '-'!r})"
        )
    return f"same actor and verb, but the actions differ (similarity {did:.2f})"


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class _Analysis:
    """Everything compare computed, kept for ``explain``."""

    forms: tuple[ClaimForm, ...]
    lexicon: LexiconIndex
    form_of: Sequence[int]
    """Claim index → id of its comparison form (claims identical in all that is compared)."""
    paired: Collection[tuple[int, int]]
    """Comparison-form pairs the blocking step proposed (``(s, s)``: copies of one form)."""
    decisions: Mapping[tuple[int, int], Decision]
    report: Report
    stats: MatchStats
    entities: EntityTable


def _decision_pairs(
    decisions: Iterable[Decision], index: Mapping[str, int]
) -> dict[tuple[int, int], Decision]:
    out: dict[tuple[int, int], Decision] = {}
    for d in sorted(decisions, key=lambda d: (d.loc, d.kind.value, d.a, d.b)):
        if d.a not in index or d.b not in index or d.a == d.b:
            continue  # reported by the validator
        i, j = sorted((index[d.a], index[d.b]))
        out.setdefault((i, j), d)
    return out


def _origins(
    forms: Sequence[ClaimForm], source_of: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    """Independent origins: one per ``said_by`` speaker, else one per source group."""
    found: set[tuple[str, str]] = set()
    for f in forms:
        if f.said_by:
            found.update(("speaker", s) for s in f.said_by)
        else:
            found.add(("source", source_of[f.claim.article_id]))
    return tuple(sorted(found))


def _article_order(corpus: Corpus) -> dict[str, tuple[int, str, str]]:
    """Earliest first: by published date (unknown last), then article id."""
    order: dict[str, tuple[int, str, str]] = {}
    for art in corpus.articles:
        iv = art.published.interval if art.published is not None else None
        order[art.id] = (0, iv.start.isoformat(), art.id) if iv else (1, "", art.id)
    return order


def _canonical(
    values: Sequence[tuple[str, Claim]], article_order: Mapping[str, tuple[int, str, str]]
) -> str:
    """Most common wording (casefolded count), ties to the earliest article, then ref."""
    first = values[0][0] if values else ""
    if all(v == first for v, _ in values):
        return first  # one wording (the usual case): nothing to count
    counts = Counter(v.casefold() for v, _ in values if v)
    if not counts:
        return ""
    top = max(counts.values())
    leaders = [k for k, n in counts.items() if n == top]
    if len(leaders) == 1:
        spellings = {v for v, _ in values if v and v.casefold() == leaders[0]}
        if len(spellings) == 1:
            return spellings.pop()  # no tie to break
    best = min(
        ((v, c) for v, c in values if v),
        key=lambda vc: (-counts[vc[0].casefold()], article_order[vc[1].article_id], vc[1].ref),
    )
    return best[0]


def _canonical_names(
    mf: Sequence[ClaimForm], field: str, article_order: Mapping[str, tuple[int, str, str]]
) -> str:
    """:func:`_canonical` of the members' joined ``who_names`` or ``whom_names``.

    Members of one statement nearly always share one name list, and then there is
    nothing to count (nor a string to join per member).
    """
    first = getattr(mf[0].data, field)
    if all(getattr(f.data, field) == first for f in mf):
        return ", ".join(first)
    return _canonical([(", ".join(getattr(f.data, field)), f.claim) for f in mf], article_order)


def _statement_when(forms: Sequence[ClaimForm]) -> Interval | None:
    known = [f.interval for f in forms if f.interval is not None]
    if not known:
        return None
    start = max(i.start for i in known)
    end = min(i.end for i in known)
    if start <= end:
        return Interval(start, end)
    return min(known, key=lambda i: (i.days, i.start))


_Outcome = tuple[PairScore, PairVerdict]


@dataclass
class _Forms:
    """Claims collapsed into *comparison forms*: claims identical in everything compared.

    A comparison form is a core (:func:`~claimdiff.match.core_key`) plus an
    interval and an event label; the blocking step works on cores, the scoring on
    pairs of comparison forms, and both results hold for every claim they stand for.
    """

    form_of: list[int]
    """Claim index → comparison form."""
    reps: list[ClaimForm]
    """Comparison form → its first claim."""
    core_of: list[int]
    """Comparison form → core."""
    core_reps: list[ClaimForm]
    core_keys: list[set[tuple[str, str]]]
    """Core → block keys of all its claims."""
    forms_of_core: list[list[int]]

    @classmethod
    def build(cls, forms: Sequence[ClaimForm]) -> _Forms:
        out = cls([], [], [], [], [], [])
        by_key: dict[tuple[object, ...], int] = {}
        by_core: dict[tuple[object, ...], int] = {}
        by_data: dict[int, int] = {}
        for f in forms:
            d = f.data
            s = by_data.get(id(d))
            if s is None:
                ck = core_key(f)
                iv = d.interval
                # Dates rather than the Interval: a dataclass hashes in Python.
                key = (ck, None if iv is None else (iv.start, iv.end), d.event)
                s = by_key.get(key)
                if s is None:
                    s = by_key[key] = len(out.reps)
                    out.reps.append(f)
                    c = by_core.get(ck)
                    if c is None:
                        c = by_core[ck] = len(out.core_reps)
                        out.core_reps.append(f)
                        out.core_keys.append(set())
                        out.forms_of_core.append([])
                    out.core_of.append(c)
                    out.forms_of_core[c].append(s)
                    out.core_keys[c].update(block_keys(f))
                by_data[id(d)] = s
            out.form_of.append(s)
        return out

    def pairs(self, core_pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """Every comparison-form pair (``a <= b``) of the given core pairs."""
        out: list[tuple[int, int]] = []
        for ci, cj in sorted(core_pairs):
            if ci == cj:
                members = self.forms_of_core[ci]
                for k, a in enumerate(members):
                    out.extend((a, b) for b in members[k:])
            else:
                for a in self.forms_of_core[ci]:
                    out.extend((a, b) if a < b else (b, a) for b in self.forms_of_core[cj])
        return out


def _analyse(corpus: Corpus, options: CompareOptions) -> _Analysis:
    with gcpause.paused():
        return _analyse_all(corpus, options)


def _analyse_all(corpus: Corpus, options: CompareOptions) -> _Analysis:
    norm = normalize_corpus(corpus, options)
    forms = norm.forms
    lex = norm.lexicon
    index = {f.ref: f.index for f in forms}
    decisions = _decision_pairs(corpus.decisions, index)
    stats = MatchStats()

    cf = _Forms.build(forms)
    core_pairs = candidate_pairs(
        cf.core_reps,
        lex,
        options,
        keys=[sorted(k) for k in cf.core_keys],
        include_self=True,
        stats=stats,
    )

    # One verdict per comparison-form pair; pairs that differ only in which
    # interval or label they carry, not in how the two relate, share it.
    outcome: dict[tuple[int, int], _Outcome] = {}
    known: dict[tuple[object, ...], _Outcome] = {}
    # What scoring and classification read of the two cores alone: computed
    # once per core pair, shared by its form pairs (other times or labels).
    by_cores: dict[tuple[int, int], tuple[CoreSims, CoreFacts]] = {}
    event_sims: dict[tuple[str, str], float] = {}
    reps, core_of = cf.reps, cf.core_of
    for a, b in cf.pairs(core_pairs):
        fa, fb = reps[a], reps[b]
        da, db = fa.data, fb.data
        ia, ib = da.interval, db.interval
        if ia is None or ib is None:
            overlap = 0
        else:
            overlap = 1 if ia.start <= ib.end and ib.start <= ia.end else 2
        ca, cb = core_of[a], core_of[b]
        # Scoring and classification read the labels only through their
        # similarity: pairs of other labels just as similar share the verdict.
        ea, eb = da.event, db.event
        if ea is None or eb is None:
            esim = None
        elif ea == eb:
            esim = 1.0
        else:
            esim = event_sims.get((ea, eb))
            if esim is None:
                esim = event_sims[(ea, eb)] = event_similarity(ea, eb)
        key = (ca, cb, overlap, esim)
        hit = known.get(key)
        if hit is None:
            parts = by_cores.get((ca, cb))
            if parts is None:
                core = core_similarities(fa, fb, lex)
                did_sim = core[1][1][1]  # ("who", x), ("did", y), ...: always stated
                parts = by_cores[(ca, cb)] = (core, core_facts(fa, fb, did_sim, options))
            ps = score_pair(fa, fb, lex, core=parts[0])
            hit = known[key] = (ps, classify(fa, fb, ps, lex, options, facts=parts[1]))
            stats.scored += 1
        outcome[(a, b)] = hit
    stats.pairs = len(outcome)

    # Units: the claims of one comparison form that state the same thing as
    # each other (grouped as one), except claims named in decisions.yaml.
    decided = {i for p in decisions for i in p}
    members_of: list[list[int]] = [[] for _ in reps]
    for i, s in enumerate(cf.form_of):
        members_of[s].append(i)
    raw_units: list[list[int]] = []
    for s, members in enumerate(members_of):
        self_pair = outcome.get((s, s))
        if self_pair is not None and self_pair[1].relation is Relation.SAME:
            shared = [i for i in members if i not in decided]
            if shared:
                raw_units.append(shared)
            raw_units.extend([i] for i in members if i in decided)
        else:
            raw_units.extend([i] for i in members)
    units = sorted(raw_units, key=lambda u: u[0])
    unit_of = [0] * len(forms)
    units_of_form: list[list[int]] = [[] for _ in reps]
    for u, members in enumerate(units):
        for i in members:
            unit_of[i] = u
        units_of_form[cf.form_of[members[0]]].append(u)

    links: dict[tuple[int, int], _Outcome] = {}
    for (a, b), hit in outcome.items():
        for ua in units_of_form[a]:
            for ub in units_of_form[b]:
                if ua < ub or (ua > ub and a != b):
                    links[(ua, ub) if ua < ub else (ub, ua)] = hit
    for (i, j), d in decisions.items():
        ps = score_pair(forms[i], forms[j], lex)
        ui, uj = sorted((unit_of[i], unit_of[j]))
        links[(ui, uj)] = (ps, classify(forms[i], forms[j], ps, lex, options, d))
        stats.scored += 1

    same: dict[tuple[int, int], float] = {}
    forced: list[tuple[int, int]] = []
    contradicted: list[tuple[int, int]] = []
    for p, (ps, v) in links.items():
        if v.relation is Relation.SAME:
            if v.decision is None:
                same[p] = ps.score
            else:
                forced.append(p)
        elif v.relation is Relation.CONTRADICTION:
            contradicted.append(p)
    cannot = list(contradicted)
    for (i, j), d in decisions.items():
        if d.kind is DecisionKind.DIFFERENT:
            ui, uj = sorted((unit_of[i], unit_of[j]))
            cannot.append((ui, uj))
    order_of: dict[tuple[int, int], float] = {}
    tiebreak: dict[tuple[int, int], float] = {}
    for ua, ub in same:
        fa, fb = forms[units[ua][0]], forms[units[ub][0]]
        ck = (core_of[cf.form_of[fa.index]], core_of[cf.form_of[fb.index]])
        t = order_of.get(ck)
        if t is None:
            t = order_of[ck] = action_order(fa.action, fb.action)
        tiebreak[(ua, ub)] = t
    unit_groups = group_statements(
        len(units), same, forced, cannot, tiebreak, weights=[len(u) for u in units]
    )

    copies = near_copy_groups(corpus.articles, options.near_copy_threshold)
    source_of = {a.id: a.id for a in corpus.articles}
    for group in copies:
        for aid in group:
            source_of[aid] = group[0]
    article_order = _article_order(corpus)

    kinds_of: dict[int, set[ContradictionKind]] = defaultdict(set)
    for ua, ub in contradicted:
        kind = links[(ua, ub)][1].kind
        assert kind is not None
        kinds_of[ua].add(kind)
        kinds_of[ub].add(kind)

    refs = [f.claim.ref for f in forms]
    drafts: list[
        tuple[
            tuple[str, str, str, str],
            list[ClaimForm],
            list[_Outcome],
            tuple[tuple[str, str], ...],
            Any,
        ]
    ] = []
    for ugroup in unit_groups:
        members = sorted(i for u in ugroup for i in units[u])
        mf = [forms[i] for i in members]
        group_links: list[_Outcome] = []
        for k, ua in enumerate(ugroup):
            if len(units[ua]) >= 2:
                s = cf.form_of[units[ua][0]]
                group_links.append(outcome[(s, s)])
            for ub in ugroup[k + 1 :]:
                hit = links.get((ua, ub) if ua < ub else (ub, ua))
                if hit is not None:
                    group_links.append(hit)
        articles = tuple(sorted({f.claim.article_id for f in mf}))
        kinds = set().union(*(kinds_of[u] for u in ugroup))
        who = _canonical_names(mf, "who_names", article_order)
        did = _canonical([(f.claim.did, f.claim) for f in mf], article_order)
        whom = _canonical_names(mf, "whom_names", article_order)
        origins = _origins(mf, source_of)
        when = _statement_when(mf)
        if kinds:
            status = Status.CONTRADICTED
        elif len(articles) >= 2:
            status = Status.CORROBORATED
        else:
            status = Status.UNIQUE
        claim_refs = tuple([refs[i] for i in members])
        sort_key = (
            when.start.isoformat() if when else "9999",
            who.casefold(),
            did.casefold(),
            claim_refs[0],
        )
        drafts.append(
            (
                sort_key,
                mf,
                group_links,
                origins,
                {
                    "claims": claim_refs,
                    "who": who,
                    "did": did,
                    "whom": whom,
                    "when": when,
                    "articles": articles,
                    "independent_sources": len(origins),
                    "status": status,
                    "kinds": tuple(k for k in KIND_ORDER if k in kinds),
                    "hedged": tuple([refs[f.index] for f in mf if f.data.hedges]),
                    "score": min(ps.score for ps, _ in group_links) if group_links else 1.0,
                },
            )
        )
    drafts.sort(key=lambda d: d[0])
    statements: list[Statement] = []
    statement_of: dict[int, str] = {}
    agreements: list[Agreement] = []
    for n, (_, mf, group_links, origins, draft) in enumerate(drafts, 1):
        st = Statement(id=f"S{n}", **draft)
        statements.append(st)
        for f in mf:
            statement_of[f.index] = st.id
        if len(st.articles) >= 2:
            agreements.append(_agreement(st, mf, group_links, origins))

    # Contradictions are reported per claim pair; the rule sentence is worded in
    # claim order, so it is recomputed per ordered pair of comparison forms.
    worded: dict[tuple[int, int], _Outcome] = {}
    details: dict[int, list[tuple[str, str]]] = {}
    contradictions = []
    for ua, ub in contradicted:
        for x in units[ua]:
            for y in units[ub]:
                i, j = (x, y) if x < y else (y, x)
                fa, fb = forms[i], forms[j]
                sk = (cf.form_of[i], cf.form_of[j])
                hit = worded.get(sk)
                if hit is None:
                    ps = score_pair(reps[sk[0]], reps[sk[1]], lex)
                    hit = worded[sk] = (ps, classify(reps[sk[0]], reps[sk[1]], ps, lex, options))
                contradictions.append(_contradiction(fa, fb, hit[0], hit[1], statement_of, details))
    order = {k: n for n, k in enumerate(KIND_ORDER)}
    contradictions.sort(key=lambda c: (order[c.kind], c.a, c.b))

    report = Report(
        corpus=corpus,
        statements=tuple(statements),
        agreements=tuple(agreements),
        contradictions=tuple(contradictions),
        options=options,
        source_groups=copies,
    )
    return _Analysis(
        forms, lex, cf.form_of, outcome.keys(), decisions, report, stats, norm.entities
    )


def _rounded(sims: Iterable[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    return tuple((name, round(value, 4)) for name, value in sims)


def _form_details(prefix: str, f: ClaimForm) -> list[tuple[str, str]]:
    return [
        (f"{prefix}.who", ", ".join(f.who_names)),
        (f"{prefix}.action", " ".join(f.action.lemmas)),
        (f"{prefix}.polarity", _polarity(f)),
        (f"{prefix}.when", _iso(f.interval)),
        (f"{prefix}.quantities", ", ".join(_fmt_num(x) for x in f.quantities) or "-"),
    ] + ([(f"{prefix}.quote", f.claim.quote)] if f.claim.quote else [])


def _contradiction(
    fa: ClaimForm,
    fb: ClaimForm,
    ps: PairScore,
    v: PairVerdict,
    statement_of: Mapping[int, str],
    cache: dict[int, list[tuple[str, str]]] | None = None,
) -> Contradiction:
    assert v.kind is not None
    if fa.ref > fb.ref:
        fa, fb = fb, fa
    cache = {} if cache is None else cache
    da = cache.get(fa.index)
    if da is None:
        da = cache[fa.index] = _form_details("", fa)
    db = cache.get(fb.index)
    if db is None:
        db = cache[fb.index] = _form_details("", fb)
    details = [*v.details, *(("a" + k, x) for k, x in da), *(("b" + k, x) for k, x in db)]
    sa, sb = statement_of.get(fa.index), statement_of.get(fb.index)
    return Contradiction(
        kind=v.kind,
        a=fa.ref,
        b=fb.ref,
        score=ps.score,
        evidence=Evidence(
            reason=v.rule, similarities=_rounded(ps.similarities), details=tuple(details)
        ),
        statement=sa if sa == sb else None,
    )


def _agreement(
    st: Statement,
    mf: Sequence[ClaimForm],
    links: Sequence[_Outcome],
    origins: Sequence[tuple[str, str]],
) -> Agreement:
    # Per field, the weakest similarity over the group's pairs: the group holds
    # together at least this well on every field.
    per_field: dict[str, float] = {}
    for ps, _ in links:
        for name, value in ps.similarities:
            per_field[name] = min(per_field.get(name, 1.0), value)
    sims = _rounded((name, per_field[name]) for name, _ in WEIGHTS if name in per_field)
    decisions = sorted({_decision_line(d) for _, v in links if (d := v.decision) is not None})
    details: list[tuple[str, str]] = [
        ("who", st.who),
        ("action", " ".join(mf[0].action.lemmas)),
        ("polarity", _polarity(mf[0])),
        ("when", _iso(st.when)),
        ("sources", "; ".join(f"{kind} {name}" for kind, name in origins)),
    ]
    details += [("decision", line) for line in decisions]
    if st.hedged:
        details.append(("hedged", ", ".join(st.hedged)))
    reason = (
        f"{len(st.claims)} claims in {len(st.articles)} articles state the same thing "
        f"(same actor, action and polarity; compatible target and time); "
        f"{st.independent_sources} independent source{'s' if st.independent_sources != 1 else ''}"
    )
    return Agreement(
        statement=st.id,
        claims=st.claims,
        articles=st.articles,
        independent_sources=st.independent_sources,
        score=st.score,
        evidence=Evidence(reason=reason, similarities=sims, details=tuple(details)),
    )


DEFAULT_OPTIONS = CompareOptions()


def compare(corpus: Corpus, options: CompareOptions = DEFAULT_OPTIONS) -> Report:
    """Compare every claim of ``corpus``: statements, agreements and contradictions."""
    return _analyse(corpus, options).report


def compare_with_stats(
    corpus: Corpus, options: CompareOptions = DEFAULT_OPTIONS
) -> tuple[Report, MatchStats]:
    """:func:`compare`, plus the matching work counters (how the cost scales)."""
    an = _analyse(corpus, options)
    return an.report, an.stats


# --------------------------------------------------------------------------- explain


@dataclass(frozen=True)
class FormView:
    """The normalised form of one claim, as ``explain`` shows it."""

    ref: str
    actors: tuple[str, ...]
    targets: tuple[str, ...]
    action: tuple[str, ...]
    """Lemmas of the action's content words."""
    action_keys: tuple[str, ...]
    """What is compared: synonym-class keys."""
    head: str
    polarity: str
    negation_cues: tuple[str, ...]
    hedges: tuple[str, ...]
    quantities: tuple[float, ...]
    event: str | None
    interval: Interval | None
    when_text: str | None
    names: tuple[str, ...] = ()
    """The named things inside the action, as the entities they were read as."""


@dataclass(frozen=True)
class Explanation:
    """Why two claims got their verdict, and what would change it."""

    a: Claim
    b: Claim
    form_a: FormView
    form_b: FormView
    similarities: tuple[tuple[str, float], ...]
    """Per-field similarities (0..1) of the fields both claims state."""
    weights: tuple[tuple[str, float], ...]
    score: float
    match_threshold: float
    link_threshold: float
    time_relation: str
    """``unknown``, ``same``, ``contains``, ``within``, ``overlap`` or ``disjoint``."""
    verdict: str
    """``agreement``, ``contradiction``, ``related-but-compatible`` or ``unrelated``."""
    kind: ContradictionKind | None
    rule: str
    """The rule that decided, as one sentence."""
    decision: str | None
    """The ``decisions.yaml`` line that decided, if one did."""
    statement_a: str
    statement_b: str
    blocked: bool
    """Whether the blocking step put the pair in a common block (else: never scored)."""
    changes: tuple[str, ...]
    """What would change the verdict."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (dates as ISO strings)."""

        def form(v: FormView) -> dict[str, Any]:
            return {
                "ref": v.ref,
                "actors": list(v.actors),
                "targets": list(v.targets),
                "action": list(v.action),
                "action_keys": list(v.action_keys),
                "head": v.head,
                "polarity": v.polarity,
                "negation_cues": list(v.negation_cues),
                "hedges": list(v.hedges),
                "quantities": list(v.quantities),
                "event": v.event,
                "when": v.when_text,
                "interval": v.interval.iso() if v.interval else None,
                "names": list(v.names),
            }

        return {
            "a": form(self.form_a),
            "b": form(self.form_b),
            "similarities": dict(self.similarities),
            "weights": dict(self.weights),
            "score": self.score,
            "match_threshold": self.match_threshold,
            "link_threshold": self.link_threshold,
            "time_relation": self.time_relation,
            "verdict": self.verdict,
            "kind": self.kind.value if self.kind else None,
            "rule": self.rule,
            "decision": self.decision,
            "statement_a": self.statement_a,
            "statement_b": self.statement_b,
            "blocked": self.blocked,
            "changes": list(self.changes),
        }


def _view(f: ClaimForm, entities: EntityTable) -> FormView:
    return FormView(
        ref=f.ref,
        actors=f.who_names,
        targets=f.whom_names,
        action=f.action.lemmas,
        action_keys=f.action.content,
        head=f.action.head,
        polarity=_polarity(f),
        negation_cues=f.action.cues,
        hedges=f.hedges,
        quantities=f.quantities,
        event=f.claim.event,
        interval=f.interval,
        when_text=f.claim.when.text if f.claim.when else None,
        names=tuple(sorted({entities.resolve(n).name for n in proper_names(f.claim.did)})),
    )


def _resolve_ref(ref: str, refs: Sequence[str]) -> str:
    if ref in refs:
        return ref
    best = process.extractOne(ref, refs, scorer=fuzz.ratio) if refs else None
    hint = f"; did you mean {best[0]!r}?" if best is not None and best[1] >= 60 else ""
    raise RefError(f"no claim {ref!r} in the corpus{hint}")


def explain(
    corpus: Corpus, ref_a: str, ref_b: str, options: CompareOptions = DEFAULT_OPTIONS
) -> Explanation:
    """Explain how the claims ``ref_a`` and ``ref_b`` compare (raises ``RefError``)."""
    refs = sorted(c.ref for c in corpus.claims())
    ref_a = _resolve_ref(ref_a, refs)
    ref_b = _resolve_ref(ref_b, refs)
    if ref_a == ref_b:
        raise RefError(f"{ref_a!r} is the same claim twice; name two different claims")
    an = _analyse(corpus, options)
    index = {f.ref: f.index for f in an.forms}
    fa, fb = an.forms[index[ref_a]], an.forms[index[ref_b]]
    key = (min(fa.index, fb.index), max(fa.index, fb.index))
    sa_, sb_ = sorted((an.form_of[fa.index], an.form_of[fb.index]))
    blocked = key in an.decisions or (sa_, sb_) in an.paired
    lo, hi = (fa, fb) if not blocked or fa.index < fb.index else (fb, fa)
    ps = score_pair(lo, hi, an.lexicon)
    verdict = classify(lo, hi, ps, an.lexicon, options, an.decisions.get(key))
    statement_of = {ref: st.id for st in an.report.statements for ref in st.claims}
    sa, sb = statement_of[ref_a], statement_of[ref_b]
    relation = verdict.relation
    rule = verdict.rule
    if relation is Relation.SAME and sa != sb:
        relation = Relation.RELATED
        rule += (
            "; but complete linkage kept them apart: some other member of one statement "
            "does not state the same thing as the other claim"
        )
    if not blocked and relation is not Relation.UNRELATED:
        rule += "; the blocking step never paired them (no common actor, event or action key)"
        relation = Relation.UNRELATED
    merged = (
        _read_as_one(fa, fb, an.entities, corpus, an.lexicon)
        if relation in (Relation.SAME, Relation.CONTRADICTION)
        else []
    )
    return Explanation(
        a=fa.claim,
        b=fb.claim,
        form_a=_view(fa, an.entities),
        form_b=_view(fb, an.entities),
        similarities=_rounded(ps.similarities),
        weights=WEIGHTS,
        score=ps.score,
        match_threshold=options.match_threshold,
        link_threshold=options.link_threshold,
        time_relation=time_relation(fa.interval, fb.interval),
        verdict=relation.value,
        kind=verdict.kind if relation is Relation.CONTRADICTION else None,
        rule=rule,
        decision=_decision_line(verdict.decision) if verdict.decision else None,
        statement_a=sa,
        statement_b=sb,
        blocked=blocked,
        changes=(*merged, *_changes(fa, fb, ps, verdict, relation, options)),
    )


def _read_as_one(
    fa: ClaimForm, fb: ClaimForm, entities: EntityTable, corpus: Corpus, lex: LexiconIndex
) -> list[str]:
    """Spellings of the two claims that claimdiff read as one name on its own (not
    through ``aliases.yaml``): lookalike names of different things ("Linz" /
    "Lienz") read like one name spelled two ways, and the verdict rests on it."""
    declared: dict[str, str] = {}
    for alias in corpus.aliases:
        declared.setdefault(fold(alias.canonical), alias.canonical)
        declared.setdefault(fold(alias.alias), alias.canonical)

    def written(f: ClaimForm) -> list[str]:
        c = f.claim
        return [*c.who, *c.whom, *c.said_by, *([c.where] if c.where else []), *proper_names(c.did)]

    out: list[str] = []
    seen: set[tuple[str, str]] = set()
    for x in written(fa):
        for y in written(fb):
            fx, fy = fold(x), fold(y)
            if fx == fy or (fx, fy) in seen:
                continue
            seen.add((fx, fy))
            if entities.resolve(x).id != entities.resolve(y).id:
                continue
            if fx in declared and declared[fx] == declared.get(fy):
                continue
            if actor_key(x, lex.role_phrases)[0] == actor_key(y, lex.role_phrases)[0]:
                continue  # one name with a role or article ("President Putin" / "Putin")
            out.append(
                f"{x!r} and {y!r} were read as one name (claimdiff matched their spellings): "
                "if they name different things, list both as canonical names in aliases.yaml"
            )
    return out


def _changes(
    fa: ClaimForm,
    fb: ClaimForm,
    ps: PairScore,
    verdict: PairVerdict,
    relation: Relation,
    options: CompareOptions,
) -> tuple[str, ...]:
    out: list[str] = []
    pair = f"[{fa.ref}, {fb.ref}]"
    if verdict.decision is not None:
        out.append(
            f"remove the decisions.yaml line at {verdict.decision.loc} to let the scores decide"
        )
        return tuple(out)
    if relation is Relation.CONTRADICTION:
        kind = verdict.kind
        if kind is ContradictionKind.DATE:
            out.append(
                "aligning the dates (overlapping intervals) would remove the date contradiction"
            )
        elif kind is ContradictionKind.NEGATION:
            out.append(
                "the same polarity on both (check `negated` and words like 'not', 'refused to') "
                "would remove the negation contradiction"
            )
        elif kind is ContradictionKind.NUMBER:
            out.append(
                f"quantities equal within {options.number_tolerance:.0%} "
                "would remove the number contradiction"
            )
        elif kind is ContradictionKind.OPPOSITE:
            out.append(
                "actions that are not lexicon opposites would remove the opposite contradiction"
            )
        elif kind is ContradictionKind.ACTOR:
            out.append(
                "the same actor (or an alias in aliases.yaml) would make them agree; "
                "different event labels would make them unrelated"
            )
        out.append(
            f"add `different: {pair}` to decisions.yaml if they are not about the same thing"
        )
        return tuple(out)
    if relation is Relation.SAME:
        out.append(
            f"a score < {options.match_threshold:.2f} (now {ps.score:.2f}) "
            "would make them separate statements"
        )
        out.append(f"add `different: {pair}` to decisions.yaml to keep them apart")
        return tuple(out)
    if not set(fa.who) & set(fb.who):
        out.append(
            f"the actors differ ({', '.join(fa.who_names)} vs {', '.join(fb.who_names)}): "
            "an alias in aliases.yaml would make them the same actor"
        )
    if fa.action.head != fb.action.head:
        out.append(
            f"the actions differ ({' '.join(fa.action.lemmas)!r} vs "
            f"{' '.join(fb.action.lemmas)!r}): "
            "listing them as synonyms in lexicon.yaml would make them the same action"
        )
    did = ps.sim("did") or 0.0
    if fa.action.head == fb.action.head and did < options.action_threshold:
        out.append(
            f"an action similarity ≥ {options.action_threshold:.2f} (now {did:.2f}) "
            "would make them the same action"
        )
    if ps.score < options.match_threshold:
        out.append(
            f"a score ≥ {options.match_threshold:.2f} (now {ps.score:.2f}) "
            "would make them the same statement"
        )
    out.append(f"add `same: {pair}` to decisions.yaml to force them into one statement")
    return tuple(out)

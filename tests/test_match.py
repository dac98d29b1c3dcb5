"""Blocking, pair scoring and complete-linkage grouping."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimdiff.match import (
    WEIGHTS,
    candidate_pairs,
    combine,
    group_statements,
    score_pair,
)
from claimdiff.model import Article, Claim, CompareOptions, Corpus, Location
from claimdiff.normalize import normalize_corpus

LOC = Location("claims/x.yaml", 1, 1)


def forms_of(*claims: tuple[str, str, str], whom: str | None = None, **kw: object):  # type: ignore[no-untyped-def]
    built = []
    for n, (article, who, did) in enumerate(claims):
        built.append(
            Claim(
                article_id=article,
                id=f"c{n:03d}",
                who=(who,),
                did=did,
                loc=LOC,
                whom=(whom,) if whom else (),
            )
        )
    by_article: dict[str, list[Claim]] = {}
    for c in built:
        by_article.setdefault(c.article_id, []).append(c)
    corpus = Corpus(
        root="claims",
        articles=tuple(
            Article(a, a, f"{a}.yaml", LOC, claims=tuple(cs)) for a, cs in by_article.items()
        ),
    )
    return normalize_corpus(corpus, CompareOptions(**kw))  # type: ignore[arg-type]


def test_weights_sum_to_one() -> None:
    assert abs(sum(w for _, w in WEIGHTS) - 1.0) < 1e-9


def test_combine_ignores_missing_fields() -> None:
    assert combine([("who", 1.0), ("did", 1.0)]) == 1.0
    assert combine([("who", 1.0), ("did", 0.0)]) < combine([("who", 1.0), ("did", 0.5)])
    assert combine([]) == 0.0


def test_score_pair_fields() -> None:
    norm = forms_of(("a", "Russia", "blamed Armenia"), ("b", "Russia", "blames Armenia"))
    ps = score_pair(norm.forms[0], norm.forms[1], norm.lexicon)
    assert dict(ps.similarities) == {"who": 1.0, "did": 1.0}
    assert ps.score == 1.0


def test_names_in_actions_halve_did() -> None:
    norm = forms_of(
        ("a", "Russia", "evacuated civilians from Tallinn"),
        ("b", "Russia", "evacuated civilians from Agadir"),
    )
    ps = score_pair(norm.forms[0], norm.forms[1], norm.lexicon)
    assert dict(ps.similarities)["did"] <= 0.5


def test_blocking_only_pairs_claims_sharing_an_actor() -> None:
    norm = forms_of(
        ("a", "Russia", "blamed Armenia"),
        ("b", "Russia", "blamed Armenia"),
        ("c", "Turkey", "blamed Armenia"),
    )
    pairs = candidate_pairs(norm.forms, norm.lexicon, CompareOptions())
    refs = {(norm.forms[i].ref, norm.forms[j].ref) for i, j in pairs}
    assert refs == {("a#c000", "b#c001")}


def test_opposites_are_candidates_despite_low_string_similarity() -> None:
    norm = forms_of(("a", "Russia", "supported Armenia"), ("b", "Russia", "remained neutral"))
    assert (0, 1) in candidate_pairs(norm.forms, norm.lexicon, CompareOptions())


def test_hot_actor_block_is_split_and_keeps_true_pairs() -> None:
    """A block over max_block is split; identical statements still meet, cost stays small."""
    verbs = ["visited", "criticised", "blamed", "praised", "supported", "thanked"]
    places = [f"Town{i}" for i in range(40)]
    claims = [
        (f"art{k}", "Russia", f"{verb} the mayor of {place}")
        for k, (verb, place) in enumerate(itertools.product(verbs, places))
    ]
    claims += [("dup", "Russia", "visited the mayor of Town7")]
    norm = forms_of(*claims, max_block=20)
    options = CompareOptions(max_block=20)
    pairs = candidate_pairs(norm.forms, norm.lexicon, options)
    n = len(norm.forms)
    assert len(pairs) < n * (n - 1) // 20
    index = {f.claim.did: f.index for f in norm.forms if f.claim.article_id != "dup"}
    dup = next(f.index for f in norm.forms if f.claim.article_id == "dup")
    original = index["visited the mayor of Town7"]
    assert (min(dup, original), max(dup, original)) in pairs


def _corpus_of(*claims: Claim) -> Corpus:
    by_article: dict[str, list[Claim]] = {}
    for c in claims:
        by_article.setdefault(c.article_id, []).append(c)
    return Corpus(
        root="claims",
        articles=tuple(
            Article(a, a, f"{a}.yaml", LOC, claims=tuple(cs)) for a, cs in by_article.items()
        ),
    )


def _verdicts(corpus: Corpus, a: str, b: str, max_block: int) -> tuple[bool, list[str]]:
    """Whether claims ``a`` and ``b`` share an agreement, and their contradiction kinds."""
    from claimdiff.compare import compare

    report = compare(corpus, CompareOptions(max_block=max_block))
    agreed = any({a, b} <= set(g.claims) for g in report.agreements)
    return agreed, [c.kind.value for c in report.contradictions if {c.a, c.b} == {a, b}]


_HOT_FILLER = [
    Claim(f"art{k}", f"c{k}", ("Russia",), f"{verb} the mayor of Town{n}", LOC)
    for k, (verb, n) in enumerate(
        itertools.product(["visited", "criticised", "blamed", "praised", "thanked"], range(40))
    )
]


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        # Another word first: the heads differ, the words are the same.
        ("troops were deployed to Riga", "deployed troops to Riga", (True, [])),
        # One action's words all in the other's ("key allies" / "allies").
        ("are key allies of Armenia", "are allies of Armenia", (True, [])),
        ("deployed troops to Riga", "never deployed troops to Riga", (False, ["negation"])),
    ],
)
def test_a_hot_actor_does_not_change_a_verdict(
    x: str, y: str, expected: tuple[bool, list[str]]
) -> None:
    """Two claims get the same verdict whether their actor has two claims or two
    hundred (a block over ``max_block`` is split): splitting only skips pairs that
    can never be the same statement or a contradiction."""
    corpus = _corpus_of(
        Claim("x", "c1", ("Russia",), x, LOC), Claim("y", "c1", ("Russia",), y, LOC), *_HOT_FILLER
    )
    unsplit = _verdicts(corpus, "x#c1", "y#c1", max_block=10**6)
    assert unsplit == expected
    assert _verdicts(corpus, "x#c1", "y#c1", max_block=20) == unsplit


def test_hot_actor_split_by_target_keeps_overlapping_targets() -> None:
    """Targets [Armenia, Georgia] and [Georgia] do not conflict, though their first
    targets differ: a target split must still pair them."""
    filler = [
        Claim(f"art{k}", "c1", ("Russia",), "sanctioned", LOC, whom=(f"Org{k}",)) for k in range(40)
    ]
    corpus = _corpus_of(
        Claim("x", "c1", ("Russia",), "sanctioned", LOC, whom=("Armenia", "Georgia")),
        Claim("y", "c1", ("Russia",), "sanctioned", LOC, whom=("Georgia",)),
        *filler,
    )
    unsplit = _verdicts(corpus, "x#c1", "y#c1", max_block=10**6)
    assert unsplit == (True, [])
    assert _verdicts(corpus, "x#c1", "y#c1", max_block=20) == unsplit


def test_hot_event_block_keeps_actor_contradictions_across_targets() -> None:
    """Two actors credited with the same action in the same event contradict each
    other whatever their targets, so a big event block is never split by target."""
    filler = [
        Claim(f"art{k}", "c1", ("Russia",), "sanctioned", LOC, whom=(f"Org{k}",), event="E")
        for k in range(40)
    ]
    corpus = _corpus_of(
        Claim("x", "c1", ("Armenia",), "sanctioned", LOC, whom=("Georgia",), event="E"),
        Claim("y", "c1", ("Azerbaijan",), "sanctioned", LOC, whom=("Turkey",), event="E"),
        *filler,
    )
    unsplit = _verdicts(corpus, "x#c1", "y#c1", max_block=10**6)
    assert unsplit == (False, ["actor"])
    assert _verdicts(corpus, "x#c1", "y#c1", max_block=20) == unsplit


def test_group_complete_linkage() -> None:
    """2 joins 3 (strongest edge); 0-1 then cannot join them: 0-3 and 1-3 are missing."""
    same = {(0, 1): 0.9, (1, 2): 0.9, (0, 2): 0.9, (2, 3): 0.95}
    assert group_statements(4, same) == [[0, 1], [2, 3]]
    assert group_statements(3, {(0, 1): 0.9, (1, 2): 0.9}) == [[0, 1], [2]]


def test_group_strongest_edge_first_and_tiebreak() -> None:
    same = {(0, 1): 0.8, (1, 2): 0.9}
    assert group_statements(3, same) == [[0], [1, 2]]
    tied = {(0, 1): 0.9, (1, 2): 0.9}
    assert group_statements(3, tied, tiebreak={(1, 2): 1.0, (0, 1): 0.5}) == [[0], [1, 2]]


def test_group_forced_and_cannot() -> None:
    assert group_statements(3, {}, forced=[(0, 2)]) == [[0, 2], [1]]
    assert group_statements(2, {(0, 1): 1.0}, cannot=[(0, 1)]) == [[0], [1]]
    assert group_statements(2, {(0, 1): 1.0}, forced=[(0, 1)], cannot=[(0, 1)]) == [[0, 1]]


def test_group_result_independent_of_edge_order() -> None:
    edges = [((0, 1), 0.7), ((2, 3), 0.7), ((1, 2), 0.9), ((0, 3), 0.8)]
    first = group_statements(4, dict(edges))
    assert all(group_statements(4, dict(p)) == first for p in itertools.permutations(edges))


def test_a_member_that_fits_two_groups_joins_the_heavier() -> None:
    """0 got the year wrong; 1 and 2 are undated; 3-7 got it right. The undated ones
    fit both sides; the edge order (here: by index) put them with 0 first, which made
    the odd report look corroborated. They end with the five."""
    undated, right = (1, 2), (3, 4, 5, 6, 7)
    same = {(0, 1): 1.0, (0, 2): 1.0, (1, 2): 1.0}
    same |= {(u, r): 1.0 for u in undated for r in right}
    same |= {(a, b): 1.0 for a in right for b in right if a < b}
    cannot = [(0, r) for r in right]
    assert group_statements(8, same, cannot=cannot) == [[0], [1, 2, 3, 4, 5, 6, 7]]
    # By weight, not by count: a member standing for four claims outweighs two.
    small = {(0, 1): 1.0, (1, 2): 1.0, (1, 3): 1.0, (2, 3): 1.0}
    assert group_statements(4, small, cannot=[(0, 2), (0, 3)]) == [[0], [1, 2, 3]]
    heavy = group_statements(4, small, cannot=[(0, 2), (0, 3)], weights=[4, 1, 1, 1])
    assert heavy == [[0, 1], [2, 3]]


def test_no_move_to_a_weaker_link_or_away_from_a_decision() -> None:
    # 1 fits {2, 3} too, but less well than it fits 0 (score, then tie-break).
    same = {(0, 1): 0.9, (1, 2): 0.8, (1, 3): 0.8, (2, 3): 0.9}
    assert group_statements(4, same, cannot=[(0, 2), (0, 3)]) == [[0, 1], [2, 3]]
    ties = {(0, 1): 0.9, (1, 2): 0.5, (1, 3): 0.5, (2, 3): 0.5}
    level = dict.fromkeys(same, 0.9)
    assert group_statements(4, level, cannot=[(0, 2), (0, 3)], tiebreak=ties) == [[0, 1], [2, 3]]
    # A claim named in a `same` decision stays where the decision put it.
    assert group_statements(4, level, forced=[(0, 1)], cannot=[(0, 2), (0, 3)]) == [
        [0, 1],
        [2, 3],
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.integers(2, 9).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.dictionaries(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
                .filter(lambda p: p[0] < p[1])
                .map(tuple),
                st.sampled_from([0.7, 0.8, 0.9, 1.0]),
            ),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(
                    lambda p: p[0] != p[1]
                ),
                max_size=4,
            ),
            st.lists(st.integers(1, 4), min_size=n, max_size=n),
        )
    )
)
def test_groups_are_always_complete_linkage(
    case: tuple[int, dict[tuple[int, int], float], list[tuple[int, int]], list[int]],
) -> None:
    """Whatever moves happen: every pair in a group is a same pair, none a cannot pair,
    every member is in exactly one group, and edge order does not matter."""
    n, same, cannot, weights = case
    groups = group_statements(n, same, cannot=cannot, weights=weights)
    assert sorted(x for g in groups for x in g) == list(range(n))
    blocked = {(min(a, b), max(a, b)) for a, b in cannot}
    for g in groups:
        for i, a in enumerate(g):
            for b in g[i + 1 :]:
                assert (a, b) in same and (a, b) not in blocked
    shuffled = dict(reversed(list(same.items())))
    assert group_statements(n, shuffled, cannot=list(reversed(cannot)), weights=weights) == groups

"""Normalisation: lemmas, actions, polarity, hedges, quantities, actors, near-copies."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimdiff.model import Alias, Article, Claim, CompareOptions, Corpus, Lexicon, Location
from claimdiff.normalize import (
    EntityTable,
    LexiconIndex,
    actor_key,
    builtin_lexicon,
    fold,
    lemma,
    lemma_key,
    near_copy_groups,
    normalize_corpus,
    quantities,
    tokens,
)

LOC = Location("claims/x.yaml", 1, 1)
ROLES = LexiconIndex().role_phrases


def test_tokens_fold_case_accents_punctuation_contractions() -> None:
    assert tokens("Pashinyán didn't meet the U.S. envoy") == [
        "pashinyan",
        "did",
        "not",
        "meet",
        "the",
        "us",
        "envoy",
    ]
    assert fold("Nagorno-Karabakh’s  war") == "nagorno karabakh war"


@pytest.mark.parametrize(
    ("forms", "base"),
    [
        (("blames", "blamed", "blaming", "blame"), "blame"),
        (("signs", "signed", "signing"), "sign"),
        (("stops", "stopped", "stopping"), "stop"),
        (("agrees", "agreed", "agreeing"), "agree"),
        (("carries", "carried"), "carry"),
        (("wins", "won", "winning"), "win"),
        (("withdraws", "withdrew", "withdrawn"), "withdraw"),
        (("imposes", "imposed", "imposing"), "impose"),
    ],
)
def test_inflections_share_one_key(forms: tuple[str, ...], base: str) -> None:
    assert {lemma_key(f) for f in forms} == {lemma_key(base)}
    assert lemma(forms[1]) == base


def test_keys_ignore_silent_e_and_doubling() -> None:
    assert lemma_key("negotiated") == lemma_key("negotiates") == lemma_key("negotiate")
    assert lemma_key("cancelled") == lemma_key("canceled") == lemma_key("cancel")


def test_action_drops_stop_words_and_maps_synonyms() -> None:
    lex = LexiconIndex()
    a = lex.action("accused Armenia of the collapse")
    b = lex.action("blames Armenia for collapse")
    assert a.content == b.content
    assert a.head == b.head


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("did not sign the deal", ("not",)),
        ("didn't sign the deal", ("not",)),
        ("never signed the deal", ("never",)),
        ("refused to sign the deal", ("refuse to",)),
        ("no longer supports Armenia", ("no longer",)),
        ("has yet to sign the deal", ("has yet to",)),
        ("signed the deal", ()),
    ],
)
def test_negation_cues(text: str, cues: tuple[str, ...]) -> None:
    action = LexiconIndex().action(text)
    assert action.cues == cues
    assert action.head in {
        LexiconIndex().action("sign").head,
        LexiconIndex().action("support").head,
    }


def test_lexicon_phrase_consumes_its_cue() -> None:
    """ "refused to back" is a lexicon opposite of "back": one unit, not a negation."""
    lex = LexiconIndex()
    refused = lex.action("refused to back Armenia")
    backed = lex.action("backed Armenia")
    assert refused.cues == ()
    assert lex.opposite_in(backed, refused) is not None


def test_opposites_are_symmetric_and_ignore_negated_mentions() -> None:
    lex = LexiconIndex()
    a, b = lex.action("supported Armenia"), lex.action("remained neutral")
    assert lex.opposite_in(a, b) is not None
    assert lex.opposite_in(b, a) is not None
    assert lex.opposite_in(lex.action("did not support Armenia"), b) is None


def test_corpus_lexicon_extends_builtin() -> None:
    plain = LexiconIndex()
    extended = LexiconIndex(Lexicon(synonyms=(("sit on the sidelines", "remain neutral"),)))
    a, b = "sat on the sidelines", "remained neutral"
    assert plain.action(a).head != plain.action(b).head
    assert extended.action(a).head == extended.action(b).head


def test_contrast_cue_ends_the_action() -> None:
    action = LexiconIndex().action("sat on the sidelines as opposed to backing either side")
    assert "support" not in action.content
    assert action.cues == ()


def test_hedges_detected_and_removed() -> None:
    lex = LexiconIndex()
    assert lex.hedges_in("reportedly signed the deal") == ("reportedly",)
    assert lex.hedges_in("is said to have signed") == ("is said to",)
    assert lex.hedges_in("signed the deal") == ()
    assert lex.action("reportedly signed the deal").content == lex.action("signed the deal").content


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sent 2,000 troops", (2000.0,)),
        ("sent 2000 troops in 2021", (2000.0,)),
        ("killed two soldiers on 27 September 2020", (2.0,)),
        ("pledged 1.5 million dollars", (1_500_000.0,)),
        ("twenty-five tanks", (25.0,)),
        ("met in 2020", ()),
        ("hundreds were killed", ()),
    ],
)
def test_quantities(text: str, expected: tuple[float, ...]) -> None:
    assert quantities(text) == expected


def test_actor_key_drops_roles_only_before_a_name() -> None:
    assert actor_key("Armenian PM Pashinyan", ROLES) == ("pashinyan", True)
    assert actor_key("President Putin", ROLES) == ("putin", True)
    assert actor_key("The Kremlin", ROLES) == ("kremlin", False)
    assert actor_key("Russian President", ROLES) == ("russian president", False)


def test_entities_meet_without_alias() -> None:
    names = [
        "Vladimir Putin",
        "President Putin",
        "Putin",
        "Nikol Pashinyan",
        "Armenian PM Pashinyan",
        "Russia",
        "Armenia",
    ]
    table = EntityTable(names, {}, ROLES, 85.0)
    ids = {n: table.resolve(n).id for n in names}
    assert ids["Vladimir Putin"] == ids["President Putin"] == ids["Putin"]
    assert ids["Nikol Pashinyan"] == ids["Armenian PM Pashinyan"]
    assert len({ids["Vladimir Putin"], ids["Nikol Pashinyan"], ids["Russia"], ids["Armenia"]}) == 4


@pytest.mark.parametrize(
    ("a", "b", "one"),
    [
        # Spelling variants: one name written two ways.
        ("Zelensky", "Zelenskyy", True),
        ("Kharkiv", "Kharkov", True),
        ("Odesa", "Odessa", True),
        ("Pashinyan", "Pashinian", True),
        ("Aliyev", "Aliev", True),
        ("Assad", "Asad", True),
        ("Tikhanovskaya", "Tsikhanouskaya", True),
        ("António Guterres", "António Gutteres", True),
        ("Sergei Lavrov", "Sergey Lavrov", True),
        # Different things whose names look alike.
        ("Austria", "Australia", False),  # two letters in a short name
        ("Gori", "Goris", False),  # a town in Georgia, a town in Armenia
        ("Hama", "Hamas", False),  # a Syrian city, a movement
        ("Town1", "Town10", False),  # other numbers
        ("Brigade 12", "Brigade 112", False),
        ("West Bank", "East Bank", False),  # a whole word differs
        ("Guinea", "Equatorial Guinea", False),  # a country is not a surname
        ("Slovakia", "Slovenia", False),
        ("Iran", "Iraq", False),
    ],
)
def test_fuzzy_matching_joins_spellings_not_lookalikes(a: str, b: str, one: bool) -> None:
    """A fuzzy score alone joins lookalike names of different things, which then
    agree or contradict each other ("opened the museum in Gori" in 2020 vs "… in
    Goris" in 2021 became a date contradiction). Past the score, a spelling variant
    keeps its numbers, its words (each within one edit per four letters) and is
    not the other name plus "s"."""
    table = EntityTable([a, b], {}, ROLES, 85.0)
    assert (table.resolve(a).id == table.resolve(b).id) is one


def test_aliases_case_insensitive_and_canonical_name_wins() -> None:
    table = EntityTable(
        ["moscow", "KREMLIN", "Russia"], {"Russia": ["Moscow", "Kremlin"]}, ROLES, 85.0
    )
    assert {table.resolve(n).name for n in ["moscow", "KREMLIN", "Russia"]} == {"Russia"}


def test_generic_words_do_not_join_by_surname_rule() -> None:
    table = EntityTable(["Sudan", "South Sudan"], {}, ROLES, 85.0)
    assert table.resolve("Sudan").id != table.resolve("South Sudan").id


def test_two_canonicals_never_merge() -> None:
    table = EntityTable(["Austria", "Australia"], {"Austria": [], "Australia": []}, ROLES, 60.0)
    assert table.resolve("Austria").id != table.resolve("Australia").id


def test_head_of_state_represents_state() -> None:
    table = EntityTable(
        ["Russia", "Russian President Vladimir Putin", "Vladimir Putin"], {}, ROLES, 85.0
    )
    putin = table.resolve("Vladimir Putin").id
    assert table.represents[putin] == (table.resolve("Russia").id,)


def _claim(article: str, cid: str, who: str, did: str, **kw: object) -> Claim:
    return Claim(article_id=article, id=cid, who=(who,), did=did, loc=LOC, **kw)  # type: ignore[arg-type]


def test_normalize_corpus_polarity_is_negated_xor_cue() -> None:
    claims = (
        _claim("a", "1", "Russia", "did not sign the deal"),
        _claim("a", "2", "Russia", "did not sign the deal", negated=True),
        _claim("a", "3", "Russia", "signed the deal", negated=True),
        _claim("a", "4", "Russia", "signed the deal"),
    )
    corpus = Corpus(root="c", articles=(Article("a", "A", "a.yaml", LOC, claims=claims),))
    forms = {f.claim.id: f for f in normalize_corpus(corpus, CompareOptions()).forms}
    assert [forms[k].positive for k in "1234"] == [False, True, False, True]


def test_normalize_corpus_uses_aliases_and_sorts_by_ref() -> None:
    claims = (_claim("b", "1", "Kremlin", "signed"), _claim("a", "1", "Russia", "signed"))
    corpus = Corpus(
        root="c",
        articles=(
            Article("b", "B", "b.yaml", LOC, claims=claims[:1]),
            Article("a", "A", "a.yaml", LOC, claims=claims[1:]),
        ),
        aliases=(Alias("Russia", "Kremlin", LOC),),
    )
    forms = normalize_corpus(corpus, CompareOptions()).forms
    assert [f.ref for f in forms] == ["a#1", "b#1"]
    assert forms[0].who == forms[1].who == ("russia",)


def test_near_copy_groups() -> None:
    base = " ".join(f"word{i}" for i in range(300))
    arts = [
        Article("a", "A", "a.yaml", LOC, text=base),
        Article("b", "B", "b.yaml", LOC, text=base + " extra ending sentence here"),
        Article("c", "C", "c.yaml", LOC, text=" ".join(f"other{i}" for i in range(300))),
        Article("d", "D", "d.yaml", LOC),
    ]
    assert near_copy_groups(arts, 0.9) == (("a", "b"),)
    assert near_copy_groups(arts, 1.0) == ()


def _random_text(rng: random.Random, words: int) -> str:
    return " ".join(f"w{rng.randrange(5000)}" for _ in range(words))


@pytest.mark.parametrize("copies", [3, 199, 201, 450])
def test_a_story_syndicated_by_hundreds_of_outlets_is_one_source(copies: int) -> None:
    """A wire story carried by more outlets than a sketch bucket holds used to
    count as that many independent sources (250 copies: no group at all)."""
    rng = random.Random(copies)
    wire = _random_text(rng, 400)
    arts = [
        Article(f"copy{n:03d}", "T", "x.yaml", LOC, text=f"{wire} {_random_text(rng, 10)}")
        for n in range(copies)
    ]
    others = [
        Article(f"other{n:03d}", "T", "x.yaml", LOC, text=_random_text(rng, 400))
        for n in range(300)
    ]
    assert near_copy_groups(arts + others, 0.9) == (tuple(a.id for a in arts),)


def test_a_shared_boilerplate_does_not_make_copies() -> None:
    """Texts that share only a footer (in every sketch bucket of its own) stay apart."""
    rng = random.Random(7)
    footer = "subscribe to our newsletter for the latest news from the region"
    arts = [
        Article(f"a{n:03d}", "T", "x.yaml", LOC, text=f"{_random_text(rng, 40)} {footer}")
        for n in range(400)
    ]
    assert near_copy_groups(arts, 0.9) == ()


def test_builtin_lexicon_loads() -> None:
    lex = builtin_lexicon()
    assert "not" in lex.negation_cues and "reportedly" in lex.hedges
    assert lex.synonyms and lex.opposites and lex.role_words


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=40).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.sets(st.integers(0, n - 1), max_size=8).map(sorted), max_size=40),
            st.integers(min_value=1, max_value=30),
        )
    )
)
def test_pairs_sharing_two_buckets_are_counted_exactly(
    case: tuple[int, list[list[int]], int],
) -> None:
    """The numpy count, in batches of any size, equals counting every pair by hand."""
    from collections import Counter

    from claimdiff import normalize

    n, buckets, batch = case
    shared: Counter[tuple[int, int]] = Counter()
    for members in buckets:
        if 2 <= len(members) <= normalize._MAX_BUCKET:
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    shared[(a, b)] += 1
    expected = sorted(pair for pair, c in shared.items() if c >= 2)
    saved = normalize._PAIRS_PER_BATCH
    try:
        normalize._PAIRS_PER_BATCH = batch
        assert normalize._sharing_two(buckets, n) == expected
    finally:
        normalize._PAIRS_PER_BATCH = saved


def test_near_copy_detection_keeps_no_article_text_in_the_token_cache() -> None:
    """10,000 article texts kept in the field-token cache took 150 MB at 100k claims."""
    from claimdiff.normalize import _tokens

    body = " ".join(f"word{i} of the long wire story number {i}" for i in range(300))
    arts = [
        Article(aid, aid.upper(), f"{aid}.yaml", LOC, text=f"{body} {aid}")
        for aid in ("a", "b", "c")
    ]
    before = _tokens.cache_info().currsize
    assert near_copy_groups(arts, 0.9) == (("a", "b", "c"),)
    assert _tokens.cache_info().currsize == before

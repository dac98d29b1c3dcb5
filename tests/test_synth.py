"""The synthetic corpus generator: determinism, validity per the format contract,
and an answer key that agrees with what the files actually say."""

from __future__ import annotations

import collections
import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from rapidfuzz import fuzz

from claimdiff import synth
from claimdiff.load import ARTICLE_FIELDS, CLAIM_FIELDS
from claimdiff.model import ContradictionKind

ARTICLE_KEYS = set(ARTICLE_FIELDS)
CLAIM_KEYS = set(CLAIM_FIELDS)
NEGATION_CUES = ("did not ", "has not ", "never ", "refused to ")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


ALIAS_INDEX = {
    fold(form): canonical
    for canonical, aliases in synth.ACTORS
    for form in (canonical, *aliases, *synth.SPELLINGS.get(canonical, ()))
}


def canonical(name: str) -> str:
    return ALIAS_INDEX[fold(name)]


def verb_of(did: str) -> synth.Verb:
    """The verb a ``did`` text uses, whatever its tense or negation cue."""
    for verbs in synth.VERB_CLASSES:
        for v in verbs:
            for form in (v.past, v.present, f"is {v.ing}", f"has {v.past}"):
                if did.startswith(form + " "):
                    return v
            if f" was {v.past} " in f"{did} " or f" were {v.past} " in did:
                return v  # the passive: "the Riga refinery was inspected"
            for cue in NEGATION_CUES:
                for form in (v.base, v.past):
                    if did.startswith(f"{cue}{form} "):
                        return v
    raise AssertionError(f"no verb in {did!r}")


def is_negative(claim: dict[str, Any]) -> bool:
    return bool(claim.get("negated")) or claim["did"].startswith(NEGATION_CUES)


def year_of(when: Any) -> int:
    if isinstance(when, dt.date):
        return when.year
    return int(re.findall(r"\d{4}", str(when))[0])


def load_corpus(corpus: synth.SynthCorpus) -> dict[str, dict[str, Any]]:
    """Ref → claim dict (plus ``_article``), parsing every claim file with PyYAML."""
    claims: dict[str, dict[str, Any]] = {}
    for rel, text in corpus.files:
        if "/" not in rel or not rel.endswith(".yaml"):
            continue
        data = yaml.safe_load(text)
        for claim in data["claims"]:
            claim["_article"] = data["article"]["id"]
            claims[f"{data['article']['id']}#{claim['id']}"] = claim
    return claims


@pytest.fixture(scope="module")
def corpus() -> synth.SynthCorpus:
    return synth.generate(synth.SynthConfig(articles=400, claims_per_article=8, seed=7))


@pytest.fixture(scope="module")
def claims(corpus: synth.SynthCorpus) -> dict[str, dict[str, Any]]:
    return load_corpus(corpus)


def test_same_config_gives_identical_output_and_other_seed_differs() -> None:
    config = synth.SynthConfig(articles=50, claims_per_article=6, seed=3)
    a, b = synth.generate(config), synth.generate(config)
    assert a.files == b.files
    assert a.key_yaml() == b.key_yaml()
    other = synth.generate(synth.SynthConfig(articles=50, claims_per_article=6, seed=4))
    assert other.files != a.files


def test_cli_writes_byte_identical_corpora_with_key_outside(tmp_path: Path) -> None:
    args = ["--articles", "120", "--claims-per-article", "5", "--seed", "11", "--per-dir", "50"]
    for name in ("one", "two"):
        assert synth.main([*args, "--out", str(tmp_path / name / "corpus")]) == 0
    one, two = tmp_path / "one", tmp_path / "two"
    files_one = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    files_two = sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert files_one == files_two
    for rel in files_one:
        assert (one / rel).read_bytes() == (two / rel).read_bytes()
    assert (one / "answer_key.yaml").is_file()
    assert not list((one / "corpus").rglob("answer_key*"))
    dirs = sorted(p.name for p in (one / "corpus").iterdir() if p.is_dir())
    assert dirs == ["000", "001", "002"]
    assert len(list((one / "corpus" / "000").glob("*.yaml"))) == 50


def test_cli_refuses_a_non_empty_directory_unless_it_is_a_synthetic_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "corpus"
    out.mkdir()
    (out / "mine.txt").write_text("precious")
    args = ["--articles", "5", "--out", str(out)]
    assert synth.main(args) == 1
    assert synth.main([*args, "--force"]) == 1
    assert (out / "mine.txt").read_text() == "precious"
    assert "not empty" in capsys.readouterr().err
    fresh = tmp_path / "fresh"
    assert synth.main(["--articles", "5", "--out", str(fresh)]) == 0
    assert synth.main(["--articles", "5", "--out", str(fresh)]) == 1
    assert synth.main(["--articles", "5", "--seed", "2", "--out", str(fresh), "--force"]) == 0


def test_key_inside_the_corpus_is_refused(tmp_path: Path) -> None:
    corpus = synth.generate(synth.SynthConfig(articles=3))
    with pytest.raises(ValueError, match="outside"):
        synth.write_corpus(corpus, tmp_path / "c", tmp_path / "c" / "key.yaml")


def test_every_file_follows_the_format_contract(corpus: synth.SynthCorpus) -> None:
    article_ids = set()
    for rel, text in corpus.files:
        data = yaml.safe_load(text)
        if rel == "aliases.yaml":
            seen: dict[str, str] = {}
            for canon, aliases in data.items():
                for alias in aliases:
                    assert fold(alias) not in seen, f"{alias} listed twice"
                    seen[fold(alias)] = canon
            continue
        if rel == "lexicon.yaml":
            assert set(data) == {"synonyms", "opposites"}
            assert all(len(pair) == 2 for pair in data["opposites"])
            continue
        assert set(data) == {"article", "claims"}
        art = data["article"]
        assert set(art) <= ARTICLE_KEYS and art["title"]
        assert isinstance(art["published"], dt.date)
        assert art["id"] not in article_ids
        article_ids.add(art["id"])
        claim_ids = [c["id"] for c in data["claims"]]
        assert len(claim_ids) == len(set(claim_ids)) == corpus.config.claims_per_article
        for claim in data["claims"]:
            assert set(claim) <= CLAIM_KEYS
            assert isinstance(claim["who"], str) and isinstance(claim["did"], str)
            assert "negated" not in claim or claim["negated"] is True
            when = claim.get("when")
            assert when is None or isinstance(when, (str, dt.date)), when
            if when is not None:
                assert year_of(when) <= art["published"].year


def test_texts_contain_every_quote(tmp_path: Path) -> None:
    corpus = synth.generate(synth.SynthConfig(articles=30, seed=5, texts=True))
    synth.write_corpus(corpus, tmp_path / "corpus")
    quotes = 0
    for path in (tmp_path / "corpus").rglob("*.yaml"):
        if path.parent == tmp_path / "corpus":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = (path.parent / data["article"]["text"]).read_text(encoding="utf-8")
        for claim in data["claims"]:
            if "quote" in claim:
                quotes += 1
                assert claim["quote"] in text
    assert quotes > 0


def test_key_refers_to_existing_claims_of_different_articles(
    corpus: synth.SynthCorpus, claims: dict[str, dict[str, Any]]
) -> None:
    assert corpus.key.agreements and corpus.key.contradictions
    for group in corpus.key.agreements:
        assert len(group) >= 2 and list(group) == sorted(group)
        articles = [claims[ref]["_article"] for ref in group]
        assert len(set(articles)) == len(articles)
    for a, b, kind in corpus.key.contradictions:
        assert a < b
        assert claims[a]["_article"] != claims[b]["_article"]
        assert kind in {k.value for k in ContradictionKind}


def test_agreement_groups_state_the_same_fact(
    corpus: synth.SynthCorpus, claims: dict[str, dict[str, Any]]
) -> None:
    for group in corpus.key.agreements:
        members = [claims[ref] for ref in group]
        assert len({canonical(c["who"]) for c in members}) == 1
        assert len({canonical(c["whom"]) if "whom" in c else None for c in members}) == 1
        assert not any(is_negative(c) for c in members)
        verbs = {verb_of(c["did"]) for c in members}
        classes = {i for i, vs in enumerate(synth.VERB_CLASSES) for v in vs if v in verbs}
        assert len(classes) == 1 and len(verbs) <= 2  # a verb and possibly its synonym
        years = {year_of(c["when"]) for c in members if "when" in c}
        assert len(years) <= 1
        numbers = {tuple(re.findall(r"\d+", c["did"])) for c in members}
        assert len(numbers) == 1
        assert len({c["event"] for c in members if "event" in c}) <= 1


def test_each_contradiction_differs_in_exactly_its_kind(
    corpus: synth.SynthCorpus, claims: dict[str, dict[str, Any]]
) -> None:
    opposites = {frozenset((a.past, b.past)) for a, b in synth.OPPOSITE_CLASSES}
    kinds: collections.Counter[str] = collections.Counter()
    for a, b, kind in corpus.key.contradictions:
        ca, cb = claims[a], claims[b]
        kinds[kind] += 1
        same_actor = canonical(ca["who"]) == canonical(cb["who"])
        assert same_actor == (kind != "actor")
        assert (is_negative(ca) != is_negative(cb)) == (kind == "negation")
        va, vb = verb_of(ca["did"]), verb_of(cb["did"])
        assert (frozenset((va.past, vb.past)) in opposites) == (kind == "opposite")
        numbers_differ = re.findall(r"\d+", ca["did"]) != re.findall(r"\d+", cb["did"])
        assert numbers_differ == (kind == "number")
        if kind == "date":
            assert year_of(ca["when"]) != year_of(cb["when"])
        elif "when" in ca and "when" in cb:
            assert year_of(ca["when"]) == year_of(cb["when"])
        if kind == "actor":
            assert ca["event"] == cb["event"]
    assert set(kinds) == {k.value for k in ContradictionKind}


def test_top_actor_is_in_about_a_quarter_of_the_claims(
    claims: dict[str, dict[str, Any]],
) -> None:
    counts = collections.Counter(canonical(c["who"]) for c in claims.values())
    top, n = counts.most_common(1)[0]
    assert top == synth.ACTORS[0][0]
    assert 0.17 <= n / len(claims) <= 0.33


def test_facts_of_one_actor_and_verb_family_share_no_word(corpus: synth.SynthCorpus) -> None:
    seen: dict[tuple[int, int], list[synth.Fact]] = collections.defaultdict(list)
    for fact in corpus.facts:
        seen[(fact.actor, synth.FAMILY[fact.verb_class])].append(fact)
    crowded = 0
    for facts in seen.values():
        assert len({f.place for f in facts}) == len(facts)
        assert len({f.noun for f in facts}) == len(facts)
        crowded += len(facts) > 1
    assert crowded > 0
    assert len({f.event for f in corpus.facts}) == len(corpus.facts)


def test_claims_of_one_actor_and_family_name_each_place_with_one_noun(
    claims: dict[str, dict[str, Any]],
) -> None:
    """Holds for actor swaps too: a swapped claim must not look like the new actor's facts."""
    family_of = {v.base: synth.FAMILY[i] for i, vs in enumerate(synth.VERB_CLASSES) for v in vs}
    places, nouns = set(synth.PLACES), set(synth.NOUNS)
    by_place: dict[tuple[str, int, str], set[str]] = collections.defaultdict(set)
    by_noun: dict[tuple[str, int, str], set[str]] = collections.defaultdict(set)
    for claim in claims.values():
        words = claim["did"].split()
        (place,) = [w for w in words if w in places]
        (noun,) = [w for w in words if w in nouns]
        who, family = canonical(claim["who"]), family_of[verb_of(claim["did"]).base]
        by_place[(who, family, place)].add(noun)
        by_noun[(who, family, noun)].add(place)
    assert all(len(v) == 1 for v in by_place.values())
    assert all(len(v) == 1 for v in by_noun.values())


@pytest.mark.parametrize("words", [synth.PLACES, synth.NOUNS], ids=["places", "nouns"])
def test_no_two_places_or_nouns_look_alike_but_the_declared_pairs(words: tuple[str, ...]) -> None:
    declared = {frozenset(p) for p in synth.LOOKALIKE_PLACES} if words is synth.PLACES else set()
    alike = {
        frozenset((a, b))
        for i, a in enumerate(words)
        for b in words[i + 1 :]
        if fuzz.ratio(a.casefold(), b.casefold()) >= 75
    }
    assert alike == declared


def test_spellings_are_not_listed_anywhere() -> None:
    """A spelling variant reaches its actor only by fuzzy matching."""
    listed = {fold(f) for c, aliases in synth.ACTORS for f in (c, *aliases)}
    canonicals = {c for c, _ in synth.ACTORS}
    for canonical, spellings in synth.SPELLINGS.items():
        assert canonical in canonicals
        assert not {fold(s) for s in spellings} & listed, canonical


def test_related_verbs_share_a_family() -> None:
    def family(base: str) -> int:
        return next(
            synth.FAMILY[i] for i, vs in enumerate(synth.VERB_CLASSES) for v in vs if v.base == base
        )

    assert family("ratify") == family("approve") == family("reject")
    assert family("praise") == family("criticize") == family("condemn")
    assert family("impose") != family("praise")


def test_vocabulary_words_are_unique_and_distinct_from_actors() -> None:
    assert len(set(synth.PLACES)) == len(synth.PLACES)
    assert len(set(synth.NOUNS)) == len(synth.NOUNS)
    actor_words = {
        w.casefold() for c, aliases in synth.ACTORS for n in (c, *aliases) for w in n.split()
    }
    assert not {p.casefold() for p in synth.PLACES} & actor_words
    verb_words = {v.base for vs in synth.VERB_CLASSES for v in vs}
    verb_words |= {w for vs in synth.VERB_CLASSES for v in vs for w in v.complement.split()}
    assert not set(synth.NOUNS) & verb_words
    forms = [v.past for vs in synth.VERB_CLASSES for v in vs]
    assert len(forms) == len(set(forms))


def test_spelling_variants_stay_closest_to_their_own_actor(
    claims: dict[str, dict[str, Any]],
) -> None:
    written = {c["who"] for c in claims.values()} | {
        c["whom"] for c in claims.values() if "whom" in c
    }
    listed = {form for canon, aliases in synth.ACTORS for form in (canon, *aliases)}
    variants = sorted(written - listed)
    assert any(v.isupper() for v in variants)
    assert any(v.islower() for v in variants)
    spelled = {s for spellings in synth.SPELLINGS.values() for s in spellings}
    assert set(variants) & spelled
    accent_stripped = [
        v for v in variants if not v.isupper() and not v.islower() and v not in spelled
    ]
    assert accent_stripped and all(v.isascii() for v in accent_stripped)
    for variant in variants:
        best = max(listed, key=lambda form: fuzz.ratio(variant.casefold(), form.casefold()))
        assert canonical(best) == canonical(variant)


def test_wording_varies(corpus: synth.SynthCorpus) -> None:
    stats = dict(corpus.stats)
    for name in (
        "who:alias",
        "who:case",
        "who:accent-stripped",
        "who:spelling",
        "did:synonym",
        "did:word-order",
        "did:passive",
        "did:negation-cue",
        "did:tense0",
        "did:tense1",
        "did:tense2",
        "did:tense3",
    ):
        assert stats.get(name, 0) > 0, name
    assert all(stats.get(f"when:{g}", 0) > 0 for g in range(7))


def test_answer_key_yaml_round_trips(corpus: synth.SynthCorpus) -> None:
    data = yaml.safe_load(corpus.key_yaml())
    assert [tuple(g["claims"]) for g in data["agreements"]] == list(corpus.key.agreements)
    assert [(*c["claims"], c["kind"]) for c in data["contradictions"]] == list(
        corpus.key.contradictions
    )


def test_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        synth.SynthConfig(articles=0)
    with pytest.raises(ValueError):
        synth.SynthConfig(articles=5, deviant_rate=1.5)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Putin", True),
        ("yes", False),
        ("U.N.", False),
        ("a: b", False),
        ("2021", False),
        ("No", False),
    ],
)
def test_scalars_load_back_as_the_same_string(text: str, plain: bool) -> None:
    written = synth._scalar(text)
    assert (written == text) == plain
    assert yaml.safe_load(f"k: {written}")["k"] == text

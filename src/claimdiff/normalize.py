"""Normalisation: turn each claim into comparable, canonical forms.

Curators write the same fact in many ways ("President Putin blamed ...", "Putin
blames ..."). Matching raw strings would miss most agreements, and matching
loosely would invent them, so every field is first brought to a canonical form:

- actors are folded (case, accents, punctuation, leading "the", role words), mapped
  through ``aliases.yaml`` and then clustered fuzzily into one entity table per
  corpus (each *distinct* actor string is resolved once, not once per claim);
- actions are lemmatised by a small rule-based English lemmatiser, stripped of stop
  words, hedges and negation cues (which become the claim's polarity) and mapped to
  synonym classes from the built-in lexicon plus the corpus's ``lexicon.yaml``;
- quantities are pulled out of ``did`` / ``whom`` (and ``quote`` when those have none);
- time stays an :class:`~claimdiff.model.Interval` (or unknown).

Everything here is pure and deterministic: the same corpus gives the same forms
whatever the order of its files.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from claimdiff.model import Article, Claim, CompareOptions, Corpus, Interval, Lexicon
from claimdiff.text import strip_accents

NEG = "not:"
"""Prefix of the marker token a negation cue becomes inside an action."""

# --------------------------------------------------------------------------- text


_TOKEN_RE = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+")
_ABBREV_DOT_RE = re.compile(r"(?<=[^\W\d_])[.'](?=[^\W\d_])")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}\b)")


_NT_RE = re.compile(r"n't\b")
_POSSESSIVE_RE = re.compile(r"'s\b")


def tokens(text: str) -> list[str]:
    """Casefolded, accent-free word and number tokens of ``text`` (see :func:`_tokens`)."""
    return list(_tokens(text))


@lru_cache(maxsize=131072)
def _tokens(text: str) -> tuple[str, ...]:
    """:func:`_tokenize`, cached: the fields of claims repeat at scale."""
    return _tokenize(text)


def _tokenize(text: str) -> tuple[str, ...]:
    """Casefolded, accent-free word and number tokens of ``text``.

    Contractions are expanded so that "didn't" carries its "not"; possessive "'s"
    is dropped; dots and apostrophes inside words are removed ("U.S." → "us");
    every other punctuation mark separates tokens ("Nagorno-Karabakh" → two tokens).
    """
    t = strip_accents(text).casefold().replace("\u2019", "'").replace("`", "'")
    # Each rewrite needs its trigger character; most phrases have none of them.
    apostrophe = "'" in t
    if apostrophe:
        t = t.replace("can't", "can not").replace("won't", "will not")
        t = _NT_RE.sub(" not", t)
        t = _POSSESSIVE_RE.sub("", t)
    if apostrophe or "." in t:
        t = _ABBREV_DOT_RE.sub("", t)
    if "," in t:
        t = _THOUSANDS_RE.sub("", t)
    return tuple(_TOKEN_RE.findall(t))


def fold(text: str) -> str:
    """The canonical spelling used for equality: ``" ".join(tokens(text))``."""
    return " ".join(_tokens(text))


# --------------------------------------------------------------------------- lemmatiser


def _word_list(text: str) -> list[str]:
    return text.split()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_IRREGULAR: dict[str, str] = dict(
    pair.split(":", 1)
    for pair in _word_list(
        # irregular past tenses and participles, auxiliaries, awkward plurals (form:lemma)
        "is:be am:be are:be was:be were:be been:be being:be has:have had:have having:have does:do "
        "did:do done:do doing:do goes:go went:go gone:go arose:arise arisen:arise awoke:awake "
        "bore:bear borne:bear beat:beat beaten:beat became:become began:begin begun:begin "
        "bent:bend bet:bet bid:bid bound:bind bit:bite bitten:bite bled:bleed blew:blow "
        "blown:blow broke:break broken:break bred:breed brought:bring built:build burnt:burn "
        "burst:burst bought:buy cast:cast caught:catch chose:choose chosen:choose came:come "
        "cost:cost crept:creep cut:cut dealt:deal dug:dig drew:draw drawn:draw drank:drink "
        "drunk:drink drove:drive driven:drive ate:eat eaten:eat fell:fall fallen:fall fed:feed "
        "felt:feel fought:fight found:find fled:flee flew:fly flown:fly forbade:forbid "
        "forbidden:forbid forecast:forecast foresaw:foresee foreseen:foresee forgot:forget "
        "forgotten:forget forgave:forgive forgiven:forgive froze:freeze frozen:freeze got:get "
        "gotten:get gave:give given:give ground:grind grew:grow grown:grow hung:hang heard:hear "
        "hid:hide hidden:hide hit:hit held:hold hurt:hurt kept:keep knew:know known:know laid:lay "
        "led:lead left:leave lent:lend let:let lay:lie lain:lie lit:light lost:lose made:make "
        "meant:mean met:meet mistook:mistake mistaken:mistake overcame:overcome overran:overrun "
        "overrode:override overridden:override oversaw:oversee overseen:oversee "
        "overthrew:overthrow overthrown:overthrow overtook:overtake overtaken:overtake paid:pay "
        "put:put quit:quit read:read rode:ride ridden:ride rang:ring rung:ring rose:rise "
        "risen:rise ran:run said:say saw:see seen:see sought:seek sold:sell sent:send set:set "
        "shook:shake shaken:shake shed:shed shot:shoot showed:show shown:show shrank:shrink "
        "shut:shut sang:sing sung:sing sank:sink sunk:sink sat:sit slept:sleep slid:slide "
        "spoke:speak spoken:speak spent:spend spun:spin split:split spread:spread sprang:spring "
        "sprung:spring stood:stand stole:steal stolen:steal stuck:stick struck:strike "
        "stricken:strike strove:strive striven:strive swore:swear sworn:swear swept:sweep "
        "swam:swim swum:swim swung:swing took:take taken:take taught:teach tore:tear torn:tear "
        "told:tell thought:think threw:throw thrown:throw undertook:undertake "
        "undertaken:undertake understood:understand underwent:undergo undergone:undergo "
        "upheld:uphold withdrew:withdraw withdrawn:withdraw withheld:withhold withstood:withstand "
        "woke:wake woken:wake wore:wear worn:wear won:win wound:wind wrote:write written:write "
        "slew:slay slain:slay rebuilt:rebuild reset:reset resold:resell retook:retake "
        "retaken:retake upset:upset inked:ink added:add adding:add adds:add allies:ally "
        "countries:country forces:force talks:talk news:news series:series species:species "
        "people:people children:child men:man women:woman "
    )
)

_BASE_FORMS = _words(
    "need speed seed feed breed bleed greed deed indeed proceed succeed exceed weed "
    "hundred red bed wed sled naked sacred wicked kindred embed shed united limited "
    "during nothing something anything everything morning evening spring string king "
    "thing wing bring ceiling sibling building meeting wedding "
    "this his its thus bus gas yes us plus minus status crisis basis analysis "
    "thesis news series species chaos lens always perhaps"
)


def _needs_e(stem: str) -> bool:
    """Whether a stem left by removing -ed/-ing lost a silent final e ("blam" → "blame").

    Only the display form depends on this: comparisons use :func:`lemma_key`, which
    drops a final e anyway, so a wrong guess here never splits "blamed" from "blames".
    """
    if len(stem) < 2:
        return False
    vowels = "aeiou"
    groups = len(re.findall(r"[aeiouy]+", stem))
    last, prev = stem[-1], stem[-2]
    if last in "vc" or (last == "z" and prev != "z"):
        return True
    if stem.endswith(("rg", "dg", "lg", "ang", "eng")):
        return True
    if last == "s" and prev in vowels and not stem.endswith(("ss", "ous", "us")):
        return True
    if groups >= 2 and len(stem) >= 4 and prev in "iu" and stem[-3] not in vowels:
        return last in "tdnr"
    if groups >= 2 and prev in "ao" and last in "td" and stem[-3] not in vowels:
        return True
    return (
        groups == 1
        and len(stem) >= 3
        and last not in vowels + "wxy"
        and prev in vowels
        and stem[-3] not in vowels
    )


def _undo_suffix(stem: str) -> str:
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
        return stem[:-1]
    if _needs_e(stem):
        return stem + "e"
    return stem


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """Base form of an English word form: "blamed", "blames", "blaming" → "blame".

    A compact rule set (irregular table, -ies/-ied, -ing, -eed, -ed, -es, -s) in
    place of an NLP dependency: claim actions are short verb phrases, and what
    matters is that all forms of one verb land on the same key.
    """
    w = word
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3 or not w.isalpha() or w in _BASE_FORMS:
        return w
    if w.endswith(("ies", "ied")) and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("ing") and len(w) > 5:
        return _undo_suffix(w[:-3])
    if w.endswith("eed"):
        return w[:-1]
    if w.endswith("ed") and len(w) > 4:
        return _undo_suffix(w[:-2])
    if w.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


@lru_cache(maxsize=65536)
def lemma_key(word: str) -> str:
    """Comparison key of a word: its lemma without a final e and a doubled last letter.

    Makes the key independent of the lemmatiser's guess about silent e's and of
    British/American doubling ("cancelled" / "canceled" / "cancel").
    """
    k = lemma(word)
    if len(k) > 3 and k.endswith("e"):
        k = k[:-1]
    if len(k) > 3 and k[-1] == k[-2] and k[-1] not in "aeiou":
        k = k[:-1]
    return k


_STOP_LEMMAS = _words(
    "a an the to of for in on at by with from into onto about as and or but if that "
    "this these those it its his her hers their theirs them they he she we our ours "
    "you your i me my which who whom whose what there here be have do will would shall "
    "should can could may might must also again still then than so very just "
    "between amid during while since once such other another some any each all both "
    "own same more most"
)
_STOP_KEYS = frozenset(lemma_key(w) for w in _STOP_LEMMAS) | _STOP_LEMMAS

_LY_KEEP = _words(
    "family italy assembly july rally supply apply reply anomaly bully monopoly comply "
    "multiply early only holy ugly fly rely ally belly folly tally"
)


def _is_content(tok: str) -> bool:
    if tok in _STOP_KEYS:
        return False
    return not (len(tok) > 4 and tok.endswith("ly") and tok not in _LY_KEEP)


_TOKEN_INFO: dict[str, tuple[str, str | None, bool]] = {}
_TOKEN_INFO_MAX = 262144


def _token_info(tok: str) -> tuple[str, str | None, bool]:
    """(comparison key, display lemma or None, whether the key is an action word).

    Everything an action needs per token, computed once per distinct token: the
    lemma is kept for display when the token is a content word and not a number,
    the key when the key is a content word and not a number.
    """
    info = _TOKEN_INFO.get(tok)
    if info is None:
        if len(_TOKEN_INFO) >= _TOKEN_INFO_MAX:
            _TOKEN_INFO.clear()  # bounded like the lru caches below it
        key = lemma_key(tok)
        content = _is_content(key)
        info = _TOKEN_INFO[tok] = (
            key,
            lemma(tok) if content and not _is_number_token(tok) else None,
            content and not _is_number_token(key),
        )
    return info


# --------------------------------------------------------------------------- numbers

_NUMBER_WORDS = {
    w: float(i)
    for i, w in enumerate(
        _word_list(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen twenty"
        )
    )
}
_NUMBER_WORDS.update(
    {
        w: float(10 * i)
        for i, w in enumerate(_word_list("thirty forty fifty sixty seventy eighty ninety"), 3)
    }
)
_MULTIPLIERS = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_MONTHS = _words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)


_YEAR_BEFORE = _words("in since by of until till from before after during early late mid the")


def quantities(text: str) -> tuple[float, ...]:
    """Numbers stated in ``text`` ("2,000 troops", "two", "1.5 million"), sorted.

    Dates are not quantities and are skipped: a day next to a month name, and a
    bare four-digit 1800–2100 that ends the text or follows a month or a word like
    "in" / "since" / "by" ("in 2020"); "2000 troops" and "2,000" are quantities.
    Vague amounts ("hundreds", "dozens") are not numbers either.
    """
    marked = _GROUPED_RE.sub(_ungroup, text)
    return _quantities_in(_tokens(marked))


_DIGIT_RE = re.compile(r"\d")
_GROUPED_RE = re.compile(r"\b(\d{1,3}(?:,\d{3})+)(\.\d+)?(?![\d,])")


def _ungroup(m: re.Match[str]) -> str:
    # "2,000" → "2000.0": a grouped number is a quantity, never a year.
    return m.group(1).replace(",", "") + (m.group(2) or ".0")


def _quantities_in(toks: Sequence[str]) -> tuple[float, ...]:
    """The token loop of :func:`quantities` (``toks`` from the marked text)."""
    if _NUMBER_FIRSTS.isdisjoint(toks) and not any(t[0].isdigit() for t in toks):
        return ()
    found: list[float] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        value: float | None = None
        if tok[0].isdigit():
            value = float(tok)
            near_month = (i > 0 and toks[i - 1] in _MONTHS) or (
                i + 1 < len(toks) and toks[i + 1] in _MONTHS
            )
            is_year = (
                "." not in tok
                and len(tok) == 4
                and 1800 <= value <= 2100
                and (
                    i + 1 == len(toks)
                    or (i > 0 and (toks[i - 1] in _YEAR_BEFORE or toks[i - 1] in _MONTHS))
                    or toks[i + 1] in _STOP_LEMMAS
                )
            )
            if (near_month and value <= 31) or (is_year and not _multiplier_follows(toks, i)):
                i += 1
                continue
        elif tok in _NUMBER_WORDS:
            value = _NUMBER_WORDS[tok]
            if i + 1 < len(toks) and toks[i + 1] in _NUMBER_WORDS and value >= 20:
                value += _NUMBER_WORDS[toks[i + 1]]
                i += 1
        elif tok in ("a", "one") and i + 1 < len(toks) and toks[i + 1] in _MULTIPLIERS:
            value = 1.0
        if value is None:
            i += 1
            continue
        while i + 1 < len(toks) and toks[i + 1] in _MULTIPLIERS:
            value *= _MULTIPLIERS[toks[i + 1]]
            i += 1
        found.append(value)
        i += 1
    return tuple(sorted(found))


_NUMBER_FIRSTS = frozenset(_NUMBER_WORDS) | {"a", "one"}
"""Word tokens that can start a quantity (besides digits)."""


def _multiplier_follows(toks: Sequence[str], i: int) -> bool:
    return i + 1 < len(toks) and toks[i + 1] in _MULTIPLIERS


def _is_number_token(tok: str) -> bool:
    return tok[0].isdigit() or tok in _NUMBER_WORDS or tok in _MULTIPLIERS


# --------------------------------------------------------------------------- names

_WORD_RE = re.compile(r"[^\W_][\w'’.\-]*")


@lru_cache(maxsize=65536)
def proper_names(text: str) -> tuple[str, ...]:
    """Runs of capitalised words after the first word ("the refinery in Riga" → Riga).

    Named things inside an action identify *what* the action is about: two
    actions naming only different things ("evacuated civilians from Tallinn" /
    "... from Agadir") are different actions however similar the words.
    """
    if text.islower():
        return ()  # the common case: nothing capitalised at all
    runs: list[str] = []
    current: list[str] = []
    for n, word in enumerate(_WORD_RE.findall(text)):
        if n > 0 and word[0].isupper():
            current.append(word.rstrip(".’'"))
            continue
        if current:
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return tuple(runs)


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class BuiltinLexicon:
    """The packaged English lexicon (``claimdiff/data/lexicon.yaml``)."""

    synonyms: tuple[tuple[str, ...], ...]
    opposites: tuple[tuple[str, str], ...]
    negation_cues: tuple[str, ...]
    hedges: tuple[str, ...]
    role_words: tuple[str, ...]
    contrast_cues: tuple[str, ...] = ()
    control_verbs: tuple[str, ...] = ()
    light_verbs: tuple[str, ...] = ()
    head_roles: tuple[str, ...] = ()
    past_markers: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def builtin_lexicon() -> BuiltinLexicon:
    """Load the packaged lexicon once per process."""
    text = resources.files("claimdiff").joinpath("data/lexicon.yaml").read_text("utf-8")
    data = yaml.safe_load(text)

    def strs(key: str) -> tuple[str, ...]:
        return tuple(str(x) for x in data.get(key, ()))

    return BuiltinLexicon(
        synonyms=tuple(tuple(str(x) for x in g) for g in data.get("synonyms", ())),
        opposites=tuple((str(a), str(b)) for a, b in data.get("opposites", ())),
        negation_cues=strs("negation_cues"),
        hedges=strs("hedges"),
        role_words=strs("role_words"),
        contrast_cues=strs("contrast_cues"),
        control_verbs=strs("control_verbs"),
        light_verbs=strs("light_verbs"),
        head_roles=strs("head_roles"),
        past_markers=strs("past_markers"),
    )


def _phrase_keys(phrase: str) -> tuple[str, ...]:
    return tuple(lemma_key(t) for t in tokens(phrase))


def _match_at(seq: Sequence[str], i: int, phrase: Sequence[str]) -> bool:
    n = len(phrase)
    return tuple(seq[i : i + n]) == tuple(phrase)


class _PhraseTable:
    """Longest-match phrase lookup over key sequences, indexed by first key."""

    def __init__(self, phrases: Iterable[tuple[tuple[str, ...], str]]) -> None:
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for keys, value in phrases:
            if keys:
                by_first[keys[0]].append((keys, value))
        self._by_first = {
            k: sorted(set(v), key=lambda kv: (-len(kv[0]), kv)) for k, v in by_first.items()
        }
        self.firsts = frozenset(self._by_first)
        """Keys some phrase starts with: any other key needs no lookup."""

    def longest(self, seq: Sequence[str], i: int) -> tuple[int, str] | None:
        for keys, value in self._by_first.get(seq[i], ()):
            n = len(keys)
            if n == 1 or tuple(seq[i : i + n]) == keys:
                return n, value
        return None


class LexiconIndex:
    """Built-in plus corpus lexicon, compiled for fast phrase lookup.

    Synonym groups that share a phrase are merged (union), and every class is named
    by its smallest member phrase so that the name does not depend on file order.
    Opposites are stored between classes; a *family* joins a class with its
    opposites, so blocking puts "supported" and "remained neutral" side by side.
    """

    def __init__(self, corpus_lexicon: Lexicon | None = None) -> None:
        builtin = builtin_lexicon()
        extra = corpus_lexicon or Lexicon()
        self._cues = _PhraseTable(
            (_phrase_keys(c), NEG + "_".join(tokens(c))) for c in builtin.negation_cues
        )
        self._hedges = _PhraseTable((_phrase_keys(h), fold(h)) for h in builtin.hedges)
        self._contrast = _PhraseTable((_phrase_keys(c), fold(c)) for c in builtin.contrast_cues)
        self._control = _PhraseTable(
            [(_phrase_keys(c), fold(c)) for c in builtin.control_verbs]
            + [(_phrase_keys(c), fold(c)) for c in builtin.past_markers]
        )
        self._past = _PhraseTable((_phrase_keys(c), fold(c)) for c in builtin.past_markers)
        self._light = frozenset(lemma_key(w) for w in builtin.light_verbs)
        self._phrase_firsts = (
            self._contrast.firsts | self._hedges.firsts | self._control.firsts | self._cues.firsts
        )
        self.head_roles = frozenset(tuple(tokens(r)) for r in builtin.head_roles if tokens(r))
        self.role_phrases = tuple(
            sorted(
                {tuple(tokens(r)) for r in builtin.role_words if tokens(r)},
                key=lambda t: (-len(t), t),
            )
        )

        groups = [tuple(g) for g in builtin.synonyms] + [tuple(g) for g in extra.synonyms]
        opposite_pairs = list(builtin.opposites) + list(extra.opposites)
        # Every lexicon phrase is expressed in the same key space as claim actions
        # (cue markers, no stop words), so "refuse to back" is one unit.
        parent: dict[tuple[str, ...], tuple[str, ...]] = {}

        def find(x: tuple[str, ...]) -> tuple[str, ...]:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a: tuple[str, ...], b: tuple[str, ...]) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        first_seen: dict[tuple[str, ...], int] = {}
        for group in groups:
            seqs = [self._raw_sequence(p) for p in group]
            seqs = [s for s in seqs if s]
            for s in seqs:
                first_seen.setdefault(s, len(first_seen))
                find(s)
            for s in seqs[1:]:
                union(seqs[0], s)
        opp_seqs: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        for a, b in opposite_pairs:
            sa, sb = self._raw_sequence(a), self._raw_sequence(b)
            if sa and sb and sa != sb:
                first_seen.setdefault(sa, len(first_seen))
                first_seen.setdefault(sb, len(first_seen))
                find(sa)
                find(sb)
                opp_seqs.append((sa, sb))
        members: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
        for s in list(parent):
            members[find(s)].append(s)
        self.class_of: dict[tuple[str, ...], str] = {}
        for mem in members.values():
            # A class is named after its first phrase in lexicon order ("blame",
            # not "accuse"), which is stable for a given set of lexicon files.
            best: tuple[str, ...] = min(mem, key=lambda m: first_seen[m])
            name = "_".join(best).replace(NEG, "no-")
            for m in mem:
                self.class_of[m] = name
        self._classes = _PhraseTable(self.class_of.items())
        self.opposites: frozenset[tuple[str, str]] = frozenset(
            pair
            for sa, sb in opp_seqs
            for pair in (
                (self.class_of[sa], self.class_of[sb]),
                (self.class_of[sb], self.class_of[sa]),
            )
            if pair[0] != pair[1]
        )
        fam: dict[str, str] = {}

        def ffind(x: str) -> str:
            while fam.setdefault(x, x) != x:
                fam[x] = fam[fam[x]]
                x = fam[x]
            return x

        for a, b in sorted(self.opposites):
            ra, rb = ffind(a), ffind(b)
            if ra != rb:
                fam[max(ra, rb)] = min(ra, rb)
        self._family = {x: ffind(x) for x in list(fam)}
        self.opposite_tokens: frozenset[str] = frozenset(a for a, _ in self.opposites)
        self._cache: dict[str, Action] = {}
        self._facts: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[float, ...]]] = {}

    def family(self, token: str) -> str:
        """Blocking key of an action word: its class joined with its opposites."""
        return self._family.get(token, token)

    def are_opposite(self, a: str, b: str) -> bool:
        return (a, b) in self.opposites

    def _raw_sequence(self, text: str) -> tuple[str, ...]:
        """Keys of ``text`` with hedges removed, cues as markers, stop words dropped."""
        infos = [_token_info(t) for t in _tokens(text)]
        return self._raw_from([i[0] for i in infos], [i[2] for i in infos])

    def _raw_from(self, keys: Sequence[str], keep: Sequence[bool]) -> tuple[str, ...]:
        """:meth:`_raw_sequence` of a text whose token keys are ``keys``."""
        out: list[str] = []
        special = self._phrase_firsts
        if special.isdisjoint(keys):
            return tuple(k for k, kept in zip(keys, keep, strict=True) if kept)
        i = 0
        while i < len(keys):
            if keys[i] not in special:
                if keep[i]:
                    out.append(keys[i])
                i += 1
                continue
            if self._contrast.longest(keys, i) is not None:
                break
            skip = self._hedges.longest(keys, i) or self._control.longest(keys, i)
            if skip is not None:
                i += skip[0]
                continue
            cue = self._cues.longest(keys, i)
            if cue is not None:
                out.append(cue[1])
                i += cue[0]
                continue
            if keep[i]:
                out.append(keys[i])
            i += 1
        return tuple(out)

    def text_facts(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[float, ...]]:
        """Hedges, past markers and quantities of ``text`` (cached per distinct string)."""
        cached = self._facts.get(text)
        if cached is None:
            toks = _tokens(text)
            keys = [_token_info(t)[0] for t in toks]
            cached = self._facts[text] = self._facts_of(text, toks, keys)
        return cached

    def _facts_of(
        self, text: str, toks: Sequence[str], keys: Sequence[str]
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[float, ...]]:
        # Without a digit the quantity marking changes nothing: reuse the tokens.
        if _DIGIT_RE.search(text):
            nums = quantities(text)
        elif _NUMBER_FIRSTS.isdisjoint(toks):
            nums = ()
        else:
            nums = _quantities_in(toks)
        return (self._scan(self._hedges, keys), self._scan(self._past, keys), nums)

    def hedges_in(self, text: str) -> tuple[str, ...]:
        """Hedge phrases found in ``text`` (folded), in order of appearance."""
        return self.text_facts(text)[0]

    @staticmethod
    def _scan(table: _PhraseTable, keys: Sequence[str]) -> tuple[str, ...]:
        """Phrases of ``table`` in ``keys``, leftmost-longest, in order."""
        firsts = table.firsts
        if firsts.isdisjoint(keys):
            return ()
        found: list[str] = []
        i = 0
        while i < len(keys):
            hit = table.longest(keys, i) if keys[i] in firsts else None
            if hit is not None:
                found.append(hit[1])
                i += hit[0]
            else:
                i += 1
        return tuple(found)

    def action(self, text: str) -> Action:
        """Normal form of a ``did`` phrase (cached per distinct string).

        One tokenisation serves the action, its lemmas and the text's hedges,
        past markers and quantities (:meth:`text_facts` is filled on the way).
        """
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        toks = _tokens(text)
        infos = [_token_info(t) for t in toks]
        keys = [i[0] for i in infos]
        raw = self._raw_from(keys, [i[2] for i in infos])
        if text not in self._facts:
            self._facts[text] = self._facts_of(text, toks, keys)
        class_firsts = self._classes.firsts
        if class_firsts.isdisjoint(raw):
            mapped = list(raw)
        else:
            mapped = []
            i = 0
            while i < len(raw):
                if raw[i] not in class_firsts:
                    mapped.append(raw[i])
                    i += 1
                    continue
                hit = self._classes.longest(raw, i)
                if hit is not None:
                    mapped.append(hit[1])
                    i += hit[0]
                else:
                    mapped.append(raw[i])
                    i += 1
        light = self._light
        mapped = [t for t in mapped if t not in light]
        cues = tuple(t[len(NEG) :].replace("_", " ") for t in mapped if t.startswith(NEG))
        content = tuple(t for t in mapped if not t.startswith(NEG)) if cues else tuple(mapped)
        plain = frozenset(_unnegated(mapped)) if cues else frozenset(mapped)
        result = Action(
            text=text,
            lemmas=tuple(i[1] for i in infos if i[1] is not None),
            sequence=tuple(mapped),
            content=content,
            head=content[0] if content else "",
            cues=cues,
            plain=plain,
            opposable=plain & self.opposite_tokens,
        )
        self._cache[text] = result
        return result

    def opposite_in(self, a: Action, b: Action) -> tuple[str, str] | None:
        """A lexicon opposite pair stated by ``a`` and ``b`` (not negated), if any."""
        xs = (a.plain & self.opposite_tokens) - b.plain
        if not xs:
            return None
        ys = (b.plain & self.opposite_tokens) - a.plain
        for x in sorted(xs):
            for y in sorted(ys):
                if (x, y) in self.opposites:
                    return x, y
        return None


def _unnegated(seq: Sequence[str]) -> list[str]:
    """Tokens of an action sequence that are not directly preceded by a cue marker."""
    return [
        t
        for i, t in enumerate(seq)
        if not t.startswith(NEG) and not (i and seq[i - 1].startswith(NEG))
    ]


@dataclass(frozen=True)
class Action:
    """The normal form of one ``did`` phrase."""

    text: str
    lemmas: tuple[str, ...]
    """Display lemmas of the content words ("blame", "collapse", "talk")."""
    sequence: tuple[str, ...]
    """Synonym-class keys with negation-cue markers, in order (used for opposites)."""
    content: tuple[str, ...]
    """``sequence`` without cue markers: what is compared."""
    head: str
    """First content key: the action's verb in the usual "verb object" phrasing."""
    cues: tuple[str, ...]
    """Negation cues found (each one flips polarity)."""
    plain: frozenset[str] = frozenset()
    """Keys not directly preceded by a negation cue (what the action asserts)."""
    opposable: frozenset[str] = frozenset()
    """Keys of ``plain`` that have a lexicon opposite."""

    @property
    def string(self) -> str:
        return " ".join(self.content)


# --------------------------------------------------------------------------- actors

_GENERIC_NAME_WORDS = _words(
    "north south east west new united republic kingdom states state union ministry "
    "government army forces force party council court parliament office committee "
    "agency bank city region people navy police service services alliance federation "
    "organisation organization nations islands island equatorial democratic central "
    "upper lower greater"
)

_DIGITS_RE = re.compile(r"\d+")


def spelling_variant(a: str, b: str) -> bool:
    """Whether two actor keys that fuzzy matching paired may be one name spelled
    two ways ("zelensky" / "zelenskyy", "sergei lavrov" / "sergey lavrov") rather
    than two names that look alike ("austria" / "australia", "gori" / "goris").

    A fuzzy score measures how much two strings share, not whether they name one
    thing; a transliteration or typo changes a letter here and there, while a
    different name differs in its numbers, in a whole word, in a suffix "s", or
    in more letters than a short word can spare. So: the same numbers; and word by
    word (when both have as many words) at most one edit per four letters of the
    shorter word (at least one) and not the other word plus "s".
    """
    if _DIGITS_RE.findall(a) != _DIGITS_RE.findall(b):
        return False
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        return True
    for x, y in zip(wa, wb, strict=True):
        if x == y:
            continue
        if x + "s" == y or y + "s" == x:
            return False
        allowed = max(1, min(len(x), len(y)) // 4)
        if Levenshtein.distance(x, y, score_cutoff=allowed) > allowed:
            return False
    return True


@dataclass(frozen=True)
class Entity:
    """One real-world actor: the canonical display name and every spelling seen."""

    id: str
    name: str
    spellings: tuple[str, ...]


def actor_key(name: str, role_phrases: Sequence[tuple[str, ...]]) -> tuple[str, bool]:
    """Matching key of an actor string, and whether a role phrase was dropped.

    "Armenian PM Pashinyan" → ("pashinyan", True); "The Kremlin" → ("kremlin", False).
    A role phrase is dropped (with everything before it, e.g. a nationality) only
    when a name follows it: "Russian President" on its own stays as written.
    """
    toks = tokens(name)
    while toks and toks[0] in ("the", "a", "an"):
        toks = toks[1:]
    stripped = False
    cut = -1
    for i in range(len(toks)):
        for role in role_phrases:
            if _match_at(toks, i, role):
                end = i + len(role)
                if end < len(toks) and toks[end] not in ("of", "for", "to", "and"):
                    cut = max(cut, end)
                break
    if cut > 0:
        toks = toks[cut:]
        stripped = True
    return " ".join(toks), stripped


class EntityTable:
    """Every distinct actor string of a corpus resolved once to an :class:`Entity`.

    Order of resolution: exact alias (case-insensitive, then by key), same key,
    fuzzy key match (``rapidfuzz.fuzz.ratio`` ≥ ``actor_threshold``, within blocks
    that share the first letter of the last word), then a surname rule: a one-word
    key joins a longer name whose last word it matches when exactly one entity
    qualifies and the longer name looks like a person's name.
    """

    def __init__(
        self,
        names: Iterable[str],
        aliases: Mapping[str, Sequence[str]],
        role_phrases: Sequence[tuple[str, ...]],
        threshold: float,
    ) -> None:
        self._roles = role_phrases
        distinct = sorted(set(names))
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a: str, b: str) -> None:
            ra, rb = find(a), find(b)
            if ra != rb and not (ra.startswith("=") and rb.startswith("=")):
                # Alias canonicals ("=name") win so that the entity keeps their name;
                # two different canonicals are never merged by fuzzy matching.
                keep, drop = sorted((ra, rb), key=lambda r: (not r.startswith("="), r))
                parent[drop] = keep

        alias_fold: dict[str, str] = {}
        alias_key: dict[str, str] = {}
        for canonical in sorted(aliases):
            node = "=" + canonical
            find(node)
            for spelling in (canonical, *aliases[canonical]):
                alias_fold.setdefault(fold(spelling), node)
                key, _ = actor_key(spelling, role_phrases)
                if key:
                    alias_key.setdefault(key, node)
        key_of: dict[str, str] = {}
        for name in distinct:
            key = actor_key(name, role_phrases)[0] or fold(name) or name
            key_of[name] = key
            knode = "k:" + key
            find(knode)
            union("s:" + name, knode)
            alias_node = alias_fold.get(fold(name)) or alias_key.get(key)
            if alias_node is not None:
                union(knode, alias_node)
        for key in list(alias_key):
            union("k:" + key, alias_key[key])

        keys = sorted({k for k in (n[2:] for n in parent if n.startswith("k:")) if k})
        blocks: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            blocks[key.split()[-1][:1]].append(key)
        for block in blocks.values():
            if len(block) < 2:
                continue
            matrix = process.cdist(
                block, block, scorer=fuzz.ratio, score_cutoff=threshold, workers=1
            )
            rows, cols = np.nonzero(np.triu(matrix >= threshold, 1))
            for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
                if spelling_variant(block[i], block[j]):
                    union("k:" + block[i], "k:" + block[j])

        by_last: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            words = key.split()
            if 2 <= len(words) <= 3 and not (set(words) & _GENERIC_NAME_WORDS):
                by_last[words[-1]].append(key)
        last_blocks: dict[str, list[str]] = defaultdict(list)
        for last in sorted(by_last):
            last_blocks[last[:1]].append(last)
        for key in keys:
            if " " in key or key in _GENERIC_NAME_WORDS:
                continue
            lasts = last_blocks.get(key[:1], [])
            candidates = [
                k
                for last in lasts
                if fuzz.ratio(key, last) >= threshold and spelling_variant(key, last)
                for k in by_last[last]
            ]
            roots = {find("k:" + k) for k in candidates}
            if len(roots) == 1:
                union("k:" + key, next(iter(roots)))

        members: dict[str, list[str]] = defaultdict(list)
        for node in list(parent):
            if node.startswith("s:"):
                members[find(node)].append(node[2:])
        self._entity_of: dict[str, Entity] = {}
        self._by_key: dict[str, Entity] = {}
        counts = Counter(names)
        for root, spellings in members.items():
            if root.startswith("="):
                display = root[1:]
            else:
                display = min(spellings, key=lambda s: (-counts[s], -len(s), s))
            ent = Entity(
                id=fold(display) or display, name=display, spellings=tuple(sorted(spellings))
            )
            for s in spellings:
                self._entity_of[s] = ent
        for name, key in key_of.items():
            self._by_key.setdefault(key, self._entity_of[name])
        self.represents = self._representation(aliases, threshold)

    def _representation(
        self, aliases: Mapping[str, Sequence[str]], threshold: float
    ) -> dict[str, tuple[str, ...]]:
        """Entity id → ids of the states its holder speaks for (head roles only).

        "Russian President Vladimir Putin" (a claim's spelling or an alias) makes
        Putin's entity speak for the entity named "Russia": the word before the
        head role is matched against the other entities by ``fuzz.ratio`` or by
        its stem ("Russian" → "Russ…", "Turkish" → "Turk…").
        """
        heads = builtin_lexicon().head_roles
        head_phrases = sorted({tuple(tokens(r)) for r in heads if tokens(r)}, key=len)
        entities = {e.id: e for e in self._entity_of.values()}
        names: dict[str, list[str]] = defaultdict(list)
        for ent in entities.values():
            names[ent.id].extend(ent.spellings)
            names[ent.id].extend(aliases.get(ent.name, ()))
        out: dict[str, tuple[str, ...]] = {}
        for eid in sorted(names):
            states: set[str] = set()
            for spelling in names[eid]:
                toks = tokens(spelling)
                for i in range(1, len(toks)):
                    if not any(_match_at(toks, i, r) for r in head_phrases):
                        continue
                    prefix = " ".join(toks[:i])
                    stem = re.sub(r"(ian|ean|an|ese|ish|i)$", "", prefix)
                    for other in sorted(entities):
                        if other == eid:
                            continue
                        if fuzz.ratio(prefix, other) >= threshold or (
                            len(stem) >= 4 and other.startswith(stem) and " " not in other
                        ):
                            states.add(other)
            if states:
                out[eid] = tuple(sorted(states))
        return out

    def resolve(self, name: str) -> Entity:
        """The entity of ``name``; a string never seen gets its own entity."""
        ent = self._entity_of.get(name)
        if ent is not None:
            return ent
        key, _ = actor_key(name, self._roles)
        ent = self._by_key.get(key)
        if ent is not None:
            return ent
        return Entity(id=fold(name) or name, name=name, spellings=(name,))

    def entities(self) -> tuple[Entity, ...]:
        return tuple(
            sorted({e.id: e for e in self._entity_of.values()}.values(), key=lambda e: e.id)
        )


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class FormData:
    """The canonical form of one claim's content, shared by identical claims.

    Claims that repeat the same fields (a fact reported in the same words by many
    articles) share one :class:`FormData`, so each distinct content is normalised once.
    """

    who: tuple[str, ...]
    """Entity ids of the actors, sorted."""
    who_names: tuple[str, ...]
    who_wide: tuple[str, ...]
    """``who`` plus the states its head-of-state actors speak for."""
    whom: tuple[str, ...]
    whom_names: tuple[str, ...]
    where: str | None
    said_by: tuple[str, ...]
    event: str | None
    """Folded event label."""
    action: Action
    positive: bool
    """Polarity: ``negated`` XOR (odd number of negation cues)."""
    hedges: tuple[str, ...]
    past: tuple[str, ...]
    """Past / long-standing markers ("traditionally") in ``did`` or ``quote``."""
    quantities: tuple[float, ...]
    interval: Interval | None
    names: tuple[str, ...]
    """Entity ids of the capitalised names inside ``did`` (see :func:`proper_names`),
    except the claim's own actors (``who_wide``)."""
    families: tuple[str, ...]
    """Blocking keys of the action (sorted): the family — class joined with its
    lexicon opposites — of its head and of each word that has an opposite."""
    word_families: tuple[str, ...]
    """The families of its other words (sorted): two actions can be the same with
    different first words ("troops were deployed" / "deployed troops"), but then one
    action's head is a word of the other."""


@dataclass(frozen=True)
class ClaimForm:
    """Everything the matcher compares about one claim, in canonical form.

    The claim and its position; the canonical fields live in the shared
    :class:`FormData` and are exposed here as read-only attributes.
    """

    claim: Claim
    index: int
    """Position in :attr:`NormalizedCorpus.forms` (claims sorted by ref)."""
    data: FormData

    @property
    def ref(self) -> str:
        return self.claim.ref

    @property
    def hedged(self) -> bool:
        return bool(self.data.hedges)

    @property
    def who(self) -> tuple[str, ...]:
        return self.data.who

    @property
    def who_names(self) -> tuple[str, ...]:
        return self.data.who_names

    @property
    def who_wide(self) -> tuple[str, ...]:
        return self.data.who_wide

    @property
    def whom(self) -> tuple[str, ...]:
        return self.data.whom

    @property
    def whom_names(self) -> tuple[str, ...]:
        return self.data.whom_names

    @property
    def where(self) -> str | None:
        return self.data.where

    @property
    def said_by(self) -> tuple[str, ...]:
        return self.data.said_by

    @property
    def event(self) -> str | None:
        return self.data.event

    @property
    def action(self) -> Action:
        return self.data.action

    @property
    def positive(self) -> bool:
        return self.data.positive

    @property
    def hedges(self) -> tuple[str, ...]:
        return self.data.hedges

    @property
    def past(self) -> tuple[str, ...]:
        return self.data.past

    @property
    def quantities(self) -> tuple[float, ...]:
        return self.data.quantities

    @property
    def interval(self) -> Interval | None:
        return self.data.interval

    @property
    def names(self) -> tuple[str, ...]:
        return self.data.names

    @property
    def families(self) -> tuple[str, ...]:
        return self.data.families

    @property
    def word_families(self) -> tuple[str, ...]:
        return self.data.word_families


@dataclass(frozen=True)
class NormalizedCorpus:
    corpus: Corpus
    forms: tuple[ClaimForm, ...]
    entities: EntityTable
    lexicon: LexiconIndex

    def form(self, ref: str) -> ClaimForm:
        for f in self.forms:
            if f.ref == ref:
                return f
        raise KeyError(ref)


def alias_mapping(corpus: Corpus) -> dict[str, list[str]]:
    """``aliases.yaml`` as canonical → aliases."""
    out: dict[str, list[str]] = defaultdict(list)
    for a in corpus.aliases:
        out[a.canonical].append(a.alias)
    return dict(out)


def _content_key(claim: Claim) -> tuple[object, ...]:
    """Every claim field the canonical form depends on (claims equal here share a form)."""
    iv = claim.when.interval if claim.when is not None else None
    return (
        claim.who,
        claim.did,
        claim.whom,
        claim.where,
        claim.said_by,
        claim.event,
        claim.quote,
        claim.negated,
        # The dates, not the Interval: hashing a dataclass runs Python code.
        None if iv is None else (iv.start, iv.end),
    )


_Facts = tuple[tuple[str, ...], tuple[str, ...], tuple[float, ...]]


@dataclass(frozen=True)
class _DidParts:
    """Everything a claim's form takes from its ``did`` phrase (once per phrase)."""

    action: Action
    names: tuple[str, ...]
    families: tuple[str, ...]
    word_families: tuple[str, ...]
    hedges: tuple[str, ...]
    """Distinct hedges, in order of appearance."""
    past: tuple[str, ...]
    quantities: tuple[float, ...]
    """Distinct, sorted."""
    flips: bool
    """Odd number of negation cues."""


class _Parts:
    """Per-field pieces of :class:`FormData`, each computed once per distinct value."""

    def __init__(self, entities: EntityTable, lex: LexiconIndex) -> None:
        self.entities = entities
        self.lex = lex
        self._actors: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
        self._targets: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[str, ...], _Facts]] = {}
        self._dids: dict[str, _DidParts] = {}
        self._ids: dict[str, str] = {}
        self._speakers: dict[tuple[str, ...], tuple[str, ...]] = {(): ()}
        self._events: dict[str, str] = {}

    def entity_id(self, name: str) -> str:
        eid = self._ids.get(name)
        if eid is None:
            eid = self._ids[name] = self.entities.resolve(name).id
        return eid

    def actors(self, who: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """(ids, names, ids plus represented states) of a ``who`` list."""
        got = self._actors.get(who)
        if got is None:
            ents = [self.entities.resolve(n) for n in who]
            ids = {e.id for e in ents}
            wide = ids | {s for e in ents for s in self.entities.represents.get(e.id, ())}
            got = (tuple(sorted(ids)), tuple(sorted({e.name for e in ents})), tuple(sorted(wide)))
            self._actors[who] = got
        return got

    def targets(self, whom: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], _Facts]:
        """(ids, names, text facts of the joined names) of a ``whom`` list."""
        got = self._targets.get(whom)
        if got is None:
            ents = [self.entities.resolve(n) for n in whom]
            got = (
                tuple(sorted({e.id for e in ents})),
                tuple(sorted({e.name for e in ents})),
                self.lex.text_facts(" ".join(whom)) if whom else ((), (), ()),
            )
            self._targets[whom] = got
        return got

    def speakers(self, said_by: tuple[str, ...]) -> tuple[str, ...]:
        got = self._speakers.get(said_by)
        if got is None:
            got = self._speakers[said_by] = tuple(sorted({self.entity_id(n) for n in said_by}))
        return got

    def event(self, label: str) -> str:
        got = self._events.get(label)
        if got is None:
            got = self._events[label] = fold(label)
        return got

    def did(self, did: str) -> _DidParts:
        """The pieces of a ``did`` phrase: action, names inside it, families, text facts."""
        got = self._dids.get(did)
        if got is None:
            lex = self.lex
            action = lex.action(did)
            hedges, past, nums = lex.text_facts(did)
            own = {lex.family(t) for t in (action.content[:1] + tuple(action.opposable))}
            words = {lex.family(t) for t in action.content} - own
            got = self._dids[did] = _DidParts(
                action=action,
                names=tuple(sorted({self.entity_id(n) for n in proper_names(did)})),
                families=tuple(sorted(own)),
                word_families=tuple(sorted(words)),
                hedges=tuple(dict.fromkeys(hedges)),
                past=tuple(dict.fromkeys(past)),
                quantities=tuple(sorted(set(nums))),
                flips=len(action.cues) % 2 == 1,
            )
        return got


def form_data(
    claim: Claim, entities: EntityTable, lex: LexiconIndex, parts: _Parts | None = None
) -> FormData:
    """Canonical form of one claim's content, given the entity table and lexicon."""
    parts = parts or _Parts(entities, lex)
    d = parts.did(claim.did)
    who, who_names, who_wide = parts.actors(claim.who)
    # The actor named in its own action ("Russia said Russia will …") is who acts,
    # not what the action is about.
    names = tuple(n for n in d.names if n not in who_wide) if who_wide else d.names
    whom, whom_names, whom_facts = parts.targets(claim.whom)
    hedges, past, nums = d.hedges, d.past, d.quantities
    if whom_facts[2]:
        nums = tuple(sorted(set(nums + whom_facts[2])))
    if claim.quote:
        q_hedges, q_past, q_nums = lex.text_facts(claim.quote)
        if q_hedges:
            hedges = tuple(dict.fromkeys(hedges + q_hedges))
        if q_past:
            past = tuple(dict.fromkeys(past + q_past))
        nums = nums or tuple(sorted(set(q_nums)))
    return FormData(
        who=who,
        who_names=who_names,
        who_wide=who_wide,
        whom=whom,
        whom_names=whom_names,
        where=parts.entity_id(claim.where) if claim.where else None,
        said_by=parts.speakers(claim.said_by),
        event=parts.event(claim.event) if claim.event else None,
        action=d.action,
        positive=not (claim.negated ^ d.flips),
        hedges=hedges,
        past=past,
        quantities=nums,
        interval=claim.when.interval if claim.when is not None else None,
        names=names,
        families=d.families,
        word_families=d.word_families,
    )


def normalize_corpus(corpus: Corpus, options: CompareOptions) -> NormalizedCorpus:
    """Normal forms of every claim, sorted by ref (so file order never matters).

    Each distinct claim content is normalised once: at scale most claims repeat
    another claim's fields word for word.
    """
    lex = LexiconIndex(corpus.lexicon)
    claims = sorted(corpus.claims(), key=lambda c: c.ref)
    names: list[str] = []
    dids: Counter[str] = Counter()
    for c in claims:
        names.extend(c.who)
        names.extend(c.whom)
        names.extend(c.said_by)
        if c.where:
            names.append(c.where)
        dids[c.did] += 1
    for did, n in dids.items():
        # Once per claim, as written: the counts choose each entity's display name.
        names.extend(proper_names(did) * n)
    entities = EntityTable(names, alias_mapping(corpus), lex.role_phrases, options.actor_threshold)
    shared: dict[tuple[object, ...], FormData] = {}
    parts = _Parts(entities, lex)
    forms: list[ClaimForm] = []
    for i, c in enumerate(claims):
        key = _content_key(c)
        data = shared.get(key)
        if data is None:
            data = shared[key] = form_data(c, entities, lex, parts)
        forms.append(ClaimForm(claim=c, index=i, data=data))
    return NormalizedCorpus(corpus=corpus, forms=tuple(forms), entities=entities, lexicon=lex)


# --------------------------------------------------------------------------- near copies

_SHINGLE = 5
_SKETCH = 16
_MAX_BUCKET = 200


def _sketch(text: str) -> tuple[list[int], str]:
    """The :data:`_SKETCH` smallest hashes of the word 5-grams of ``text``, and its folded form.

    Tokenised without the cache: article texts are long, each is read once, and
    10,000 of them kept in the cache took 150 MB.
    """
    toks = _tokenize(text)
    if len(toks) < _SHINGLE:
        hashes = {zlib.crc32(" ".join(toks).encode())} if toks else set()
    else:
        hashes = {
            zlib.crc32(" ".join(toks[i : i + _SHINGLE]).encode())
            for i in range(len(toks) - _SHINGLE + 1)
        }
    return sorted(hashes)[:_SKETCH], " ".join(toks)


_PAIRS_PER_BATCH = 4_000_000


def _sharing_two(buckets: Iterable[list[int]], n: int) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, found together in at least two buckets of 2 to
    :data:`_MAX_BUCKET` members (each bucket ascending), sorted.

    Counted with numpy, a batch of buckets at a time: templated texts put 300k
    pairs in buckets for 10,000 articles (0.7 s as a Counter of tuples), and the
    worst case (every bucket full) is millions.
    """
    uniques: list[tuple[np.ndarray, np.ndarray]] = []
    batch: list[np.ndarray] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if batch:
            uniques.append(np.unique(np.concatenate(batch), return_counts=True))
            batch.clear()
            size = 0

    small: list[int] = []  # most buckets hold 2 or 3 articles: numpy per bucket costs more
    for members in buckets:
        m = len(members)
        if m == 2:
            small.append(members[0] * n + members[1])
        elif 2 < m <= 16:
            small.extend(a * n + b for a, b in itertools.combinations(members, 2))
        elif 16 < m <= _MAX_BUCKET:
            arr = np.asarray(members, dtype=np.int64)
            rows, cols = np.triu_indices(m, 1)
            batch.append(arr[rows] * n + arr[cols])
            size += len(rows)
        else:
            continue
        if size + len(small) >= _PAIRS_PER_BATCH:
            batch.append(np.asarray(small, dtype=np.int64))
            small.clear()
            flush()
    batch.append(np.asarray(small, dtype=np.int64))
    flush()
    if not uniques:
        return []
    keys, inverse = np.unique(np.concatenate([k for k, _ in uniques]), return_inverse=True)
    totals = np.bincount(inverse, weights=np.concatenate([c for _, c in uniques]))
    return [divmod(key, n) for key in keys[totals >= 2].tolist()]


_MAX_CENTRES = 32
_STAR_SHARED = _SKETCH // 4


def _star_unions(
    members: Sequence[int],
    sketches: Sequence[frozenset[int]],
    confirm: Callable[[int, int], bool],
) -> list[tuple[int, int]]:
    """Copies among the ``members`` of one over-full sketch bucket, without pairing them all.

    Members are taken in order; each is tried against the bucket's *centres* —
    members that matched no earlier centre — and joins the first it shares a
    quarter of its sketch with (:data:`_STAR_SHARED` hashes; copies share most,
    texts with a common footer one or two) and is confirmed a copy of; otherwise
    it becomes a centre (at most :data:`_MAX_CENTRES`; later strays are left
    alone). Copies of one story then cost one comparison each, and a footer shared
    by thousands of different texts a set intersection per member and centre.
    """
    centres: list[int] = []
    joined: list[tuple[int, int]] = []
    for i in members:
        for c in centres:
            if len(sketches[i] & sketches[c]) >= _STAR_SHARED and confirm(c, i):
                joined.append((c, i))
                break
        else:
            if len(centres) < _MAX_CENTRES:
                centres.append(i)
    return joined


def near_copy_groups(articles: Sequence[Article], threshold: float) -> tuple[tuple[str, ...], ...]:
    """Groups (≥ 2) of article ids whose texts are near-copies (syndicated wire copy).

    Candidates come from a bottom-k sketch of word 5-gram hashes: articles sharing
    at least two of their 16 smallest hashes, so the cost stays near-linear; each
    candidate pair is then confirmed with ``rapidfuzz.fuzz.ratio`` on the folded
    texts ≥ ``threshold`` (0..1). A hash shared by more than 200 articles is too
    common to pair its articles two by two: it is either boilerplate (a footer)
    or one story carried by hundreds of outlets — the case independent-source
    counting exists for — so such a bucket is clustered around a few of its
    members instead (:func:`_star_unions`).
    """
    texts: dict[str, str] = {}
    buckets: dict[int, list[int]] = defaultdict(list)
    ids: list[str] = []
    sketches: list[frozenset[int]] = []
    for art in sorted(articles, key=lambda art: art.id):
        if art.text is None or not art.text.strip():
            continue
        sketch, texts[art.id] = _sketch(art.text)
        for h in sketch:
            buckets[h].append(len(ids))
        ids.append(art.id)
        sketches.append(frozenset(sketch))
    parent = {aid: aid for aid in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # The cutoff lets rapidfuzz stop early on a clear miss (a miss scores 0); it
    # sits a hair below the threshold so that the test itself stays as written.
    cutoff = max(0.0, threshold * 100.0 - 1e-6)

    def copies(a: str, b: str) -> bool:
        return fuzz.ratio(texts[a], texts[b], score_cutoff=cutoff) / 100.0 >= threshold

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)

    for i, j in _sharing_two(buckets.values(), len(ids)):
        a, b = ids[i], ids[j]
        if find(a) != find(b) and copies(a, b):
            union(a, b)
    for h in sorted(h for h, members in buckets.items() if len(members) > _MAX_BUCKET):
        for i, j in _star_unions(buckets[h], sketches, lambda i, j: copies(ids[i], ids[j])):
            union(ids[i], ids[j])
    groups: dict[str, list[str]] = defaultdict(list)
    for aid in ids:
        groups[find(aid)].append(aid)
    return tuple(sorted(tuple(sorted(g)) for g in groups.values() if len(g) >= 2))

"""Synthetic claim corpora with an answer key, for benchmarks and scale tests.

Real corpora are small and hand-made; the engine has to be measured at 100,000
claims and scored against a known truth. This module writes such a corpus in
claim-file format v1 together with an answer key in the shape of the project's
gold key (``agreements: [{claims: [...]}]``, ``contradictions: [{claims: [a, b],
kind: ...}]``). It imports only the standard library and :mod:`claimdiff.model`
so that it can run before, and independently of, the engine it measures.

The model
---------

*Facts.* A pool of underlying facts, each ``(actor, action, object, whom, date,
quantity?, event label)``:

- actors are drawn with Zipf weights (``1/rank``) over the actor table, so the
  top actor is in about a quarter of the claims, as in real news;
- an action is a verb from a verb table (regular verbs only; some take a
  target ``whom``, some carry a quantity such as "deployed 450 troops to");
  verbs are grouped in *classes*: a verb alone, a verb with its lexicon synonym
  (mediated/brokered) or a verb with its lexicon opposite (imposed/lifted);
- the object is "the PLACE NOUN". Two facts of the same actor and verb
  *family* (classes an English lexicon may relate: praised/criticized,
  ratified/approved; see :data:`RELATED`) never share the place nor the noun;
  no two nouns look alike, and no two places except the pairs in
  :data:`LOOKALIKE_PLACES` (Gori/Goris, Linz/Lienz: different towns, one letter
  apart — real corpora have them, and a matcher must not take them for one);
- dates are uniform days over 2019-2023; the event label is unique per fact.

*Articles.* Facts are sorted by date; each article takes a window of nearby
facts and reports ``K`` of them, chosen by a heavy-tailed importance weight
(some facts are reported by a dozen articles, many by one). An article reports
a fact at most once. ``published`` is a few days after its latest fact.

*Wording of a correct report.* The actor as canonical name, alias (from
``aliases.yaml``), lower/upper case variant, accent-stripped variant
(Erdoğan → Erdogan) or a spelling that no file lists (:data:`SPELLINGS`:
"Nikol Pashinian", "Olaf Scholtz"); the verb in past, present, progressive or
perfect form ("blamed", "blames", "is blaming", "has blamed") or its lexicon
synonym, or (8 % of the reports that are not negations, verbs without a target)
in the passive, object first ("the Riga refinery was inspected", "450 troops were
deployed to the Riga base"); the object as "the Riga refinery" or "the refinery
in Riga"; ``when`` at day, month
or year granularity (ISO, unquoted ISO dates, "March 2021", "14 March 2021",
"March 14, 2021" — always containing the true date) or omitted; ``event`` and
``said_by`` on some claims. Relative time phrases are not generated.

*Deviant reports.* A share of the facts reported at least twice gets exactly
one deviant report, of one kind:

- ``negation``: ``negated: true`` or a cue in ``did`` ("did not sign",
  "has not signed", "never signed", "refused to sign");
- ``date``: the date moved back one or two years (disjoint at any granularity);
- ``number``: the quantity multiplied or divided (quantity verbs only);
- ``opposite``: the verb replaced by its lexicon opposite;
- ``actor``: another actor, same action and same ``event`` label (an actor
  none of whose own facts of that family shares the place or the noun).

*Answer key.* ``agreements``: for each fact, the correct reports when there
are two or more. ``contradictions``: the deviant report paired with every
correct report of its fact (for ``date`` only those that have a ``when``; for
``actor`` only those that carry the event label, as the contract requires).
Self-contradictions inside one article are not generated.

Output is deterministic: the same arguments give byte-identical files
(``random.Random(seed)``, no global state, no clock).
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import json
import math
import random
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from claimdiff.model import ContradictionKind
from claimdiff.text import strip_accents

GENERATOR_VERSION = 1
"""Bumped whenever the same arguments would produce different output."""

MARKER = ".claimdiff-synth"
"""File written at the corpus root; ``--force`` only deletes directories that have it."""

# --------------------------------------------------------------------------- vocabulary


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ACTORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Vladimir Putin", ("Putin", "President Putin", "Vladimir V. Putin")),
    ("Russia", ("Moscow", "Kremlin", "Russian Federation")),
    ("Volodymyr Zelenskyy", ("Zelensky", "Zelenskiy", "President Zelenskyy")),
    ("Ukraine", ("Kyiv", "Kiev", "Ukrainian government")),
    ("European Union", ("EU", "Brussels")),
    ("Recep Tayyip Erdoğan", ("Erdoğan", "President Erdoğan", "Tayyip Erdoğan")),
    ("NATO", ("North Atlantic Treaty Organization", "Atlantic alliance")),
    ("Turkey", ("Türkiye", "Ankara")),
    ("Emmanuel Macron", ("Macron", "President Macron")),
    ("Armenia", ("Yerevan", "Armenian government")),
    ("Nikol Pashinyan", ("Pashinyan", "Prime Minister Pashinyan")),
    ("Azerbaijan", ("Baku",)),
    ("Ilham Aliyev", ("Aliyev", "President Aliyev")),
    ("United Nations", ("UN", "U.N.")),
    ("António Guterres", ("Guterres", "UN Secretary-General")),
    ("Joe Biden", ("Biden", "President Biden")),
    ("United States", ("Washington", "US", "U.S.", "USA")),
    ("Olaf Scholz", ("Scholz", "Chancellor Scholz")),
    ("Germany", ("Berlin", "Federal Republic")),
    ("France", ("Paris", "Élysée Palace")),
    ("China", ("Beijing", "People's Republic of China")),
    ("Xi Jinping", ("Xi", "President Xi")),
    ("Iran", ("Tehran", "Islamic Republic")),
    ("Poland", ("Warsaw",)),
    ("Hungary", ("Budapest",)),
    ("Viktor Orbán", ("Orbán", "Prime Minister Orbán")),
    ("Georgia", ("Tbilisi",)),
    ("International Monetary Fund", ("IMF",)),
    ("World Health Organization", ("WHO", "World Health Organisation")),
    ("Red Cross", ("ICRC", "International Committee of the Red Cross")),
    ("Gazprom", ("Gazprom PJSC",)),
    ("Ursula von der Leyen", ("von der Leyen", "Commission President von der Leyen")),
    ("Kazakhstan", ("Astana",)),
    ("Kassym-Jomart Tokayev", ("Tokayev", "President Tokayev")),
)
"""Canonical name → aliases, most frequent first (Zipf rank is the position)."""

SPELLINGS: dict[str, tuple[str, ...]] = {
    "Volodymyr Zelenskyy": ("Volodymyr Zelensky", "Volodymyr Zelenskiy"),
    "Recep Tayyip Erdoğan": ("Recep Tayip Erdoğan",),
    "Emmanuel Macron": ("Emanuel Macron",),
    "Nikol Pashinyan": ("Nikol Pashinian",),
    "Ilham Aliyev": ("Ilham Aliev",),
    "António Guterres": ("António Gutteres",),
    "Olaf Scholz": ("Olaf Scholtz",),
    "Xi Jinping": ("Xi Jingping",),
    "Viktor Orbán": ("Victor Orbán",),
    "Ursula von der Leyen": ("Ursula von der Layen",),
    "Kassym-Jomart Tokayev": ("Kassym-Jomart Tokaev",),
}
"""Spellings of an actor's name that ``aliases.yaml`` does not list —
transliterations and common misspellings — so that only fuzzy matching joins
them to their actor."""

SPOKESPEOPLE: tuple[str, ...] = (
    "Dmitry Peskov",
    "Maria Zakharova",
    "Josep Borrell",
    "Stéphane Dujarric",
    "a government spokesperson",
    "an unnamed official",
    "diplomatic sources",
    "state media",
)

OUTLETS: tuple[str, ...] = (
    "Deutsche Welle",
    "Reuters",
    "Associated Press",
    "Agence France-Presse",
    "BBC News",
    "Al Jazeera",
    "Euronews",
    "The Guardian",
    "Le Monde",
    "Der Spiegel",
    "El País",
    "Corriere della Sera",
    "Politico Europe",
    "Radio Free Europe",
    "Kyiv Independent",
    "Meduza",
    "OC Media",
    "Eurasianet",
    "Hürriyet",
    "Daily Sabah",
    "Armenpress",
    "Azernews",
    "Financial Times",
    "The Economist",
    "Bloomberg",
    "Balkan Insight",
    "Notes From Poland",
    "Hungary Today",
    "Civil Georgia",
    "The Astana Times",
)

PLACES: tuple[str, ...] = _words(
    """
    Aachen Aarhus Agadir Alicante Antalya Antwerp Arad Arles Aswan Augsburg Aveiro Bari Basel
    Batumi Bergen Bilbao Bitola Bologna Bordeaux Braga Bremen Brno Burgas Bursa Cadiz Cagliari
    Calais Cluj Coimbra Constanta Cork Craiova Daugavpils Debrecen Dnipro Dortmund Dresden
    Dubrovnik Durres Eger Erfurt Esbjerg Faro Florina Gabala Galway Gdansk Genoa Ghent Girona
    Gyumri Gori Granada Graz Halle Hamburg Heraklion Iasi Innsbruck Izmir Jelgava Kalmar Kaunas
    Kharkiv Kherson Kiel Klaipeda Kosice Krakow Kutaisi Larissa Leipzig Leuven Liepaja Lille
    Limerick Linz Livorno Lodz Lublin Lugano Lviv Lyon Maastricht Malmo Mannheim Maribor
    Marseille Messina Mostar Munich Murcia Mykolaiv Nantes Naples Narva Odesa Ohrid Oradea
    Orebro Oulu Padua Palermo Parma Patras Pecs Perugia Piraeus Pisa Plovdiv Plzen Porto Poznan
    Pula Rennes Rijeka Rostock Rotterdam Rouen Ruse Salzburg Samsun Santander Shkoder Sibiu
    Siena Szeged Tallinn Tampere Tartu Thessaloniki Timisoara Toulouse Trabzon Trieste Turin
    Turku Umea Uppsala Utrecht Valencia Varna Verona Vigo Vilnius Vitebsk Zadar Zagreb Zaragoza
    Zhytomyr Zurich Ganja Lankaran Sheki Shusha Vanadzor Dilijan Sevan Gavar Aktau Atyrau
    Shymkent Karaganda Pavlodar Tabriz Shiraz Isfahan Mashhad Adana Konya Kayseri Erzurum Sochi
    Kazan Samara Omsk Perm Tver Kursk Belgorod Bryansk Voronezh Krasnodar Murmansk Sumy Poltava
    Chernihiv Vinnytsia Rivne Lutsk Uzhhorod Kramatorsk Zaporizhzhia Mariupol Torun Olomouc
    Kotor Sopot Hvar Bled Ptuj Tulcea Galati Brasov Sintra Evora Ronda Cuenca Soria Ourense
    Bergamo Lucerne Ostrava Goris Lienz
    """
)
"""Single-word place names; none is an actor or an alias; no two look alike except
the pairs of :data:`LOOKALIKE_PLACES`."""

LOOKALIKE_PLACES: tuple[tuple[str, str], ...] = (("Gori", "Goris"), ("Linz", "Lienz"))
"""Different towns whose names are one letter apart (Gori in Georgia, Goris in
Armenia; Linz and Lienz in Austria)."""

NOUNS: tuple[str, ...] = _words(
    """
    pipeline ceasefire referendum embargo blockade summit tribunal inquiry census budget loan
    subsidy levy moratorium amnesty curfew cordon airlift convoy corridor bridge tunnel highway
    railway seaport harbour airport airbase garrison checkpoint stadium hospital university
    museum cathedral monastery reservoir dam canal levee refinery smelter shipyard factory mine
    quarry oilfield gasfield depot warehouse granary mill brewery vineyard orchard wetland
    observatory laboratory reactor substation powerline windfarm cable satellite radar
    telescope library archive agency ombudsman charter constitution treaty accord pact protocol
    memorandum convention covenant declaration ordinance decree statute amendment directive
    petition ultimatum roadmap blueprint framework doctrine initiative programme scholarship
    lottery auction tender privatisation merger consortium monopoly franchise licence patent
    quota stockpile arsenal exercise parade festival exhibition expo congress conference forum
    symposium hearing audit probe survey ballot runoff recount coalition militia battalion
    fleet flotilla squadron peacekeepers embassy consulate hotline dialogue cistern truce
    armistice pullout mobilisation overhaul crackdown raid walkout rally vigil quarantine
    lockdown vaccine clinic camp hydrofoil ferry icebreaker tramway metro aqueduct lighthouse
    fortress embankment marina pier silo foundry tannery kiln barracks outpost bunker hangar
    runway greenhouse dairy hatchery pavilion theatre opera zoo aquarium
    """
)
"""Object nouns, no two alike: different objects share no content word."""

EVENT_WORDS: tuple[str, ...] = ("dispute", "crisis", "talks", "affair", "row", "standoff")


@dataclass(frozen=True)
class Verb:
    """One action with every form the generator writes."""

    base: str
    past: str
    present: str
    ing: str
    complement: str = ""
    """Words between the verb and the object: "for", "sanctions on", "{q} troops to"."""
    takes_whom: bool = False
    quantity: bool = False


def _v(base: str, past: str, present: str, ing: str, complement: str = "", **kw: bool) -> Verb:
    return Verb(base, past, present, ing, complement, **kw)


OPPOSITE_CLASSES: tuple[tuple[Verb, Verb], ...] = (
    (_v("sign", "signed", "signs", "signing"), _v("reject", "rejected", "rejects", "rejecting")),
    (
        _v("support", "supported", "supports", "supporting"),
        _v("oppose", "opposed", "opposes", "opposing"),
    ),
    (
        _v("approve", "approved", "approves", "approving"),
        _v("veto", "vetoed", "vetoes", "vetoing"),
    ),
    (_v("open", "opened", "opens", "opening"), _v("close", "closed", "closes", "closing")),
    (
        _v("impose", "imposed", "imposes", "imposing", "sanctions on"),
        _v("lift", "lifted", "lifts", "lifting", "sanctions on"),
    ),
    (
        _v("accept", "accepted", "accepts", "accepting"),
        _v("decline", "declined", "declines", "declining"),
    ),
    (
        _v("welcome", "welcomed", "welcomes", "welcoming"),
        _v("condemn", "condemned", "condemns", "condemning"),
    ),
    (
        _v("expand", "expanded", "expands", "expanding"),
        _v("reduce", "reduced", "reduces", "reducing"),
    ),
    (
        _v("raise", "raised", "raises", "raising", "tariffs on"),
        _v("lower", "lowered", "lowers", "lowering", "tariffs on"),
    ),
    (
        _v("resume", "resumed", "resumes", "resuming"),
        _v("suspend", "suspended", "suspends", "suspending"),
    ),
)
"""Verb pairs written to ``lexicon.yaml`` as opposites (past forms)."""

SYNONYM_CLASSES: tuple[tuple[Verb, Verb], ...] = (
    (
        _v("mediate", "mediated", "mediates", "mediating", "talks on"),
        _v("broker", "brokered", "brokers", "brokering", "talks on"),
    ),
    (_v("fund", "funded", "funds", "funding"), _v("finance", "financed", "finances", "financing")),
    (
        _v("postpone", "postponed", "postpones", "postponing"),
        _v("delay", "delayed", "delays", "delaying"),
    ),
)
"""Verb pairs written to ``lexicon.yaml`` as synonyms; reports use either."""

SINGLE_VERBS: tuple[Verb, ...] = (
    _v("blame", "blamed", "blames", "blaming", "for", takes_whom=True),
    _v("praise", "praised", "praises", "praising", "for", takes_whom=True),
    _v("thank", "thanked", "thanks", "thanking", "for", takes_whom=True),
    _v("warn", "warned", "warns", "warning", "about", takes_whom=True),
    _v("criticize", "criticized", "criticizes", "criticizing", "over", takes_whom=True),
    _v("announce", "announced", "announces", "announcing"),
    _v("launch", "launched", "launches", "launching"),
    _v("investigate", "investigated", "investigates", "investigating"),
    _v("negotiate", "negotiated", "negotiates", "negotiating"),
    _v("propose", "proposed", "proposes", "proposing"),
    _v("request", "requested", "requests", "requesting"),
    _v("demand", "demanded", "demands", "demanding"),
    _v("inspect", "inspected", "inspects", "inspecting"),
    _v("host", "hosted", "hosts", "hosting"),
    _v("visit", "visited", "visits", "visiting"),
    _v("monitor", "monitored", "monitors", "monitoring"),
    _v("discuss", "discussed", "discusses", "discussing"),
    _v("defend", "defended", "defends", "defending"),
    _v("ratify", "ratified", "ratifies", "ratifying"),
    _v("restore", "restored", "restores", "restoring"),
    _v("block", "blocked", "blocks", "blocking"),
    _v("deploy", "deployed", "deploys", "deploying", "{q} troops to", quantity=True),
    _v("pledge", "pledged", "pledges", "pledging", "{q} million euros for", quantity=True),
    _v("detain", "detained", "detains", "detaining", "{q} people at", quantity=True),
    _v("evacuate", "evacuated", "evacuates", "evacuating", "{q} civilians from", quantity=True),
    _v("deliver", "delivered", "delivers", "delivering", "{q} tonnes of grain to", quantity=True),
    _v(
        "allocate", "allocated", "allocates", "allocating", "{q} million dollars for", quantity=True
    ),
    _v("release", "released", "releases", "releasing", "{q} prisoners from", quantity=True),
)

VERB_CLASSES: tuple[tuple[Verb, ...], ...] = (
    *OPPOSITE_CLASSES,
    *SYNONYM_CLASSES,
    *((v,) for v in SINGLE_VERBS),
)
"""Facts of one actor within one class share no place and no noun."""

RELATED: tuple[tuple[str, ...], ...] = (
    ("praise", "criticize", "welcome", "blame", "thank", "warn"),
    ("sign", "approve", "ratify", "accept", "support", "block"),
    ("raise", "expand"),
    ("open", "resume", "launch", "postpone"),
    ("deploy", "deliver"),
    ("detain", "release"),
    ("pledge", "allocate", "fund"),
    ("announce", "propose"),
    ("request", "demand"),
    ("investigate", "inspect", "monitor"),
    ("host", "visit"),
    ("discuss", "negotiate", "mediate"),
)
"""Verb classes (named by a base verb of theirs) that one *family* joins.

An English lexicon may call verbs of different classes synonyms (ratified /
approved) or opposites (praised / criticized); facts of one actor in one family
therefore share no place and no noun either, or the key would call "the same
thing" two facts that a reasonable engine may rightly link.
"""


def _families() -> tuple[int, ...]:
    family_of_base = {base: i for i, group in enumerate(RELATED) for base in group}
    out: list[int] = []
    for verbs in VERB_CLASSES:
        found = {family_of_base[v.base] for v in verbs if v.base in family_of_base}
        if len(found) > 1:
            raise AssertionError(f"verb class {verbs[0].base} is in two families")
        out.append(found.pop() if found else len(RELATED) + len(out))
    return tuple(out)


FAMILY: tuple[int, ...] = _families()
"""Family of each verb class (index into :data:`VERB_CLASSES`)."""

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

TIMELINE_START = dt.date(2019, 1, 1)
TIMELINE_DAYS = (dt.date(2023, 12, 31) - TIMELINE_START).days + 1

# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class SynthConfig:
    """Everything that determines the output; equal configs give byte-identical corpora."""

    articles: int
    claims_per_article: int = 10
    seed: int = 0
    per_dir: int = 100
    """Claim files per subdirectory."""
    texts: bool = False
    """Also write a small article text per article, and quotes that are spans of it."""
    reports_per_fact: float = 8.0
    """Mean number of reports per fact in the pool (the pool size is claims / this)."""
    deviant_rate: float = 0.2
    """Share of facts reported at least twice that get one deviant (contradicting) report."""

    def __post_init__(self) -> None:
        if self.articles < 1 or self.claims_per_article < 1 or self.per_dir < 1:
            raise ValueError("articles, claims_per_article and per_dir must be positive")
        if self.reports_per_fact < 1:
            raise ValueError("reports_per_fact must be at least 1")
        if not 0 <= self.deviant_rate <= 1:
            raise ValueError("deviant_rate must be between 0 and 1")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Fact:
    """One underlying real-world fact of the pool."""

    index: int
    actor: int
    """Index into :data:`ACTORS`."""
    verb_class: int
    """Index into :data:`VERB_CLASSES`; the fact's verb is the class's first verb."""
    place: str
    noun: str
    whom: int | None
    date: dt.date
    quantity: int | None
    event: str
    importance: float
    side: int = 0
    """Which verb of its class the fact uses (opposite classes use both sides)."""

    @property
    def verb(self) -> Verb:
        return VERB_CLASSES[self.verb_class][self.side]


@dataclass(frozen=True)
class AnswerKey:
    """The truth about a generated corpus, in the shape of the project's gold key."""

    agreements: tuple[tuple[str, ...], ...]
    """Each group: refs (sorted) of claims stating the same fact; groups sorted."""
    contradictions: tuple[tuple[str, str, str], ...]
    """``(a, b, kind)`` with ``a < b``; sorted."""

    def to_yaml(self, header: str = "") -> str:
        out: list[str] = []
        if header:
            out.extend(f"# {line}".rstrip() for line in header.splitlines())
        out.append("agreements:")
        out.extend(
            f"  - claims: {json.dumps(list(g), ensure_ascii=False)}" for g in self.agreements
        )
        if not self.agreements:
            out[-1] += " []"
        out.append("contradictions:")
        for a, b, kind in self.contradictions:
            out.append(f"  - claims: {json.dumps([a, b], ensure_ascii=False)}")
            out.append(f"    kind: {kind}")
        if not self.contradictions:
            out[-1] += " []"
        return "\n".join(out) + "\n"


@dataclass(frozen=True)
class SynthCorpus:
    """A generated corpus in memory: files (relative path → text) and its answer key."""

    config: SynthConfig
    files: tuple[tuple[str, str], ...]
    key: AnswerKey
    facts: tuple[Fact, ...]
    claims: int
    stats: tuple[tuple[str, int], ...] = field(default=())
    """Counts by feature (deviant kinds, wordings), for documentation and tests."""

    def key_yaml(self) -> str:
        c = self.config
        header = (
            f"claimdiff synthetic answer key (generator v{GENERATOR_VERSION})\n"
            f"articles={c.articles} claims_per_article={c.claims_per_article} seed={c.seed} "
            f"reports_per_fact={c.reports_per_fact} deviant_rate={c.deviant_rate}\n"
            f"claims={self.claims} agreements={len(self.key.agreements)} "
            f"contradictions={len(self.key.contradictions)}"
        )
        return self.key.to_yaml(header)


# --------------------------------------------------------------------------- YAML writing

_PLAIN = re.compile(r"[^\W\d_][\w .'\-]*", re.UNICODE)
_YAML_WORDS = frozenset(_words("y n yes no true false on off null"))
"""YAML 1.1 booleans and null (compared lower-cased): never written plain."""


def _scalar(text: str) -> str:
    """A YAML scalar for ``text``: plain when that is unambiguous, else double-quoted."""
    if _PLAIN.fullmatch(text) and not text.endswith((" ", ".")) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", strip_accents(text).lower()).strip("-")


# --------------------------------------------------------------------------- generation


@dataclass
class _Report:
    """One claim being built: which fact, which article, and how it deviates."""

    fact: int
    article: int
    deviant: str | None = None
    has_when: bool = True
    has_event: bool = False
    swap_actor: int | None = None
    claim_id: str = ""


@dataclass
class _Article:
    index: int
    facts: list[int]
    published: dt.date = TIMELINE_START
    outlet: str = ""
    id: str = ""
    reports: list[_Report] = field(default_factory=list)


class _Generator:
    def __init__(self, config: SynthConfig) -> None:
        self.c = config
        self.rng = random.Random(config.seed)
        n_actors = len(ACTORS)
        self.actor_cum = list(_cumulative([1.0 / (r + 1) for r in range(n_actors)]))
        self.stats: dict[str, int] = {}
        self.used: dict[tuple[int, int], set[str]] = {}
        """Places and nouns taken per (actor, family), by facts and by actor swaps."""

    def count(self, name: str) -> None:
        self.stats[name] = self.stats.get(name, 0) + 1

    def zipf_actor(self, exclude: int | None = None) -> int:
        while True:
            a = self.rng.choices(range(len(ACTORS)), cum_weights=self.actor_cum)[0]
            if a != exclude:
                return a

    # ---------------------------------------------------------------- facts

    def make_facts(self) -> list[Fact]:
        rng = self.rng
        total = self.c.articles * self.c.claims_per_article
        n_facts = max(2 * self.c.claims_per_article, round(total / self.c.reports_per_fact))
        pools: dict[tuple[int, int], tuple[list[str], list[str]]] = {}
        full: set[tuple[int, int]] = set()
        events: set[str] = set()
        raw: list[tuple[dt.date, int, int, str, str, int | None, int | None, str, float, int]] = []
        for _ in range(n_facts):
            actor, vclass = self._free_slot(full)
            key = (actor, FAMILY[vclass])
            if key not in pools:
                pools[key] = (rng.sample(PLACES, len(PLACES)), rng.sample(NOUNS, len(NOUNS)))
            places, nouns = pools[key]
            place, noun = places.pop(), nouns.pop()
            if not places or not nouns:
                full.add(key)
            self.used.setdefault(key, set()).update((place, noun))
            side = rng.randrange(2) if vclass < len(OPPOSITE_CLASSES) else 0
            verb = VERB_CLASSES[vclass][side]
            whom = (
                self.zipf_actor(exclude=actor) if verb.takes_whom or rng.random() < 0.25 else None
            )
            date = TIMELINE_START + dt.timedelta(days=rng.randrange(TIMELINE_DAYS))
            quantity = _quantity(rng) if verb.quantity else None
            event = f"{place} {noun} {rng.choice(EVENT_WORDS)}"
            suffix = 2
            base_event = event
            while event in events:
                event = f"{base_event} {suffix}"
                suffix += 1
            events.add(event)
            importance = rng.paretovariate(1.2)
            raw.append((date, actor, vclass, place, noun, whom, quantity, event, importance, side))
        raw.sort(key=lambda r: r[0])  # stable: equal dates keep creation order
        return [
            Fact(i, a, vc, p, n, w, d, q, e, imp, side)
            for i, (d, a, vc, p, n, w, q, e, imp, side) in enumerate(raw)
        ]

    def _free_slot(self, full: set[tuple[int, int]]) -> tuple[int, int]:
        """An actor and verb class whose (actor, family) still has unused places and nouns.

        When an actor's families are all used up (beyond ~150k claims at the
        defaults) another actor is drawn: the Zipf curve flattens at the top
        rather than facts becoming indistinct.
        """
        for _ in range(1000):
            actor = self.zipf_actor()
            vclass = self.rng.randrange(len(VERB_CLASSES))
            if (actor, FAMILY[vclass]) not in full:
                return actor, vclass
            free = [v for v in range(len(VERB_CLASSES)) if (actor, FAMILY[v]) not in full]
            if free:
                return actor, self.rng.choice(free)
        raise ValueError("corpus too large for the vocabulary: facts would no longer be distinct")

    # ---------------------------------------------------------------- articles

    def make_articles(self, facts: list[Fact]) -> list[_Article]:
        rng = self.rng
        k = self.c.claims_per_article
        width = min(len(facts), max(4 * k, 40))
        articles: list[_Article] = []
        for i in range(self.c.articles):
            start = rng.randrange(len(facts) - width + 1)
            window = range(start, start + width)
            # Efraimidis-Spirakis weighted sampling without replacement.
            chosen = heapq.nlargest(
                k, window, key=lambda f: rng.random() ** (1.0 / facts[f].importance)
            )
            chosen.sort()
            art = _Article(i, chosen)
            latest = max(facts[f].date for f in chosen)
            art.published = latest + dt.timedelta(days=rng.randrange(4))
            art.outlet = OUTLETS[rng.randrange(len(OUTLETS))]
            art.id = f"{_slug(art.outlet)}-{i + 1:06d}"
            articles.append(art)
        return articles

    # ---------------------------------------------------------------- deviants

    def assign_reports(self, facts: list[Fact], articles: list[_Article]) -> list[list[_Report]]:
        rng = self.rng
        by_fact: list[list[_Report]] = [[] for _ in facts]
        for art in articles:
            for f in art.facts:
                rep = _Report(f, art.index)
                rep.has_when = rng.random() >= 0.12
                rep.has_event = rng.random() < 0.4
                art.reports.append(rep)
                by_fact[f].append(rep)
        for fact, reports in zip(facts, by_fact, strict=True):
            if len(reports) < 2 or rng.random() >= self.c.deviant_rate:
                continue
            kinds = [ContradictionKind.NEGATION.value] * 4 + [ContradictionKind.DATE.value] * 3
            if fact.verb.quantity:
                kinds += [ContradictionKind.NUMBER.value] * 6
            if fact.verb_class < len(OPPOSITE_CLASSES):
                kinds += [ContradictionKind.OPPOSITE.value] * 6
            kinds += [ContradictionKind.ACTOR.value]
            kind = rng.choice(kinds)
            swap = None
            if kind == ContradictionKind.ACTOR.value:
                swap = self._swap_actor(fact)
                if swap is None:
                    kind = ContradictionKind.NEGATION.value
            dev = rng.choice(reports)
            dev.swap_actor = swap
            dev.deviant = kind
            others = [r for r in reports if r is not dev]
            if kind == ContradictionKind.DATE.value:
                dev.has_when = True
                if not any(r.has_when for r in others):
                    rng.choice(others).has_when = True
            if kind == ContradictionKind.ACTOR.value:
                dev.has_event = True
                if not any(r.has_event for r in others):
                    rng.choice(others).has_event = True
            self.count(f"deviant:{kind}")
        return by_fact

    def _swap_actor(self, fact: Fact) -> int | None:
        """Another actor for an ``actor`` contradiction, or ``None`` when none fits.

        The swapped claim must not look like one of the new actor's own facts
        (same family, same place or noun), or it would contradict that fact too.
        """
        family = FAMILY[fact.verb_class]
        for _ in range(50):
            actor = self.zipf_actor(exclude=fact.actor)
            used = self.used.setdefault((actor, family), set())
            if actor != fact.whom and fact.place not in used and fact.noun not in used:
                used.update((fact.place, fact.noun))
                return actor
        return None

    # ---------------------------------------------------------------- wording

    def actor_surface(self, actor: int) -> str:
        rng = self.rng
        canonical, aliases = ACTORS[actor]
        forms = (canonical, *aliases)
        r = rng.random()
        spellings = SPELLINGS.get(canonical, ())
        if spellings and r < 0.06:
            self.count("who:spelling")
            return rng.choice(spellings)
        if r < 0.5 or not aliases:
            name = canonical
            self.count("who:canonical")
        else:
            name = rng.choice(aliases)
            self.count("who:alias")
        r = rng.random()
        if r < 0.06 and strip_accents(name) != name and strip_accents(name) not in forms:
            self.count("who:accent-stripped")
            return strip_accents(name)
        if r < 0.12:
            self.count("who:case")
            return name.lower() if rng.random() < 0.5 else name.upper()
        return name

    def verb_phrase(self, fact: Fact, rep: _Report) -> tuple[str, bool]:
        """The ``did`` text and whether ``negated: true`` must be written."""
        rng = self.rng
        verbs = VERB_CLASSES[fact.verb_class]
        verb = fact.verb
        if rep.deviant == ContradictionKind.OPPOSITE.value:
            verb = verbs[1 - fact.side]
        elif fact.verb_class >= len(OPPOSITE_CLASSES) and len(verbs) == 2 and rng.random() < 0.3:
            verb = verbs[1]
            self.count("did:synonym")
        quantity = fact.quantity
        if rep.deviant == ContradictionKind.NUMBER.value and quantity is not None:
            quantity = _wrong_quantity(rng, quantity)
        complement = verb.complement.replace("{q}", str(quantity))
        if rng.random() < 0.5:
            obj = f"the {fact.place} {fact.noun}"
        else:
            obj = f"the {fact.noun} in {fact.place}"
            self.count("did:word-order")
        negated = False
        if rep.deviant == ContradictionKind.NEGATION.value and rng.random() < 0.4:
            cue = rng.randrange(4)
            head = (
                f"did not {verb.base}",
                f"has not {verb.past}",
                f"never {verb.past}",
                f"refused to {verb.base}",
            )[cue]
            self.count("did:negation-cue")
        else:
            negated = rep.deviant == ContradictionKind.NEGATION.value
            if not negated and not verb.takes_whom and rng.random() < 0.08:
                self.count("did:passive")
                if not complement:
                    return f"{obj} was {verb.past}", False
                things, preposition = complement.rsplit(" ", 1)
                return f"{things} were {verb.past} {preposition} {obj}", False
            form = rng.choices(range(4), weights=(55, 20, 15, 10))[0]
            head = (verb.past, verb.present, f"is {verb.ing}", f"has {verb.past}")[form]
            self.count(f"did:tense{form}")
        parts = [head, complement, obj] if complement else [head, obj]
        return " ".join(parts), negated

    def when_text(self, date: dt.date) -> str:
        rng = self.rng
        g = rng.randrange(7)
        self.count(f"when:{g}")
        month = MONTHS[date.month - 1]
        return (
            date.isoformat(),  # unquoted: YAML types it as a date
            json.dumps(date.isoformat()),
            f"{date.year}-{date.month:02d}",
            json.dumps(str(date.year)),
            f"{month} {date.year}",
            f"{date.day} {month} {date.year}",
            json.dumps(f"{month} {date.day}, {date.year}"),
        )[g]

    # ---------------------------------------------------------------- output

    def render_article(
        self, art: _Article, facts: list[Fact], rel_path: str
    ) -> tuple[str, str | None]:
        rng = self.rng
        lines: list[str] = []
        sentences: list[str] = []
        claim_lines: list[str] = []
        used_ids: set[str] = set()
        title = ""
        for rep in art.reports:
            fact = facts[rep.fact]
            actor = fact.actor if rep.swap_actor is None else rep.swap_actor
            who = self.actor_surface(actor)
            did, negated = self.verb_phrase(fact, rep)
            # Ids are per article, as curators write them; they must not leak the key.
            cid = f"c{len(used_ids) + 1}-{_slug(fact.noun)}"
            used_ids.add(cid)
            rep.claim_id = cid
            claim_lines.append(f"  - id: {cid}")
            claim_lines.append(f"    who: {_scalar(who)}")
            claim_lines.append(f"    did: {_scalar(did)}")
            whom = None
            if fact.whom is not None:
                whom = self.actor_surface(fact.whom)
                claim_lines.append(f"    whom: {_scalar(whom)}")
            if rep.has_when:
                date = fact.date
                if rep.deviant == ContradictionKind.DATE.value:
                    date = _shift_years(date, -rng.choice((1, 2)))
                claim_lines.append(f"    when: {self.when_text(date)}")
            if negated:
                claim_lines.append("    negated: true")
            if rng.random() < 0.15:
                claim_lines.append(f"    said_by: {_scalar(rng.choice(SPOKESPEOPLE))}")
            if rep.has_event:
                claim_lines.append(f"    event: {_scalar(fact.event)}")
            sentence = f"{who} {did}"
            if self.c.texts:
                sentences.append(sentence + (f", involving {whom}." if whom else "."))
                if rng.random() < 0.3:
                    claim_lines.append(f"    quote: {_scalar(sentence)}")
            if not title:
                title = sentence[0].upper() + sentence[1:]
        lines.append("article:")
        lines.append(f"  id: {art.id}")
        lines.append(f"  title: {_scalar(title)}")
        lines.append(f"  outlet: {_scalar(art.outlet)}")
        lines.append(f"  published: {art.published.isoformat()}")
        text = None
        if self.c.texts:
            text_name = rel_path.rsplit("/", 1)[-1].rsplit(".", 1)[0] + ".txt"
            lines.append(f"  text: {_scalar('texts/' + text_name)}")
            text = title + "\n\n" + " ".join(sentences) + "\n"
        lines.append("claims:")
        lines.extend(claim_lines)
        return "\n".join(lines) + "\n", text


def generate(config: SynthConfig) -> SynthCorpus:
    """Build a corpus and its answer key in memory (deterministic in ``config``)."""
    gen = _Generator(config)
    facts = gen.make_facts()
    articles = gen.make_articles(facts)
    by_fact = gen.assign_reports(facts, articles)
    files: list[tuple[str, str]] = [
        ("aliases.yaml", aliases_yaml()),
        ("lexicon.yaml", lexicon_yaml()),
    ]
    digits = max(3, len(str((config.articles - 1) // config.per_dir)))
    for art in articles:
        folder = f"{art.index // config.per_dir:0{digits}d}"
        rel = f"{folder}/{art.id}.yaml"
        body, text = gen.render_article(art, facts, rel)
        files.append((rel, body))
        if text is not None:
            files.append((f"{folder}/texts/{art.id}.txt", text))
    refs = {
        id(rep): f"{articles[rep.article].id}#{rep.claim_id}" for reps in by_fact for rep in reps
    }
    agreements: list[tuple[str, ...]] = []
    contradictions: list[tuple[str, str, str]] = []
    for reports in by_fact:
        correct = [r for r in reports if r.deviant is None]
        if len(correct) >= 2:
            agreements.append(tuple(sorted(refs[id(r)] for r in correct)))
        for dev in reports:
            if dev.deviant is None:
                continue
            for r in correct:
                if dev.deviant == ContradictionKind.DATE.value and not r.has_when:
                    continue
                if dev.deviant == ContradictionKind.ACTOR.value and not r.has_event:
                    continue
                a, b = sorted((refs[id(dev)], refs[id(r)]))
                contradictions.append((a, b, dev.deviant))
    key = AnswerKey(tuple(sorted(agreements)), tuple(sorted(contradictions)))
    return SynthCorpus(
        config=config,
        files=tuple(files),
        key=key,
        facts=tuple(facts),
        claims=config.articles * config.claims_per_article,
        stats=tuple(sorted(gen.stats.items())),
    )


def aliases_yaml() -> str:
    lines = ["# Actors of the synthetic corpus: canonical name -> aliases."]
    for canonical, aliases in ACTORS:
        items = ", ".join(_scalar(a) for a in aliases)
        lines.append(f"{_scalar(canonical)}: [{items}]")
    return "\n".join(lines) + "\n"


def lexicon_yaml() -> str:
    lines = ["synonyms:"]
    lines.extend(f"  - [{a.past}, {b.past}]" for a, b in SYNONYM_CLASSES)
    lines.append("opposites:")
    lines.extend(f"  - [{a.past}, {b.past}]" for a, b in OPPOSITE_CLASSES)
    return "\n".join(lines) + "\n"


def write_corpus(
    corpus: SynthCorpus, out: Path, key_path: Path | None = None, *, force: bool = False
) -> Path:
    """Write the corpus under ``out`` and the key outside it; returns the key's path.

    ``out`` must be empty or missing; with ``force`` a previous synthetic corpus
    (recognised by its marker file) is replaced. Nothing else is ever deleted.
    """
    out = Path(out)
    key_path = Path(key_path) if key_path is not None else out.parent / "answer_key.yaml"
    if key_path.resolve().is_relative_to(out.resolve()):
        raise ValueError(f"the answer key must be outside the corpus: {key_path}")
    if out.exists() and any(out.iterdir()):
        if not (force and (out / MARKER).is_file()):
            hint = "" if (out / MARKER).is_file() else " (and it is not a synthetic corpus)"
            raise FileExistsError(f"{out} is not empty{hint}; use --force to replace it")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    made: set[Path] = set()
    for rel, text in corpus.files:
        path = out / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(text.encode("utf-8"))
    (out / MARKER).write_text(f"claimdiff synth v{GENERATOR_VERSION}\n", encoding="utf-8")
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(corpus.key_yaml().encode("utf-8"))
    return key_path


# --------------------------------------------------------------------------- helpers


def _cumulative(weights: Sequence[float]) -> list[float]:
    total = 0.0
    out: list[float] = []
    for w in weights:
        total += w
        out.append(total)
    return out


def _quantity(rng: random.Random) -> int:
    """A plausible count: 2..950, log-uniform, rounded like reporters round."""
    q = math.exp(rng.uniform(math.log(2), math.log(950)))
    if q >= 100:
        return int(round(q, -1))
    return max(2, round(q))


def _wrong_quantity(rng: random.Random, q: int) -> int:
    """A quantity clearly different from ``q`` (at least 40% off)."""
    factor = rng.choice((0.5, 2.0, 3.0, 1.5))
    wrong = max(1, round(q * factor))
    if abs(wrong - q) < 0.4 * q:
        wrong = q * 2
    return wrong


def _shift_years(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m claimdiff.synth",
        description="Write a synthetic claim corpus (format v1) and its answer key.",
    )
    parser.add_argument("--articles", type=int, required=True, help="number of claim files")
    parser.add_argument("--claims-per-article", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="corpus directory to create")
    parser.add_argument(
        "--key", type=Path, help="answer key path (default: OUT/../answer_key.yaml)"
    )
    parser.add_argument("--per-dir", type=int, default=100, help="claim files per subdirectory")
    parser.add_argument("--texts", action="store_true", help="write article texts and quotes")
    parser.add_argument("--force", action="store_true", help="replace a previous synthetic corpus")
    args = parser.parse_args(argv)
    try:
        config = SynthConfig(
            articles=args.articles,
            claims_per_article=args.claims_per_article,
            seed=args.seed,
            per_dir=args.per_dir,
            texts=args.texts,
        )
        corpus = generate(config)
        key_path = write_corpus(corpus, args.out, args.key, force=args.force)
    except (ValueError, OSError) as exc:
        print(f"claimdiff.synth: error: {exc}", file=sys.stderr)
        return 1
    print(
        f"wrote {config.articles} articles, {corpus.claims} claims to {args.out}; "
        f"key {key_path}: {len(corpus.key.agreements)} agreements, "
        f"{len(corpus.key.contradictions)} contradictions"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

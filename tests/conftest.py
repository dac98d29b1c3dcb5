"""Shared fixtures: a small, realistic, hand-made :class:`Report`.

The report is built from model types only, so exporters and renderers can be
tested without the comparison engine. It has four articles (one undated), every
statement status, every contradiction kind including a self-contradiction,
hedged claims, quotes, resolved and unresolved times, and one hostile article
whose fields try formula injection, HTML/script injection, Markdown table
breaking, Rich markup and terminal escapes.
"""

from __future__ import annotations

import datetime as dt

import pytest

from claimdiff.model import (
    Agreement,
    Article,
    Claim,
    Contradiction,
    ContradictionKind,
    Corpus,
    Evidence,
    Interval,
    Location,
    Report,
    Statement,
    Status,
    TimeSpec,
)

SCRIPT = "<script>window.__pwned=1;alert(1)</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
FORMULA = '=HYPERLINK("http://evil.example/x","click")'
SQL = '"; DROP TABLE claims; --'
RICH_BOLD = "[bold]x[/bold]"
RICH_LINK = "[link=http://evil]x[/link]"
ANSI = "\x1b[31mRED"
BIDI = "\u202egnp.exe"
NON_ASCII = "Ереван — Zürich 東京 «ок»"

HOSTILE_STRINGS = (SCRIPT, IMG, FORMULA, SQL, RICH_BOLD, RICH_LINK, ANSI, BIDI, NON_ASCII)
"""Every hostile value the fixture plants somewhere in the evil article."""


def day(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def iv(start: str, end: str | None = None) -> Interval:
    return Interval(day(start), day(end or start))


def ts(text: str, start: str | None = None, end: str | None = None, how: str = "") -> TimeSpec:
    return TimeSpec(text, iv(start, end) if start else None, how)


def _claim(article: str, cid: str, line: int, **kw: object) -> Claim:
    who = kw.pop("who")
    return Claim(
        article_id=article,
        id=cid,
        who=who if isinstance(who, tuple) else (str(who),),
        loc=Location(f"claims/{article}.yaml", line, 5),
        **kw,  # type: ignore[arg-type]
    )


def _article(aid: str, title: str, claims: list[Claim], **kw: object) -> Article:
    return Article(
        id=aid,
        title=title,
        source=f"claims/{aid}.yaml",
        loc=Location(f"claims/{aid}.yaml", 1, 1),
        claims=tuple(claims),
        **kw,  # type: ignore[arg-type]
    )


DW = "dw-russia-armenia"
RT = "reuters-talks"
TASS = "tass-talks"
EVIL = "evil-blog"


def build_report() -> Report:
    dw_claims = [
        _claim(
            DW,
            "blames-armenia",
            10,
            who="Russian Foreign Ministry",
            did="blamed for the collapse of peace talks",
            whom=("Armenia",),
            when=ts("2023-01", "2023-01-01", "2023-01-31"),
            said_by=("Maria Zakharova",),
            quote="Russia blames its ally Armenia for the collapse of peace talks",
        ),
        _claim(
            DW,
            "armenia-freezes-csto",
            20,
            who="Armenia",
            did="froze its participation in the CSTO",
            when=ts("last week", "2023-01-02", "2023-01-08", "relative to published"),
            quote="Yerevan has frozen its participation in the Russia-led bloc",
        ),
        _claim(
            DW,
            "talks-december",
            30,
            who="Russia",
            did="hosted peace talks",
            whom=("Armenia", "Azerbaijan"),
            event="Moscow talks",
            when=ts("last December", "2022-12-01", "2022-12-31", "relative to published"),
            quote="talks hosted in Moscow last December",
        ),
        _claim(
            DW,
            "troops-1000",
            40,
            who="Russia",
            did="deployed 1000 peacekeepers",
            where="Nagorno-Karabakh",
            quote="about 1,000 Russian peacekeepers",
        ),
        _claim(
            DW,
            "troops-3000",
            50,
            who="Russia",
            did="deployed 3000 peacekeepers",
            where="Nagorno-Karabakh",
            quote="some 3,000 troops",
            note="the article contradicts itself",
        ),
        _claim(
            DW,
            "ceasefire",
            60,
            who="Russia",
            did="brokered the ceasefire",
            event="2020 ceasefire",
            when=ts("November 2020", "2020-11-01", "2020-11-30"),
        ),
    ]
    rt_claims = [
        _claim(
            RT,
            "russia-blames",
            8,
            who="Russia",
            did="blamed for the failed talks",
            whom=("Armenia",),
            when=ts("2023-01-09", "2023-01-09"),
            quote="Moscow blamed Yerevan for the failed talks",
        ),
        _claim(
            RT,
            "armenia-stays-csto",
            16,
            who="Armenia",
            did="froze its participation in the CSTO",
            negated=True,
            quote="Armenia has not frozen its CSTO membership",
        ),
        _claim(
            RT,
            "troops",
            24,
            who="Russia",
            did="deployed 1000 peacekeepers",
            where="Nagorno-Karabakh",
            quote="1,000 peacekeepers",
        ),
        _claim(
            RT,
            "russia-neutral",
            32,
            who="Russia",
            did="remained neutral",
            whom=("Armenia",),
            tags=("diplomacy",),
        ),
    ]
    tass_claims = [
        _claim(
            TASS,
            "blame",
            9,
            who="Russian Foreign Ministry",
            did="reportedly blamed for the collapse of talks",
            whom=("Armenia",),
            when=ts("this month", "2023-01-01", "2023-01-31", "relative to published"),
            quote="The ministry reportedly blamed Yerevan",
        ),
        _claim(
            TASS,
            "talks-november",
            18,
            who="Russia",
            did="hosted peace talks",
            whom=("Armenia", "Azerbaijan"),
            event="Moscow talks",
            when=ts("in November", "2022-11-01", "2022-11-30", "relative to published"),
            quote="the November talks in Moscow",
        ),
        _claim(TASS, "russia-supported", 27, who="Russia", did="supported", whom=("Armenia",)),
        _claim(
            TASS,
            "putin-call",
            36,
            who="Vladimir Putin",
            did="called",
            whom=("Nikol Pashinyan",),
            when=ts("recently", "2022-12-15", "2023-01-14"),
            quote="Putin recently called Pashinyan",
        ),
    ]
    evil_claims = [
        _claim(
            EVIL,
            "xss",
            4,
            who=(SCRIPT, IMG),
            did=FORMULA,
            whom=("+1", "@SUM(A1)"),
            when=ts("-2"),
            where="-2",
            said_by=(RICH_LINK,),
            event=RICH_BOLD,
            quote=f"{SQL}\tcol2 | pipe | {ANSI}\r\nsecond line\n{BIDI} {NON_ASCII} \\ end",
            tags=("\tTAB",),
            note="\rCR note",
        ),
        _claim(
            EVIL,
            "ceasefire-turkey",
            14,
            who="Turkey",
            did="allegedly brokered the ceasefire",
            event="2020 ceasefire",
            when=ts("November 2020", "2020-11-01", "2020-11-30"),
        ),
    ]
    articles = (
        _article(
            DW,
            "New tensions between Russia and ally Armenia",
            dw_claims,
            outlet="Deutsche Welle",
            url="https://example.org/dw",
            published=ts("2023-01-12", "2023-01-12"),
            author="Jane Doe",
        ),
        _article(
            RT,
            "Peace talks fail",
            rt_claims,
            outlet="Reuters",
            published=ts("2023-01-10", "2023-01-10"),
        ),
        _article(
            TASS,
            "Moscow comments on talks",
            tass_claims,
            outlet="TASS",
            published=ts("2023-01-14", "2023-01-14"),
        ),
        _article(
            EVIL,
            f"{SCRIPT} {IMG}",
            evil_claims,
            outlet=FORMULA,
            url="http://evil.example/track.png",
        ),
    )
    corpus = Corpus(root="claims", articles=articles)

    def r(a: str, c: str) -> str:
        return f"{a}#{c}"

    def ev(reason: str, *sims: tuple[str, float], **details: str) -> Evidence:
        return Evidence(reason, tuple(sims), tuple(details.items()))

    statements = (
        Statement(
            "S1",
            tuple(sorted([r(DW, "blames-armenia"), r(RT, "russia-blames"), r(TASS, "blame")])),
            "Russia",
            "blamed for the collapse of peace talks",
            "Armenia",
            iv("2023-01-01", "2023-01-31"),
            (RT, DW, TASS),
            2,
            Status.CORROBORATED,
            hedged=(r(TASS, "blame"),),
            score=0.81,
        ),
        Statement(
            "S2",
            (r(DW, "armenia-freezes-csto"),),
            "Armenia",
            "froze its participation in the CSTO",
            "",
            iv("2023-01-02", "2023-01-08"),
            (DW,),
            1,
            Status.CONTRADICTED,
            (ContradictionKind.NEGATION,),
        ),
        Statement(
            "S3",
            (r(RT, "armenia-stays-csto"),),
            "Armenia",
            "did not freeze its participation in the CSTO",
            "",
            None,
            (RT,),
            1,
            Status.CONTRADICTED,
            (ContradictionKind.NEGATION,),
        ),
        Statement(
            "S4",
            (r(DW, "talks-december"), r(TASS, "talks-november")),
            "Russia",
            "hosted peace talks",
            "Armenia; Azerbaijan",
            iv("2022-11-01", "2022-12-31"),
            (DW, TASS),
            2,
            Status.CONTRADICTED,
            (ContradictionKind.DATE,),
            score=0.9,
        ),
        Statement(
            "S5",
            (r(DW, "troops-1000"), r(DW, "troops-3000"), r(RT, "troops")),
            "Russia",
            "deployed peacekeepers",
            "",
            None,
            (RT, DW),
            2,
            Status.CONTRADICTED,
            (ContradictionKind.NUMBER,),
            score=0.88,
        ),
        Statement(
            "S6",
            (r(RT, "russia-neutral"),),
            "Russia",
            "remained neutral",
            "Armenia",
            None,
            (RT,),
            1,
            Status.CONTRADICTED,
            (ContradictionKind.OPPOSITE,),
        ),
        Statement(
            "S7",
            (r(TASS, "russia-supported"),),
            "Russia",
            "supported",
            "Armenia",
            None,
            (TASS,),
            1,
            Status.CONTRADICTED,
            (ContradictionKind.OPPOSITE,),
        ),
        Statement(
            "S8",
            (r(DW, "ceasefire"),),
            "Russia",
            "brokered the ceasefire",
            "",
            iv("2020-11-01", "2020-11-30"),
            (DW,),
            1,
            Status.CONTRADICTED,
            (ContradictionKind.ACTOR,),
        ),
        Statement(
            "S9",
            (r(EVIL, "ceasefire-turkey"),),
            "Turkey",
            "brokered the ceasefire",
            "",
            iv("2020-11-01", "2020-11-30"),
            (EVIL,),
            1,
            Status.CONTRADICTED,
            (ContradictionKind.ACTOR,),
            hedged=(r(EVIL, "ceasefire-turkey"),),
        ),
        Statement(
            "S10",
            (r(EVIL, "xss"),),
            f"{SCRIPT}; {IMG}",
            FORMULA,
            "+1; @SUM(A1)",
            None,
            (EVIL,),
            1,
            Status.UNIQUE,
        ),
        Statement(
            "S11",
            (r(TASS, "putin-call"),),
            "Vladimir Putin",
            "called",
            "Nikol Pashinyan",
            iv("2022-12-15", "2023-01-14"),
            (TASS,),
            1,
            Status.UNIQUE,
        ),
    )
    agreements = (
        Agreement(
            "S1",
            statements[0].claims,
            (RT, DW, TASS),
            2,
            0.81,
            ev(
                "same actor (alias), same action, overlapping time",
                ("who", 1.0),
                ("did", 0.83),
                ("whom", 1.0),
                ("when", 1.0),
                who="Russia",
                near_copies=f"{RT} ~ {TASS}",
            ),
        ),
        Agreement(
            "S5",
            (r(DW, "troops-1000"), r(RT, "troops")),
            (RT, DW),
            2,
            0.95,
            ev("same actor, same action, same quantity", ("who", 1.0), ("did", 1.0)),
        ),
    )
    contradictions = (
        Contradiction(
            ContradictionKind.NEGATION,
            r(DW, "armenia-freezes-csto"),
            r(RT, "armenia-stays-csto"),
            0.92,
            ev(
                "same actor and action; polarity differs",
                ("who", 1.0),
                ("did", 1.0),
                polarity="positive vs negated",
            ),
        ),
        Contradiction(
            ContradictionKind.DATE,
            r(DW, "talks-december"),
            r(TASS, "talks-november"),
            0.9,
            ev(
                "same event, disjoint time intervals",
                ("event", 1.0),
                a_when="2022-12-01/2022-12-31",
                b_when="2022-11-01/2022-11-30",
            ),
            statement="S4",
        ),
        Contradiction(
            ContradictionKind.NUMBER,
            r(DW, "troops-1000"),
            r(DW, "troops-3000"),
            0.88,
            ev("same action, different quantities", ("did", 0.9), quantities="1000 vs 3000"),
            statement="S5",
        ),
        Contradiction(
            ContradictionKind.NUMBER,
            r(DW, "troops-3000"),
            r(RT, "troops"),
            0.86,
            ev("same action, different quantities", ("did", 0.9), quantities="3000 vs 1000"),
            statement="S5",
        ),
        Contradiction(
            ContradictionKind.OPPOSITE,
            r(RT, "russia-neutral"),
            r(TASS, "russia-supported"),
            0.8,
            ev(
                "opposite actions (lexicon)",
                ("who", 1.0),
                ("whom", 1.0),
                lexicon="supported <> remained neutral",
            ),
        ),
        Contradiction(
            ContradictionKind.ACTOR,
            r(DW, "ceasefire"),
            r(EVIL, "ceasefire-turkey"),
            0.75,
            ev(
                f"same event label, different actor {RICH_BOLD}",
                ("did", 0.95),
                event="2020 ceasefire",
            ),
        ),
    )
    return Report(corpus, statements, agreements, contradictions, source_groups=((RT, TASS),))


@pytest.fixture()
def report() -> Report:
    return build_report()


@pytest.fixture()
def claims_report(report: Report) -> Report:
    """What the CLI passes for the ``claims`` view: only the corpus."""
    return Report(report.corpus, (), (), ())


@pytest.fixture(autouse=True)
def _private_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own cache directory: tests never touch the user's cache."""
    monkeypatch.setenv("CLAIMDIFF_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))

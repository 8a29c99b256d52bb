"""The live feed parser (core/parse.py) against every real capture, broken envelopes and
hostile events. Expected values were read from the capture files by hand."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import re
from collections import Counter

import pytest

from oracxpred.core.envelope import EVENT_FIELDS, raw_events_of
from oracxpred.core.parse import (
    MAX_NAME_LENGTH,
    EventRejected,
    parse_event,
    parse_feed,
)
from oracxpred.core.records import FeedEvent, Odds1X2, Phase, Rejection, Score
from oracxpred.errors import FeedFormatError

FIN, PRE, LIVE = Phase.FINISHED, Phase.PREMATCH, Phase.LIVE


class Seconds(int):
    """An ``int`` subclass, as a caller building raw events by hand may pass (JSON never does)."""


TRACKER_STATE = "fifa_finished_16_tracker_state.json"
RESULTS = "results_v3_games_excerpt.json"

# file: (events kept, rejections, pre-match, live, finished, events with a usable 1X2)
CAPTURES = {
    "fifa_finished_16.json": (16, 0, 0, 0, 16, 0),
    TRACKER_STATE: (16, 0, 0, 0, 16, 0),
    "fifa_handtrimmed_3.json": (3, 0, 2, 1, 0, 0),
    "fifa_inplay_late_1.json": (1, 0, 0, 1, 0, 0),
    "fifa_prematch_inplay_20.json": (20, 0, 16, 4, 0, 17),
    "fifa_prematch_trimmed_1.json": (1, 0, 1, 0, 0, 1),
    "getchampzip_3.json": (3, 0, 1, 2, 0, 0),
    "getgamezip_1.json": (1, 0, 0, 1, 0, 0),
    "live_cricket_23_american_cv.json": (23, 0, 0, 23, 0, 18),  # 2 of them 2-way (no T=2)
    "live_mixed_sports_tr_40.json": (40, 0, 5, 35, 0, 34),
    "live_tr_38_one_finished.json": (38, 0, 0, 37, 1, 32),
    "live_tr_5.json": (5, 0, 2, 3, 0, 4),
    "live_tr_50_halftime.json": (50, 0, 0, 50, 0, 44),
    "prematch_2021_1.json": (1, 0, 0, 1, 0, 1),
    "prematch_single_object_1.json": (0, 1, 0, 0, 0, 0),
}

FINISHED_16 = [
    (726652734, Score(0, 1), Score(0, 0)),
    (726662515, Score(8, 7), Score(4, 4)),
    (726667282, Score(4, 4), None),  # 5x5 Rush: single period, PS:[]
    (726664266, Score(6, 13), Score(3, 8)),
    (726665397, Score(8, 8), Score(4, 5)),
    (726669767, Score(7, 2), None),
    (726667192, Score(10, 6), Score(4, 5)),
    (726668630, Score(9, 9), Score(5, 2)),
    (726669689, Score(2, 7), Score(1, 4)),
    (726661638, Score(1, 1), Score(1, 0)),
    (726662518, Score(2, 1), Score(0, 0)),
    (726674957, Score(10, 8), Score(4, 5)),
    (726684969, Score(8, 8), Score(5, 5)),
    (726673937, Score(0, 1), Score(0, 0)),
    (726675890, Score(2, 2), Score(0, 2)),
    (726688257, Score(1, 5), Score(0, 1)),
]


def payload_of(fixtures_dir, name: str) -> bytes:
    """Raw bytes of a capture; the tracker state's events are re-wrapped as a feed answer."""
    raw = (fixtures_dir / name).read_bytes()
    if name != TRACKER_STATE:
        return raw
    state = json.loads(raw)
    return json.dumps({"Value": [m["raw"] for m in state["trackedMatches"]]}).encode()


def parsed(fixtures_dir, name: str):
    return parse_feed(payload_of(fixtures_dir, name))


def by_id(result) -> dict[int, FeedEvent]:
    return {e.event_id: e for e in result.events}


def body(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def test_every_capture_is_in_the_table(fixtures_dir):
    """A new capture must be added to CAPTURES (or handled on purpose), not silently skipped."""
    on_disk = {p.name for p in fixtures_dir.glob("*.json")}
    assert on_disk == {*CAPTURES, RESULTS}


@pytest.mark.parametrize("name", sorted(CAPTURES))
def test_every_capture_parses_or_rejects_each_event(fixtures_dir, name):
    result = parsed(fixtures_dir, name)
    kept, rejected, pre, live, fin, with_odds = CAPTURES[name]
    phases = Counter(e.phase for e in result.events)
    assert (kept, rejected) == (len(result.events), len(result.rejections))
    assert (pre, live, fin) == (phases[PRE], phases[LIVE], phases[FIN])
    assert with_odds == sum(e.odds is not None for e in result.events)
    assert all(r.reason for r in result.rejections)


def test_results_answer_is_not_a_feed_answer(fixtures_dir):
    """The results service has {count, items}: a failed poll, never "no matches"."""
    with pytest.raises(FeedFormatError, match="champ Value absent"):
        parse_feed((fixtures_dir / RESULTS).read_bytes())


@pytest.mark.parametrize("name", ["fifa_finished_16.json", TRACKER_STATE])
def test_sixteen_finished_fifa_matches(fixtures_dir, name):
    result = parsed(fixtures_dir, name)
    assert [(e.event_id, e.score, e.halftime) for e in result.events] == FINISHED_16
    assert all(e.phase is FIN and e.game_state == 1 for e in result.events)
    assert {"Jeu terminé"} == {e.status_text for e in result.events}
    # Two finished events still list 1X2 with B:true (the 4-4 draw's 4.47/1.45/5.58): unusable.
    assert all(e.odds is None for e in result.events)


def test_one_finished_event_read_field_by_field(fixtures_dir):
    event = by_id(parsed(fixtures_dir, "fifa_finished_16.json"))[726667282]
    # Its selections (core/odds.py, tested in test_odds.py) are all still listed, blocked.
    assert event.prices
    assert all(p.blocked for p in event.prices)
    assert not event.odds_rejected
    assert dataclasses.replace(event, prices=()) == FeedEvent(
        event_id=726667282,
        sport_id=85,
        league="FC 26. 5x5 Rush. Superligue",
        league_id=2986291,
        team1="Club Atlético de Madrid",
        team2="PSV Eindhoven",
        team1_id=180445,
        team2_id=202185,
        start_time=1780590600,
        phase=FIN,
        score=Score(4, 4),
        halftime=None,
        status_text="Jeu terminé",
        game_state=1,
        odds=None,
        updated_at=1780591287,
    )


def test_nothing_else_is_finished_but_the_turkish_hockey_match(fixtures_dir):
    finished = {}
    for name in CAPTURES:
        if name in ("fifa_finished_16.json", TRACKER_STATE):
            continue
        for e in parsed(fixtures_dir, name).events:
            if e.phase is FIN:
                finished[(name, e.event_id)] = (e.score, e.status_text)
    assert {("live_tr_38_one_finished.json", 601691602): (Score(3, 0), "Oyun sona erdi")} == (
        finished
    )


@pytest.mark.parametrize(
    ("name", "breaks", "special"),
    [
        ("live_tr_38_one_finished.json", [601699440, 601713873], []),
        (
            "live_tr_50_halftime.json",
            [601718543, 601718924, 601718376, 601719223, 601718017, 601723016, 601715147],
            [601707888],
        ),
        (
            "live_mixed_sports_tr_40.json",
            [
                601703920,
                601703978,
                601704150,
                601699444,
                601699456,
                601699448,
                601699428,
                601699468,
            ],
            [],
        ),
    ],
)
def test_breaks_and_gs64_are_live(fixtures_dir, name, breaks, special):
    events = parsed(fixtures_dir, name).events
    assert breaks == [e.event_id for e in events if e.game_state == 2]
    assert special == [e.event_id for e in events if e.game_state == 64]
    assert all(e.phase is LIVE for e in events if e.game_state in (2, 64))


def test_prematch_odds_are_read_from_c(fixtures_dir):
    result = parsed(fixtures_dir, "fifa_prematch_inplay_20.json")
    events = by_id(result)
    prematch = [e for e in result.events if e.phase is PRE]
    assert len(prematch) == 16
    assert all(e.game_state == 128 and e.odds is not None for e in prematch)
    assert all(e.status_text == "Paris avant le début du jeu" for e in prematch)
    # Chelsea - PSV Eindhoven: E lists T1 2.11, T3 2.275, T2 5.99 (T2 is the draw).
    assert Odds1X2(home=2.11, draw=5.99, away=2.275) == events[733141641].odds
    assert (events[733141641].team1, events[733141641].team2) == ("Chelsea", "PSV Eindhoven")
    # Allemagne: T1 1.248, T2 5.9, T3 8.29.
    assert Odds1X2(home=1.248, draw=5.9, away=8.29) == events[733133337].odds


def test_inplay_odds_are_none_once_blocked_or_gone(fixtures_dir):
    events = by_id(parsed(fixtures_dir, "fifa_prematch_inplay_20.json"))
    live = {i: e for i, e in events.items() if e.phase is LIVE}
    assert {733137546, 733136129, 733136831, 733129259} == set(live)
    # Late in the 2nd half: an outcome at 1.001 + B:true, so no 1X2.
    assert (live[733136129].odds, live[733136129].score) == (None, Score(8, 4))
    assert (live[733129259].odds, live[733129259].status_text) == (None, "2ème mi-temps")
    assert live[733137546].odds is None
    # First half, still open: the parser reports it; only the tracker decides to ignore it.
    assert Odds1X2(home=3.67, draw=6.55, away=1.504) == live[733136831].odds
    late = parsed(fixtures_dir, "fifa_inplay_late_1.json").events[0]
    assert (730300697, LIVE, Score(5, 1), None) == (
        late.event_id,
        late.phase,
        late.score,
        late.odds,
    )


def test_cricket_american_cv_is_never_read_as_a_price(fixtures_dir):
    raw = json.loads(payload_of(fixtures_dir, "live_cricket_23_american_cv.json"))["Value"]
    result = parsed(fixtures_dir, "live_cricket_23_american_cv.json")
    assert Odds1X2(home=7.55, draw=25.0, away=1.075) == by_id(result)[677485435].odds
    for event in result.events:
        if event.odds is None:
            continue
        (entries,) = [r["E"] for r in raw if r["I"] == event.event_id]
        c = {m["T"]: m["C"] for m in entries if m["G"] == 1}
        assert (c[1], c.get(2), c[3]) == (event.odds.home, event.odds.draw, event.odds.away)
        assert max(c.values()) < 100  # the CV magnitudes are 101 to 4900


def test_getchampzip_league_object_gives_its_events(fixtures_dir):
    """GetChampZip's Value is one league object whose G is the list of events (docs/feed.md §2)."""
    events = parsed(fixtures_dir, "getchampzip_3.json").events
    assert [e.event_id for e in events] == [754874259, 754872545, 754875307]
    assert [e.phase for e in events] == [LIVE, LIVE, PRE]
    assert {"Mortal Kombat X"} == {e.league for e in events}  # from LE: these events lack L
    assert [Score(1, 1), Score(4, 4), Score(0, 0)] == [e.score for e in events]


def test_getgamezip_single_event_object(fixtures_dir):
    (event,) = parsed(fixtures_dir, "getgamezip_1.json").events
    assert (754862258, LIVE, Score(3, 4), "7 round") == (
        event.event_id,
        event.phase,
        event.score,
        event.status_text,
    )
    assert event.odds is None  # its markets are in GE, not E


def test_single_object_outright_is_rejected(fixtures_dir):
    """An outright ("Spain. Winner") has no away team: not a match."""
    result = parsed(fixtures_dir, "prematch_single_object_1.json")
    assert (Rejection(676418798, "champ O2 vide"),) == result.rejections


def test_lineflow_event_without_sc_is_live_with_odds(fixtures_dir):
    """A 2021 LineFeed event has no SC at all: no state signal, so LIVE by rule, 0-0."""
    (event,) = parsed(fixtures_dir, "prematch_2021_1.json").events
    assert (LIVE, Score(0, 0), "", None) == (
        event.phase,
        event.score,
        event.status_text,
        event.game_state,
    )
    assert Odds1X2(home=3.84, draw=3.54, away=1.896) == event.odds


def test_hand_trimmed_fallback_feed(fixtures_dir):
    events = parsed(fixtures_dir, "fifa_handtrimmed_3.json").events
    # The first carries GNS:true at 3-1 with a running clock: goals mean it started.
    assert [e.phase for e in events] == [LIVE, PRE, PRE]
    assert Score(3, 1) == events[0].score
    assert all(e.start_time is None and e.updated_at is None for e in events)


def test_trimmed_prematch_without_le_or_si(fixtures_dir):
    (event,) = parsed(fixtures_dir, "fifa_prematch_trimmed_1.json").events
    assert (event.phase, event.sport_id) == (PRE, None)
    assert Odds1X2(home=1.725, draw=5.91, away=2.992) == event.odds


def test_truncated_real_capture(fixtures_dir):
    raw = (fixtures_dir / "fifa_prematch_inplay_20.json").read_bytes()
    with pytest.raises(FeedFormatError, match="réponse tronquée"):
        parse_feed(raw[: len(raw) // 2])


# Envelopes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "Flux live : réponse vide"),
        (b" \r\n\t", "Flux live : réponse vide"),
        (
            b"<!DOCTYPE html><html><title>Just a moment...</title></html>",
            "Flux live : page HTML reçue au lieu de JSON",
        ),
        (b"\xef\xbb\xbf  <html>", "Flux live : page HTML reçue au lieu de JSON"),
        (b'{"Success":true,"Value":[{"I":1', "réponse tronquée (JSON incomplet après 31 octet(s))"),
        (b'{"Value":"abc', "Flux live : réponse tronquée"),
        (b"{", "Flux live : réponse tronquée"),
        (b'{"Value":[],"Error":"\xff\xfe"}', "Flux live : réponse qui n'est pas de l'UTF-8 valide"),
        (b'{"O1":"\xc3\x28"}', "Flux live : réponse qui n'est pas de l'UTF-8 valide (octet 7)"),
        (b"hello", "Flux live : contenu qui n'est pas du JSON (ligne 1, colonne 1)"),
        (b'{"Value":[1,]}', "Flux live : contenu qui n'est pas du JSON"),
        (b"[" * 100_000, "Flux live : JSON trop profondément imbriqué"),
        (
            b'{"Value":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "Flux live : JSON trop profondément imbriqué",
        ),
        (b'{"Value":[{"I":' + b"1" * 5000 + b"}]}", "JSON illisible (nombre hors limites)"),
        (b"[]", "Flux live : la réponse JSON n'est pas un objet (list)"),
        (b'"Value"', "Flux live : la réponse JSON n'est pas un objet (str)"),
        (b"null", "Flux live : la réponse JSON n'est pas un objet (NoneType)"),
        (body({"Success": True}), "Flux live : champ Value absent"),
        (body({"Id": 0, "Success": True, "Error": ""}), "champ Value absent"),
        (body({"Success": "true", "Value": []}), "Flux live : champ Success invalide ('true')"),
        (body({"Success": None, "Value": []}), "champ Success invalide (None)"),
        (body({"Success": 1, "Value": []}), "champ Success invalide (1)"),
        (body({"Value": "[]"}), "Flux live : champ Value ni liste ni objet (str)"),
        (body({"Value": 0}), "champ Value ni liste ni objet (int)"),
        (body({"Value": False}), "champ Value ni liste ni objet (bool)"),
    ],
)
def test_envelope_errors(payload, message):
    with pytest.raises(FeedFormatError, match=re.escape(message)):
        parse_feed(payload)


def test_success_false_carries_the_escaped_error_text():
    payload = body(
        {
            "Success": False,
            "Error": "Limite atteinte\n2026-01-01 [INFO] faux\x1b[31m",
            "ErrorCode": 429,
            "Value": None,
        }
    )
    with pytest.raises(FeedFormatError) as info:
        parse_feed(payload)
    message = str(info.value)
    assert message == (
        "Flux live : le site a répondu Success:false (erreur : "
        "« Limite atteinte\\n2026-01-01 [INFO] faux\\x1b[31m », code : 429)"
    )
    assert message.isprintable()


def test_success_false_with_odd_error_fields():
    payload = body({"Success": False, "Error": {"x": [1] * 1000}, "Value": []})
    with pytest.raises(FeedFormatError, match=r"^Flux live : .*« dict », code : None\)$"):
        parse_feed(payload)


def test_success_false_error_text_is_cut():
    payload = body({"Success": False, "Error": "x" * 10_000})
    with pytest.raises(FeedFormatError) as info:
        parse_feed(payload)
    assert len(str(info.value)) < 300


@pytest.mark.parametrize(
    "payload",
    [
        body({"Value": []}),
        body({"Value": None}),
        body({"Id": 0, "Success": True, "Error": "", "ErrorCode": 0, "Guid": "", "Value": []}),
        b'\xef\xbb\xbf{"Value": []}',
        body({"Value": {"G": []}}),
    ],
)
def test_valid_answers_without_events(payload):
    assert parse_feed(payload) == parse_feed(body({"Value": []}))
    assert parse_feed(payload).events == ()
    assert parse_feed(payload).rejections == ()
    assert raw_events_of(payload, fast=False) == raw_events_of(payload) == []


def test_bytearray_and_memoryview_payloads():
    data = body({"Value": [good()]})
    assert parse_feed(bytearray(data)) == parse_feed(memoryview(data)) == parse_feed(data)


# Events ----------------------------------------------------------------------------------


def good(**changes: object) -> dict:
    """A valid pre-match FIFA event shaped like the captures; ``changes`` overrides keys
    (a value of ``...`` removes the key)."""
    event = {
        "I": 733141641,
        "S": 1782880800,
        "U": 1782879000,
        "SI": 85,
        "LI": 2986291,
        "L": "FC 26. 5x5 Rush. Superligue",
        "LE": "FC 26. 5x5 Rush. Superleague",
        "O1": "Chelsea",
        "O2": "PSV Eindhoven",
        "O1I": 1,
        "O2I": 2,
        "GNS": True,
        "SC": {"FS": {}, "GS": 128, "I": "Paris avant le début du jeu", "SLS": "Début dans 5"},
        "E": [
            {"G": 1, "T": 1, "C": 2.11, "CV": "2.11"},
            {"G": 1, "T": 3, "C": 2.275, "CV": "2.275"},
            {"G": 1, "T": 2, "C": 5.99, "CV": "5.99"},
        ],
    }
    for key, value in changes.items():
        if value is ...:
            event.pop(key, None)
        else:
            event[key] = value
    return event


def test_good_event():
    event = parse_event(good())
    assert (PRE, Score(0, 0), Odds1X2(2.11, 5.99, 2.275)) == (event.phase, event.score, event.odds)
    assert (
        event.start_time,
        event.updated_at,
        event.sport_id,
        event.league_id,
        event.team1_id,
        event.team2_id,
    ) == (1782880800, 1782879000, 85, 2986291, 1, 2)


I_RE = "identifiant I invalide"


@pytest.mark.parametrize(
    ("changes", "event_id", "reason"),
    [
        ({"I": ...}, None, f"{I_RE} (None)"),
        ({"I": "733141641"}, None, f"{I_RE} ('733141641')"),
        ({"I": True}, None, f"{I_RE} (True)"),
        ({"I": 0}, None, f"{I_RE} (0)"),
        ({"I": -5}, None, f"{I_RE} (-5)"),
        ({"I": 7.0}, None, f"{I_RE} (7.0)"),
        ({"I": 2**63}, None, f"{I_RE} ({2**63})"),
        ({"I": [1]}, None, f"{I_RE} (list)"),
        ({"O1": ...}, 733141641, "champ O1 absent"),
        ({"O2": None}, 733141641, "champ O2 absent"),
        ({"O1": 12345}, 733141641, "champ O1 invalide : texte attendu, reçu int"),
        ({"O2": ["a"]}, 733141641, "champ O2 invalide : texte attendu, reçu list"),
        ({"O1": " \t "}, 733141641, "champ O1 vide"),
        (
            {"O1": "X" * (MAX_NAME_LENGTH + 1)},
            733141641,
            f"champ O1 trop long ({MAX_NAME_LENGTH + 1} caractères, maximum {MAX_NAME_LENGTH})",
        ),
        ({"O2": "PSV\x00"}, 733141641, "champ O2 contient un caractère NUL"),
        ({"L": ..., "LE": ...}, 733141641, "ligue absente (champs L et LE)"),
        ({"L": "", "LE": " "}, 733141641, "ligue absente (champs L et LE)"),
        ({"L": 5}, 733141641, "champ L invalide : texte attendu, reçu int"),
        ({"L": ..., "LE": {"x": 1}}, 733141641, "champ LE invalide : texte attendu, reçu dict"),
        ({"L": "a\x00"}, 733141641, "champ L contient un caractère NUL"),
        (
            {"S": "1782880800"},
            733141641,
            "champ S invalide : entier attendu, reçu str ('1782880800')",
        ),
        ({"S": 1782880800.0}, 733141641, "champ S invalide : entier attendu, reçu float"),
        ({"S": -1}, 733141641, "champ S hors limites (-1)"),
        ({"S": 10**13}, 733141641, "champ S hors limites"),
        ({"U": True}, 733141641, "champ U invalide : entier attendu, reçu bool (True)"),
        ({"SI": "85"}, 733141641, "champ SI invalide"),
        ({"LI": {}}, 733141641, "champ LI invalide : entier attendu, reçu dict (dict)"),
        ({"O1I": 1.5}, 733141641, "champ O1I invalide"),
        ({"O2I": -2}, 733141641, "champ O2I hors limites (-2)"),
        ({"SC": []}, 733141641, "champ SC invalide : objet attendu, reçu list"),
        ({"SC": "Jeu terminé"}, 733141641, "champ SC invalide : objet attendu, reçu str"),
        (
            {"SC": {"FS": {"S1": "3", "S2": "1"}}},
            733141641,
            "score invalide (SC.FS) : S1 n'est pas un entier ('3')",
        ),
        ({"SC": {"FS": []}}, 733141641, "score invalide (SC.FS) : le score n'est pas un objet"),
        ({"SC": {"FS": {"S2": -1}}}, 733141641, "score invalide (SC.FS) : S2 négatif (-1)"),
        ({"F": True, "SC": {"GS": 1}}, 733141641, "match terminé sans score (SC.FS absent)"),
        ({"F": True, "SC": ...}, 733141641, "match terminé sans score (SC.FS absent)"),
    ],
)
def test_event_rejections_name_the_field(changes, event_id, reason):
    with pytest.raises(EventRejected, match=re.escape(reason)) as info:
        parse_event(good(**changes))
    assert (event_id, str(info.value)) == (info.value.event_id, info.value.reason)
    result = parse_feed(body({"Value": [good(**changes)]}))
    assert result.events == ()
    assert [event_id] == [r.event_id for r in result.rejections]
    assert result.rejections[0].reason.startswith(reason)


@pytest.mark.parametrize("raw", [None, 3, "event", ["I", 1], True])
def test_non_object_events_are_rejected(raw):
    with pytest.raises(EventRejected, match="événement qui n'est pas un objet JSON"):
        parse_event(raw)
    (rejection,) = parse_feed(body({"Value": [raw]})).rejections
    assert rejection.event_id is None


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"O1": "  Chelsea \n"}, "team1", "Chelsea"),
        ({"O1": "X" * MAX_NAME_LENGTH}, "team1", "X" * MAX_NAME_LENGTH),
        ({"O1": "Red\x1b[31m\r\nFake"}, "team1", "Red\x1b[31m\r\nFake"),  # logs escape it
        ({"O2": "Olympique <script>"}, "team2", "Olympique <script>"),
        ({"L": ""}, "league", "FC 26. 5x5 Rush. Superleague"),
        ({"L": None}, "league", "FC 26. 5x5 Rush. Superleague"),
        ({"L": ..., "LE": " Superleague "}, "league", "Superleague"),
        ({"S": None, "U": ...}, "start_time", None),
        ({"S": Seconds(1782880800)}, "start_time", 1782880800),
        ({"SI": ...}, "sport_id", None),
        ({"SC": ...}, "score", Score(0, 0)),
        ({"SC": None}, "phase", PRE),  # GNS alone, no goal
        ({"SC": {"GS": "128"}}, "game_state", None),
        ({"F": True, "SC": {"FS": {}}}, "score", Score(0, 0)),
        ({"F": True, "SC": {"FS": {"S2": 1}}}, "phase", FIN),
        ({"SC": {"FS": {"S1": 2}, "PS": [{"Key": 1, "Value": {"S1": "x"}}]}}, "halftime", None),
        ({"E": "nothing"}, "odds", None),
        ({"AE": [{"G": 1, "ME": [{"G": 1, "T": 1, "C": 2.0}]}], "E": ...}, "odds", None),
        ({"B": 19622, "Extra": {"deep": [1, {"x": None}]}}, "event_id", 733141641),
    ],
)
def test_tolerated_values(changes, field, expected):
    assert expected == getattr(parse_event(good(**changes)), field)


def test_duplicate_ids_keep_the_first():
    first = good(O1="First")
    second = good(O1="Second")
    other = good(I=5)
    result = parse_feed(body({"Value": [first, other, second]}))
    assert [e.team1 for e in result.events] == ["First", "Chelsea"]
    assert (Rejection(733141641, "identifiant en double dans la réponse"),) == result.rejections


def test_duplicate_of_a_rejected_event_is_rejected_too():
    """Two snapshots of one id in one answer: neither is trusted once the first is refused."""
    result = parse_feed(body({"Value": [good(O2=""), good()]}))
    assert result.events == ()
    assert [
        Rejection(733141641, "champ O2 vide"),
        Rejection(733141641, "identifiant en double dans la réponse"),
    ] == list(result.rejections)


def test_rejections_keep_input_order_and_good_events_survive():
    raws = [good(I=1, O1=5), good(I=2), "x", good(I=3, SC=[]), good(I=4), good(I=None)]
    result = parse_feed(body({"Value": raws}))
    assert [e.event_id for e in result.events] == [2, 4]
    assert [r.event_id for r in result.rejections] == [1, None, 3, None]


# The fast decoding path (tests/unit/test_properties.py compares it on arbitrary input) -----


class Recording(dict):
    """A raw event that notes every top-level key read from it."""

    def __init__(self, data: dict, seen: set[str]) -> None:
        super().__init__(data)
        self.seen = seen

    def get(self, key, default=None):
        self.seen.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.seen.add(key)
        return super().__contains__(key)


def test_event_fields_name_every_field_the_parser_reads(fixtures_dir):
    """The fast path keeps only ``EVENT_FIELDS``: a field read but not kept would always look
    absent there."""
    seen: set[str] = set()
    for name in CAPTURES:
        for raw in raw_events_of(payload_of(fixtures_dir, name), fast=False):
            if isinstance(raw, dict):
                with contextlib.suppress(EventRejected):
                    parse_event(Recording(raw, seen))
    for changes in ({"F": True, "SC": {"FS": {"S1": 2}, "GS": 1, "PS": []}}, {"L": ""}):
        parse_event(Recording(good(**changes), seen))
    assert seen <= set(EVENT_FIELDS)
    assert seen >= {"I", "O1", "O2", "L", "LE", "SC", "E", "F", "GNS", "S", "U"}


@pytest.mark.parametrize("name", sorted(CAPTURES))
def test_fast_path_reads_every_capture_like_the_reference(fixtures_dir, name):
    payload = payload_of(fixtures_dir, name)
    fast = [parse_event_or_reason(raw) for raw in raw_events_of(payload)]
    reference = [parse_event_or_reason(raw) for raw in raw_events_of(payload, fast=False)]
    assert fast == reference


def parse_event_or_reason(raw):
    try:
        return parse_event(raw)
    except EventRejected as exc:
        return exc.event_id, exc.reason


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        # Bytes in fields the fast path skips are still checked.
        (b'{"Value":[{"I":1,"AE":"\xc3\x28"}]}', "pas de l'UTF-8 valide (octet 23)"),
        (b'{"Value":[{"I":1,"O1R":"\xed\xa0\x80"}]}', "pas de l'UTF-8 valide (octet 24)"),
        (b'{"Value":[{"I":1,"AE":[1,]}]}', "contenu qui n'est pas du JSON (ligne 1, colonne 26)"),
        (b'{"Value":[{"I":1,"AE":"x', "réponse tronquée"),
        (b'{"Value":[{"I":1}]} {}', "contenu qui n'est pas du JSON (ligne 1, colonne 21)"),
    ],
)
def test_fast_path_leaves_the_errors_to_the_reference_path(payload, message):
    with pytest.raises(FeedFormatError, match=re.escape(message)):
        parse_feed(payload)


def test_fast_path_reads_values_the_typed_decoder_accepts_like_json():
    """Big integers stay integers, a BOM is skipped, NaN goes through ``json`` (which reads it),
    and a repeated key keeps its last value, as ``json`` does."""
    big = parse_feed(body({"Value": [good(S=10**40)]}))
    assert big.rejections[0].reason == "champ S hors limites (entier démesuré)"
    assert parse_feed(b"\xef\xbb\xbf" + body({"Value": [good()]})).events == (parse_event(good()),)
    nan = body({"Value": [good(E=[{"G": 1, "T": 1, "C": math.nan}])]})
    assert parse_feed(nan).events[0].odds is None
    twice = b'{"Value":[{"I":1,"I":7,"O1":"a","O2":"b","L":"l"}]}'
    assert parse_feed(twice).events[0].event_id == 7


def test_a_giant_number_in_a_field_never_read_no_longer_fails_the_poll():
    """The one known difference: ``json`` refuses integers of more than 4,300 digits anywhere,
    the fast path skips the fields it does not read. Where it is read, it is still refused."""
    event = body({"Value": [good()]})[:-3] + b',"SG":' + b"9" * 5000 + b"}]}"
    assert parse_feed(event).events == (parse_event(good()),)
    with pytest.raises(FeedFormatError, match="nombre hors limites"):
        raw_events_of(event, fast=False)
    read = body({"Value": [good()]})[:-3] + b',"S":' + b"9" * 5000 + b"}]}"
    with pytest.raises(FeedFormatError, match=re.escape("JSON illisible (nombre hors limites)")):
        parse_feed(read)


def test_a_rejection_carries_its_whole_event_and_a_stable_category() -> None:
    """The quarantine keeps each refused event whole, even when the fast path read the answer
    (it keeps only the fields it needs); the category labels the metric."""
    good = {"I": 1, "O1": "A", "O2": "B", "L": "FIFA", "AE": [{"x": 1}]}
    bad = {"I": 2, "O1": "A", "O2": "", "L": "FIFA", "AE": [{"x": 2}], "extra": "kept"}
    twice = {"I": 1, "O1": "A", "O2": "B", "L": "FIFA"}
    result = parse_feed(json.dumps({"Value": [good, bad, [], twice]}).encode())
    assert [r.raw for r in result.rejections] == [bad, [], twice]
    assert [r.category for r in result.rejections] == ["empty_field", "not_object", "duplicate_id"]


def test_rejections_of_an_answer_the_reference_cannot_decode_keep_what_was_read() -> None:
    huge = "9" * 5000  # json refuses integers this long; msgspec skips the unread field
    body = '{"Value": [{"I": 2, "O1": "A", "O2": "", "L": "FIFA", "SG": ' + huge + "}]}"
    [rejection] = parse_feed(body.encode()).rejections
    assert rejection.category == "empty_field"
    assert isinstance(rejection.raw, dict)
    assert rejection.raw["O2"] == ""


def test_a_refused_event_repeating_an_id_is_a_duplicate() -> None:
    first = {"I": 5, "O1": "A", "O2": "", "L": "FIFA"}
    again = {"I": 5, "O1": "A", "O2": "B", "L": "FIFA", "S": -1}
    result = parse_feed(json.dumps({"Value": [first, again]}).encode())
    assert [r.category for r in result.rejections] == ["empty_field", "duplicate_id"]
    assert result.rejections[1].raw == again

"""Properties of the feed parser and state rules, on arbitrary and hostile input (hypothesis)."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from oracxpred.core.envelope import raw_events_of
from oracxpred.core.finish import MAX_SCORE, outcome_of, phase_of, score_of
from oracxpred.core.parse import (
    MAX_NAME_LENGTH,
    EventRejected,
    parse_event,
    parse_feed,
)
from oracxpred.core.records import Outcome, ParseResult, Phase, Score
from oracxpred.errors import FeedFormatError

FAST = settings(max_examples=200, deadline=None)
HEAVY = settings(max_examples=100, deadline=None)  # whole payloads of hostile events

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["Jeu terminé", "Mi-temps", "1", "+655", "", " ", "\x00", "NaN"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=15,
)


def hostile(plausible: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly a plausible value, sometimes anything JSON can carry."""
    return plausible | json_values


ids = st.integers(min_value=1, max_value=2**40)
names = st.text(min_size=1, max_size=30) | st.builds(
    lambda n, pad: pad * n,
    st.integers(MAX_NAME_LENGTH - 5, MAX_NAME_LENGTH + 5),
    st.sampled_from("é "),
)
markets = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "G": hostile(st.sampled_from([1, 1, 2, 8, 17])),
            "T": hostile(st.integers(min_value=1, max_value=4)),
            "C": hostile(st.floats(min_value=0.5, max_value=60)),
            "CV": hostile(st.text(max_size=6)),
            "B": hostile(st.booleans()),
        },
    ),
    max_size=6,
)
scores = st.fixed_dictionaries(
    {}, optional={"S1": hostile(st.integers(0, 30)), "S2": hostile(st.integers(0, 30))}
)
scoreboards = st.fixed_dictionaries(
    {},
    optional={
        "FS": hostile(scores),
        "PS": hostile(st.lists(st.fixed_dictionaries({"Key": st.integers(0, 3), "Value": scores}))),
        "GS": hostile(st.sampled_from([1, 2, 64, 128])),
        "CPS": hostile(st.sampled_from(["", "Jeu terminé", "2ème mi-temps", "Mola"])),
        "I": hostile(st.sampled_from(["", "Match terminé", "Paris avant le début du jeu"])),
        "SLS": hostile(st.text(max_size=10)),
    },
)
events = st.fixed_dictionaries(
    {},
    optional={
        "I": hostile(ids | st.sampled_from([1, 2, 3])),  # small ids make duplicates likely
        "O1": hostile(names),
        "O2": hostile(names),
        "L": hostile(names),
        "LE": hostile(names),
        "S": hostile(st.integers(0, 2**33)),
        "U": hostile(st.integers(0, 2**33)),
        "SI": hostile(st.integers(0, 300)),
        "LI": hostile(ids),
        "O1I": hostile(ids),
        "O2I": hostile(ids),
        "F": hostile(st.booleans()),
        "GNS": hostile(st.booleans()),
        "SC": hostile(scoreboards),
        "E": hostile(markets),
        "AE": json_values,
    },
)


def attempt(function, argument, expected):
    """``(result, None)`` or ``(None, error)`` when ``function`` raised ``expected``; anything
    else propagates and fails the test."""
    try:
        return function(argument), None
    except expected as exc:
        return None, exc


@FAST
@given(st.binary(max_size=512))
def test_arbitrary_bytes_only_raise_feed_format_error(payload):
    result, error = attempt(parse_feed, payload, FeedFormatError)
    if error is None:
        assert isinstance(result, ParseResult)
    else:
        assert str(error).startswith("Flux live : ")


@FAST
@given(json_values)
def test_arbitrary_json_only_raises_feed_format_error(value):
    result, error = attempt(parse_feed, json.dumps(value).encode(), FeedFormatError)
    assert isinstance(result, ParseResult) or str(error).isprintable()


@HEAVY
@given(
    st.dictionaries(
        st.sampled_from(["Id", "Success", "Error", "ErrorCode", "Guid", "Value"]),
        scalars | st.lists(events, max_size=2) | events,
        max_size=6,
    )
)
def test_envelope_shapes_only_raise_feed_format_error(envelope):
    _, error = attempt(parse_feed, json.dumps(envelope).encode(), FeedFormatError)
    if error is None:
        assert "Value" in envelope
        assert envelope.get("Success", True) is True
    else:
        assert str(error).isprintable()


@HEAVY
@given(st.lists(hostile(events), max_size=6))
def test_event_lists_never_raise_and_account_for_every_event(raws):
    result = parse_feed(json.dumps({"Success": True, "Value": raws}).encode())
    assert len(result.events) + len(result.rejections) == len(raws)
    assert len({e.event_id for e in result.events}) == len(result.events)
    for event in result.events:
        assert event.event_id > 0
        for name in (event.team1, event.team2, event.league):
            assert name == name.strip()
            assert 0 < len(name) <= MAX_NAME_LENGTH
            assert "\x00" not in name
        assert 0 <= event.score.home <= MAX_SCORE
        assert 0 <= event.score.away <= MAX_SCORE
        if event.odds is not None:
            prices = (event.odds.home, event.odds.draw, event.odds.away)
            # (the draw is None only for a 2-way market)
            assert all(p is None or (math.isfinite(p) and p > 1.001) for p in prices)
    for rejection in result.rejections:
        assert rejection.reason


@HEAVY
@given(hostile(events))
def test_parse_event_only_raises_event_rejected(raw):
    event, error = attempt(parse_event, raw, EventRejected)
    assert event is not None or error.reason


@HEAVY
@given(st.dictionaries(st.sampled_from(["F", "GNS", "SC", "I"]), json_values) | events)
def test_phase_of_never_raises(raw):
    assert phase_of(raw) in Phase


def omitted(home: int, away: int) -> dict[str, int]:
    """The feed's own encoding: zero values are left out."""
    return {k: v for k, v in (("S1", home), ("S2", away)) if v}


goals = st.integers(min_value=0, max_value=MAX_SCORE)


@FAST
@given(goals, goals)
def test_score_of_round_trips_zero_omission(home, away):
    assert score_of(omitted(home, away)) == Score(home, away)
    assert score_of({"S1": home, "S2": away}) == Score(home, away)
    assert score_of({**omitted(home, away), "NF": "2ème mi-temps"}) == Score(home, away)


@FAST
@given(goals, goals, st.booleans())
def test_outcome_always_agrees_with_the_parsed_score(home, away, finished):
    raw = {"I": 7, "O1": "A", "O2": "B", "L": "L", "SC": {"FS": omitted(home, away)}}
    if finished:
        raw |= {"F": True}
    (event,) = parse_feed(json.dumps({"Value": [raw]}).encode()).events
    assert event.score == Score(home, away)
    expected = Outcome.HOME if home > away else Outcome.AWAY if home < away else Outcome.DRAW
    assert outcome_of(event.score) is expected


@FAST
@given(
    ids,
    st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and "\x00" not in s),
    st.integers(0, 2**33),
    st.sampled_from([128, 1, None]),
)
def test_valid_events_are_kept_as_given(event_id, name, start, game_state):
    sc = {"FS": {}} if game_state is None else {"FS": {}, "GS": game_state}
    raw = {"I": event_id, "O1": name, "O2": name, "L": name, "S": start, "SC": sc}
    (event,) = parse_feed(json.dumps({"Value": [raw]}).encode()).events
    assert (event.event_id, event.team1, event.league, event.start_time, event.game_state) == (
        event_id,
        name.strip(),
        name.strip(),
        start,
        game_state,
    )
    expected = {128: Phase.PREMATCH, 1: Phase.FINISHED, None: Phase.LIVE}[game_state]
    assert event.phase is expected


# The fast decoding path (msgspec) and the reference one (json) -----------------------------


def both_paths(payload: bytes) -> tuple[object, object]:
    """What each decoding path makes of ``payload``: the error's text, or each event parsed
    (a ``FeedEvent``, or the rejection's id and reason)."""

    def run(fast: bool) -> object:
        try:
            raws = raw_events_of(payload, fast=fast)
        except FeedFormatError as exc:
            return str(exc)
        out: list[object] = []
        for raw in raws:
            try:
                out.append(parse_event(raw))
            except EventRejected as exc:
                out.append((exc.event_id, exc.reason))
        return out

    return run(True), run(False)


@HEAVY
@given(st.lists(hostile(events), max_size=6), st.sampled_from([None, True, False, 1, "x"]))
def test_fast_path_reads_every_answer_like_the_reference(raws, success):
    envelope: dict[str, object] = {"Value": raws}
    if success is not None:
        envelope["Success"] = success
    for text in (json.dumps(envelope), json.dumps(envelope, ensure_ascii=False)):
        fast, reference = both_paths(text.encode("utf-8", errors="surrogatepass"))
        assert fast == reference


@HEAVY
@given(
    st.lists(hostile(events), min_size=1, max_size=3),
    st.integers(min_value=0),
    st.binary(min_size=1, max_size=3),
    st.booleans(),
)
def test_fast_path_fails_a_damaged_answer_like_the_reference(raws, where, junk, cut):
    """Cut or overwrite bytes anywhere (invalid UTF-8 in a field the fast path skips, broken
    JSON, truncation): same events or the same French error as the reference path."""
    data = json.dumps({"Value": raws}, ensure_ascii=False).encode("utf-8", "surrogatepass")
    at = where % len(data)
    damaged = data[:at] if cut else data[:at] + junk + data[at + len(junk) :]
    fast, reference = both_paths(damaged)
    assert fast == reference


@FAST
@given(json_values, json_values)
def test_fast_path_ignores_what_the_reference_ignores(skipped, value):
    """Top-level fields other than Value/Success, and event fields never read."""
    payload = json.dumps(
        {
            "Error": skipped,
            "Value": [{"I": 5, "O1": "a", "O2": "b", "L": "l", "AE": skipped, "X": value}],
        }
    )
    fast, reference = both_paths(payload.encode("utf-8", errors="surrogatepass"))
    assert fast == reference

"""Tracker state persistence (core/tracker_state.py): JSON round trip, refusal of garbage."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import to_builtins

from oracxpred.core.records import FinishSource, Phase
from oracxpred.core.state import TrackedMatch
from oracxpred.core.state_codec import (
    STATE_VERSION,
    dumps_state,
    loads_state,
    state_from_dict,
    state_to_dict,
)
from oracxpred.core.tracker import TrackerState, apply_results, confirm_saved, observe
from tests.unit.tracker_support import T0, ResultsService, event


def busy_state() -> TrackerState:
    """One entry of every kind: pre-match with odds, live, pending, finished (feed and
    results), and remembered saved ids."""
    state = observe(
        TrackerState(),
        [
            event(1, odds=(2.0, 3.5, 3.0)),
            event(2, Phase.LIVE, score=(1, 2)),
            event(3, Phase.LIVE, score=(0, 1), start=None, league_id=None),
            event(4, Phase.LIVE),
            event(5, Phase.FINISHED, score=(3, 3), halftime=(1, 2)),
            event(6, odds=(1.9, 3.9, 3.3)),
        ],
        T0,
    ).state
    state = observe(state, [event(1, odds=(2.1, 3.4, 2.95)), event(2, Phase.LIVE)], T0 + 60).state
    results = ResultsService()
    results.add(4, (2, 0), halftime=(1, 0))
    state = apply_results(state, list(results.games.values()), T0 + 120).state
    return confirm_saved(state, [77, 78], T0 + 120)


def test_state_survives_a_json_round_trip():
    state = busy_state()
    kinds = {m.event_id: (m.phase, m.finish_source, m.pending) for m in state.matches.values()}
    assert kinds[4] == (Phase.FINISHED, FinishSource.RESULTS, False)
    assert kinds[5] == (Phase.FINISHED, FinishSource.FEED, False)
    assert kinds[3][2]
    assert state.matches[1].odds != state.matches[1].opening_odds
    text = json.dumps(to_builtins(state_to_dict(state)), allow_nan=False)
    assert state_from_dict(json.loads(text)) == state
    assert json.loads(text)["version"] == STATE_VERSION


def test_empty_state_round_trips():
    assert state_from_dict(state_to_dict(TrackerState())) == TrackerState()


def test_restored_state_behaves_like_the_original():
    state = busy_state()
    restored = state_from_dict(loads_state(dumps_state(state_to_dict(state))))
    polls = [event(1, Phase.FINISHED, score=(0, 1))]
    assert observe(restored, polls, T0 + 180) == observe(state, polls, T0 + 180)


BUSY = loads_state(dumps_state(state_to_dict(busy_state())))  # as a store reads it back


def broken(edit) -> dict:
    raw = copy.deepcopy(BUSY)
    edit(raw)
    return raw


def first_match(raw: dict) -> dict:
    return raw["matches"][0]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "pas un objet"),
        ([], "pas un objet"),
        ("état", "pas un objet"),
        ({}, "version None inconnue"),
        ({"version": 3, "matches": [], "saved": []}, "version 3 inconnue"),
        ({"version": "1", "matches": [], "saved": []}, "version '1' inconnue"),
        ({"version": True, "matches": [], "saved": []}, "version True inconnue"),
        ({"version": 1, "saved": []}, "« matches »"),
        ({"version": 1, "matches": {}, "saved": []}, "« matches »"),
        ({"version": 1, "matches": []}, "« saved »"),
        ({"version": 1, "matches": [], "saved": [[1]]}, "« saved »"),
        ({"version": 1, "matches": [], "saved": [["1", 2]]}, "« saved »"),
        ({"version": 1, "matches": ["x"], "saved": []}, "pas un objet"),
        (broken(lambda r: first_match(r).pop("id")), "« id »"),
        (broken(lambda r: first_match(r).update(id=True)), "« id »"),
        (broken(lambda r: first_match(r).update(team1=None)), "« team1 »"),
        (broken(lambda r: first_match(r).update(phase="mi-temps")), "« phase »"),
        (broken(lambda r: first_match(r).update(phase=2)), "« phase »"),
        (broken(lambda r: first_match(r).update(score=[1])), "« score »"),
        (broken(lambda r: first_match(r).update(score=None)), "« score »"),
        (broken(lambda r: first_match(r).update(halftime=["1", 0])), "« halftime »"),
        (broken(lambda r: first_match(r).update(odds=[2.0, 3.0])), "« odds »"),
        (broken(lambda r: first_match(r).update(odds=["2", 3, 4])), "« odds »"),
        (broken(lambda r: first_match(r).update(odds=[float("nan"), 3, 4])), "« odds »"),
        (broken(lambda r: first_match(r).update(finish_source="guess")), "« finish_source »"),
        (broken(lambda r: first_match(r).update(next_try=1.5)), "« next_try »"),
        (broken(lambda r: first_match(r).pop("attempts")), "« attempts »"),
        (broken(lambda r: first_match(r).update(opening_total=[2.5, 1.9])), "« opening_total »"),
        (broken(lambda r: first_match(r).update(opening_total="2.5")), "« opening_total »"),
        (broken(lambda r: first_match(r).update(opening_total=[2.5, True, 1.9])), "opening_total"),
        (broken(lambda r: first_match(r).update(opening_total_at=1.5)), "« opening_total_at »"),
    ],
)
def test_garbage_state_is_refused_with_a_french_reason(raw, reason):
    with pytest.raises(ValueError, match=reason):
        state_from_dict(copy.deepcopy(raw))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


@settings(derandomize=True, deadline=None, max_examples=120)
@given(
    json_values,
    st.dictionaries(st.sampled_from(sorted(BUSY["matches"][0])), json_values),
)
def test_any_json_is_either_a_state_or_a_value_error(anything, overrides):
    """Whatever the store hands back, the caller only has ``ValueError`` to catch."""
    for raw in (anything, broken(lambda r: first_match(r).update(overrides))):
        try:
            outcome: object = state_from_dict(raw)
        except ValueError as exc:
            outcome = str(exc)  # a French reason for the "reset" warning
        assert outcome


def test_an_unfinished_match_has_no_record_to_store():
    """Only a finish (seen or resolved) makes a stored match: never a guessed score."""
    match = TrackedMatch(7, "Superligue", "Chelsea", "PSV Eindhoven", T0, T0, phase=Phase.LIVE)
    with pytest.raises(ValueError, match="le match 7 n'est pas terminé"):
        match.to_finished_match()


def test_a_state_written_before_the_opening_total_reads_without_one():
    raw = copy.deepcopy(BUSY)
    for match in raw["matches"]:
        del match["opening_total"], match["opening_total_at"]
    assert state_from_dict(raw) == busy_state()

"""2-way leagues (FIFA Penalty: ``G=1`` holds only ``T=1`` and ``T=3``, docs/feed.md §9) get
opening and closing odds with ``odds_x`` empty, on every path a match row takes; and pre-match
events without ``GS`` ("Paris d'avant-match") give odds too."""

from __future__ import annotations

import dataclasses

import pytest

from oracxpred.core.cells import match_to_row, row_to_match
from oracxpred.core.finish import usable_odds
from oracxpred.core.parse import parse_event
from oracxpred.core.records import Odds1X2, Phase
from oracxpred.core.state_codec import dumps_state, loads_state, state_from_dict, state_to_dict
from oracxpred.core.tracker import TrackerState, observe
from oracxpred.core.validate import match_problem
from oracxpred.store.querying import compute_league_stats, implied_probabilities
from oracxpred.store.sql.rows import match_row, row_match
from oracxpred.store.transfer.copy_format import copy_line
from tests.unit.test_validate import GOOD, NOW
from tests.unit.tracker_support import T0, roundtrip

TWO_WAY = Odds1X2(1.8, None, 1.95)


def penalty_event(phase: str, **extra: object) -> dict[str, object]:
    """A Penalty-league event as the feed lists it (no draw in ``G=1``)."""
    sc: dict[str, object] = {"I": "Paris d'avant-match"} if phase == "pre" else {"GS": 1}
    raw: dict[str, object] = {
        "I": 901,
        "O1": "France",
        "O2": "Brésil",
        "L": "FIFA. Penalty",
        "S": T0 + 600,
        "SC": sc,
        "E": [{"G": 1, "T": 1, "C": 1.8}, {"G": 1, "T": 3, "C": 1.95}],
    }
    if phase == "fin":
        raw.update(F=True, E=[])
        sc["FS"] = {"S1": 5, "S2": 4}
    raw.update(extra)
    return raw


def test_a_prematch_event_without_gs_gives_two_way_odds() -> None:
    event = parse_event(penalty_event("pre"))
    assert (event.phase, event.game_state, event.odds) == (Phase.PREMATCH, None, TWO_WAY)


def test_the_tracker_keeps_opening_and_closing_two_way_odds_across_runs() -> None:
    later = penalty_event("pre", E=[{"G": 1, "T": 1, "C": 1.7}, {"G": 1, "T": 3, "C": 2.1}])
    state = observe(TrackerState(), [parse_event(penalty_event("pre"))], T0).state
    state = observe(roundtrip(state), [parse_event(later)], T0 + 60).state
    [match] = observe(roundtrip(state), [parse_event(penalty_event("fin"))], T0 + 900).to_save
    assert match.opening_odds == TWO_WAY
    assert match.odds == Odds1X2(1.7, None, 2.1)


def test_a_draw_that_vanishes_before_kick_off_never_turns_the_match_two_way() -> None:
    """A 3-way market whose draw disappears (suspended) keeps its last 3-way closing line."""
    three = [{"G": 1, "T": 1, "C": 2.5}, {"G": 1, "T": 2, "C": 3.2}, {"G": 1, "T": 3, "C": 2.7}]
    state = observe(TrackerState(), [parse_event(penalty_event("pre", E=three))], T0).state
    state = observe(roundtrip(state), [parse_event(penalty_event("pre"))], T0 + 60).state
    [match] = observe(roundtrip(state), [parse_event(penalty_event("fin"))], T0 + 900).to_save
    assert match.opening_odds == match.odds == Odds1X2(2.5, 3.2, 2.7)
    assert match.odds_at == match.opening_odds_at


def test_two_way_odds_are_any_sport_whose_g1_lists_only_home_and_away(fixtures_dir) -> None:
    """Volleyball, e-sports and cricket captures: the same 2-way shape gives both prices."""
    from tests.unit.test_parse import by_id, parsed

    events = by_id(parsed(fixtures_dir, "live_tr_5.json"))
    assert events[600773394].odds == Odds1X2(1.315, None, 3.235)


def test_usable_two_way_odds_need_both_sides_usable() -> None:
    assert usable_odds(TWO_WAY)
    assert not usable_odds(Odds1X2(1.001, None, 9.0))


def test_a_state_with_two_way_odds_round_trips_and_a_bad_draw_is_refused() -> None:
    state = observe(TrackerState(), [parse_event(penalty_event("pre"))], T0).state
    raw = loads_state(dumps_state(state_to_dict(state)))
    assert raw["matches"][0]["odds"] == [1.8, None, 1.95]
    assert state_from_dict(raw) == state
    raw["matches"][0]["odds"] = [1.8, "x", 1.95]
    with pytest.raises(ValueError, match="« odds »"):
        state_from_dict(raw)


MATCH = dataclasses.replace(GOOD, odds=TWO_WAY, opening_odds=Odds1X2(1.9, None, 1.9))


def test_every_match_row_keeps_two_way_odds_with_odds_x_empty() -> None:
    cells = match_to_row(MATCH)
    assert (cells["odds_1"], cells["odds_x"], cells["odds_2"]) == ("1.8", "", "1.95")
    assert row_to_match(cells) == MATCH
    sql = match_row(MATCH)
    assert sql["odds_x"] is None
    assert row_match(sql) == MATCH
    assert ",1.8,,1.95," in copy_line(MATCH)
    assert match_problem(MATCH, NOW) is None


def test_an_empty_side_or_a_non_empty_unusable_draw_is_still_no_odds() -> None:
    cells = match_to_row(MATCH)
    assert row_to_match({**cells, "odds_1": ""}).odds is None
    assert row_to_match({**cells, "odds_x": "nan"}).odds is None
    assert row_to_match({**cells, "odds_2": ""}).odds is None
    assert row_to_match({**cells, "odds_x": ""}).odds == TWO_WAY  # MATCH is 2-way
    sql = match_row(MATCH)
    assert row_match({**sql, "odds_2": None}).odds is None
    assert row_match({**sql, "odds_x": 0}).odds is None


def test_implied_probabilities_of_a_two_way_market_give_the_draw_nothing() -> None:
    probabilities = implied_probabilities(Odds1X2(2.0, None, 2.0))
    assert probabilities == {"1": 0.5, "N": 0.0, "2": 0.5}
    [stats] = compute_league_stats([MATCH])
    assert stats.with_odds == 1
    assert stats.implied["N"] == 0.0

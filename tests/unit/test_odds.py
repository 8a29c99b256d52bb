"""The odds timeline core (core/odds.py): every selection of E and AE, hostile values refused,
change-only rows, and the tracker state that carries the last known prices across runs."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import to_builtins

from oracxpred.core.envelope import raw_events_of
from oracxpred.core.odds import MAX_PARAM, MAX_PRICE, diff, read_price, read_selections
from oracxpred.core.parse import parse_feed
from oracxpred.core.records import OddsRow, Phase, Price
from oracxpred.core.state_codec import dumps_state, loads_state, state_from_dict, state_to_dict
from oracxpred.core.tracker import TrackerState, confirm_saved, observe
from tests.unit.tracker_support import T0, event, roundtrip


def sel(g: int, t: int, c: float | None, p: float | None = None, **flags: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"G": g, "T": t}
    if c is not None:
        entry["C"] = c
    if p is not None:
        entry["P"] = p
    entry.update(flags)
    return entry


def price(g: int, t: int, c: float | None, p: float | None = None, **flags: bool) -> Price:
    return Price(g, t, p, c, flags.get("blocked", False), flags.get("central", False))


def rows_of(last: list[Price], now: list[Price], phase: Phase = Phase.PREMATCH) -> list[tuple]:
    return [
        (r.group, r.type, r.param, r.price, r.blocked, r.central, r.removed)
        for r in diff(9, last, now, observed_at=T0, server_time=None, phase=phase)
    ]


def test_e_and_ae_are_read_and_a_selection_listed_in_both_is_one() -> None:
    raw = {
        "E": [sel(1, 1, 2.1), sel(1, 3, 3.4), sel(17, 9, 1.8, 2.5, CE=1)],
        "AE": [{"G": 17, "ME": [sel(17, 9, 1.8, 2.5, CE=1), sel(17, 9, 1.5, 1.5)]}, {"G": 2}],
    }
    result = read_selections(raw)
    assert result.prices == (  # in the order read: E, then AE
        price(1, 1, 2.1),
        price(1, 3, 3.4),
        price(17, 9, 1.8, 2.5, central=True),
        price(17, 9, 1.5, 1.5),
    )
    assert result.rejected == ("bloc AE sans liste ME ({'G': 2})",)


def test_no_markets_at_all_is_no_selection_and_no_reason() -> None:
    assert read_selections({"E": []}).prices == ()
    assert read_selections({}) == read_selections({"E": None, "AE": None})
    assert read_selections({}).rejected == ()


def test_markets_that_are_not_lists_are_refused_with_a_reason() -> None:
    result = read_selections({"E": {"G": 1}, "AE": "x"})
    assert result.prices == ()
    assert result.rejected == (
        "champ E qui n'est pas une liste (dict)",
        "champ AE qui n'est pas une liste (str)",
    )


def test_blocked_and_capped_selections_are_kept_as_seen() -> None:
    entries = [sel(1, 1, 1.001), sel(1, 2, None, B=True), sel(1, 3, 4.0, B=True), sel(8, 4, 2)]
    prices = read_selections({"E": entries}).prices
    assert prices == (
        price(1, 1, 1.001),
        price(1, 2, None, blocked=True),
        price(1, 3, 4.0, blocked=True),
        price(8, 4, 2.0),
    )
    assert type(prices[-1].price) is float


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("x", "sélection qui n'est pas un objet (str)"),
        ({"T": 1, "C": 2}, "sélection avec G invalide (None)"),
        ({"G": True, "T": 1, "C": 2}, "sélection avec G invalide (True)"),
        ({"G": 1, "T": -1, "C": 2}, "sélection avec T invalide (-1)"),
        ({"G": 1, "T": 2**40, "C": 2}, "sélection avec T invalide"),
        ({"G": 1, "T": 1}, "sélection G=1 T=1 sans prix C"),
        ({"G": 1, "T": 1, "C": "2.5"}, "C n'est pas un nombre (2.5)"),
        ({"G": 1, "T": 1, "C": True}, "C n'est pas un nombre (True)"),
        ({"G": 1, "T": 1, "C": math.nan}, "C hors limites (nan)"),
        ({"G": 1, "T": 1, "C": math.inf}, "C hors limites (inf)"),
        ({"G": 1, "T": 1, "C": 0.5}, "C hors limites (0.5)"),
        ({"G": 1, "T": 1, "C": MAX_PRICE * 2}, "C hors limites"),
        ({"G": 17, "T": 9, "C": 2, "P": 10**400}, "P hors limites"),
        ({"G": 17, "T": 9, "C": 2, "P": 1e308}, "P hors limites"),
        ({"G": 17, "T": 9, "C": 2, "P": -math.inf}, "P hors limites"),
        ({"G": 17, "T": 9, "C": 2, "P": "2.5"}, "P n'est pas un nombre"),
    ],
)
def test_hostile_values_are_refused_with_a_reason(entry: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read_price(entry)
    result = read_selections({"E": [entry, sel(1, 1, 2.0)]})
    assert result.prices == (price(1, 1, 2.0),)
    assert len(result.rejected) == 1
    assert result.rejected[0].startswith(reason)


HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["G", "T", "P", "C", "B", "CE"]), HOSTILE)))
def test_any_entry_is_read_or_refused_and_what_is_read_is_bounded(entries: list) -> None:
    result = read_selections({"E": entries, "AE": [{"ME": entries}]})
    for p in result.prices:
        assert p.price is not None or p.blocked
        assert p.price is None or (math.isfinite(p.price) and 1.0 <= p.price <= MAX_PRICE)
        assert p.param is None or abs(p.param) <= MAX_PARAM
    assert len({p.key for p in result.prices}) == len(result.prices)
    assert all(r for r in result.rejected)
    json.dumps(to_builtins(state_to_dict(_state_with(result.prices))), allow_nan=False)


def _state_with(prices: tuple[Price, ...]) -> TrackerState:
    state = observe(TrackerState(), [event(1)], T0).state
    state.matches[1].prices = prices
    assert state_from_dict(loads_state(dumps_state(state_to_dict(state)))) == state
    return state


def test_only_changes_give_rows_and_a_removal_is_written_once() -> None:
    a, b = price(1, 1, 2.0), price(1, 3, 3.0)
    assert rows_of([], [a, b]) == [
        (1, 1, None, 2.0, False, False, False),
        (1, 3, None, 3.0, False, False, False),
    ]
    assert rows_of([a, b], [a, b]) == []
    assert rows_of([a, b], [price(1, 1, 2.2), b]) == [(1, 1, None, 2.2, False, False, False)]
    assert rows_of([a], [price(1, 1, 2.0, blocked=True)]) == [(1, 1, None, 2.0, True, False, False)]
    assert rows_of([a], [price(1, 1, 2.0, central=True)]) == [(1, 1, None, 2.0, False, True, False)]
    assert rows_of([a, b], [b], Phase.LIVE) == [(1, 1, None, 2.0, False, False, True)]
    assert rows_of([b], [b]) == []


def test_rows_carry_the_event_the_times_and_the_phase() -> None:
    [row] = diff(
        7, [], [price(2, 7, 1.9, -1.5)], observed_at=T0, server_time=T0 - 3, phase=Phase.LIVE
    )
    assert (row.event_id, row.observed_at, row.server_time, row.phase) == (7, T0, T0 - 3, "live")
    assert (row.param, row.removed) == (-1.5, False)


def test_the_tracker_writes_the_change_only_timeline_across_runs() -> None:
    """Cron (state read back between polls) and daemon (state kept) give the same rows."""
    a, b, c = price(1, 1, 2.0), price(1, 3, 3.0), price(17, 9, 1.8, 2.5)
    polls = [
        (Phase.PREMATCH, (a, b, c)),
        (Phase.PREMATCH, (a, b, c)),
        (Phase.LIVE, (price(1, 1, 1.5), b)),
        (Phase.PREMATCH, (price(1, 1, 1.5), b)),  # a stale pre-match snapshot: still live
        (Phase.FINISHED, ()),
    ]
    daemon = cron = TrackerState()
    got_daemon: list[OddsRow] = []
    got_cron: list[OddsRow] = []
    for i, (phase, prices) in enumerate(polls):
        e = event(1, phase, odds=None, score=(1, 0))
        e = type(e)(**{**{f: getattr(e, f) for f in e.__slots__}, "prices": prices})
        daemon_obs = observe(daemon, [e], T0 + 60 * i)
        cron_obs = observe(roundtrip(cron), [e], T0 + 60 * i)
        daemon, cron = daemon_obs.state, cron_obs.state
        got_daemon += daemon_obs.odds_rows
        got_cron += cron_obs.odds_rows
    assert got_daemon == got_cron
    summary = [(r.observed_at - T0, r.phase.value, r.type, r.price, r.removed) for r in got_cron]
    assert summary == [
        (0, "prematch", 1, 2.0, False),
        (0, "prematch", 3, 3.0, False),
        (0, "prematch", 9, 1.8, False),
        (120, "live", 1, 1.5, False),
        (120, "live", 9, 1.8, True),
        (240, "finished", 1, 1.5, True),
        (240, "finished", 3, 3.0, True),
    ]
    # Finished: frozen (no more rows) until saved, then forgotten with its prices.
    assert observe(cron, [e], T0 + 300).odds_rows == ()
    saved = confirm_saved(cron, [1], T0 + 300)
    assert 1 not in saved.matches
    assert observe(saved, [e], T0 + 360).odds_rows == ()


def test_a_version_1_state_loads_without_prices() -> None:
    state = observe(TrackerState(), [event(1)], T0).state
    old = state_to_dict(state)
    old["version"] = 1
    for match in old["matches"]:
        del match["prices"]
    assert state_from_dict(old) == state


@pytest.mark.parametrize(
    "bad",
    [
        "x",
        ["x"],
        [[1, 2, None, 2.0, False]],
        [["1", 2, None, 2.0, False, False]],
        [[1, 2, "2.5", 2.0, False, False]],
        [[1, 2, None, math.nan, False, False]],
        [[1, 2, None, 2.0, 0, False]],
        [[1, 2, None, 2.0, False, None]],
    ],
)
def test_garbage_prices_in_a_state_are_refused(bad: object) -> None:
    raw = state_to_dict(observe(TrackerState(), [event(1)], T0).state)
    raw["matches"][0]["prices"] = bad
    with pytest.raises(ValueError, match="« prices »"):
        state_from_dict(raw)


def test_parsed_captures_carry_their_selections(fixtures_dir) -> None:
    payload = (fixtures_dir / "fifa_prematch_inplay_20.json").read_bytes()
    events = parse_feed(payload).events
    assert all(e.prices for e in events if e.phase is not Phase.FINISHED)
    assert not any(e.odds_rejected for e in events)
    groups = {p.group for e in events for p in e.prices}
    assert {1, 2, 17} <= groups


def test_the_fast_path_refuses_an_open_selection_without_a_price_like_the_reference() -> None:
    from oracxpred.core.odds import markets_of

    entries = [{"G": 1, "T": 1, "C": 2.0}, {"G": 17, "T": 9, "P": 2.5}]
    body = json.dumps({"Value": [{"I": 1, "E": entries}]}).encode()
    (fast,) = raw_events_of(body)
    (reference,) = raw_events_of(body, fast=False)
    assert markets_of(fast) == markets_of(reference)
    selections, _ = markets_of(fast)
    assert selections.rejected == ("sélection G=17 T=9 sans prix C",)
    assert [p.key for p in selections.prices] == [(1, 1, None)]


def test_a_poll_whose_selections_moved_places_diffs_by_key() -> None:
    """Same number of selections but another order or another line: the keyed diff."""
    a, b = Price(1, 1, None, 2.0, False, False), Price(17, 9, 2.5, 1.8, False, True)
    c = Price(17, 9, 3.5, 2.2, False, False)
    swapped = diff(1, (a, b), (b, a), observed_at=60, server_time=None, phase=Phase.PREMATCH)
    assert swapped == ()
    moved = diff(1, (a, b), (a, c), observed_at=60, server_time=None, phase=Phase.PREMATCH)
    assert [(r.param, r.removed) for r in moved] == [(3.5, False), (2.5, True)]


def test_unchanged_markets_are_not_read_again_and_give_the_same_events() -> None:
    """``parse_feed(body, previous)``: an event whose raw ``E``/``AE`` did not change reuses
    last poll's reading (the very same objects); the events equal a reading from scratch."""
    from oracxpred.core.odds import markets_of

    def event(event_id: int, price: float) -> dict[str, Any]:
        return {
            "I": event_id,
            "O1": "A",
            "O2": "B",
            "L": "FIFA",
            "SC": {"GS": 128},
            "E": [{"G": 1, "T": 1, "C": price}, {"G": 1, "T": 2, "C": 3.1}],
            "AE": [{"G": 17, "ME": [{"G": 17, "T": 9, "P": 2.5, "C": 1.9, "CE": 1}]}],
        }

    first = json.dumps({"Value": [event(1, 2.0), event(2, 2.2)]}).encode()
    second = json.dumps({"Value": [event(1, 2.0), event(2, 2.4)]}).encode()
    one = parse_feed(first)
    two = parse_feed(second, one.markets)
    assert two.events == parse_feed(second).events
    assert two.events[0].prices is one.events[0].prices  # not read again
    assert two.events[1].prices != one.events[1].prices
    assert set(two.markets) == {1, 2}
    # Without a memo to fill (a direct call), the same reading.
    (raw,) = raw_events_of(json.dumps({"Value": [event(3, 2.0)]}).encode())
    assert markets_of(raw, 3) == markets_of(raw, 3, {}, {})


def test_a_hostile_entry_sends_only_its_event_to_the_reference_reading() -> None:
    from oracxpred.core.odds import markets_of

    entries = [{"G": 1, "T": 1, "C": 2.0}, {"G": 2, "T": 7, "P": "2.5", "C": 1.8}]
    body = json.dumps({"Value": [{"I": 1, "E": entries, "AE": []}]}).encode()
    (fast,) = raw_events_of(body)
    (reference,) = raw_events_of(body, fast=False)
    assert markets_of(fast, 1, None, {}) == markets_of(reference)
    assert markets_of(fast, 1)[0].rejected == ("P n'est pas un nombre (2.5)",)

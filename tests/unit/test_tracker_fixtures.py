"""The tracker on real captures: parsed events of real polls, finished the way real ones are.

Finishing a captured pre-match event edits an in-memory copy the way ``fifa_finished_16.json``
shows finished events (``F``, ``SC.GS`` 1, "Jeu terminé", zero-omitted ``FS``, ``E`` empty or
all blocked). Nothing is written to disk.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from oracxpred.core.parse import parse_feed
from oracxpred.core.records import FeedEvent, FinishSource, Odds1X2, Outcome, Phase, Score
from oracxpred.core.results import parse_results
from oracxpred.core.state_codec import state_from_dict
from oracxpred.core.tracker import TrackerState, confirm_saved, counts, observe
from tests.helpers import load_fixture
from tests.unit.tracker_support import SIX_HOURS, Driver

U0 = 1782879544  # the latest U of fifa_prematch_inplay_20.json: when it was polled
NEVER_RESOLVED = 733129259  # Bayern Munich - Real Madrid, live at 1-3 in the capture


def utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


def parsed(raw_events: list[dict[str, Any]]) -> list[FeedEvent]:
    result = parse_feed(json.dumps({"Success": True, "Value": raw_events}).encode())
    assert result.rejections == ()
    return list(result.events)


def zero_omitted(home: int, away: int, **extra: Any) -> dict[str, Any]:
    return {k: v for k, v in (("S1", home), ("S2", away)) if v} | extra


def finished(raw: dict, score: tuple[int, int], halftime=None, blocked=False) -> dict:
    """A copy of a captured event, finished as the 16 captured finished events are."""
    done = copy.deepcopy(raw)
    done.pop("GNS", None)
    periods = []
    if halftime is not None:
        second = (score[0] - halftime[0], score[1] - halftime[1])
        periods = [
            {"Key": 1, "Value": zero_omitted(*halftime, NF="1ère mi-temps")},
            {"Key": 2, "Value": zero_omitted(*second, NF="2ème mi-temps")},
        ]
    done["SC"] = {
        "FS": zero_omitted(*score),
        "PS": periods,
        "CPS": "Jeu terminé",
        "GS": 1,
        "TS": 420,
        "I": "Match terminé",
        "SLS": "",
    }
    done["F"] = True
    done["VI"] = "xgame7_52635543"
    # 14 of 16 captured finished events have E:[]; 2 keep every market, blocked.
    done["E"] = [dict(m, B=True, C=1.001) for m in raw["E"]] if blocked else []
    return done


def repriced(raw: dict, home: float) -> dict:
    moved = copy.deepcopy(raw)
    for market in moved["E"]:
        if market["G"] == 1 and market["T"] == 1:
            market["C"], market["CV"] = home, str(home)
    return moved


def test_sixteen_finished_events_are_saved_once_without_odds(fixtures_dir):
    raw = load_fixture(fixtures_dir, "fifa_finished_16.json")["Value"]
    now = max(e["U"] for e in raw)
    obs = observe(TrackerState(), parsed(raw), now)
    rows = {r.event_id: r for r in obs.to_save}
    assert len(rows) == 16
    for event in raw:
        row = rows[event["I"]]
        fs = event["SC"]["FS"]
        assert (row.score1, row.score2) == (fs.get("S1", 0), fs.get("S2", 0))
        assert row.finish_source is FinishSource.FEED
        assert row.status == "Jeu terminé"
        assert row.start_time == utc(event["S"])
        assert row.league_id == event["LI"]
        assert (row.team1_id, row.team2_id) == (event["O1I"], event["O2I"])
        assert row.odds is None  # first seen finished: its blocked prices are never taken
        assert row.opening_odds is None
    assert rows[726652734].outcome is Outcome.AWAY  # FS {"S2": 1}
    assert rows[726652734].halftime == Score(0, 0)  # PS Key 1 without S1/S2
    assert rows[726667282].outcome is Outcome.DRAW  # 4-4 with blocked 1X2 still listed
    assert rows[726667282].halftime is None  # 5x5 Rush: one period
    state = confirm_saved(obs.state, rows, now)
    assert observe(state, parsed(raw), now + 30).to_save == ()


def test_real_polls_from_prematch_to_saved_or_unresolved(fixtures_dir):
    raw = {e["I"]: e for e in load_fixture(fixtures_dir, "fifa_prematch_inplay_20.json")["Value"]}
    prematch = [e for e in raw.values() if e["SC"].get("GS") == 128]
    live = [e for e in raw.values() if e["SC"].get("GS") != 128]
    assert (len(prematch), len(live)) == (16, 4)

    template = load_fixture(fixtures_dir, "results_v3_games_excerpt.json")["items"][0]
    items = []
    for event_id, event in raw.items():
        if event_id == NEVER_RESOLVED:
            continue
        two_halves = event["LI"] != 2986291  # 5x5 Rush plays one period
        score = "3:2 (1:2,2:0)" if two_halves else "3:2"
        item = copy.deepcopy(template)
        item.update(id=event_id, sportId=85, champId=event["LI"], champName=event["L"])
        item.update(opp1=event["O1"], opp2=event["O2"], score=score, dateStart=event["S"])
        item.update(opp1Ids=[event["O1I"]], opp2Ids=[event["O2I"]], dopInfo="", videos=[])
        items.append(item)
    results = parse_results(json.dumps({"count": len(items), "items": items}).encode())
    assert results.rejections == ()
    driver = Driver()
    for item in results.items:
        driver.results.put(item)

    chelsea, juventus = raw[733141641], raw[733138788]  # both 5x5 Rush, pre-match
    driver.cycle(parsed(list(raw.values())), U0)
    assert counts(driver.state).tracked == 20
    assert driver.state.matches[733141641].opening_odds == Odds1X2(2.11, 5.99, 2.275)
    assert driver.state.matches[733136831].odds is None  # live with open prices: not taken
    moved = [repriced(chelsea, 2.05) if e is chelsea else e for e in raw.values()]
    driver.cycle(parsed(moved), U0 + 60)
    alkmaar = raw[733136831]  # 3x3, 2-3 in the first half in the capture
    ended = [finished(alkmaar, (4, 5), halftime=(2, 3)) if e is alkmaar else e for e in moved]
    (alkmaar_row,) = driver.cycle(parsed(ended), U0 + 300)
    assert (alkmaar_row.finish_source, alkmaar_row.halftime) == (FinishSource.FEED, Score(2, 3))
    assert (alkmaar_row.score1, alkmaar_row.score2, alkmaar_row.outcome) == (4, 5, Outcome.AWAY)
    assert alkmaar_row.odds is None  # first seen in play, with open prices: never taken

    now = chelsea["S"] + 680
    upcoming = [e for e in prematch if e["S"] > now and e is not chelsea]
    finals = [finished(chelsea, (3, 1)), finished(juventus, (0, 0), blocked=True)]
    rows = driver.cycle(parsed(finals + upcoming), now)
    by_id = {r.event_id: r for r in rows}
    assert set(by_id) == {733141641, 733138788}
    chelsea_row = by_id[733141641]
    assert (chelsea_row.opening_odds, chelsea_row.opening_odds_at) == (
        Odds1X2(2.11, 5.99, 2.275),
        utc(U0),
    )
    assert (chelsea_row.odds, chelsea_row.odds_at) == (Odds1X2(2.05, 5.99, 2.275), utc(U0 + 300))
    assert (chelsea_row.score1, chelsea_row.score2, chelsea_row.outcome) == (3, 1, Outcome.HOME)
    assert (chelsea_row.team1, chelsea_row.team2) == ("Chelsea", "PSV Eindhoven")
    juventus_row = by_id[733138788]
    assert (juventus_row.score1, juventus_row.score2, juventus_row.outcome) == (0, 0, Outcome.DRAW)
    assert juventus_row.odds == Odds1X2(2.005, 6.02, 2.416)  # pre-match, not the blocked 1.001
    gone = {e["I"] for e in raw.values() if e["S"] < now} - {733141641, 733138788, 733136831}
    assert {i for i, m in driver.state.matches.items() if m.pending} == gone

    end = now + SIX_HOURS + 3600
    while now < end:
        now += 60
        driver.cycle(parsed([e for e in upcoming if e["S"] > now]), now)
    assert sorted(driver.stored) == sorted(set(raw) - {NEVER_RESOLVED})
    assert [u.event_id for u in driver.unresolved] == [NEVER_RESOLVED]
    assert driver.saved_twice == []
    assert driver.state.matches == {}
    for event_id, row in driver.stored.items():
        if event_id in (733141641, 733138788, 733136831):
            continue
        assert row.finish_source is FinishSource.RESULTS
        assert (row.score1, row.score2, row.outcome) == (3, 2, Outcome.HOME)
        two_halves = raw[event_id]["LI"] != 2986291
        assert row.halftime == (Score(1, 2) if two_halves else None)
        if raw[event_id] in live:
            assert row.odds is None  # first seen in play
        else:
            assert row.odds is not None
            assert row.opening_odds_at == utc(U0)
            start = raw[event_id]["S"]
            if raw[event_id] in upcoming:  # still listed pre-match until its start
                assert row.odds_at is not None
                assert start - 60 <= row.odds_at.timestamp() < start
            else:
                assert row.odds_at == utc(U0 + 300)


def test_late_in_play_event_without_1x2_resolves_without_odds(fixtures_dir):
    (raw,) = load_fixture(fixtures_dir, "fifa_inplay_late_1.json")["Value"]
    driver = Driver()
    driver.results.add(raw["I"], (6, 1), start=raw["S"], league_id=raw["LI"])
    driver.cycle(parsed([raw]), raw["U"])
    assert driver.state.matches[raw["I"]].phase is Phase.LIVE
    driver.cycle([], raw["U"] + 60)
    (row,) = driver.cycle([], raw["U"] + 120)
    assert (row.finish_source, row.score1, row.score2) == (FinishSource.RESULTS, 6, 1)
    assert (row.odds, row.opening_odds) == (None, None)


def test_a_foreign_trackers_state_is_refused(fixtures_dir):
    """The third-party tracker file next to the captures is not our state: start fresh."""
    foreign = load_fixture(fixtures_dir, "fifa_finished_16_tracker_state.json")
    with pytest.raises(ValueError, match="version None inconnue"):
        state_from_dict(foreign)

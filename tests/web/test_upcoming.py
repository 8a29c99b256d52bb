"""/api/upcoming and /a-venir after a real collector cycle against the simulator."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from oracxpred.config import Settings
from oracxpred.core.closing import TotalLine, main_total_of
from oracxpred.core.parse import parse_event
from oracxpred.core.records import FeedEvent, Phase
from oracxpred.simulator.catalog import DEFAULT_LEAGUES
from oracxpred.simulator.league import DEFAULT_START_EPOCH, ODDS_QUIET_S
from oracxpred.simulator.server import start_simulator
from oracxpred.store.csv.store import CsvStore
from oracxpred.web import create_app
from oracxpred.web.health import beat_time
from tests.helpers import StaticFeed, run_collector


def _app(csv_path, clock):
    config = {
        "TESTING": True,
        "ORACXPRED_SETTINGS": Settings(csv_path=csv_path),
        "ORACXPRED_CLOCK": clock,
        "ORACXPRED_INTERNAL_COLLECTOR": False,
        "ORACXPRED_HEALTH_MAX_AGE_S": 600,
    }
    return create_app(config, store=CsvStore(csv_path))


def _total(total: TotalLine | None) -> dict[str, float]:
    assert total is not None, "every simulated match lists totals"
    return {"line": total.line, "over": total.over, "under": total.under}


def _prematch(snapshot: list[dict]) -> dict[int, FeedEvent]:
    events = (parse_event(raw) for raw in snapshot)
    return {e.event_id: e for e in events if e.phase is Phase.PREMATCH}


PINNED_S = 42
"""How long after the last cycle the pinned web clock reads (countdowns run from it)."""


def _epoch_near_now() -> int:
    """A simulator start near the real time with the schedule of the default one: both
    default leagues start a match every 10 min, so the same matches come at the same offsets
    (deterministic) while the heartbeats' real times stay close to the simulated starts."""
    step = 600
    assert {spec.interval_s for spec in DEFAULT_LEAGUES} == {step}
    return DEFAULT_START_EPOCH + (int(time.time()) - DEFAULT_START_EPOCH) // step * step


def _instant(text: str | None) -> datetime:
    assert text is not None
    return datetime.fromisoformat(text)


def _epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def test_upcoming_equals_the_simulator_prematch_events(tmp_path):
    """Real runs against the simulator, 55 s apart from 30 s after its start until a match
    announced after the start has been listed: every match was first polled within its first
    quiet minute (no price move), so its opening odds are the simulator's opening truth."""
    csv_path = tmp_path / "matches.csv"
    first: dict[int, FeedEvent] = {}  # each event as the first poll listing it saw it
    seen_at: dict[int, int] = {}  # that poll's simulated time
    polls: list[int] = []
    with start_simulator(seed=3, start_epoch=_epoch_near_now()) as sim:
        origin = sim.now()
        sim.advance(30)
        for _ in range(20):
            began = datetime.now(UTC)
            done = run_collector(
                "--feed-url", sim.feed_url, "--csv-path", str(csv_path), "--no-archive"
            )
            ended = datetime.now(UTC)
            assert done.returncode == 0, done.stderr
            polls.append(sim.now())
            for event_id, event in _prematch(sim.snapshot()).items():
                first.setdefault(event_id, event)
                seen_at.setdefault(event_id, sim.now())
            truth = {t["id"]: t for t in sim.truth(include_all=True)}
            if any(truth[i]["announced_at"] > origin for i in first):
                break
            sim.advance(55)
        expected = _prematch(sim.snapshot())
    assert expected
    fresh = [i for i in expected if truth[i]["announced_at"] > origin]
    assert fresh, "a match announced after the simulator's start is listed"
    assert len(polls) >= 3
    app = _app(csv_path, lambda: datetime.now(UTC))
    answer = app.test_client().get("/api/upcoming")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "ok"
    # cycle_at: the heartbeat of the last run (not an earlier one), on the real clock.
    cycle = _instant(body["cycle_at"])
    (beat,) = CsvStore(csv_path).recent_heartbeats(1)
    assert cycle == beat_time(beat)
    assert began <= cycle <= ended
    items = {item["event_id"]: item for item in body["items"]}
    assert set(items) == set(expected)
    assert [i["event_id"] for i in body["items"]] == sorted(
        expected, key=lambda i: (truth[i]["start"], i)
    )
    moved = 0
    for event_id, event in expected.items():
        item, real = items[event_id], truth[event_id]
        shown = (item["team1"], item["team2"], item["league"], item["two_way"])
        assert shown == (event.team1, event.team2, event.league, False)
        assert (item["team1"], item["team2"], item["league_id"]) == (
            real["team1"],
            real["team2"],
            real["league_id"],
        )
        assert _instant(item["start_time"]) == _epoch(real["start"])
        assert real["start"] == event.start_time  # the feed's S
        assert item["main_total"] == _total(main_total_of(event.prices))
        opening = {k: v for k, v in item["opening_total"].items() if k != "at"}
        assert opening == _total(main_total_of(first[event_id].prices))
        assert _instant(item["opening_total"]["at"]) == _epoch(seen_at[event_id])
        # First polled within its first minute listed: the opening is the simulator's.
        assert 0 <= seen_at[event_id] - real["announced_at"] < ODDS_QUIET_S
        want = real["opening_odds"]
        assert item["opening_odds"] == {
            "1": want["home"],
            "N": want["draw"],
            "2": want["away"],
            "at": item["opening_odds"]["at"],
        }
        assert _instant(item["opening_odds"]["at"]) == _epoch(seen_at[event_id])
        assert event.odds is not None
        odds = (item["odds"]["1"], item["odds"]["N"], item["odds"]["2"])
        assert odds == (event.odds.home, event.odds.draw, event.odds.away)
        assert _instant(item["odds"]["at"]) == _epoch(polls[-1])  # the last poll's price
        moved += opening != item["main_total"]
    assert moved, "the simulator's totals move within minutes: opening and current must differ"
    # Countdowns run from the web clock: pinned PINNED_S after the last cycle, each one is
    # the start minus the cycle's time, less PINNED_S.
    pinned = _app(csv_path, lambda: cycle + timedelta(seconds=PINNED_S))
    later = pinned.test_client().get("/api/upcoming").get_json()
    assert _instant(later["checked_at"]) == cycle + timedelta(seconds=PINNED_S)
    assert later["cycle_at"] == body["cycle_at"]
    for item in later["items"]:
        start = _epoch(truth[item["event_id"]]["start"])
        assert item["countdown_s"] == round((start - cycle).total_seconds()) - PINNED_S
    assert {i["event_id"] for i in later["items"]} == set(expected)
    item = body["items"][0]
    assert set(item) >= {"league", "team1", "team2", "start_time", "countdown_s", "main_total"}
    page = app.test_client().get("/a-venir")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<title>À venir · OracXPred</title>" in text
    assert f'data-event="{item["event_id"]}"' in text

    stale = _app(csv_path, lambda: datetime.now(UTC) + timedelta(hours=2))
    late = stale.test_client().get("/api/upcoming")
    assert late.status_code == 503
    assert late.get_json()["items"] == []
    assert late.get_json()["reason"]
    assert stale.test_client().get("/a-venir").status_code == 503


def penalty_capture(fixtures_dir) -> tuple[bytes, int]:
    """The real pre-match capture turned into a Penalty-league event (docs/feed.md §11): a
    2-way ``G=1`` and no ``SC.GS`` before kick-off."""
    body = json.loads((fixtures_dir / "fifa_prematch_trimmed_1.json").read_bytes())
    (event,) = body["Value"]
    event["L"] = event["LE"] = "FC26. Penalty"
    event["E"] = [m for m in event["E"] if not (m["G"] == 1 and m["T"] == 2)]
    event["SC"].pop("GS", None)
    event["SC"]["I"] = "Paris d'avant-match"
    event["S"] = int(time.time()) + 900
    return json.dumps(body).encode(), event["I"]


def test_a_penalty_event_is_listed_with_its_two_way_odds(fixtures_dir, tmp_path):
    csv_path = tmp_path / "matches.csv"
    body, event_id = penalty_capture(fixtures_dir)
    with StaticFeed(body) as feed:
        done = run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path))
    assert done.returncode == 0, done.stdout + done.stderr
    app = _app(csv_path, lambda: datetime.now(UTC))
    (item,) = app.test_client().get("/api/upcoming").get_json()["items"]
    assert item["event_id"] == event_id
    assert item["two_way"] is True
    assert item["odds"]["N"] is None
    assert item["opening_odds"]["N"] is None
    assert 0 < item["countdown_s"] <= 900
    text = app.test_client().get("/a-venir").get_data(as_text=True)
    assert 'title="Marché à deux issues : pas de match nul"' in text
    assert f'<tr data-event="{event_id}" class="two-way">' in text

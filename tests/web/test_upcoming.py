"""/api/upcoming and /a-venir after a real collector cycle against the simulator."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from oracxpred.config import Settings
from oracxpred.core.closing import TotalLine, main_total_of
from oracxpred.core.parse import parse_event
from oracxpred.core.records import FeedEvent, Phase
from oracxpred.simulator.server import start_simulator
from oracxpred.store.csv.store import CsvStore
from oracxpred.web import create_app
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


def test_upcoming_equals_the_simulator_prematch_events(tmp_path):
    csv_path = tmp_path / "matches.csv"
    with start_simulator(seed=3) as sim:
        sim.advance(120)
        done = run_collector(
            "--feed-url", sim.feed_url, "--csv-path", str(csv_path), "--no-archive"
        )
        assert done.returncode == 0, done.stderr
        first = _prematch(sim.snapshot())
        sim.advance(60)
        done = run_collector(
            "--feed-url", sim.feed_url, "--csv-path", str(csv_path), "--no-archive"
        )
        assert done.returncode == 0, done.stderr
        expected = _prematch(sim.snapshot())
    assert expected
    app = _app(csv_path, lambda: datetime.now(UTC))
    answer = app.test_client().get("/api/upcoming")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "ok"
    assert body["cycle_at"]
    items = {item["event_id"]: item for item in body["items"]}
    assert set(items) == set(expected)
    moved = 0
    for event_id, event in expected.items():
        item = items[event_id]
        shown = (item["team1"], item["team2"], item["league"], item["two_way"])
        assert shown == (event.team1, event.team2, event.league, False)
        assert item["main_total"] == _total(main_total_of(event.prices))
        opening = {k: v for k, v in item["opening_total"].items() if k != "at"}
        assert opening == _total(main_total_of(first.get(event_id, event).prices))
        assert item["opening_odds"] is not None
        assert event.odds is not None
        odds = (item["odds"]["1"], item["odds"]["N"], item["odds"]["2"])
        assert odds == (event.odds.home, event.odds.draw, event.odds.away)
        moved += opening != item["main_total"]
    assert moved, "the simulator's totals move within a minute: opening and current must differ"
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

"""/api/upcoming and /a-venir after a real collector cycle against the simulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from oracxpred.config import Settings
from oracxpred.core.parse import parse_event
from oracxpred.core.records import Phase
from oracxpred.simulator.server import start_simulator
from oracxpred.store.csv.store import CsvStore
from oracxpred.web import create_app
from tests.helpers import run_collector


def _app(csv_path, clock):
    config = {
        "TESTING": True,
        "ORACXPRED_SETTINGS": Settings(csv_path=csv_path),
        "ORACXPRED_CLOCK": clock,
        "ORACXPRED_INTERNAL_COLLECTOR": False,
        "ORACXPRED_HEALTH_MAX_AGE_S": 600,
    }
    return create_app(config, store=CsvStore(csv_path))


def test_upcoming_equals_the_simulator_prematch_events(tmp_path):
    csv_path = tmp_path / "matches.csv"
    with start_simulator(seed=3) as sim:
        sim.advance(120)
        done = run_collector(
            "--feed-url", sim.feed_url, "--csv-path", str(csv_path), "--no-archive"
        )
        assert done.returncode == 0, done.stderr
        expected = {
            e.event_id
            for e in (parse_event(raw) for raw in sim.snapshot())
            if e.phase is Phase.PREMATCH
        }
    assert expected
    app = _app(csv_path, lambda: datetime.now(UTC))
    answer = app.test_client().get("/api/upcoming")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "ok"
    assert body["cycle_at"]
    assert {item["event_id"] for item in body["items"]} == expected
    item = body["items"][0]
    assert item["opening_odds"] is not None
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

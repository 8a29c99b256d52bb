"""The daemon's re-audit: gaps of the last hours repaired, gauge, Santé chart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import httpx

from oracxpred.config import Settings
from oracxpred.core.records import FinishSource
from oracxpred.feed.client import FeedClient, RetryPolicy
from oracxpred.history.continuous import (
    NAME,
    audit_recent,
    completeness_incident,
    day_ratios,
    league_ratios,
)
from oracxpred.store.csv.store import CsvStore
from oracxpred.web.completeness import completeness_chart, completeness_days
from tests.helpers import REPO, free_port, wait_until
from tests.history.conftest import cli_args
from tests.web.conftest import build_app

SUPER, CONF = 2986291, 2860561


def test_recent_gaps_are_repaired_and_recorded(sim, tmp_path):
    store = CsvStore(tmp_path / "m.csv")
    client = FeedClient(sim.feed_url, policy=RetryPolicy(retries=1, backoff_s=0.01))
    now = int(time.time())
    with store, client:
        record = audit_recent(store, client, now, hours=2)
        repaired = list(store.iter_matches())
        assert len(repaired) == 2 * 2 * 6  # 2 leagues, 2 hours, a match every 10 min
        assert {m.finish_source for m in repaired} == {FinishSource.BACKFILL}
        assert set(record) == {str(SUPER), str(CONF)}
        assert all(v[1] == 6 for e in record.values() for v in e["hours"].values())
        again = audit_recent(store, client, now, hours=2)
        assert all(v[1] == 0 for e in again.values() for v in e["hours"].values())
        assert store.count_matches() == len(repaired)
        assert set(league_ratios(again).values()) == {1.0}
        assert store.load_checkpoint(NAME) == again


def test_a_league_left_incomplete_is_an_alert():
    assert completeness_incident({"Un": 1.0, "Deux": 1.0}) is None
    text = completeness_incident({"Un": 1.0, "Deux": 0.95, "Trois": 0.5})
    assert text == ("Complétude des 7 derniers jours inférieure à 100 % : Deux 95.0%, Trois 50.0%")


def test_day_ratios_skip_damaged_entries():
    record = {
        "1": {"name": "Un", "hours": {"86400": [10, 2, 1], "90000": [10, 0, 0]}},
        "2": {"name": "Deux", "hours": {"86400": ["x"]}},
        "x": {},
    }
    (day,) = day_ratios(record)
    assert (day.league_id, day.day, day.expected, day.left) == (1, 86400, 20, 1)
    assert day.ratio == 0.95
    assert league_ratios(record) == {"Un": 0.95}
    assert day_ratios(None) == []


def test_the_health_page_draws_completeness_per_league(tmp_path):
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    today = int(now.timestamp()) // 86400 * 86400
    store = CsvStore(tmp_path / "m.csv")
    store.save_checkpoint(
        NAME,
        {
            "7": {
                "name": "Ligue <7>",
                "hours": {str(today): [12, 3, 0], str(today - 86400): [6, 0, 0]},
            },
            "8": {"name": "Huit", "hours": {str(today - 9 * 86400): [6, 0, 0]}},  # too old
        },
    )
    days = completeness_days(store, now)
    assert [(d.league_id, d.day) for d in days] == [(7, today - 86400), (7, today)]
    chart = completeness_chart(days, now)
    assert len(chart.rects) == 2
    assert len(chart.labels) == 7
    app = build_app(store, Settings(csv_path=tmp_path / "m.csv"), ORACXPRED_CLOCK=lambda: now)
    page = app.test_client().get("/sante").get_data(as_text=True)
    assert 'data-chart="completeness"' in page
    assert "Ligue &lt;7&gt;" in page
    assert "100.0%" in page


def test_the_daemon_reaudits_and_exports_the_gauge(sim, tmp_path):
    target = {"csv_path": tmp_path / "m.csv", "database_url": None}
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    args = [sys.executable, str(REPO / "collector_service.py"), "--daemon", "--interval", "1"]
    args += ["--audit-every", "0.02", "--metrics-port", str(port), *cli_args(target, sim)]
    daemon = subprocess.Popen(
        args, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )

    def gauge() -> str | None:
        try:
            text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
        except httpx.HTTPError:
            return None
        lines = [x for x in text.splitlines() if x.startswith("oracxpred_completeness_ratio{")]
        return "\n".join(lines) if len(lines) == 2 else None

    try:
        found = wait_until(gauge, timeout=60, what="la jauge de complétude")
        assert "FC 26. 5x5 Rush. Superligue" in found
        assert all(line.endswith(" 1.0") for line in found.splitlines())
    finally:
        daemon.send_signal(signal.SIGTERM)
        out, _ = daemon.communicate(timeout=60)
    assert "Audit continu : " in out
    store = CsvStore(target["csv_path"])
    with store:
        assert store.count_matches() >= 2 * 3 * 6

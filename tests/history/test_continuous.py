"""The daemon's re-audit: gaps of the last hours repaired, gauge, Santé chart."""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx

from oracxpred.archive.reader import root_records
from oracxpred.archive.replay import ReplaySummary, cycles
from oracxpred.config import Settings
from oracxpred.core.records import FinishSource
from oracxpred.feed.client import FeedClient, RetryPolicy
from oracxpred.history.continuous import (
    NAME,
    audit_recent,
    completeness_incident,
    day_ratios,
    league_ratios,
    missed_while_running,
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
        done = audit_recent(store, client, now, hours=2)
        record = done.record
        repaired = list(store.iter_matches())
        assert len(repaired) == 2 * 2 * 6  # 2 leagues, 2 hours, a match every 10 min
        assert {m.finish_source for m in repaired} == {FinishSource.BACKFILL}
        assert set(record) == {str(SUPER), str(CONF)}
        assert all(v == [6, 6, 0] for e in record.values() for v in e["hours"].values())
        assert sorted(sum(h.values()) for h in done.repaired.values()) == [12, 12]
        assert {d.missing for d in day_ratios(record)} <= {6, 12}
        again = audit_recent(store, client, now, hours=2).record
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


class _ResultsService:
    """A real HTTP server answering ``v2/champs`` and ``v3/games`` with fixed bodies."""

    def __init__(self, champs: dict[str, Any], games: dict[str, Any]) -> None:
        bodies = {
            "/v2/champs": json.dumps(champs).encode(),
            "/v3/games": json.dumps(games).encode(),
        }
        self.paths: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.paths.append(self.path)
                path = self.path.split("?", 1)[0]
                body = next((b for end, b in bodies.items() if path.endswith(end)), b"{}")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.feed_url = f"{base}/service-api/LiveFeed/Get1x2_VZip?sports=85&count=40&lng=fr"
        self.results_url = f"{base}/service-api/result/web/api/v3/games"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _item(event_id: int, start: int, home: str) -> dict[str, Any]:
    return {
        "id": event_id, "opp1": home, "opp2": "Équipe B", "opp1Ids": [11], "opp2Ids": [12],
        "score": "2:1 (1:0,1:1)", "champId": 7, "champName": "Ligue 7", "dateStart": start,
        "sportId": 85,
    }  # fmt: skip


def test_a_match_the_repair_cannot_store_is_left_missing_and_alerted(tmp_path):
    """A results item the store must refuse (no home team name) is never written: the hour
    records it as still missing, the ratio drops below 100 % and the alert text names it."""
    now = int(time.time())
    hour = (now - 3600) // 3600 * 3600 - 3600
    games = {"count": 2, "items": [_item(901, hour + 600, "Équipe A"), _item(902, hour + 1200, "")]}
    service = _ResultsService({"items": [{"id": 7, "name": "Ligue 7"}]}, games)
    store = CsvStore(tmp_path / "m.csv")
    client = FeedClient(
        service.feed_url, results_url=service.results_url, policy=RetryPolicy(retries=0)
    )
    try:
        with store, client:
            done = audit_recent(store, client, now, hours=1)
            assert [m.event_id for m in store.iter_matches()] == [901]
    finally:
        service.close()
    assert done.record["7"]["hours"] == {str(hour): [2, 2, 1]}
    assert done.repaired == {"Ligue 7": {hour: 1}}
    (day,) = day_ratios(done.record)
    assert (day.expected, day.missing, day.left, day.ratio) == (2, 2, 1, 0.5)
    assert completeness_incident(league_ratios(done.record)) == (
        "Complétude des 7 derniers jours inférieure à 100 % : Ligue 7 50.0%"
    )
    chart = completeness_chart([day], datetime.fromtimestamp(now, tz=UTC))
    (rect,) = chart.rects
    assert "completeness-gap" in rect.cls
    assert "1 encore manquant(s)" in rect.title


def test_the_chart_tells_a_repaired_day_from_a_complete_one():
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    today = int(now.timestamp()) // 86400 * 86400
    record = {
        "1": {"name": "Un", "hours": {str(today): [6, 2, 0], str(today - 86400): [6, 0, 0]}},
    }
    chart = completeness_chart(day_ratios(record), now)
    classes = [r.cls for r in chart.rects]
    assert classes == ["bar completeness-full", "bar completeness-repaired"]
    assert "dont 2 ajouté(s) par l'audit, sans cotes" in chart.rects[1].title


def test_matches_missed_while_the_daemon_ran_are_a_notice_but_older_gaps_are_not():
    started = 10 * 3600
    repaired = {"Un": {9 * 3600: 4, 10 * 3600: 1, 11 * 3600: 2}, "Deux": {8 * 3600: 3}}
    assert missed_while_running(repaired, started) == (
        "L'audit continu a ajouté des matchs que le collecteur a manqués (ajoutés sans cotes) : "
        "Un 3"
    )
    assert missed_while_running({"Deux": {8 * 3600: 3}}, started) is None


def test_a_tick_sets_the_gauge_counts_repairs_and_feeds_the_daily_summary(sim, tmp_path):
    from prometheus_client import generate_latest

    from oracxpred.history.continuous import ContinuousAudit
    from oracxpred.metrics import CollectorMetrics

    metrics = CollectorMetrics()
    store = CsvStore(tmp_path / "m.csv")
    settings = Settings(
        feed_url=sim.feed_url,
        csv_path=tmp_path / "m.csv",
        retries=1,
        archive_dir=tmp_path / "archive",
    )
    lease = SimpleNamespace(held=True)
    job = ContinuousAudit(settings, store, lease, metrics)
    with store:
        assert job.summary_line() == "Complétude : pas encore d'audit continu"
        job.tick()
        text = generate_latest(metrics.registry).decode()
        repaired = [x for x in text.splitlines() if x.startswith("oracxpred_audit_repaired_total{")]
        assert len(repaired) == 2  # two leagues, everything repaired (the store was empty)
        assert all(float(x.rsplit(" ", 1)[1]) == 18 for x in repaired)  # 3 hours x 6
        assert 'oracxpred_completeness_ratio{league="FC 26. 5x5 Rush. Superligue"} 1.0' in text
        assert job.summary_line().startswith("Complétude (7 derniers jours, après réparation) : ")
        assert "100.0%" in job.summary_line()
        # What the re-audit received is archived, as ``audit`` records a replay skips.
        notes: list[Any] = []
        records = list(root_records(tmp_path / "archive", notes))
        assert records
        assert not notes
        assert {r.kind for r in records} == {"audit"}
        assert any("/v2/champs" in r.url for r in records)
        summary = ReplaySummary()
        assert list(cycles(records, summary)) == []
        assert (summary.audit_records, summary.skipped_records) == (len(records), 0)
        lease.held = False  # a standby never writes
        count = store.count_matches()
        job.tick()
        assert job.runs == 1
        assert store.count_matches() == count

"""Refused feed events are seen: WARNING lines, a quarantine, ``oracxpred rejected``, the
metric, the Santé page and ``/health`` (503 on a format drift). Driven by the simulator's
``schema_drift`` and ``wrong_types`` faults through its real HTTP server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from oracxpred.cli.rejected import rejected
from oracxpred.config import Settings
from oracxpred.simulator.server import SimulatorHandle, start_simulator
from oracxpred.store.csv.store import CsvStore
from oracxpred.web import create_app
from tests.faults.support import cycle_after, daemon, one_shot
from tests.helpers import free_port, wait_until
from tests.service.test_metrics import sample, scrape

WARNING_EVENT = re.compile(r"\[WARNING\] \[COLLECTOR-SERVICE\] Événement (\d+|inconnu) ignoré : ")


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    handle = start_simulator(seed=3)
    try:
        yield handle
    finally:
        handle.stop()


def _collect(sim: SimulatorHandle, csv_path: Path, mode: str, cycles: int) -> list[str]:
    sim.set_faults(mode, target="feed")
    outputs = []
    for _ in range(cycles):
        code, text = one_shot(sim.feed_url, csv_path)
        assert code == 0, text[-2000:]
        outputs.append(text)
        sim.advance(60)
    sim.set_faults("none")
    return outputs


@pytest.mark.parametrize("mode", ["schema_drift", "wrong_types"])
def test_each_rejection_is_logged_kept_whole_and_listed(
    sim: SimulatorHandle, tmp_path: Path, mode: str
) -> None:
    csv_path = tmp_path / "matches.csv"
    [text] = _collect(sim, csv_path, mode, 1)
    refused = WARNING_EVENT.findall(text)
    assert refused, text[-2000:]
    summary = re.search(r"\[WARNING\] .* (\d+) événement\(s\) du flux rejeté\(s\) sur (\d+)", text)
    assert summary is not None, text[-2000:]
    assert int(summary.group(1)) == len(refused)
    quarantine = tmp_path / "matches.rejected.jsonl"
    lines = [json.loads(line) for line in quarantine.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(refused)
    for line in lines:
        assert line["reason"]
        assert line["category"] != "autre"
        assert isinstance(line["raw"], dict | list)
    if mode == "schema_drift":
        # whole events, fields the parser never reads included, so they can be parsed again
        assert all("AE" in line["raw"] or "SC" not in line["raw"] for line in lines)
        assert {line["category"] for line in lines} <= {"invalid_score", "missing_score"}
    runner = CliRunner()
    table = runner.invoke(rejected, ["--csv-path", str(csv_path), "--limit", "2"])
    assert table.exit_code == 0, table.output
    assert table.output.startswith("Rejeté le (UTC)")
    assert "2 événement(s)" in table.output
    as_json = subprocess.run(
        [sys.executable, "-m", "oracxpred", "rejected", "--csv-path", str(csv_path), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert as_json.returncode == 0, as_json.stderr
    listed = json.loads(as_json.stdout)
    with CsvStore(csv_path) as store:
        assert store.recent_heartbeats(1)[0].interval_s is None  # one-shot: cron decides
    assert [e["raw"] for e in listed] == [line["raw"] for line in reversed(lines)]


def test_health_answers_503_on_a_format_drift_and_the_page_lists_rejections(
    sim: SimulatorHandle, tmp_path: Path
) -> None:
    csv_path = tmp_path / "matches.csv"
    _collect(sim, csv_path, "schema_drift", 3)
    store = CsvStore(csv_path)
    beats = store.recent_heartbeats(3)
    assert all(hb.events and hb.rejected >= 0.1 * hb.events for hb in beats)
    settings = Settings(csv_path=csv_path)
    now = max(hb.finished_at or hb.started_at for hb in beats) + timedelta(seconds=5)
    config = {"TESTING": True, "ORACXPRED_SETTINGS": settings, "ORACXPRED_CLOCK": lambda: now}
    client = create_app(config, store=store).test_client()
    response = client.get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert "Format du flux modifié" in body["reason"]
    assert "invalid_score" in body["reason"] or "missing_score" in body["reason"]
    assert body["rejections"]
    assert body["recent_rejected"] > 0
    page = client.get("/sante").get_data(as_text=True)
    assert "score invalide" in page.split('id="rejections"', 1)[1]
    # the rule wants every one of the last three cycles drifted: one clean cycle clears it
    _collect(sim, csv_path, "none", 1)
    later = datetime.now(UTC)
    config["ORACXPRED_CLOCK"] = lambda: later
    assert create_app(config, store=store).test_client().get("/health").status_code == 200
    store.close()


def test_the_daemon_counts_rejections_by_category(sim: SimulatorHandle, tmp_path: Path) -> None:
    port = free_port()
    sim.set_faults("schema_drift", target="feed")
    proc = daemon(sim, tmp_path / "matches.csv", "--metrics-port", str(port))
    try:
        cycle_after(proc)
        cycle_after(proc)

        def counted() -> float:
            samples = scrape(port)
            return sum(
                sample(samples, "oracxpred_events_rejected_total", reason=reason)
                for reason in ("invalid_score", "missing_score")
            )

        wait_until(lambda: counted() > 0, timeout=30, what="des rejets comptés")
        samples = scrape(port)
        assert sample(samples, "oracxpred_events_rejected_total", reason="wrong_type") == 0
    finally:
        assert proc.stop() == 0
    sim.set_faults("none")
    with CsvStore(tmp_path / "matches.csv") as store:
        beat = store.recent_heartbeats(1)[0]
    assert beat.interval_s == 0.001 * 60  # the daemon records its own interval
    assert beat.events > beat.rejected > 0

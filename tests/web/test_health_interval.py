"""``/health`` judges freshness from the interval the collector records in its heartbeats,
not from the web app's own interval setting (issue 12, item 9); old heartbeats without it
still read, and then the setting decides."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from oracxpred.config import Settings
from oracxpred.store.base import Heartbeat
from oracxpred.store.csv.store import CsvStore
from tests.web.conftest import build_app
from tests.web.data import NOW


def _beat(age_s: float, interval_s: float | None) -> Heartbeat:
    finished = NOW - timedelta(seconds=age_s)
    return Heartbeat(
        started_at=finished - timedelta(seconds=1),
        finished_at=finished,
        ok=True,
        host="h",
        pid=1,
        interval_s=interval_s,
    )


def _health(tmp_path: Path, beat: Heartbeat, **config: object) -> tuple[int, dict[str, object]]:
    settings = Settings(csv_path=tmp_path / "m.csv", interval_min=1.0)  # the web's own: 1 min
    store = CsvStore(settings.csv_path)
    store.record_heartbeat(beat)
    response = build_app(store, settings, **config).test_client().get("/health")
    store.close()
    return response.status_code, response.get_json()


def test_a_collector_every_15_s_is_late_after_165_s(tmp_path: Path) -> None:
    status, body = _health(tmp_path, _beat(200, 15.0))
    assert status == 503
    assert body["max_age_s"] == 3 * 15 + 120


def test_a_collector_every_10_min_is_not_late_after_20_min(tmp_path: Path) -> None:
    status, body = _health(tmp_path, _beat(20 * 60, 600.0))
    assert status == 200
    assert body["max_age_s"] == 3 * 600 + 120


def test_heartbeats_without_an_interval_fall_back_to_the_setting(tmp_path: Path) -> None:
    status, body = _health(tmp_path, _beat(200, None))
    assert (status, body["max_age_s"]) == (200, 300)


def test_an_explicit_threshold_still_wins(tmp_path: Path) -> None:
    status, body = _health(tmp_path, _beat(200, 15.0), ORACXPRED_HEALTH_MAX_AGE_S=1000)
    assert (status, body["max_age_s"]) == (200, 1000)


def test_an_old_csv_heartbeat_line_reads_without_interval(tmp_path: Path) -> None:
    store = CsvStore(tmp_path / "m.csv")
    store.record_heartbeat(_beat(10, 15.0))
    old = json.loads(store.heartbeat_path.read_text(encoding="utf-8"))
    del old["interval_s"], old["events"]
    store.heartbeat_path.write_text(json.dumps(old) + "\n", encoding="utf-8")
    [beat] = store.recent_heartbeats(5)
    assert (beat.interval_s, beat.events) == (None, 0)
    store.close()

"""The quarantine of refused feed events and the heartbeat's new fields, on every backend
(and through the spool while the database is down)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from oracxpred.errors import StoreUnavailable
from oracxpred.store import quarantine
from oracxpred.store.base import Heartbeat, QuarantinedEvent, Store
from oracxpred.store.csv.store import CsvStore
from oracxpred.store.spool.store import SpoolingStore

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _event(n: int, raw: object | None = None) -> QuarantinedEvent:
    if raw is None:
        raw = {"I": n, "SC": {"FS": {"S1": "2"}}, "O1": "Équipe"}
    return QuarantinedEvent(
        rejected_at=NOW + timedelta(seconds=n),
        event_id=n if n % 3 else None,
        category="invalid_score",
        reason=f"score invalide (SC.FS) : n° {n}",
        raw=quarantine.raw_text(
            {"I": n, "SC": {"FS": {"S1": "2"}}, "O1": "Équipe"} if raw is None else raw
        ),
    )


def test_refused_events_are_kept_whole_newest_first(store: Store) -> None:
    store.quarantine_events([_event(1), _event(2)])
    store.quarantine_events([_event(3)])
    store.quarantine_events([])
    listed = store.recent_rejections(2)
    assert listed == [_event(3), _event(2)]
    assert json.loads(listed[1].raw) == {"I": 2, "SC": {"FS": {"S1": "2"}}, "O1": "Équipe"}


def test_heartbeats_keep_events_and_interval(store: Store) -> None:
    beat = Heartbeat(started_at=NOW, finished_at=NOW, ok=True, host="h", pid=1)
    store.record_heartbeat(dataclasses.replace(beat, events=40, rejected=9, interval_s=15.0))
    store.record_heartbeat(dataclasses.replace(beat, started_at=NOW + timedelta(seconds=1)))
    newest, older = store.recent_heartbeats(2)
    assert (newest.events, newest.interval_s) == (0, None)
    assert (older.events, older.rejected, older.interval_s) == (40, 9, 15.0)


def test_the_sql_quarantine_keeps_the_newest_rows(
    sql_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oracxpred.store.sql import store as sql_module

    monkeypatch.setattr(sql_module, "ROWS_KEPT", 3)
    for n in range(1, 6):
        sql_store.quarantine_events([_event(n)])
    assert [e.rejected_at for e in sql_store.recent_rejections(10)] == [
        _event(n).rejected_at for n in (5, 4, 3)
    ]


def test_the_csv_quarantine_is_cut_to_its_newest_part(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quarantine, "FILE_MAX_BYTES", 2000)
    monkeypatch.setattr(quarantine, "FILE_KEPT_BYTES", 1000)
    store = CsvStore(tmp_path / "matches.csv")
    for n in range(1, 40):
        store.quarantine_events([_event(n)])
    assert store.rejected_path.name == "matches.rejected.jsonl"
    assert store.rejected_path.stat().st_size <= 2000
    kept = store.recent_rejections(100)
    assert kept[0] == _event(39)
    assert 3 <= len(kept) < 39
    store.close()


def test_an_event_too_large_is_cut_and_kept_as_text(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quarantine, "RAW_MAX_CHARS", 50)
    store = CsvStore(tmp_path / "matches.csv")
    store.quarantine_events([_event(1, raw={"O1": "x" * 500})])
    [event] = store.recent_rejections(1)
    assert len(event.raw) == 50
    assert quarantine.truncated(event)
    store.close()


def test_a_torn_line_is_skipped(tmp_path) -> None:
    store = CsvStore(tmp_path / "matches.csv")
    store.quarantine_events([_event(1)])
    with store.rejected_path.open("ab") as f:
        f.write(b'{"rejected_at": "2026-')  # a crash mid-line
    store.quarantine_events([_event(2)])
    assert store.recent_rejections(5) == [_event(2), _event(1)]
    store.close()


class _Down(CsvStore):
    def quarantine_events(self, events: Sequence[QuarantinedEvent]) -> None:
        raise StoreUnavailable("base injoignable")

    def recent_rejections(self, limit: int = 20) -> list[QuarantinedEvent]:
        raise StoreUnavailable("base injoignable")


def test_while_the_database_is_down_the_spool_keeps_them(tmp_path) -> None:
    spool = CsvStore(tmp_path / "matches.spool.csv")
    store = SpoolingStore(_Down(tmp_path / "primary.csv"), spool)
    store.quarantine_events([_event(1)])
    assert store.degraded
    assert store.recent_rejections(5) == [_event(1)]
    assert (tmp_path / "matches.spool.rejected.jsonl").is_file()
    store.close()


def test_once_the_database_is_back_the_spools_quarantine_moves_to_it(tmp_path) -> None:
    primary = CsvStore(tmp_path / "primary.csv")
    down = _Down(tmp_path / "down.csv")
    spool = CsvStore(tmp_path / "matches.spool.csv")
    store = SpoolingStore(down, spool, retry_after_s=0)
    store.quarantine_events([_event(1), _event(2)])
    store.record_heartbeat(Heartbeat(started_at=NOW, finished_at=NOW, ok=True, host="h", pid=1))
    store.primary = primary  # the database is back
    store.record_heartbeat(Heartbeat(started_at=NOW, finished_at=NOW, ok=True, host="h", pid=1))
    assert not store.degraded
    store.replay()
    assert primary.recent_rejections(5) == [_event(2), _event(1)]
    assert not (tmp_path / "matches.spool.rejected.jsonl").exists()
    assert store.recent_rejections(5) == [_event(2), _event(1)]  # listed once, not twice
    store.close()
    down.close()

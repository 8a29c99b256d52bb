"""Helpers of the archive suite: a live run against the simulator, then its replay."""

from __future__ import annotations

from pathlib import Path

from oracxpred.archive.reader import Note, merged
from oracxpred.archive.replay import ReplaySummary, replay
from oracxpred.config import Settings
from oracxpred.core.records import FinishedMatch
from oracxpred.store.factory import open_store
from tests.support.drive import FAULT_BACKOFF_S, FAULT_RETRIES, FAULT_TIMEOUT_S, InProcess, run
from tests.support.verify import csv_matches, sql_matches


def live_settings(sim, tmp_path: Path, database_url: str | None = None, **changes) -> Settings:
    return Settings(
        feed_url=sim.feed_url,
        csv_path=tmp_path / "live" / "matches.csv",
        database_url=database_url,
        timeout_s=FAULT_TIMEOUT_S,
        retries=FAULT_RETRIES,
        backoff_s=FAULT_BACKOFF_S,
        archive_dir=tmp_path / "archive",
        **changes,
    )


def live_run(sim, settings: Settings, polls: int, fault_rate: float = 0.0, seed: int = 1):
    poller = InProcess(settings)
    try:
        return run(sim, settings, poller, polls=polls, fault_rate=fault_rate, fault_seed=seed)
    finally:
        poller.close()


def stored(settings: Settings) -> list[FinishedMatch]:
    if settings.database_url:
        rows = sql_matches(settings.database_url)
    else:
        rows, bad = csv_matches(settings.csv_path)
        assert bad == 0
    return sorted(rows, key=lambda m: m.event_id)


def replay_into(roots: list[Path], settings: Settings) -> tuple[ReplaySummary, list[Note]]:
    notes: list[Note] = []
    store = open_store(settings.with_(archive=False))
    try:
        summary = replay(merged(roots, notes), store, settings)
    finally:
        store.close()
    return summary, notes

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


def stored_odds(settings: Settings) -> list[tuple]:
    """The stored odds timeline, in a backend-independent order."""
    store = open_store(settings.with_(archive=False))
    try:
        rows = list(store.iter_odds())
    finally:
        store.close()
    return sorted(
        (r.event_id, r.group, r.type, -1e9 if r.param is None else r.param, r.observed_at, r)
        for r in rows
    )


def served_reduction(roots: list[Path]) -> dict[tuple, list[tuple]]:
    """An independent change-only reduction of exactly the feed answers received (the
    archive): per event and selection, the successive distinct states ``(price, blocked,
    central, removed)``, from the event's first successful poll to its first finished one.
    An event that is first seen finished (no pre-match or live poll) has no timeline."""
    from oracxpred.core.parse import parse_feed
    from oracxpred.core.records import Phase
    from oracxpred.errors import FeedFormatError

    notes: list[Note] = []
    states: dict[tuple, list[tuple]] = {}
    last: dict[int, dict[tuple, tuple]] = {}
    done: set[int] = set()
    for record in merged(roots, notes):
        body = record.body_bytes()
        if record.kind != "feed" or record.error is not None or body is None:
            continue
        try:
            events = parse_feed(body).events
        except FeedFormatError:
            continue  # a failed poll: no event vanished
        for event in events:
            if event.event_id in done:
                continue
            if event.event_id not in last and event.phase is Phase.FINISHED:
                done.add(event.event_id)
                continue
            before = last.setdefault(event.event_id, {})
            now = {p.key: (p.price, p.blocked, p.central, False) for p in event.prices}
            for key, state in now.items():
                if before.get(key) != state:
                    states.setdefault((event.event_id, *key), []).append(state)
            for key in before.keys() - now.keys():
                price, blocked, central, _ = before[key]
                states.setdefault((event.event_id, *key), []).append(
                    (price, blocked, central, True)
                )
            last[event.event_id] = now
            if event.phase is Phase.FINISHED:
                done.add(event.event_id)
    assert notes == []
    return states


def timeline_states(rows: list[tuple]) -> dict[tuple, list[tuple]]:
    """The stored timeline in the shape of ``served_reduction``."""
    states: dict[tuple, list[tuple]] = {}
    for *_, r in rows:
        states.setdefault((r.event_id, r.group, r.type, r.param), []).append(
            (r.price, r.blocked, r.central, r.removed)
        )
    return states

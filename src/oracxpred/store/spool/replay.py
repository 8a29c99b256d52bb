"""Moving spooled data into the primary store (``SpoolingStore``), crash-safely.

Matches go first, in chunks, each an idempotent ``save_matches``: replaying a chunk twice
(after a crash, before the spool was emptied) only yields duplicates. Once every spooled match
is confirmed, the tracking state and the heartbeats follow, and only then is the spool emptied,
heartbeats first: they are the one part whose replay is not idempotent.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Any

from oracxpred.errors import StoreNotWritable
from oracxpred.oserrors import os_reason
from oracxpred.store.base import Store

ALL_HEARTBEATS = 1_000_000


def check_spool(spool: Store) -> None:
    """The spool must be emptiable: a ``clear()`` method, or a ``CsvStore`` (its files)."""
    if not callable(getattr(spool, "clear", None)) and not hasattr(spool, "heartbeat_path"):
        raise TypeError("the spool must have clear() or be a CsvStore")


def replay_matches(
    primary: Store, spool: Store, start: int, chunk: int, budget: int
) -> tuple[int, int]:
    """Save spooled matches ``start…`` (storage order) into ``primary``, at most ``budget``
    of them; returns ``(newly stored, position reached)``."""
    written, position = 0, start
    spooled = spool.iter_matches()
    try:
        todo = islice(spooled, start, None)
        while budget > 0:
            batch = list(islice(todo, min(chunk, budget)))
            if not batch:
                break
            written += len(primary.save_matches(batch).saved)
            position += len(batch)
            budget -= len(batch)
    finally:
        close = getattr(spooled, "close", None)
        if close is not None:
            close()  # a half-read spool file is not left open
    return written, position


def drain(primary: Store, spool: Store) -> Store:
    """Every spooled match is in ``primary``: move state, heartbeats and quarantined events,
    then empty the spool.
    Returns the spool to use from now on (a ``CsvStore`` is reopened on its emptied path)."""
    state = spool.load_tracking()
    beats = spool.recent_heartbeats(limit=ALL_HEARTBEATS)
    rejected = spool.recent_rejections(limit=ALL_HEARTBEATS)  # the quarantine moves along
    if state is None and not beats and not rejected and spool.count_matches() == 0:
        return spool
    if state is not None:
        primary.save_tracking(state)
    for beat in reversed(beats):
        primary.record_heartbeat(beat)
    if rejected:
        primary.quarantine_events(rejected[::-1])
    clear = getattr(spool, "clear", None)
    if callable(clear):
        clear()
        return spool
    csv_store: Any = spool
    csv_store.close()
    rejected_path = getattr(csv_store, "rejected_path", csv_store.heartbeat_path)
    for path in (csv_store.heartbeat_path, rejected_path, csv_store.tracking_path, csv_store.path):
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as exc:
            reason = os_reason(exc)
            raise StoreNotWritable(f"Attente locale {path} impossible à vider : {reason}") from None
    return type(spool)(csv_store.path)  # type: ignore[call-arg]

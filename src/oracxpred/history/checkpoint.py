"""The backfill checkpoint, kept by the store itself (a file beside the CSV, or a SQL row)."""

from __future__ import annotations

from oracxpred.core.backfill import Checkpoint, checkpoint_from_dict
from oracxpred.errors import StoreCorrupted
from oracxpred.history import messages
from oracxpred.store.base import Store

NAME = "backfill"


def load(store: Store) -> Checkpoint | None:
    """The stored checkpoint, None before the first run; an unreadable one is an error (never
    "start over" silently: a new upper bound would leave the old range half done)."""
    raw = store.load_checkpoint(NAME)
    if raw is None:
        return None
    try:
        return checkpoint_from_dict(raw)
    except ValueError as exc:
        reason = f"Point de reprise du rattrapage : {exc}"
        raise StoreCorrupted(messages.CHECKPOINT_UNREADABLE.format(reason=reason)) from None


def save(store: Store, point: Checkpoint) -> None:
    store.save_checkpoint(NAME, point.to_dict())

"""A local copy of the last tracking state the database accepted, for outages.

Without it, a collector started while the database is down (one-shot runs under cron do
exactly that) would find no state anywhere, restart its tracker from nothing and store the
matches in play without the pre-match odds it had watched. The copy is written after each
successful save to the database and read only when the database cannot answer and the spool
holds no newer state. Best effort: a copy that cannot be written only makes an outage start
from an older state, it never fails a cycle whose data is safe in the database.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from oracxpred import messages
from oracxpred.core.state_codec import dumps_state, loads_state
from oracxpred.logs import get_logger
from oracxpred.store.base import Store

log = get_logger("store.spool")


class TrackingMirror:
    def __init__(self, path: Path | None) -> None:
        self.path = path

    def save(self, state: dict[str, Any]) -> None:
        if self.path is None:
            return
        tmp = None
        try:
            data = dumps_state(state)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except (OSError, TypeError, ValueError) as exc:
            log.debug(messages.MIRROR_NOT_WRITTEN, self.path, exc)
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def load(self) -> dict[str, Any] | None:
        if self.path is None:
            return None
        try:
            state = loads_state(self.path.read_bytes())
        except (OSError, ValueError, RecursionError) as exc:
            log.debug(messages.MIRROR_UNREADABLE, self.path, exc)
            return None
        return state if isinstance(state, dict) else None


def mirror_path(spool: Store) -> Path | None:
    """``<spool stem>.last-tracking.json`` beside a file spool; None for other spools."""
    path = spool.path
    if path is None:
        return None
    return path.with_name(path.stem + ".last-tracking.json")

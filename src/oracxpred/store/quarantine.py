"""The quarantine of refused feed events: shared limits and the JSON-lines file format.

Every refused event is kept whole (``raw``: the event as decoded from the feed answer, written
back as JSON), with when, why and its id, so that it can be parsed again once the parser knows
the new format. It is bounded, oldest first out:

* CSV backend: ``<stem>.rejected.jsonl`` beside the CSV (``matches.rejected.jsonl``), one JSON
  object per line; past ``FILE_MAX_BYTES`` it is cut to its newest ``FILE_KEPT_BYTES``;
* SQL backends: table ``rejected_events``, the newest ``ROWS_KEPT`` rows;
* one event's JSON over ``RAW_MAX_CHARS`` is cut there (a hostile 50 MB event must not fill
  the disk); ``truncated`` then says so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from oracxpred.core.cells import format_utc, parse_utc
from oracxpred.core.records import Rejection
from oracxpred.store.base import QuarantinedEvent

ROWS_KEPT = 10_000
FILE_MAX_BYTES = 16 * 2**20
FILE_KEPT_BYTES = 8 * 2**20
RAW_MAX_CHARS = 1_000_000


def quarantined(rejections: Sequence[Rejection], at: datetime) -> list[QuarantinedEvent]:
    """The records to keep for one cycle's rejections."""
    return [
        QuarantinedEvent(
            rejected_at=at,
            event_id=r.event_id,
            category=r.category,
            reason=r.reason,
            raw=raw_text(r.raw),
        )
        for r in rejections
    ]


def raw_text(raw: object) -> str:
    text = json.dumps(raw, ensure_ascii=False, separators=(",", ":"), default=repr)
    return text if len(text) <= RAW_MAX_CHARS else text[:RAW_MAX_CHARS]


def truncated(event: QuarantinedEvent) -> bool:
    return len(event.raw) >= RAW_MAX_CHARS


def to_line(event: QuarantinedEvent) -> bytes:
    head = {
        "rejected_at": format_utc(event.rejected_at),
        "event_id": event.event_id,
        "category": event.category,
        "reason": event.reason,
    }
    if truncated(event):
        head["raw_text"] = event.raw  # cut: no longer JSON, kept as text
        body = json.dumps(head, ensure_ascii=False)
    else:
        body = json.dumps(head, ensure_ascii=False)[:-1] + ', "raw": ' + event.raw + "}"
    return (body + "\n").encode("utf-8", errors="replace")


def from_line(line: bytes) -> QuarantinedEvent | None:
    """A quarantine line, or None for a line cut by a crash or edited by hand."""
    try:
        item: dict[str, Any] = json.loads(line.decode("utf-8"))
        event_id = item.get("event_id")
        raw = item["raw_text"] if "raw_text" in item else raw_text(item["raw"])
        return QuarantinedEvent(
            rejected_at=parse_utc(item["rejected_at"]),
            event_id=int(event_id) if event_id is not None else None,
            category=str(item.get("category", "autre")),
            reason=str(item.get("reason", "")),
            raw=str(raw),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None

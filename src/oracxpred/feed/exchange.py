"""One HTTP attempt as the feed client saw it, handed to an optional recorder.

The client knows HTTP; the archive knows files. This is the only thing they share, so the
feed layer never imports the archive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

FEED = "feed"
RESULTS = "results"
AUDIT = "audit"
"""Results-service requests of the daemon's re-audit (``history/continuous.py``): not part of
a collection cycle, so a replay skips them."""

TRANSIENT = "transient"
"""Error kind: worth another attempt (timeout, network, HTTP 429/5xx, body too slow)."""
REFUSED = "refused"
"""Error kind: an HTTP status the client does not retry (4xx)."""
FORMAT = "format"
"""Error kind: an answer the client rejected (HTML page, too large, undecodable)."""


@dataclass(slots=True)
class Exchange:
    """Every attempt is recorded, retries included: the archive then shows what the feed
    really answered, and replay runs the client's retry loop over the same sequence."""

    kind: str
    attempt: int
    url: str
    started_at: float  # epoch seconds, request sent
    received_at: float = 0.0  # epoch seconds, answer (or failure) seen
    latency_ms: float = 0.0
    status: int | None = None
    date: str | None = None  # the server's ``Date`` header, as sent
    ctype: str | None = None
    body: bytes | None = None  # decompressed, as received
    error: str | None = None  # TRANSIENT, REFUSED, FORMAT
    reason: str | None = None  # the client's French explanation


Recorder = Callable[[Exchange], None]

"""The incremental cursor shared by every backend: column names and the page rule.

Each stored match carries ``seq`` (assigned by the store when it first stores the match, never
changed) and ``ingested_at_utc``; a consumer pages with ``matches_after(next_seq, limit)``.
"""

from __future__ import annotations

from collections.abc import Sequence

from oracxpred.store.values import CursorItem, CursorPage

SEQ = "seq"
INGESTED_AT = "ingested_at_utc"
CURSOR_COLUMNS: tuple[str, ...] = (SEQ, INGESTED_AT)
"""Columns the stores add after ``MATCH_COLUMNS`` (CSV file, SQL table)."""

MAX_LIMIT = 1000
"""Most matches one cursor page holds (API, exports and webhooks page with it)."""


def page(items: Sequence[CursorItem], seq: int) -> CursorPage:
    """The page of ``items`` (already in ``seq`` order) asked after ``seq``."""
    return CursorPage(tuple(items), items[-1].seq if items else seq)

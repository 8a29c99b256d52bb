"""What ``/health`` adds to the freshness verdict: feed format drift (rejected events) and
the freshness threshold taken from the collector's own interval (recorded in heartbeats)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from oracxpred.store.base import Heartbeat, QuarantinedEvent, Store
from oracxpred.web import messages
from oracxpred.web.formatting import fmt_age

DRIFT_SHARE = 0.10
"""At least this share of the events rejected…"""
DRIFT_CYCLES = 3
"""…in each of this many latest successful cycles: the feed's format has probably changed."""
REJECTIONS_SHOWN = 10


def drift_reason(
    heartbeats: Sequence[Heartbeat], rejections: Sequence[QuarantinedEvent]
) -> str | None:
    """French reason when the latest cycles show a format drift, else None."""
    latest = [hb for hb in heartbeats if hb.ok][:DRIFT_CYCLES]
    if len(latest) < DRIFT_CYCLES:
        return None
    if not all(hb.events > 0 and hb.rejected >= DRIFT_SHARE * hb.events for hb in latest):
        return None
    share = min(hb.rejected / hb.events for hb in latest)
    reason = ""
    if rejections:
        ((category, _),) = Counter(e.category for e in rejections).most_common(1)
        example = next(e.reason for e in rejections if e.category == category)
        reason = messages.DRIFT_MOST_FREQUENT.format(category=category, example=example)
    return messages.DRIFT.format(share=share, cycles=DRIFT_CYCLES, reason=reason)


def max_age_from_heartbeats(heartbeats: Sequence[Heartbeat], fallback_s: float) -> float:
    """Three of the collector's own intervals plus two minutes (as the default threshold),
    from the newest heartbeat that recorded its interval; ``fallback_s`` without one."""
    interval = next((hb.interval_s for hb in heartbeats if hb.interval_s), None)
    return fallback_s if interval is None else 3 * interval + 120


def collector_interval_min(heartbeats: Sequence[Heartbeat], fallback_min: float) -> float:
    """The interval the collector itself runs at (its newest heartbeat that says it)."""
    interval = next((hb.interval_s for hb in heartbeats if hb.interval_s), None)
    return fallback_min if interval is None else interval / 60


def rejection_json(event: QuarantinedEvent) -> dict[str, object]:
    return {
        "rejected_at": event.rejected_at.isoformat(),
        "event_id": event.event_id,
        "category": event.category,
        "reason": event.reason,
    }


def outage_reason(store: Store, now: datetime) -> str | None:
    """French reason when the collector's database has been down over 30 minutes (from the
    marker beside the spool, ``store/spool/reached.py``), else None."""
    from oracxpred.store.spool.reached import LONG_OUTAGE_S

    spool = store.spool_state()
    since = spool.outage_since if spool is not None else None
    if since is None:
        return None
    elapsed = (now - since).total_seconds()
    if elapsed <= LONG_OUTAGE_S:
        return None
    return messages.LONG_OUTAGE.format(age=fmt_age(elapsed), since=since)

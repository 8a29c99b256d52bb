"""A database that never answered is a typo, one that stopped answering is an outage: which
one, said at the right level (``store/spool/reached.py`` keeps the trace of a success)."""

from __future__ import annotations

from datetime import UTC, datetime

from oracxpred import messages
from oracxpred.logs import get_logger
from oracxpred.store.base import Store
from oracxpred.store.spool.reached import LONG_OUTAGE_S, host_port
from oracxpred.store.spool.store import SpoolingStore

log = get_logger("collector.outage")


def spooling_of(store: Store) -> SpoolingStore | None:
    """The outage wrapper behind ``store`` (the daemon and the web app wrap it once more)."""
    while not isinstance(store, SpoolingStore):
        inner = getattr(store, "inner", None)
        if not isinstance(inner, Store):
            return None
        store = inner
    return store


def never_reached(spool: SpoolingStore | None) -> bool:
    """True when the database is down and this URL never answered (with host and port)."""
    marker = spool.marker if spool is not None else None
    if spool is None or marker is None or not spool.degraded:
        return False
    return host_port(marker.url) is not None and not marker.reached()


def report_never_reached(spool: SpoolingStore) -> None:
    assert spool.marker is not None
    host, port = host_port(spool.marker.url) or ("?", None)
    log.error(
        messages.NEVER_REACHED.format(
            host=host, port=port if port is not None else "par défaut", spool=spool.spool_target
        )
    )


def outage_check(spool: SpoolingStore, spooled: int, now: datetime | None = None) -> None:
    """After each cycle: remember a success, or log a long outage at ERROR (every cycle)."""
    marker = spool.marker
    if marker is None:
        return
    if not spool.degraded:
        marker.mark_reached()
        return
    if not marker.reached():
        return  # a configuration error: the caller says so
    moment = now or datetime.now(UTC)
    since = marker.outage_since(moment)
    elapsed = (moment - since).total_seconds()
    if elapsed > LONG_OUTAGE_S:
        log.error(
            messages.LONG_OUTAGE.format(
                since=since.strftime("%Y-%m-%d %H:%M:%S"),
                minutes=int(elapsed // 60),
                limit=LONG_OUTAGE_S // 60,
                count=spooled,
                spool=spool.spool_target,
            )
        )

"""A database that never answered is a typo, one that stopped answering is an outage: which
one, said at the right level. The spool wrapper keeps the trace of a success
(``store/spool/reached.py``) and reports it in its ``SpoolState``."""

from __future__ import annotations

from datetime import UTC, datetime

from oracxpred import messages
from oracxpred.logs import get_logger
from oracxpred.store.base import SpoolState
from oracxpred.store.spool.reached import LONG_OUTAGE_S

log = get_logger("collector.outage")


def report_never_reached(spool: SpoolState) -> None:
    """ERROR naming host and port: the URL has never worked, the matches wait in the spool."""
    port = spool.server_port if spool.server_port is not None else "par défaut"
    log.error(messages.NEVER_REACHED.format(host=spool.server_host, port=port, spool=spool.target))


def long_outage_s(spool: SpoolState, now: datetime) -> float | None:
    """Seconds the database (reached before) has been down, when over ``LONG_OUTAGE_S``."""
    if not spool.degraded or spool.never_reached or spool.outage_since is None:
        return None
    elapsed = (now - spool.outage_since).total_seconds()
    return elapsed if elapsed > LONG_OUTAGE_S else None


def report_long_outage(spool: SpoolState, spooled: int, now: datetime | None = None) -> None:
    """After each cycle: an outage over 30 minutes is logged at ERROR (every cycle)."""
    elapsed = long_outage_s(spool, now or datetime.now(UTC))
    if elapsed is None or spool.outage_since is None:
        return
    log.error(
        messages.LONG_OUTAGE.format(
            since=spool.outage_since.strftime("%Y-%m-%d %H:%M:%S"),
            minutes=int(elapsed // 60),
            limit=LONG_OUTAGE_S // 60,
            count=spooled,
            spool=spool.target,
        )
    )

"""``open_store(settings)``: the configured store, chosen automatically.

``DATABASE_URL`` set → an SQL store wrapped in a ``SpoolingStore`` (spool: the CSV file at
``settings.spool_path``); not set → the CSV store at ``settings.csv_path``. Opening never fails
because the database is down: the collector must keep collecting, so the wrapper starts
degraded. A wrong password, a missing database or an unreadable schema do fail: those are
configuration errors an operator has to see, not outages to spool through.
"""

from __future__ import annotations

from oracxpred import messages
from oracxpred.config import Settings
from oracxpred.errors import StoreError, StoreUnavailable
from oracxpred.logs import get_logger
from oracxpred.store.base import Store

log = get_logger("store.factory")


def open_csv(settings: Settings) -> Store:
    # Backends are imported on use: a CSV run never loads SQLAlchemy, an SQL one never the CSV
    # store unless it spools.
    from oracxpred.store.csv.store import CsvStore

    return CsvStore(settings.csv_path)


def open_sql(url: str, *, migrate: bool = True) -> Store:
    """A bare ``SqlStore`` with its schema migrated (``db upgrade``, imports)."""
    from oracxpred.store.sql.store import SqlStore

    store = SqlStore(url, migrate=migrate)
    try:
        store.upgrade()
    except StoreError:
        store.close()
        raise
    return store


def open_store(settings: Settings) -> Store:
    """The store the collector and the web app use."""
    if not settings.database_url:
        return open_csv(settings)
    from oracxpred.store.csv.store import CsvStore
    from oracxpred.store.spool.mirror import mirror_path
    from oracxpred.store.spool.reached import ReachedMarker
    from oracxpred.store.spool.store import SpoolingStore
    from oracxpred.store.sql.store import SqlStore

    primary = SqlStore(settings.database_url)
    try:
        spool = CsvStore(settings.spool_path)
    except StoreError:
        primary.close()
        raise
    store = SpoolingStore(primary, spool)
    store.marker = ReachedMarker(settings.spool_path, settings.database_url, mirror_path(spool))
    try:
        primary.upgrade()
        store.marker.mark_reached()
    except StoreUnavailable as exc:
        store.mark_unavailable(exc)
        log.debug(messages.DB_DOWN_AT_OPEN, exc)
    except StoreError:
        store.close()
        raise
    return store

"""Single active collector (``docs/operations.md`` §3): the lease, and who holds it.

Only the holder collects; standbys retry at each interval. One interface, three mechanisms:

* PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on a dedicated connection;
* MariaDB/MySQL: ``GET_LOCK(name, 0)`` on a dedicated connection;
* CSV and SQLite: an OS file lock beside the data file (``<stem>.collector.lock``), holder
  details in ``<stem>.collector.json``.

All three are released by the server or the OS when the holder dies, ``kill -9`` included, so a
standby takes over at its next try. The SQL holders also keep a ``collector_lease`` row (holder
``host:pid:token``, since, valid until) for standbys, ``--test-db`` and the web health page.

While the database is unreachable, an SQL lease falls back to the file lock beside the CSV
path (the spool's folder): the collector keeps spooling and a second local process stays
standby. Two hosts degraded at once may both spool; the unique key on ``event_id`` makes the
replays harmless.
"""

from __future__ import annotations

from typing import Any

from oracxpred.collector.lease.base import Holder, Lease
from oracxpred.collector.lease.file import FileLease
from oracxpred.config import Settings

__all__ = ["FileLease", "Holder", "Lease", "describe_holder", "lease_for"]


def lease_for(settings: Settings) -> Lease:
    """The lease guarding the configured store (PostgreSQL, MariaDB, SQLite or CSV)."""
    interval_s = settings.interval_min * 60
    local = FileLease(settings.csv_path, interval_s)
    if not settings.database_url:
        return local
    # Imported here: SQLAlchemy is not loaded by CSV-only runs.
    from oracxpred.collector.lease.sql import sql_lease

    return sql_lease(settings, local) or local


def describe_holder(settings: Settings) -> dict[str, Any] | None:
    """Who collects into the configured store (host, pid, since…), or None: for the web
    app's health page and ``--test-db``. Never raises for an unreachable database."""
    lease = lease_for(settings)
    try:
        found = lease.holder()
    finally:
        lease.close()
    return found.as_dict() if found else None

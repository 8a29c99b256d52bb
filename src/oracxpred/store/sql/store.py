"""``SqlStore``: the Store contract on PostgreSQL, SQLite and MariaDB/MySQL (SQLAlchemy Core).

Quirks of this backend only (the contract lives in ``base.py``):

* a batch is ONE multi-row statement (``ROWS_PER_STATEMENT`` rows each) in one transaction,
  idempotent through the unique index on ``event_id`` (``sql_write``);
* the schema is migrated on first use (Alembic), not in ``__init__``: opening never connects,
  so the spool can take over when the server is down at start;
* constructed from a URL, the store owns its engine and disposes of it in ``close``; given an
  ``Engine``, it never disposes of it.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from oracxpred import messages
from oracxpred.core.records import FinishedMatch, OddsRow
from oracxpred.core.state_codec import dumps_state, loads_state
from oracxpred.errors import StoreCorrupted, StoreError
from oracxpred.store.base import (
    CursorItem,
    CursorPage,
    Heartbeat,
    LeagueStats,
    MatchPage,
    MatchQuery,
    QuarantinedEvent,
    SaveReport,
    Store,
    StoreInfo,
)
from oracxpred.store.cursor import page as cursor_page
from oracxpred.store.odds_rows import row_values, values_row
from oracxpred.store.quarantine import ROWS_KEPT
from oracxpred.store.sql import describe as sql_describe
from oracxpred.store.sql import engine as sql_engine
from oracxpred.store.sql import migrate as sql_migrate
from oracxpred.store.sql import query as sql_query
from oracxpred.store.sql import schema, sequence, write
from oracxpred.store.sql.errors import guard
from oracxpred.store.sql.rows import heartbeat_row, match_row, row_heartbeat, row_match
from oracxpred.store.sql.write import ROWS_PER_STATEMENT, chunks, insert_new, tracking_upsert

PAGE = 2000
"""Rows per keyset page of ``iter_matches`` (no connection is held between pages)."""

_BACKENDS = {"postgresql": "postgresql", "sqlite": "sqlite", "mysql": "mysql", "mariadb": "mysql"}

if TYPE_CHECKING:
    from oracxpred.store.sql.bulk import CopyResult, CopyRows

M, T, H = schema.matches, schema.tracking, schema.heartbeats


class SqlStore(Store):
    def __init__(self, engine_or_url: sa.Engine | str, *, migrate: bool = True) -> None:
        if isinstance(engine_or_url, sa.Engine):
            self._engine, self._owns_engine = engine_or_url, False
            url = engine_or_url.url
        else:
            url = sql_engine.normalize_url(engine_or_url)
            self._engine, self._owns_engine = sql_engine.make_engine(url), True
        self.backend = _BACKENDS.get(self._engine.dialect.name, self._engine.dialect.name)
        self._target = sql_engine.masked(url)
        self._secrets = sql_engine.secrets_of(url)
        self._migrate = migrate
        self._schema_ready = False

    # -- what other modules build on (lease, transfer, factory) --------------------------------

    @property
    def engine(self) -> sa.Engine:
        """The engine (tests and maintenance code reach the database through it)."""
        return self._engine

    @property
    def target(self) -> str:
        """The URL with the password masked: safe for logs and messages."""
        return self._target

    def _guard(self, what: str) -> Any:
        return guard(what, self._target, self._secrets)

    def upgrade(self) -> str:
        """Run the migrations up to head now; returns the schema revision."""
        with self._guard("Mise à jour du schéma de la base"):
            revision = sql_migrate.upgrade(self._engine)
        self._schema_ready = True
        return revision

    def _ready(self) -> None:
        if self._migrate and not self._schema_ready:
            self.upgrade()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        """A write transaction; on SQLite ``BEGIN IMMEDIATE``, so that reading the next seq
        already holds the write lock (a deferred one could not upgrade under a rival)."""
        with self._engine.connect() as conn:
            conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
            with conn.begin():
                yield conn

    # -- matches -----------------------------------------------------------------------------

    def save_matches(self, matches: Sequence[FinishedMatch]) -> SaveReport:
        if not matches:
            return SaveReport()
        batch: dict[int, FinishedMatch] = {}
        for match in matches:
            batch.setdefault(match.event_id, match)  # a repeat inside the batch: first wins
        rows = [match_row(m) for m in batch.values()]
        self._ready()
        with self._guard("Enregistrement des matchs"), self._write() as conn:
            # After the lock of next_seq: a skipped duplicate leaves a gap, never a reuse.
            first, now = sequence.next_seq(conn), datetime.now(UTC)
            for n, row in enumerate(rows):
                row["seq"], row["ingested_at_utc"] = first + n, now
            written: set[int] = set()
            for chunk in chunks(rows, ROWS_PER_STATEMENT):
                written |= insert_new(conn, chunk)
            if written:
                sequence.notify(conn, max(r["seq"] for r in rows if r["event_id"] in written))
        saved: list[int] = []
        duplicates: list[int] = []
        for match in matches:  # batch order, as the CSV store reports
            if match.event_id in written:
                written.discard(match.event_id)
                saved.append(match.event_id)
            else:
                duplicates.append(match.event_id)
        return SaveReport(saved=tuple(saved), duplicates=tuple(duplicates))

    @property
    def copies_lines(self) -> bool:
        """Whether ``copy_session`` is available (PostgreSQL)."""
        return self._engine.dialect.name == "postgresql"

    @contextlib.contextmanager
    def copy_session(self) -> Iterator[Callable[[CopyRows, bool], CopyResult]]:
        """One connection for a whole import; yields ``write(rows, look_up)`` (PostgreSQL).

        ``write`` stores a chunk of preformatted rows (``copy_format``): the rows whose id is
        new, in file order, in one transaction; rows PostgreSQL refuses come back in
        ``CopyResult.refused`` with their line instead of failing the chunk. ``look_up=False``
        skips looking up the stored ids first (see ``sql_bulk.copy_lines``).
        """
        # Imported here: psycopg is needed by PostgreSQL imports only.
        from oracxpred.store.sql.bulk import copy_lines

        self._ready()
        with self._guard("Import des matchs"):
            conn = self._engine.connect()

        def write(rows: CopyRows, look_up: bool) -> CopyResult:
            with self._guard("Import des matchs"):
                return copy_lines(conn, rows, look_up=look_up)

        try:
            yield write
        finally:
            with self._guard("Import des matchs"):
                conn.close()

    def stored_ids(self, event_ids: Iterable[int]) -> set[int]:
        wanted = sorted(set(event_ids))
        if not wanted:
            return set()
        self._ready()
        found: set[int] = set()
        with self._guard("Lecture des matchs"), self._engine.connect() as conn:
            for chunk in chunks(wanted, ROWS_PER_STATEMENT):
                query = sa.select(M.c.event_id).where(M.c.event_id.in_(chunk))
                found.update(conn.execute(query).scalars())
        return found

    def iter_matches(self) -> Iterator[FinishedMatch]:
        """Keyset pages by ``id``: no connection stays checked out while the caller works."""
        self._ready()
        last = None
        while True:
            query = sa.select(M).order_by(M.c.id).limit(PAGE)
            if last is not None:
                query = query.where(M.c.id > last)
            with self._guard("Lecture des matchs"), self._engine.connect() as conn:
                rows = conn.execute(query).mappings().all()
            if not rows:
                return
            last = rows[-1]["id"]
            yield from (row_match(row) for row in rows)

    def matches_after(self, seq: int, limit: int) -> CursorPage:
        """Through ``uq_matches_seq``: ``seq > N ORDER BY seq LIMIT n``, O(page)."""
        self._ready()
        query = sa.select(M).where(M.c.seq > seq).order_by(M.c.seq).limit(limit)
        with self._guard("Lecture des matchs"), self._engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        items = [
            CursorItem(r["seq"], r["ingested_at_utc"] or r["timestamp_utc"], row_match(r))
            for r in rows
        ]
        return cursor_page(items, seq)

    def last_seq(self) -> int:
        self._ready()
        with self._guard("Lecture des matchs"), self._engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.max(M.c.seq))).scalar() or 0)

    def count_matches(self) -> int:
        self._ready()
        with self._guard("Comptage des matchs"), self._engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(M)).scalar_one())

    def query_matches(self, query: MatchQuery) -> MatchPage:
        self._ready()
        with self._guard("Recherche des matchs"), self._engine.connect() as conn:
            return sql_query.query_page(conn, query)

    def league_stats(self, query: MatchQuery | None = None) -> list[LeagueStats]:
        self._ready()
        with self._guard("Statistiques par ligue"), self._engine.connect() as conn:
            return sql_query.league_stats(conn, query)

    # -- tracking and heartbeats ---------------------------------------------------------------

    def _tracking_text(self) -> str | None:
        self._ready()
        with self._guard("Lecture de l'état du suivi"), self._engine.connect() as conn:
            return conn.execute(sa.select(T.c.state).where(T.c.id == 1)).scalar()

    def load_tracking(self) -> dict[str, Any] | None:
        raw = self._tracking_text()
        if raw is None:
            return None
        try:
            state = loads_state(raw)
        except (ValueError, RecursionError):
            state = None
        if not isinstance(state, dict):
            raise StoreCorrupted(messages.SQL_TRACKING_UNREADABLE)
        return state

    def tracking_stamp(self) -> str | None:
        """The stored JSON text itself: fetching it costs far less than decoding it, and the
        comparison is exact (no version column to keep in step)."""
        return self._tracking_text()

    def save_tracking(self, state: dict[str, Any]) -> str:
        try:
            text = dumps_state(state).decode("utf-8")
        except (TypeError, ValueError) as exc:
            raise StoreError(messages.SQL_TRACKING_NOT_JSON.format(exc=exc)) from None
        self._ready()
        with self._guard("Enregistrement de l'état du suivi"), self._engine.begin() as conn:
            conn.execute(tracking_upsert(conn, text))
        return text

    def load_checkpoint(self, name: str) -> dict[str, Any] | None:
        from oracxpred.store.sql.checkpoint import load_checkpoint

        self._ready()
        with self._guard("Lecture du point de reprise"), self._engine.connect() as conn:
            return load_checkpoint(conn, name)

    def save_checkpoint(self, name: str, data: dict[str, Any]) -> None:
        from oracxpred.store.sql.checkpoint import save_checkpoint

        self._ready()
        with self._guard("Enregistrement du point de reprise"), self._engine.begin() as conn:
            save_checkpoint(conn, name, data)

    def record_heartbeat(self, heartbeat: Heartbeat) -> None:
        self._ready()
        with self._guard("Enregistrement du battement de cœur"), self._engine.begin() as conn:
            result = conn.execute(sa.insert(H).values(heartbeat_row(heartbeat)))
            new_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
            if new_id is not None and new_id > schema.HEARTBEATS_KEPT:
                conn.execute(sa.delete(H).where(H.c.id <= new_id - schema.HEARTBEATS_KEPT))

    def recent_heartbeats(self, limit: int = 20) -> list[Heartbeat]:
        self._ready()
        query = sa.select(H).order_by(H.c.started_at.desc(), H.c.id.desc()).limit(limit)
        with self._guard("Lecture des battements de cœur"), self._engine.connect() as conn:
            return [row_heartbeat(r) for r in conn.execute(query).mappings()]

    # -- quarantine (store/quarantine.py) ---------------------------------------------------------

    def quarantine_events(self, events: Sequence[QuarantinedEvent]) -> None:
        if not events:
            return
        self._ready()
        q = schema.rejected_events
        rows = [dataclasses.asdict(event) for event in events]
        with (
            self._guard("Mise en quarantaine des événements rejetés"),
            self._engine.begin() as conn,
        ):
            conn.execute(sa.insert(q), rows)
            newest = conn.execute(sa.select(sa.func.max(q.c.id))).scalar()
            if newest is not None and newest > ROWS_KEPT:
                conn.execute(sa.delete(q).where(q.c.id <= newest - ROWS_KEPT))

    def save_odds(self, rows: Sequence[OddsRow]) -> int:
        if not rows:
            return 0
        self._ready()
        values = [row_values(row) for row in rows]
        written = 0
        with self._guard("Enregistrement des cotes"), self._engine.begin() as conn:
            for chunk in write.chunks(values, write.ROWS_PER_STATEMENT):
                written += write.insert_odds(conn, chunk)
        return written

    def iter_odds(self, event_id: int | None = None) -> Iterator[OddsRow]:
        """Keyset pages of 5000 rows by ``id`` (storage order): memory holds one page whatever
        the length of the timeline, no connection stays checked out while the caller works,
        and the same SQL runs on every backend (no server-side cursor)."""
        self._ready()
        o, page = schema.odds, 5000
        last = None
        while True:
            query = sa.select(o).order_by(o.c.id).limit(page)
            if event_id is not None:
                query = query.where(o.c.event_id == event_id)
            if last is not None:
                query = query.where(o.c.id > last)
            with self._guard("Lecture des cotes"), self._engine.connect() as conn:
                rows = conn.execute(query).mappings().all()
            for r in rows:
                yield _odds_row(r)
            if len(rows) < page:
                return
            last = rows[-1]["id"]

    def recent_rejections(self, limit: int = 20) -> list[QuarantinedEvent]:
        self._ready()
        q = schema.rejected_events
        query = sa.select(q).order_by(q.c.id.desc()).limit(limit)
        with self._guard("Lecture de la quarantaine"), self._engine.connect() as conn:
            return [
                QuarantinedEvent(
                    rejected_at=r["rejected_at"],
                    event_id=r["event_id"],
                    category=r["category"],
                    reason=r["reason"],
                    raw=r["raw"],
                )
                for r in conn.execute(query).mappings()
            ]

    # -- describe / close ----------------------------------------------------------------------

    def describe(self) -> StoreInfo:
        self._ready()
        with self._guard("Test de la base de données"):
            return sql_describe.describe(self._engine, self._target)

    def close(self) -> None:
        if self._owns_engine:
            self._engine.dispose()


def _odds_row(values: Any) -> OddsRow:
    """A stored odds row, or ``StoreCorrupted`` (French, with its id) for one edited by hand:
    a reader then stops with a message, not a traceback."""
    try:
        return values_row(values)
    except (ValueError, TypeError, KeyError) as exc:
        raise StoreCorrupted(
            messages.ODDS_ROW_UNREADABLE.format(row_id=values.get("id"), reason=exc)
        ) from None

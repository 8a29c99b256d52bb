"""The SQL schema, defined once (SQLAlchemy Core): used by ``SqlStore`` and by the migrations.

Column names of ``matches`` are the CSV columns (``MATCH_COLUMNS``) so that a database created by
the original OracXPred app, whose ``matches`` table holds the first twelve of them, can be
adopted in place (see ``migrations/versions/0001_initial.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from oracxpred.core.records import MATCH_COLUMNS
from oracxpred.store.cursor import INGESTED_AT, SEQ

VERSION_TABLE = "oracxpred_schema_version"
"""Alembic's version table. Not the default ``alembic_version``: the original app may be a
Flask-Migrate app whose own revisions live there, and we must not read or overwrite them."""

HEARTBEATS_KEPT = 1000
"""Heartbeat rows kept after pruning (the contract asks for at least 100)."""

naming = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = sa.MetaData(naming_convention=naming)


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend.

    PostgreSQL keeps ``timestamptz``; MariaDB's DATETIME and SQLite's text have no zone, so the
    value is written as naive UTC and made aware again when read.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name in ("mysql", "mariadb"):
            # DATETIME defaults to whole seconds; keep the microseconds we were given.
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(sa.DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        # A legacy text cell SQLite kept as written, else the driver's datetime.
        moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _text() -> sa.types.TypeEngine[str]:
    # MariaDB's TEXT stops at 64 KiB; a team name can't be that long, a tracker state can.
    return sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")


_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite: INTEGER PK = rowid
_PREFIX: dict[str, Any] = {
    "mysql_length": 191
}  # MariaDB indexes TEXT only by a prefix (utf8mb4: 191 chars)
_TABLE: dict[str, Any] = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}
"""MariaDB: every character, and exact comparisons (the default *_general_ci collation finds
"é" LIKE "e" and "A" = "a", which the other backends and the in-memory filters do not)."""

ORIGINAL_TYPES: dict[str, sa.types.TypeEngine[Any]] = {
    "timestamp_utc": UtcDateTime(),
    "event_id": sa.BigInteger(),
    "league": sa.Text(),
    "team1": sa.Text(),
    "team2": sa.Text(),
    "odds_1": sa.Double(),
    "odds_x": sa.Double(),
    "odds_2": sa.Double(),
    "score1": sa.Integer(),
    "score2": sa.Integer(),
    "status": sa.Text(),
    "outcome": sa.Text(),
}
"""Columns the original app created, with the types we want them to have."""

ADDED_TYPES: dict[str, sa.types.TypeEngine[Any]] = {
    "start_time_utc": UtcDateTime(),
    "league_id": sa.BigInteger(),
    "sport_id": sa.BigInteger(),
    "team1_id": sa.BigInteger(),
    "team2_id": sa.BigInteger(),
    "odds_at_utc": UtcDateTime(),
    "opening_odds_1": sa.Double(),
    "opening_odds_x": sa.Double(),
    "opening_odds_2": sa.Double(),
    "opening_odds_at_utc": UtcDateTime(),
    "halftime_score1": sa.Integer(),
    "halftime_score2": sa.Integer(),
    "finish_source": sa.Text(),  # NULL on adopted rows: the original app saw them in the feed
}
"""Our columns, all nullable so that adopted rows stay valid."""

REQUIRED: tuple[str, ...] = ("timestamp_utc", "event_id", "league", "team1", "team2")
REQUIRED += ("score1", "score2", "status", "outcome")
"""Columns a stored match cannot lack (NOT NULL)."""

assert tuple(ORIGINAL_TYPES) + tuple(ADDED_TYPES) == MATCH_COLUMNS

SORT_TIME_SQL = "COALESCE(start_time_utc, timestamp_utc)"
"""The web's "match time": kick-off, or collection time when the kick-off is unknown."""


def sort_time_column() -> sa.Column[Any]:
    """A stored generated column, so its index also covers rows another program writes."""
    return sa.Column("sort_time", UtcDateTime(), sa.Computed(SORT_TIME_SQL, persisted=True))


def _match_columns() -> list[sa.Column[Any]]:
    columns: list[sa.Column[Any]] = [
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
    ]
    for name, type_ in (ORIGINAL_TYPES | ADDED_TYPES).items():
        columns.append(sa.Column(name, type_, nullable=name not in REQUIRED))
    return columns


def cursor_columns() -> list[sa.Column[Any]]:
    """Added by 0006 (``store/cursor.py``); nullable: rows another program writes get theirs
    at the next import, adopted and pre-0006 rows from the migration."""
    return [
        sa.Column(SEQ, sa.BigInteger(), nullable=True),
        sa.Column(INGESTED_AT, UtcDateTime(), nullable=True),
    ]


SEQ_INDEX = "uq_matches_seq"

matches = sa.Table(
    "matches",
    metadata,
    *_match_columns(),
    sort_time_column(),
    *cursor_columns(),
    # A unique INDEX rather than a constraint: it is what ON CONFLICT (event_id) and INSERT
    # IGNORE need, and it can be added to an adopted table the same way on every backend.
    sa.Index("uq_matches_event_id", "event_id", unique=True),
    sa.Index("ix_matches_league", "league", **_PREFIX),
    # The web's order (newest first): sort_time, then collection time, then event id.
    sa.Index("ix_matches_sort_time", "sort_time", "timestamp_utc", "event_id"),
    sa.Index(SEQ_INDEX, SEQ, unique=True),  # the cursor's order; never two rows with one seq
    **_TABLE,
)

legacy_duplicates = sa.Table(
    "matches_legacy_duplicates",
    metadata,
    sa.Column("legacy_id", _ID, primary_key=True, autoincrement=False),
    *[sa.Column(name, type_, nullable=True) for name, type_ in ORIGINAL_TYPES.items()],
    *[sa.Column(name, type_, nullable=True) for name, type_ in ADDED_TYPES.items()],
    sa.Column("moved_at", UtcDateTime(), nullable=False),
    sa.Index("ix_matches_legacy_duplicates_event_id", "event_id"),
    **_TABLE,
)
"""Extra copies of an event id found in an adopted table: moved here, never deleted, so the
unique index can cover ``matches`` while the original data stays queryable."""

tracking = sa.Table(
    "tracking_state",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),  # always 1
    sa.Column("state", _text(), nullable=False),  # JSON text
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    **_TABLE,
)

heartbeats = sa.Table(
    "heartbeats",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("finished_at", UtcDateTime(), nullable=True),
    sa.Column("ok", sa.Boolean(), nullable=False),
    sa.Column("host", sa.Text(), nullable=False),
    sa.Column("pid", sa.Integer(), nullable=False),
    sa.Column("saved", sa.Integer(), nullable=False),
    sa.Column("pending", sa.Integer(), nullable=False),
    sa.Column("duplicates", sa.Integer(), nullable=False),
    sa.Column("rejected", sa.Integer(), nullable=False),
    sa.Column("error", sa.Text(), nullable=False),
    sa.Column("feed_host", sa.String(255), nullable=False, server_default=""),  # 0003
    # Added by 0004: events in the feed answer, the collector's interval (NULL before 0004).
    sa.Column("events", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("interval_s", sa.Float(), nullable=True),
    **_TABLE,
)

rejected_events = sa.Table(
    "rejected_events",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("rejected_at", UtcDateTime(), nullable=False),
    sa.Column("event_id", sa.BigInteger(), nullable=True),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("raw", _text(), nullable=False),  # the event as JSON text
    **_TABLE,
)
"""Quarantine of refused feed events (``store/quarantine.py``), added by 0004."""

odds = sa.Table(
    "odds",
    metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.BigInteger(), nullable=False),
    sa.Column("observed_at_utc", UtcDateTime(), nullable=False),
    sa.Column("server_time_utc", UtcDateTime(), nullable=True),
    sa.Column("phase", sa.String(16), nullable=False),
    sa.Column("group", sa.Integer(), nullable=False),
    sa.Column("type", sa.Integer(), nullable=False),
    sa.Column("param", sa.String(32), nullable=False),  # "" when none (store/odds_rows.py)
    sa.Column("price", sa.Float(), nullable=True),
    sa.Column("blocked", sa.Boolean(), nullable=False),
    sa.Column("central", sa.Boolean(), nullable=False),
    sa.Column("removed", sa.Boolean(), nullable=False),
    sa.UniqueConstraint(
        "event_id", "group", "type", "param", "observed_at_utc", name="uq_odds_selection"
    ),
    **_TABLE,
)
"""The change-only odds timeline (``core/odds.py``), added by 0005. The unique key leads with
``event_id``, so it is also the index by event."""

collector_lease = sa.Table(
    "collector_lease",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("holder", sa.String(200), nullable=False),  # host:pid:random of the holder
    sa.Column("acquired_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    **_TABLE,
)
"""Single-active-collector lease rows (``collector/lease/sql.py`` owns their meaning; it reads
and writes them through ``lease_rows.py``)."""

checkpoints = sa.Table(
    "checkpoints",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("data", _text(), nullable=False),  # JSON text
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    **_TABLE,
)
"""Named progress records (the backfill's fixed upper bound and done spans), migration 0002."""

INSERT_COLUMNS: tuple[str, ...] = MATCH_COLUMNS
"""What a writer supplies; ``id`` and ``sort_time`` are the database's."""

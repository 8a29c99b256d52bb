"""Adopt a ``matches`` table created by the original OracXPred app, in place.

The original table has twelve columns, no key, text timestamps (event_id sometimes text) and
possibly several rows for one event id. Adoption, in one transaction where the backend allows:

1. refuse a table we do not recognise (unknown columns, rows without id/time/score): we never
   guess with someone else's data (``StoreCorrupted``, nothing changed);
2. give the columns our types (PostgreSQL/MariaDB: ALTER in place; SQLite cannot change a type,
   so the table is rebuilt, keeping each row's rowid as its ``id``);
3. add ``id`` (numbered in storage order), our columns and the generated ``sort_time``;
4. duplicates: the first copy of each event id (smallest ``id``, i.e. first written) stays in
   ``matches``; the extra copies are MOVED to ``matches_legacy_duplicates`` with their old id.
   Nothing is deleted: they stay queryable there, ``describe()`` lists them and a WARNING is
   logged. We chose moving over a flag column because a flag would leave ``matches`` with two
   rows for one match, and every reader (the original web app included) would double count them;
   a plain unique index on ``event_id`` also keeps ``ON CONFLICT (event_id)`` portable;
5. create the unique index on ``event_id``: from then on a duplicate cannot be written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine.interfaces import ReflectedColumn

from oracxpred import messages
from oracxpred.core.records import MATCH_COLUMNS, ORIGINAL_COLUMNS
from oracxpred.errors import StoreCorrupted
from oracxpred.logs import get_logger
from oracxpred.store.cursor import CURSOR_COLUMNS
from oracxpred.store.sql import schema
from oracxpred.store.sql.errors import driver_detail
from oracxpred.store.sql.migrations.adopt_sqlite import rebuild_sqlite

log = get_logger("store.sql.migrations")

DUPLICATE_IDS_SHOWN = 20


def adopt_legacy(bind: sa.Connection) -> list[tuple[int, int]]:
    """Adopt the original app's ``matches``; returns ``(event_id, copies)`` of duplicates."""
    columns = {c["name"]: c for c in sa.inspect(bind).get_columns("matches")}
    _check_columns(list(columns))
    _check_required(bind)
    schema.legacy_duplicates.create(bind, checkfirst=True)
    if bind.dialect.name == "sqlite":
        rebuild_sqlite(bind, columns)
    else:
        _alter_in_place(bind, columns)
    duplicates = _move_duplicates(bind)
    for index in schema.matches.indexes:
        index.create(bind, checkfirst=True)
    return duplicates


def _check_columns(names: Sequence[str]) -> None:
    missing = [c for c in ORIGINAL_COLUMNS if c not in names]
    known = (*MATCH_COLUMNS, *CURSOR_COLUMNS, "id", "sort_time")
    unknown = [c for c in names if c not in known]
    if missing or unknown:
        raise StoreCorrupted(
            messages.ADOPT_UNKNOWN_TABLE.format(
                missing=messages.ADOPT_MISSING_COLUMNS.format(names=", ".join(missing))
                if missing
                else "",
                unknown=messages.ADOPT_UNKNOWN_COLUMNS.format(names=", ".join(unknown))
                if unknown
                else "",
            )
        )


def _text(column: str) -> sa.ColumnElement[Any]:
    return sa.func.trim(sa.cast(sa.column(column), sa.String()))


def _check_required(bind: sa.Connection) -> None:
    """Rows without event id, time or score cannot be matches: refuse rather than guess."""
    legacy = sa.table("matches", *[sa.column(c) for c in ORIGINAL_COLUMNS])
    missing = sa.or_(
        *[
            sa.or_(legacy.c[c].is_(None), _text(c) == "")
            for c in ("event_id", "timestamp_utc", "score1", "score2")
        ]
    )
    bad = bind.execute(sa.select(sa.func.count()).select_from(legacy).where(missing)).scalar()
    if bad:
        raise StoreCorrupted(messages.ADOPT_MISSING_VALUES.format(bad=bad))


def _same_type(reflected: sa.types.TypeEngine[Any], wanted: sa.types.TypeEngine[Any]) -> bool:
    if isinstance(wanted, schema.UtcDateTime):
        return isinstance(reflected, sa.DateTime) and bool(getattr(reflected, "timezone", True))
    if isinstance(wanted, sa.BigInteger):
        return isinstance(reflected, sa.BigInteger)
    if isinstance(wanted, sa.Integer):
        return isinstance(reflected, sa.Integer)
    if isinstance(wanted, sa.Double):
        return isinstance(reflected, sa.Float)  # DOUBLE PRECISION, DOUBLE, REAL
    return isinstance(reflected, sa.String)


def _alter_in_place(bind: sa.Connection, columns: dict[str, ReflectedColumn]) -> None:
    dialect = bind.dialect
    wanted = schema.ORIGINAL_TYPES | schema.ADDED_TYPES
    present = [c for c in MATCH_COLUMNS if c in columns]
    if dialect.name != "postgresql":
        _check_convertible_mysql(bind, columns)  # MariaDB DDL is not transactional
    if "id" not in columns:
        # First of all: numbering rewrites the table in storage order, i.e. the order the
        # original app wrote; any UPDATE before it would move the updated rows to the end.
        if dialect.name == "postgresql":
            bind.exec_driver_sql(
                "ALTER TABLE matches ADD COLUMN id BIGSERIAL, "
                "ADD CONSTRAINT pk_matches PRIMARY KEY (id)"
            )
        else:
            bind.exec_driver_sql(
                "ALTER TABLE matches ADD COLUMN id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY FIRST"
            )
    if dialect.name == "postgresql":
        bind.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")  # zone-less text is UTC
    changes: list[str] = []
    for name in present:
        type_ = wanted[name]
        if _same_type(columns[name]["type"], type_):
            continue
        ddl = type_.compile(dialect=dialect)
        if dialect.name == "postgresql":
            via = "numeric::" if isinstance(type_, sa.Integer) else ""
            changes.append(
                f"ALTER COLUMN {name} TYPE {ddl} USING NULLIF(trim({name}::text), '')::{via}{ddl}"
            )
        else:
            if isinstance(columns[name]["type"], sa.String):
                bind.exec_driver_sql(f"UPDATE matches SET {name} = NULL WHERE trim({name}) = ''")
            changes.append(f"MODIFY COLUMN {name} {ddl} NULL")
    if dialect.name != "postgresql":  # MariaDB: our charset and exact comparisons first
        bind.exec_driver_sql(
            "ALTER TABLE matches CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
        )
    if changes:
        try:
            bind.exec_driver_sql("ALTER TABLE matches " + ", ".join(changes))
        except sa.exc.DataError as exc:  # a cell the new type cannot hold ("hier soir")
            raise StoreCorrupted(
                messages.ADOPT_UNREADABLE_DRIVER.format(detail=driver_detail(exc, ()))
            ) from None
    _fill_defaults(bind)
    not_null = []
    for name in schema.REQUIRED:
        if dialect.name == "postgresql":
            not_null.append(f"ALTER COLUMN {name} SET NOT NULL")
        else:
            ddl = wanted[name].compile(dialect=dialect)
            not_null.append(f"MODIFY COLUMN {name} {ddl} NOT NULL")
    bind.exec_driver_sql("ALTER TABLE matches " + ", ".join(not_null))
    for name, type_ in schema.ADDED_TYPES.items():
        if name not in columns:
            op.add_column("matches", sa.Column(name, type_, nullable=True))
    if "sort_time" not in columns:
        op.add_column("matches", schema.sort_time_column())
    for column in schema.cursor_columns():  # numbered by 0006
        if column.name not in columns:
            op.add_column("matches", column)


def _check_convertible_mysql(bind: sa.Connection, columns: dict[str, ReflectedColumn]) -> None:
    """Refuse before the first ALTER: MariaDB commits each DDL statement on its own, so a
    conversion failing halfway would leave the table half adopted."""
    wanted = schema.ORIGINAL_TYPES | schema.ADDED_TYPES
    bad: list[str] = []
    for name in (c for c in MATCH_COLUMNS if c in columns):
        if not isinstance(columns[name]["type"], sa.String):
            continue
        value = f"NULLIF(trim({name}), '')"
        type_ = wanted[name]
        if isinstance(type_, schema.UtcDateTime):
            wrong = f"CAST({value} AS DATETIME(6)) IS NULL"
        elif isinstance(type_, sa.Integer):
            wrong = f"{value} NOT REGEXP '^[+-]?[0-9]+$'"
        elif isinstance(type_, sa.Double):
            wrong = f"{value} NOT REGEXP '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'"
        else:
            continue
        query = f"SELECT COUNT(*) FROM matches WHERE {value} IS NOT NULL AND {wrong}"
        count = bind.exec_driver_sql(query).scalar()
        if count:
            bad.append(f"{name} ({count})")
    if bad:
        raise StoreCorrupted(messages.ADOPT_UNREADABLE.format(names=", ".join(bad)))


def _fill_defaults(bind: sa.Connection) -> None:
    """Text cells the original app left empty become ""; outcomes are normalised to 1/N/2
    (``X`` was its draw; an empty or unknown one follows the score), so that filtering on
    ``outcome`` in SQL means what it means in memory."""
    for name in ("league", "team1", "team2", "status"):
        bind.execute(
            sa.update(schema.matches).where(schema.matches.c[name].is_(None)).values({name: ""})
        )
    m = schema.matches.c
    code = sa.func.upper(sa.func.trim(sa.func.coalesce(m.outcome, "")))
    by_score = sa.case((m.score1 > m.score2, "1"), (m.score1 < m.score2, "2"), else_="N")
    normal = sa.case((code.in_(["1", "2", "N"]), code), (code == "X", "N"), else_=by_score)
    bind.execute(
        sa.update(schema.matches)
        .where(sa.or_(m.outcome.is_(None), m.outcome.not_in(["1", "N", "2"])))
        .values(outcome=normal)
    )


def _move_duplicates(bind: sa.Connection) -> list[tuple[int, int]]:
    m, d = schema.matches, schema.legacy_duplicates
    dups = bind.execute(
        sa.select(m.c.event_id, sa.func.count())
        .group_by(m.c.event_id)
        .having(sa.func.count() > 1)
        .order_by(m.c.event_id)
    ).all()
    if not dups:
        return []
    kept = sa.select(sa.func.min(m.c.id)).group_by(m.c.event_id)
    names = list(MATCH_COLUMNS)
    moved_at = sa.literal(datetime.now(UTC), d.c.moved_at.type)
    bind.execute(
        sa.insert(d).from_select(
            ["legacy_id", *names, "moved_at"],
            sa.select(m.c.id, *[m.c[c] for c in names], moved_at)
            .where(m.c.id.not_in(kept))
            .order_by(m.c.id),
        )
    )
    bind.execute(sa.delete(m).where(m.c.id.in_(sa.select(d.c.legacy_id))))
    pairs = [(int(event_id), int(n)) for event_id, n in dups]
    shown = ", ".join(str(event_id) for event_id, _ in pairs[:DUPLICATE_IDS_SHOWN])
    more = " …" if len(pairs) > DUPLICATE_IDS_SHOWN else ""
    log.warning(
        messages.ADOPTED_WITH_DUPLICATES,
        len(pairs),
        shown,
        more,
        sum(n - 1 for _, n in pairs),
    )
    return pairs

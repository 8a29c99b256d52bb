"""PostgreSQL bulk path of imports: ``copy_lines``.

Rows come already formatted for ``COPY (FORMAT csv)`` (``copy_format``), one transaction a
chunk, COPYed straight into ``matches``: no staging table, no per-row INSERT, about half the
server time of COPY into a temporary table + INSERT … SELECT … ON CONFLICT. A fresh import
COPYs without asking which ids are stored; once a chunk meets a stored id (the COPY fails on
it at once), the ids of each chunk are looked up first and only the new rows are COPYed.
Nothing can be lost or abort the import because of one row:

* another writer (the collector) commits one of the ids between the look-up and the COPY: the
  unique index refuses the COPY, the transaction rolls back, and the chunk goes through the
  staged path, whose ON CONFLICT DO NOTHING counts that row as already stored;
* PostgreSQL refuses a row (a constraint the original app's database adds, a value our checks
  let through): the staged path halves the chunk until the row is alone, and that row is
  reported with its line and PostgreSQL's reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

import psycopg
import sqlalchemy as sa

from oracxpred.store.sql import schema
from oracxpred.store.sql.sequence import CHANNEL, SEQ_LOCK
from oracxpred.store.transfer.copy_format import COPY_OPTIONS

STAGE = "oracxpred_import_stage"
_NAMES = ", ".join(schema.INSERT_COLUMNS)
_NAMES_SEQ = f"{_NAMES}, seq, ingested_at_utc"


def _stage_ddl(dialect: sa.Dialect) -> str:
    columns = ", ".join(
        f"{name} {schema.matches.c[name].type.compile(dialect=dialect)}"
        for name in schema.INSERT_COLUMNS
    )
    # ON COMMIT DROP: the stage never outlives the transaction, even on a pooled connection.
    # seq: the file's order, kept by the INSERT … SELECT.
    return f"CREATE TEMPORARY TABLE {STAGE} (seq BIGSERIAL, {columns}) ON COMMIT DROP"


def _cursor(conn: sa.Connection) -> psycopg.Cursor[tuple[object, ...]]:
    driver = conn.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    return driver.cursor()


@dataclass
class CopyRows:
    """A chunk of rows in file order: COPY lines (no newline), their ids and file lines."""

    lines: list[str] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    data: bytes = b""
    """``lines`` as COPY data, when the producer prepared it (``prepare``)."""

    def __len__(self) -> int:
        return len(self.lines)

    def prepare(self) -> None:
        self.data = _copy_data(self.lines)


@dataclass
class CopyResult:
    written: int = 0
    duplicates: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line, French reason)
    met_stored: bool = False
    """Some rows were already in the table: worth looking ids up before the next chunk."""

    def add(self, other: CopyResult) -> None:
        self.written += other.written
        self.duplicates += other.duplicates
        self.refused += other.refused


def _copy_data(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8") + b"\n"


def copy_lines(conn: sa.Connection, rows: CopyRows, *, look_up: bool) -> CopyResult:
    """Store the rows whose id is new, in file order, in one transaction when nothing races.

    Without ``look_up`` the rows are COPYed without asking which ids are stored (a fresh
    import, the common case, then costs no look-up); the first stored id met makes the COPY
    fail at once, and the chunk is redone with the look-up.
    """
    if not rows:
        return CopyResult()
    for checked in (False, True) if not look_up else (True,):
        try:
            with conn.begin(), _cursor(conn) as cursor:
                return _copy_new(cursor, rows, checked)
        except psycopg.errors.UniqueViolation:
            continue  # an id stored before (or by another writer since the look-up)
        except (psycopg.DataError, psycopg.IntegrityError):
            break  # a row PostgreSQL refuses
    # The staged path sorts out both a lost race (ON CONFLICT) and a refused row.
    result = _staged(conn, rows)
    result.met_stored = True
    return result


def _copy_new(
    cursor: psycopg.Cursor[tuple[object, ...]], rows: CopyRows, look_up: bool
) -> CopyResult:
    stored: set[int] = set()
    if look_up:
        # The ids as one array literal: psycopg's list dumper is pure Python, ~4 µs an id.
        wanted = "{" + ",".join(map(str, rows.event_ids)) + "}"
        cursor.execute(
            "SELECT array_agg(event_id) FROM matches WHERE event_id = ANY(%s::bigint[])",
            (wanted,),
        )
        found = cursor.fetchone()
        ids = cast("list[int] | None", found[0]) if found else None  # array_agg: NULL or ids
        stored = set(ids or ())
    lines = rows.lines
    if stored or len(set(rows.event_ids)) != len(rows.event_ids):
        lines = []
        seen = set(stored)
        for event_id, line in zip(rows.event_ids, rows.lines, strict=True):
            if event_id not in seen:
                seen.add(event_id)  # a repeat further down the chunk: the first one wins
                lines.append(line)
    count = len(lines)
    if count:
        # The cursor's two cells appended to each line, numbered under the writers' lock
        # (``sql/sequence.py``): cheaper than COPY then UPDATE, which rewrites every row.
        base = _reserve(cursor)
        now = datetime.now(UTC).isoformat()
        data = (
            "\n".join(f"{line},{base + n},{now}" for n, line in enumerate(lines, 1)).encode()
            + b"\n"
        )
        with cursor.copy(f"COPY matches ({_NAMES_SEQ}) FROM STDIN ({COPY_OPTIONS})") as copy:
            copy.write(data)
        cursor.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(base + count)))
    return CopyResult(written=count, duplicates=len(rows) - count, met_stored=bool(stored))


def _reserve(cursor: psycopg.Cursor[tuple[object, ...]]) -> int:
    """The highest seq given so far, with the writers' lock held until commit."""
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (SEQ_LOCK,))
    cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM matches")
    found = cursor.fetchone()
    return int(cast("int", found[0])) if found else 0


def _number(cursor: psycopg.Cursor[tuple[object, ...]]) -> None:
    """The cursor's seq for the rows the staged path just inserted (in file order: their
    ids), in its transaction, and one NOTIFY with the highest (``sql/sequence.py``)."""
    base = _reserve(cursor)
    cursor.execute(
        "UPDATE matches AS m SET seq = %s + r.n, ingested_at_utc = now() FROM (SELECT id, "
        "ROW_NUMBER() OVER (ORDER BY id) AS n FROM matches WHERE seq IS NULL) AS r "
        "WHERE m.id = r.id",
        (base,),
    )
    if cursor.rowcount:
        cursor.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(base + cursor.rowcount)))


def _staged(conn: sa.Connection, rows: CopyRows) -> CopyResult:
    """COPY into a temporary table, INSERT … ON CONFLICT DO NOTHING; halve on a refused row."""
    try:
        with conn.begin(), _cursor(conn) as cursor:
            cursor.execute(_stage_ddl(conn.dialect))
            with cursor.copy(f"COPY {STAGE} ({_NAMES}) FROM STDIN ({COPY_OPTIONS})") as copy:
                copy.write(rows.data or _copy_data(rows.lines))
            cursor.execute(
                f"INSERT INTO matches ({_NAMES}) SELECT {_NAMES} FROM {STAGE} ORDER BY seq "
                "ON CONFLICT (event_id) DO NOTHING"
            )
            written = int(cursor.rowcount)
            if written:
                _number(cursor)
        return CopyResult(written=written, duplicates=len(rows) - written)
    except (psycopg.DataError, psycopg.IntegrityError) as exc:
        if len(rows) == 1:
            return CopyResult(refused=[(rows.line_numbers[0], _refusal(exc))])
    result = CopyResult()
    half = len(rows) // 2
    for part in (slice(0, half), slice(half, None)):
        piece = CopyRows(rows.lines[part], rows.event_ids[part], rows.line_numbers[part])
        result.add(_staged(conn, piece))
    return result


def _refusal(exc: psycopg.Error) -> str:
    detail = exc.diag.message_primary or str(exc).split("\n", 1)[0]
    return f"refusée par PostgreSQL : {detail}"

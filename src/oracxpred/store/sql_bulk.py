"""PostgreSQL bulk path of imports: COPY into a temporary table, then one INSERT … SELECT.

COPY streams rows without per-row statements; the INSERT keeps the store's promise (unique
``event_id``, ``ON CONFLICT DO NOTHING``) and the file's order (``seq``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from oracxpred.core.records import FinishedMatch
from oracxpred.store import schema
from oracxpred.store.sql_rows import match_tuple

STAGE = "oracxpred_import_stage"


def _stage_ddl(dialect: sa.Dialect) -> str:
    columns = ", ".join(
        f"{name} {schema.matches.c[name].type.compile(dialect=dialect)}"
        for name in schema.INSERT_COLUMNS
    )
    # ON COMMIT DROP: the stage never outlives the transaction, even on a pooled connection.
    return f"CREATE TEMPORARY TABLE {STAGE} (seq BIGINT, {columns}) ON COMMIT DROP"


def _copy_types(dialect: sa.Dialect) -> list[str]:
    return ["bigint"] + [
        schema.matches.c[name].type.compile(dialect=dialect).lower()
        for name in schema.INSERT_COLUMNS
    ]


def copy_insert(conn: sa.Connection, matches: Sequence[FinishedMatch]) -> int:
    """Write the matches not stored yet; returns how many were written."""
    names = ", ".join(schema.INSERT_COLUMNS)
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(_stage_ddl(conn.dialect))
        # Binary COPY with declared types: ~5 µs a row here, against ~25 in text format.
        with cursor.copy(f"COPY {STAGE} (seq, {names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(_copy_types(conn.dialect))
            for seq, match in enumerate(matches):
                copy.write_row((seq, *match_tuple(match)))
        cursor.execute(
            f"INSERT INTO matches ({names}) SELECT {names} FROM {STAGE} ORDER BY seq "
            "ON CONFLICT (event_id) DO NOTHING"
        )
        return int(cursor.rowcount)

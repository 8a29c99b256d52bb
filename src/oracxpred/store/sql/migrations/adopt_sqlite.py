"""SQLite part of the adoption (``adopt.py``): SQLite cannot change a column's type, so the
original table is rebuilt. Every value is converted in SQL, and the copy is refused (nothing
changed) when a cell would not survive the conversion.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import ReflectedColumn

from oracxpred import messages
from oracxpred.core.records import MATCH_COLUMNS
from oracxpred.errors import StoreCorrupted
from oracxpred.store.sql import schema


def _sqlite_value(name: str, type_: sa.types.TypeEngine[Any]) -> tuple[str, str | None]:
    """SQLite copy expression of one column, and a predicate true on a cell it would garble."""
    blank = f"({name} IS NULL OR trim({name}) = '')"
    if isinstance(type_, schema.UtcDateTime):
        # strftime reads 'YYYY-MM-DD HH:MM[:SS[.fff]]', a 'T' and a '+HH:MM' zone (→ UTC);
        # '000' pads to the microseconds SQLAlchemy writes, so text order is time order.
        value = f"strftime('%Y-%m-%d %H:%M:%f', trim({name})) || '000'"
        return f"CASE WHEN {blank} THEN NULL ELSE {value} END", f"NOT {blank} AND {value} IS NULL"
    if isinstance(type_, sa.Integer):
        whole = (
            f"(typeof({name}) = 'integer' OR (typeof({name}) = 'real' AND {name} = "
            f"CAST({name} AS INTEGER)) OR (typeof({name}) = 'text' AND ltrim(trim({name}), "
            f"'-') <> '' AND ltrim(trim({name}), '-') NOT GLOB '*[^0-9]*'))"
        )
        value = f"CAST(trim({name}) AS INTEGER)"
        return f"CASE WHEN {blank} THEN NULL ELSE {value} END", f"NOT {blank} AND NOT {whole}"
    if isinstance(type_, sa.Double):
        number = f"(typeof({name}) IN ('integer', 'real') OR trim({name}) GLOB '*[0-9]*')"
        value = f"CAST(trim({name}) AS REAL)"
        return f"CASE WHEN {blank} THEN NULL ELSE {value} END", f"NOT {blank} AND NOT {number}"
    if name in schema.REQUIRED:
        return f"COALESCE({name}, '')", None
    return name, None


def rebuild_sqlite(bind: sa.Connection, columns: dict[str, ReflectedColumn]) -> None:
    """Copy the original table into one with our schema, in rowid order (rowid → ``id``)."""
    wanted = schema.ORIGINAL_TYPES | schema.ADDED_TYPES
    present = [c for c in MATCH_COLUMNS if c in columns]
    values, problems = {}, []
    for name in present:
        values[name], problem = _sqlite_value(name, wanted[name])
        if problem:
            problems.append(f"SUM(CASE WHEN {problem} THEN 1 ELSE 0 END) AS {name}")
    counts = bind.exec_driver_sql(f"SELECT {', '.join(problems)} FROM matches").mappings().one()
    garbled = {name: n for name, n in counts.items() if n}
    if garbled:
        detail = ", ".join(f"{name} ({n})" for name, n in garbled.items())
        raise StoreCorrupted(messages.ADOPT_UNREADABLE_SQLITE.format(detail=detail))
    bind.exec_driver_sql("ALTER TABLE matches RENAME TO matches_adopting")
    bind.execute(sa.schema.CreateTable(schema.matches))
    code = "upper(trim(COALESCE(outcome, '')))"
    s1, s2 = values["score1"], values["score2"]
    by_score = f"CASE WHEN {s1} > {s2} THEN '1' WHEN {s1} < {s2} THEN '2' ELSE 'N' END"
    values["outcome"] = (
        f"CASE WHEN {code} IN ('1', '2', 'N') THEN {code} WHEN {code} = 'X' THEN 'N' "
        f"ELSE {by_score} END"
    )
    row_id = "id" if "id" in columns else "rowid"
    bind.exec_driver_sql(
        f"INSERT INTO matches (id, {', '.join(present)}) "
        f"SELECT {row_id}, {', '.join(values[c] for c in present)} FROM matches_adopting "
        f"ORDER BY {row_id}"
    )
    bind.exec_driver_sql("DROP TABLE matches_adopting")

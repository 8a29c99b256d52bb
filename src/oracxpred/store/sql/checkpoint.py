"""Named checkpoints in the ``checkpoints`` table (migration 0002): one JSON row per name."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from oracxpred.errors import StoreCorrupted
from oracxpred.store.sql import schema

C = schema.checkpoints


def load_checkpoint(conn: sa.Connection, name: str) -> dict[str, Any] | None:
    raw = conn.execute(sa.select(C.c.data).where(C.c.name == name)).scalar()
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise StoreCorrupted(f"Point de reprise « {name} » illisible dans la table checkpoints.")
    return data


def save_checkpoint(conn: sa.Connection, name: str, data: dict[str, Any]) -> None:
    """Insert or replace in one statement."""
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    values = {"name": name, "data": text, "updated_at": sa.func.now()}
    dialect = conn.dialect.name
    if dialect in ("mysql", "mariadb"):
        upsert: Any = mysql.insert(C).values(values)
        conn.execute(upsert.on_duplicate_key_update(data=text, updated_at=sa.func.now()))
        return
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(C).values(values)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["name"], set_={"data": text, "updated_at": sa.func.now()}
        )
    )

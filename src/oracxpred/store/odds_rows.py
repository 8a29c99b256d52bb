"""The odds timeline as flat rows (SQL parameters, CSV cells) and back, shared by every backend.

``param`` is kept as text, empty when the selection has no line: a NULL would make the unique
key ``(event_id, group, type, param, observed_at_utc)`` useless (NULLs never collide).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from oracxpred.core.odds import ODDS_COLUMNS
from oracxpred.core.records import OddsRow, Phase

__all__ = [
    "ODDS_COLUMNS",
    "cells_row",
    "param_text",
    "row_cells",
    "row_line",
    "row_values",
    "values_row",
]


def param_text(param: float | None) -> str:
    return "" if param is None else repr(param)


def _utc(ts: int | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, tz=UTC)


def _ts(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def row_values(row: OddsRow) -> dict[str, Any]:
    """Parameters of one SQL insert."""
    return {
        "event_id": row.event_id,
        "observed_at_utc": _utc(row.observed_at),
        "server_time_utc": _utc(row.server_time),
        "phase": row.phase.value,
        "group": row.group,
        "type": row.type,
        "param": param_text(row.param),
        "price": row.price,
        "blocked": row.blocked,
        "central": row.central,
        "removed": row.removed,
    }


def values_row(values: Mapping[Any, Any]) -> OddsRow:
    """An ``OddsRow`` from a SQL row (or ``row_values``)."""
    observed = _ts(values["observed_at_utc"])
    if observed is None:
        raise ValueError("observed_at_utc vide")
    param = values["param"]
    price = values["price"]
    return OddsRow(
        event_id=int(values["event_id"]),
        observed_at=observed,
        server_time=_ts(values["server_time_utc"]),
        phase=Phase(values["phase"]),
        group=int(values["group"]),
        type=int(values["type"]),
        param=float(param) if param not in ("", None) else None,
        price=None if price is None else float(price),
        blocked=bool(values["blocked"]),
        central=bool(values["central"]),
        removed=bool(values["removed"]),
    )


def row_cells(row: OddsRow) -> list[str]:
    """CSV cells in ``ODDS_COLUMNS`` order (times ISO 8601 UTC, flags 0/1, empty for none)."""
    server = _utc(row.server_time)
    return [
        str(row.event_id),
        _iso(_utc(row.observed_at)),
        "" if server is None else _iso(server),
        row.phase.value,
        str(row.group),
        str(row.type),
        param_text(row.param),
        "" if row.price is None else repr(row.price),
        "1" if row.blocked else "0",
        "1" if row.central else "0",
        "1" if row.removed else "0",
    ]


def row_line(row: OddsRow) -> str:
    """``row_cells`` as one CSV line: every cell is a number, a time, a word or empty (never
    a comma, a quote or a newline), so no quoting is needed; the times of one poll repeat."""
    server = "" if row.server_time is None else _iso_at(row.server_time)
    param = "" if row.param is None else repr(row.param)
    price = "" if row.price is None else repr(row.price)
    return (
        f"{row.event_id},{_iso_at(row.observed_at)},{server},{row.phase.value},{row.group},"
        f"{row.type},{param},{price},{'1' if row.blocked else '0'},"
        f"{'1' if row.central else '0'},{'1' if row.removed else '0'}\n"
    )


@functools.lru_cache(maxsize=512)
def _iso_at(ts: int) -> str:
    return _iso(_utc(ts))


def cells_row(cells: list[str]) -> OddsRow:
    """``row_cells`` read back; ``ValueError`` for anything else."""
    if len(cells) != len(ODDS_COLUMNS):
        raise ValueError(f"ligne de {len(cells)} cellules au lieu de {len(ODDS_COLUMNS)}")
    values = dict(zip(ODDS_COLUMNS, cells, strict=True))
    return values_row(
        {
            **values,
            "observed_at_utc": datetime.fromisoformat(values["observed_at_utc"]),
            "server_time_utc": (
                datetime.fromisoformat(values["server_time_utc"])
                if values["server_time_utc"]
                else None
            ),
            "price": values["price"] or None,
            "blocked": values["blocked"] == "1",
            "central": values["central"] == "1",
            "removed": values["removed"] == "1",
        }
    )


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat().replace("+00:00", "Z")

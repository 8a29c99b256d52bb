"""Every selection of an event and the change-only odds timeline (docs/feed.md §5). No I/O.

A selection is ``(G, T, P)``: market group, outcome type and line (``P`` absent = no line). It
is read from ``E`` and from every ``AE[*].ME``; the feed often lists the same selection in both
with the same price, and the first one read (``E`` first) counts. A hostile entry (huge ``P``,
``NaN``, a string for a number) is refused with a French reason and never stored.

The timeline keeps a row only when something changes: a selection appearing, its price ``C`` or
its ``B``/``CE`` flags changing, and once when it disappears (``removed``). Diffing against the
last prices kept in the tracker state gives the same rows whether the collector runs from cron
or as a daemon.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from oracxpred.core.finish import is_int
from oracxpred.core.records import OddsRow, Phase, Price, SelectionKey

__all__ = [
    "ODDS_COLUMNS",
    "OddsRow",
    "Price",
    "Selections",
    "diff",
    "read_price",
    "read_selections",
]

MAX_PRICE = 100_000.0
"""Largest ``C`` accepted; the feed's longest prices (exact scores) stay far below."""

MAX_PARAM = 10_000.0
"""Largest ``|P|`` accepted: handicaps and totals are small lines, cricket totals a few hundred."""

MAX_CODE = 2**31 - 1
"""Largest ``G`` or ``T`` accepted (they are small codes; more is a broken feed)."""


@dataclass(frozen=True, slots=True)
class Selections:
    """What one raw event offers, sorted by key, and the entries refused (French reasons)."""

    prices: tuple[Price, ...]
    rejected: tuple[str, ...]


ODDS_COLUMNS = (
    "event_id",
    "observed_at_utc",
    "server_time_utc",
    "phase",
    "group",
    "type",
    "param",
    "price",
    "blocked",
    "central",
    "removed",
)
"""Column names of the timeline, in this order, on every backend."""


def read_selections(raw_event: Mapping[str, Any]) -> Selections:
    """Every selection of ``E`` and ``AE[*].ME``; never raises."""
    found: dict[SelectionKey, Price] = {}
    rejected: list[str] = []
    for entry in _entries(raw_event, rejected):
        try:
            price = read_price(entry)
        except ValueError as exc:
            rejected.append(str(exc))
            continue
        found.setdefault(price.key, price)
    ordered = tuple(found[k] for k in sorted(found, key=_sort_key))
    return Selections(ordered, tuple(rejected))


def read_price(entry: object) -> Price:
    """One ``{G, T, P, C, B, CE}`` entry; ``ValueError`` (French reason) for anything hostile."""
    if not isinstance(entry, Mapping):
        raise ValueError(f"sélection qui n'est pas un objet ({type(entry).__name__})")
    group, kind = _code(entry, "G"), _code(entry, "T")
    param = _number(entry.get("P"), "P", -MAX_PARAM, MAX_PARAM)
    blocked = entry.get("B") not in (None, False, 0)
    price = _number(entry.get("C"), "C", 1.0, MAX_PRICE)
    if price is None and not blocked:
        raise ValueError(f"sélection G={group} T={kind} sans prix C")
    central = entry.get("CE") not in (None, False, 0)
    return Price(group, kind, param, price, blocked, central)


def diff(
    event_id: int,
    last: Iterable[Price],
    current: Iterable[Price],
    *,
    observed_at: int,
    server_time: int | None,
    phase: Phase,
) -> tuple[OddsRow, ...]:
    """Rows for what changed from ``last`` to ``current``: new, changed, then removed ones."""
    before = {p.key: p for p in last}
    now = {p.key: p for p in current}
    rows: list[OddsRow] = []

    def row(p: Price, removed: bool) -> OddsRow:
        return OddsRow(
            event_id,
            observed_at,
            server_time,
            phase,
            p.group,
            p.type,
            p.param,
            p.price,
            p.blocked,
            p.central,
            removed,
        )

    for key in sorted(now, key=_sort_key):
        if before.get(key) != now[key]:
            rows.append(row(now[key], False))
    for key in sorted(before.keys() - now.keys(), key=_sort_key):
        rows.append(row(before[key], True))
    return tuple(rows)


def _entries(raw_event: Mapping[str, Any], rejected: list[str]) -> Iterable[object]:
    markets = raw_event.get("E")
    if isinstance(markets, list):
        yield from markets
    elif markets is not None:
        rejected.append(f"champ E qui n'est pas une liste ({type(markets).__name__})")
    extra = raw_event.get("AE")
    if extra is None:
        return
    if not isinstance(extra, list):
        rejected.append(f"champ AE qui n'est pas une liste ({type(extra).__name__})")
        return
    for block in extra:
        lines = block.get("ME") if isinstance(block, Mapping) else None
        if isinstance(lines, list):
            yield from lines
        else:
            rejected.append(f"bloc AE sans liste ME ({str(block)[:40]})")


def _code(entry: Mapping[str, Any], key: str) -> int:
    value = entry.get(key)
    if not is_int(value) or not 0 <= value <= MAX_CODE:
        raise ValueError(f"sélection avec {key} invalide ({str(value)[:30]})")
    return value


def _number(value: object, key: str, low: float, high: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} n'est pas un nombre ({str(value)[:30]})")
    number = float(value) if isinstance(value, float) or abs(value) <= high else math.inf
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"{key} hors limites ({str(value)[:30]})")
    return number


def _sort_key(key: SelectionKey) -> tuple[int, int, bool, float]:
    group, kind, param = key
    return (group, kind, param is not None, 0.0 if param is None else param)

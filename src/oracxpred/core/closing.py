"""The opening and closing line of each selection, read from its change-only timeline. No I/O.

A timeline row (``core/odds.py``) is the state of one selection from its poll onward. Of the
pre-match rows that carry a usable price (not blocked, not removed, above the in-play "decided"
mark, docs/feed.md §5), the first per selection is its opening and the last its closing price.
The main total is the ``G=17`` line the feed flags central (``CE``); without a flag, the line
whose over and under prices are closest (the bookmaker's balanced line), the lower one on a tie.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from oracxpred.core.finish import usable_price
from oracxpred.core.records import OddsRow, Phase, Price, SelectionKey

TOTAL_GROUP = 17
"""Total goals: ``T`` 9 over ``P``, 10 under ``P`` (docs/feed.md §5)."""
OVER, UNDER = 9, 10


@dataclass(frozen=True, slots=True)
class TotalLine:
    """One total line and its two prices."""

    line: float
    over: float
    under: float


def opening_line(rows: Iterable[OddsRow]) -> dict[SelectionKey, OddsRow]:
    """First usable pre-match row of each selection."""
    first: dict[SelectionKey, OddsRow] = {}
    for row in _usable_prematch(rows):
        key = (row.group, row.type, row.param)
        if key not in first or row.observed_at < first[key].observed_at:
            first[key] = row
    return first


def closing_line(rows: Iterable[OddsRow]) -> dict[SelectionKey, OddsRow]:
    """Last usable pre-match row of each selection."""
    last: dict[SelectionKey, OddsRow] = {}
    for row in _usable_prematch(rows):
        key = (row.group, row.type, row.param)
        if key not in last or row.observed_at >= last[key].observed_at:
            last[key] = row
    return last


def main_total(line: Mapping[SelectionKey, OddsRow]) -> TotalLine | None:
    """The main total of a line (``opening_line`` or ``closing_line``), None without one."""
    return _main({key: (row.price, row.central) for key, row in line.items()})


def main_total_of(prices: Iterable[Price]) -> TotalLine | None:
    """The main total among one poll's usable selections (the tracker's last known prices)."""
    return _main(
        {
            p.key: (p.price, p.central)
            for p in prices
            if p.group == TOTAL_GROUP and usable_price(p.price, p.blocked) is not None
        }
    )


def _main(line: Mapping[SelectionKey, tuple[float | None, bool]]) -> TotalLine | None:
    pairs: list[tuple[bool, float, float, TotalLine]] = []
    for (group, kind, param), (over, over_central) in line.items():
        if group != TOTAL_GROUP or kind != OVER or param is None:
            continue
        under, under_central = line.get((TOTAL_GROUP, UNDER, param), (None, False))
        if under is None or over is None:
            continue
        total = TotalLine(param, over, under)
        pairs.append((not (over_central or under_central), abs(over - under), param, total))
    return min(pairs, key=lambda p: p[:3])[3] if pairs else None


def _usable_prematch(rows: Iterable[OddsRow]) -> Iterable[OddsRow]:
    for row in rows:
        usable = usable_price(row.price, row.blocked) is not None
        if row.phase is Phase.PREMATCH and not row.removed and usable:
            yield row

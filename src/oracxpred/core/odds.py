"""Every selection of an event and the change-only odds timeline (docs/feed.md §5). No I/O.

A selection is ``(G, T, P)``: market group, outcome type and line (``P`` absent = no line). It
is read from ``E`` and from every ``AE[*].ME``; the feed often lists the same selection in both
with the same price, and the first one read (``E`` first) counts; selections keep the order
read (the feed's order is stable from poll to poll, so an unchanged event compares equal in
one tuple comparison). A hostile entry (huge ``P``, ``NaN``, a string for a number) is refused
with a French reason and never stored. Entries decoded by the envelope's fast path
(``FastSelection``) are already typed and bounded: only the semantic checks remain.

The timeline keeps a row only when something changes: a selection appearing, its price ``C`` or
its ``B``/``CE`` flags changing, and once when it disappears (``removed``). Diffing against the
last prices kept in the tracker state gives the same rows whether the collector runs from cron
or as a daemon.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

from oracxpred.core.envelope import (
    FAST_LINES,
    FAST_MARKETS,
    MAX_CODE,
    MAX_PARAM,
    MAX_PRICE,
    FastLines,
    FastSelection,
    decode_json,
)
from oracxpred.core.finish import is_int, odds_1x2, usable_price
from oracxpred.core.records import Odds1X2, OddsRow, Phase, Price, SelectionKey

__all__ = [
    "MAX_CODE",
    "MAX_PARAM",
    "MAX_PRICE",
    "ODDS_COLUMNS",
    "Markets",
    "MarketsSeen",
    "OddsRow",
    "Price",
    "Selections",
    "diff",
    "markets_of",
    "read_price",
    "read_selections",
]


@dataclass(frozen=True, slots=True)
class Selections:
    """What one raw event offers, in the order read, and the entries refused (French reasons)."""

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


Markets = tuple[Selections, Odds1X2 | None]
"""An event's selections and its 1X2."""

MarketsSeen = dict[int, tuple[msgspec.Raw, msgspec.Raw, Markets]]
"""Per event id, the raw ``E``/``AE`` of one poll and what they gave (see ``markets_of``)."""


def markets_of(
    raw_event: Mapping[str, Any],
    event_id: int = 0,
    seen: Mapping[int, Any] | None = None,
    kept: MarketsSeen | None = None,
) -> Markets:
    """The selections and the 1X2 of an event.

    Fast path (``E``/``AE`` still raw JSON): an event whose raw markets are byte for byte those
    of the last poll (``seen``) gets the same result without reading them again (most events
    do not change from one minute to the next); ``kept`` collects this poll's for the next.
    Raises only ``FeedFormatError``, for JSON the reference reading cannot hold (as for a
    whole answer)."""
    markets, extra = raw_event.get("E"), raw_event.get("AE")
    if type(markets) is not msgspec.Raw or type(extra) is not msgspec.Raw:
        return read_selections(raw_event), odds_1x2(markets)
    known = seen.get(event_id) if seen is not None else None
    result: Markets
    if known is not None and known[0] == markets and known[1] == extra:
        result = known[2]
    else:
        result = _raw_markets(markets, extra)
    if kept is not None:
        kept[event_id] = (markets, extra, result)
    return result


def _raw_markets(markets: msgspec.Raw, extra: msgspec.Raw) -> Markets:
    try:
        entries, lines = FAST_MARKETS.decode(markets), FAST_LINES.decode(extra)
    except msgspec.DecodeError:  # a hostile entry: the reference reading words why
        raw = {"E": decode_json(bytes(markets)), "AE": decode_json(bytes(extra))}
        return read_selections(raw), odds_1x2(raw["E"])
    return _fast_selections(entries or [], lines or []), _fast_odds(entries or [])


def read_selections(raw_event: Mapping[str, Any]) -> Selections:
    """Every selection of ``E`` and ``AE[*].ME`` (raw JSON entries); never raises."""
    found: dict[SelectionKey, Price] = {}
    rejected: list[str] = []
    for entry in _entries(raw_event, rejected):
        try:
            price = read_price(entry)
        except ValueError as exc:
            rejected.append(str(exc))
            continue
        found.setdefault(price.key, price)
    return Selections(tuple(found.values()), tuple(rejected))


def _fast_selections(markets: list[FastSelection], extra: list[FastLines]) -> Selections:
    entries = list(markets)
    for lines in extra:
        entries.extend(lines.ME)
    found: dict[SelectionKey, Price] = {}
    rejected: list[str] = []
    for s in entries:
        blocked = s.B not in (None, False, 0)
        if s.C is None and not blocked:
            rejected.append(f"sélection G={s.G} T={s.T} sans prix C")
            continue
        key = (s.G, s.T, s.P)
        if key not in found:
            found[key] = Price(s.G, s.T, s.P, s.C, blocked, s.CE not in (None, False, 0))
    return Selections(tuple(found.values()), tuple(rejected))


def _fast_odds(markets: list[FastSelection]) -> Odds1X2 | None:
    """``finish.odds_1x2`` on typed entries (same rules: the first entry of each type)."""
    found: dict[int, float | None] = {}
    for s in markets:
        if s.G == 1 and s.T in (1, 2, 3) and s.T not in found:
            found[s.T] = usable_price(s.C, s.B not in (None, False, 0))
    home, draw, away = (found.get(kind) for kind in (1, 2, 3))
    if home is None or away is None or (draw is None and 2 in found):
        return None
    return Odds1X2(home=home, draw=draw, away=away)


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
    last: Sequence[Price],
    current: Sequence[Price],
    *,
    observed_at: int,
    server_time: int | None,
    phase: Phase,
) -> tuple[OddsRow, ...]:
    """Rows for what changed from ``last`` to ``current``: new, changed, then removed ones."""
    last, current = tuple(last), tuple(current)
    if last == current:
        return ()  # the usual case, one comparison in C
    if len(last) == len(current):  # the same selections in the same order: changed ones only
        pairs = [(a, b) for a, b in zip(last, current, strict=True) if a != b]
        if all(a.key == b.key for a, b in pairs):  # (equal pairs have equal keys)
            return tuple(
                _row(event_id, observed_at, server_time, phase, b, False)
                for b in sorted((b for _, b in pairs), key=_price_order)
            )
    before = {p.key: p for p in last}
    now = {p.key: p for p in current}
    rows: list[OddsRow] = []

    for key in sorted(now, key=_sort_key):
        if before.get(key) != now[key]:
            rows.append(_row(event_id, observed_at, server_time, phase, now[key], False))
    for key in sorted(before.keys() - now.keys(), key=_sort_key):
        rows.append(_row(event_id, observed_at, server_time, phase, before[key], True))
    return tuple(rows)


def _row(
    event_id: int, observed_at: int, server_time: int | None, phase: Phase, p: Price, gone: bool
) -> OddsRow:
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
        gone,
    )


def _price_order(p: Price) -> tuple[int, int, bool, float]:
    return _sort_key(p.key)


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

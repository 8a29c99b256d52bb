"""French names of the feed's markets and outcomes (docs/feed.md §5). No I/O.

A selection ``(G, T, P)`` is shown as its market ("Total"), its outcome ("plus de") and its
line ``P`` with a French decimal comma ("2,5"; handicaps signed, "+2,5"). A group or a type
this table does not know is never dropped: it reads "Marché G=…" or "Issue T=…". Every label
is one non-empty line whatever the values (a hostile feed may send any number).
"""

from __future__ import annotations

import math

__all__ = [
    "GROUP_ORDER",
    "line_text",
    "market_label",
    "outcome_label",
    "selection_label",
    "sort_key",
]

Code = int | float | None

GROUP_NAMES: dict[int, str] = {
    1: "1X2",
    8: "Double chance",
    2: "Handicap",
    17: "Total",
    15: "Total équipe 1",
    62: "Total équipe 2",
    19: "Les deux équipes marquent",
}
"""FIFA's groups, in the order a match page lists them."""

GROUP_ORDER: dict[int, int] = {group: rank for rank, group in enumerate(GROUP_NAMES)}

TYPE_NAMES: dict[int, str] = {
    1: "1",
    2: "X",
    3: "2",
    4: "1X",
    5: "12",
    6: "X2",
    7: "équipe 1",
    8: "équipe 2",
    9: "plus de",
    10: "moins de",
    11: "plus de",
    12: "moins de",
    13: "plus de",
    14: "moins de",
    180: "oui",
    181: "non",
}
"""Outcome types (the ``T`` codes are the same in every group that uses them)."""

SIGNED_GROUPS = frozenset({2})
"""Groups whose line is a handicap: shown with its sign ("+2,5", "-1")."""

LARGE = 1e6
"""Beyond this a line is shown in scientific form, so a hostile ``P`` stays short."""


def _number(value: float, signed: bool) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return ("+∞" if signed else "∞") if value > 0 else "-∞"
    if abs(value) >= LARGE:
        text = f"{value:.6g}"
    else:
        text = f"{value:.3f}".rstrip("0").rstrip(".")
        if text == "-0":
            text = "0"
    if signed and value > 0:
        text = "+" + text
    return text.replace(".", ",")


def _code(value: Code) -> str:
    if value is None:
        return "?"
    if isinstance(value, float) and not value.is_integer():
        return _number(value, signed=False)
    if isinstance(value, float) and abs(value) >= LARGE:
        return _number(value, signed=False)
    return str(int(value))


def _known(table: dict[int, str], value: Code) -> str | None:
    # A float equal to a code (2.0) is that code; NaN, infinities and None are no key.
    lookup: dict[object, str] = table  # type: ignore[assignment]
    return lookup.get(value)


def line_text(group: Code, param: Code) -> str:
    """The line ``P`` as shown: "2,5", "+2,5" for a handicap, empty without a line."""
    if param is None:
        return ""
    try:
        value = float(param)
    except OverflowError:  # an int beyond any float
        value = math.inf if param > 0 else -math.inf
    return _number(value, signed=group in SIGNED_GROUPS)


def market_label(group: Code) -> str:
    """ "Total", or "Marché G=…" for a group this table does not know."""
    return _known(GROUP_NAMES, group) or f"Marché G={_code(group)}"


def outcome_label(group: Code, kind: Code, param: Code) -> str:
    """ "plus de 2,5", "équipe 1 +1,5", "X", or "Issue T=…" (with its line) when unknown."""
    name = _known(TYPE_NAMES, kind) or f"Issue T={_code(kind)}"
    line = line_text(group, param)
    return f"{name} {line}" if line else name


def selection_label(group: Code, kind: Code, param: Code) -> str:
    """ "Total : plus de 2,5": the market, then the outcome and its line."""
    return f"{market_label(group)} : {outcome_label(group, kind, param)}"


def sort_key(group: int, kind: int, param: float | None) -> tuple[int, int, float, int]:
    """Display order: known markets first (1X2, double chance, …), then by line and type."""
    rank = GROUP_ORDER.get(group, len(GROUP_ORDER))
    line = -math.inf if param is None or math.isnan(param) else param
    return (rank, group, line, kind)

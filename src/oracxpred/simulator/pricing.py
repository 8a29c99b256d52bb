"""Prices of the simulated markets from a Poisson goal model. Pure: no I/O, no randomness.

A bookmaker-like price is ``1 / (p * (1 + margin))`` rounded to 3 decimals, as the site shows them
(2.275, 5.99, 1.064). The market list has the 14 entries of a real FIFA 5x5/3x3 event
(docs/feed.md §5): 1X2 (G1), double chance (G8), handicap (G2), total (G17), team totals (G15, G62).
"""

from __future__ import annotations

import math
from typing import Any

MARGIN = 0.07
"""Overround of every two- or three-way market (real 1X2 sums to ≈ 1.08)."""

MIN_PRICE = 1.01
MAX_PRICE = 30.0  # long shots are capped at 30 on the site (docs/feed.md §5)
SETTLED_PRICE = 1.001  # a near-decided outcome in play (docs/feed.md §5)
NEAR_CERTAIN = 0.985


def poisson_pmf(lam: float, size: int | None = None) -> list[float]:
    """P(X = k) for k < size, X ~ Poisson(lam); without size, up to a negligible tail."""
    lam = max(lam, 1e-9)
    probs = [math.exp(-lam)]
    k = 1
    while (size is None and (k <= lam or probs[-1] > 1e-12)) or (size is not None and k < size):
        probs.append(probs[-1] * lam / k)
        k += 1
    return probs


class Difference:
    """Distribution of the final goal difference ``lead + X1 - X2``, with O(1) tail sums."""

    __slots__ = ("_above", "_low", "_size")

    def __init__(self, lam1: float, lam2: float, lead: int = 0) -> None:
        p1, p2 = poisson_pmf(lam1), poisson_pmf(lam2)
        reverse, n2 = p2[::-1], len(p2)
        out = [0.0] * (len(p1) + n2 - 1)  # out[m] = P(D = m + low)
        for i, a in enumerate(p1):
            out[i : i + n2] = [x + a * y for x, y in zip(out[i : i + n2], reverse, strict=True)]
        above = [0.0] * (len(out) + 1)  # above[m] = P(D >= m + low)
        for m in range(len(out) - 1, -1, -1):
            above[m] = above[m + 1] + out[m]
        self._low, self._size, self._above = lead - (n2 - 1), len(out), above

    def at_least(self, d: int) -> float:
        m = d - self._low
        return self._above[min(max(m, 0), self._size)]

    def greater(self, x: float) -> float:
        """P(D > x)."""
        return self.at_least(math.floor(x) + 1)

    def less(self, x: float) -> float:
        """P(D < x)."""
        return self._above[0] - self.at_least(math.ceil(x))

    def equal(self, d: int) -> float:
        return self.at_least(d) - self.at_least(d + 1)


def over_probability(lam: float, current: int, line: float) -> float:
    """P(current + X > line), X ~ Poisson(lam)."""
    need = math.floor(line - current) + 1  # goals still needed to go over
    if need <= 0:
        return 1.0
    return max(0.0, 1.0 - sum(poisson_pmf(lam, need)))


def price(probability: float) -> float:
    """Decimal price with the margin, clamped and rounded like the site's."""
    if probability <= 0:
        return MAX_PRICE
    raw = 1.0 / (probability * (1.0 + MARGIN))
    return round(min(MAX_PRICE, max(MIN_PRICE, raw)), 3)


def number(value: float) -> int | float:
    """``C`` as the site writes it: ``2`` rather than ``2.0``."""
    return int(value) if value == int(value) else value


def display(value: float) -> str:
    """``CV``: the price as a display string ("2.275", "2", "30")."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def outcome(
    group: int,
    kind: int,
    value: float,
    line: float | None = None,
    *,
    blocked: bool = False,
    central: bool = False,
) -> dict[str, Any]:
    """One market entry with the real key order: T, P, C, CV, B, G, CE."""
    entry: dict[str, Any] = {"T": kind}
    if line is not None and line != 0:
        entry["P"] = float(line)
    entry["C"] = number(value)
    entry["CV"] = display(value)
    if blocked:
        entry["B"] = True
    entry["G"] = group
    if central:
        entry["CE"] = 1
    return entry


def one_x_two(lam1: float, lam2: float, lead: int = 0) -> tuple[float, float, float]:
    """Probabilities of home win, draw, away win."""
    dist = Difference(lam1, lam2, lead)
    return dist.greater(0), dist.equal(0), dist.less(0)


def prices_1x2(lam1: float, lam2: float) -> tuple[float, float, float]:
    """Pre-match 1X2 prices (home, draw, away)."""
    home, draw, away = one_x_two(lam1, lam2)
    return price(home), price(draw), price(away)


def handicap_probability(dist: Difference, line: float) -> float:
    """Home covers ``line`` (home gets +line); a push (whole line) is refunded."""
    win, lose = dist.greater(-line), dist.less(-line)
    return win / (win + lose) if win + lose > 0 else 0.5


def book(
    lam1: float, lam2: float, home: int = 0, away: int = 0, *, alternatives: int = 2
) -> tuple[list[tuple[int, int, float | None, float]], list[tuple[int, list[Any]]]]:
    """Every market as (G, T, P, probability): the 14 main ones, and the AE lines.

    ``lam1``/``lam2`` are the goals still expected; ``home``/``away`` the current score.
    """
    dist = Difference(lam1, lam2, home - away)
    p_home, p_draw, p_away = dist.greater(0), dist.equal(0), dist.less(0)
    expected_diff = home - away + lam1 - lam2
    hcap = 0.0 if home == away == 0 else -(math.floor(expected_diff) + 0.5)
    total_line = math.floor(home + away + lam1 + lam2) + 0.5
    line1 = math.floor(home + lam1) + 0.5
    line2 = math.floor(away + lam2) + 0.5
    p_hcap = handicap_probability(dist, hcap)
    p_total = _over_total(lam1, lam2, home + away, total_line)
    p1 = over_probability(lam1, home, line1)
    p2 = over_probability(lam2, away, line2)
    main: list[tuple[int, int, float | None, float]] = [
        (1, 1, None, p_home),
        (1, 2, None, p_draw),
        (1, 3, None, p_away),
        (8, 4, None, p_home + p_draw),
        (8, 5, None, p_home + p_away),
        (8, 6, None, p_draw + p_away),
        (2, 7, hcap, p_hcap),
        (2, 8, -hcap, 1.0 - p_hcap),
        (17, 9, total_line, p_total),
        (17, 10, total_line, 1.0 - p_total),
        (15, 11, line1, p1),
        (15, 12, line1, 1.0 - p1),
        (62, 13, line2, p2),
        (62, 14, line2, 1.0 - p2),
    ]
    hcap_lines: list[Any] = []
    total_lines: list[Any] = []
    # Central line first, then the others outward, as the site lists ``AE``.
    for step in sorted(range(-alternatives, alternatives + 1), key=lambda k: (abs(k), k)):
        h = hcap + step
        ph = handicap_probability(dist, h)
        hcap_lines.append((7, h, ph, step == 0))
        hcap_lines.append((8, -h, 1.0 - ph, step == 0))
        t = total_line + step
        if t > home + away:
            pt = _over_total(lam1, lam2, home + away, t)
            total_lines.append((9, t, pt, step == 0))
            total_lines.append((10, t, 1.0 - pt, step == 0))
    return main, [(2, hcap_lines), (17, total_lines)]


def _over_total(lam1: float, lam2: float, current: int, line: float) -> float:
    # The sum of two independent Poisson variables is Poisson(lam1 + lam2).
    return over_probability(lam1 + lam2, current, line)

"""Geometry of the server-rendered SVG charts. Pure: numbers in, shapes out.

Templates draw the shapes (``macros.html``), so every text — league names included — goes
through Jinja's autoescape; nothing here builds markup. No JavaScript library is involved: the
charts are plain inline SVG and work with scripts disabled.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from oracxpred.store.base import Heartbeat, LeagueStats
from oracxpred.web.formatting import fmt_dt, fmt_number, fmt_pct

OUTCOME_KEYS = ("1", "N", "2")
OUTCOME_NAMES = {"1": "1 (domicile)", "N": "N (nul)", "2": "2 (extérieur)"}


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    cls: str
    title: str


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    cls: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    cls: str = "grid"


@dataclass(frozen=True, slots=True)
class Chart:
    """One SVG: its viewBox size, an accessible name, shapes and a legend (class, text)."""

    width: float
    height: float
    name: str
    kind: str
    rects: tuple[Rect, ...] = ()
    labels: tuple[Label, ...] = ()
    lines: tuple[Line, ...] = ()
    legend: tuple[tuple[str, str], ...] = field(default=())


def _r(value: float) -> float:
    return round(value, 1)


def observed_shares(stats: LeagueStats) -> dict[str, float | None]:
    """Share of each outcome among the league's matches."""
    return {k: (stats.outcomes[k] / stats.matches if stats.matches else None) for k in OUTCOME_KEYS}


def implied_means(stats: LeagueStats) -> dict[str, float | None]:
    """Mean margin-free probability of each outcome, over matches with closing odds."""
    return {
        k: (stats.implied[k] / stats.with_odds if stats.with_odds else None) for k in OUTCOME_KEYS
    }


def _scale_top(values: Sequence[float]) -> float:
    """Axis top: the largest value rounded up to a tenth (at least 0.1, at most 1)."""
    top = max([0.1, *values])
    return min(1.0, -(-round(top * 1000) // 100) / 10)


def calibration_chart(stats: LeagueStats, width: float = 320.0, height: float = 190.0) -> Chart:
    """Grouped bars per outcome: observed share beside the odds' mean implied probability."""
    left, right, top, bottom = 40.0, 8.0, 14.0, 30.0
    plot_w, plot_h = width - left - right, height - top - bottom
    observed, implied = observed_shares(stats), implied_means(stats)
    values = [v for v in [*observed.values(), *implied.values()] if v is not None]
    ymax = _scale_top(values)
    rects: list[Rect] = []
    labels: list[Label] = []
    lines: list[Line] = []
    steps = round(ymax * 10)
    for i in range(steps + 1):
        share = ymax * i / steps
        y = _r(top + plot_h * (1 - share / ymax))
        lines.append(Line(left, y, width - right, y))
        if steps <= 5 or i % 2 == 0:
            labels.append(Label(left - 4, y + 3.5, fmt_pct(share, 0), "end", "tick"))
    group_w = plot_w / 3
    bar_w = group_w * 0.32
    for g, key in enumerate(OUTCOME_KEYS):
        x0 = left + g * group_w + group_w * 0.16
        series = (
            ("bar observed", observed[key], f"observé : {stats.outcomes[key]} sur {stats.matches}"),
            ("bar implied", implied[key], f"cotes de clôture, {stats.with_odds} matchs"),
        )
        for s, (cls, bar_share, detail) in enumerate(series):
            if bar_share is None:
                continue
            h = plot_h * bar_share / ymax
            x = x0 + s * (bar_w + 2)
            rects.append(
                Rect(
                    _r(x),
                    _r(top + plot_h - h),
                    _r(bar_w),
                    _r(h),
                    cls,
                    f"Issue {OUTCOME_NAMES[key]} — {fmt_pct(bar_share)} ({detail})",
                )
            )
            labels.append(Label(_r(x + bar_w / 2), _r(top + plot_h - h - 3), fmt_pct(bar_share, 0)))
        labels.append(
            Label(_r(left + g * group_w + group_w / 2), height - 10, OUTCOME_NAMES[key], cls="axis")
        )
    return Chart(
        width,
        height,
        f"Issues observées et probabilités implicites — {stats.league}",
        "calibration",
        tuple(rects),
        tuple(labels),
        tuple(lines),
        (("observed", "Observé"), ("implied", "Implicite (cotes de clôture)")),
    )


def goals_chart(leagues: Sequence[LeagueStats], label_chars: int = 24) -> Chart:
    """One horizontal bar per league: goals per match."""
    row, left, right, top = 32.0, 176.0, 40.0, 6.0
    width = 460.0
    height = top * 2 + row * max(1, len(leagues))
    rates = [s.goals / s.matches if s.matches else 0.0 for s in leagues]
    peak = max([0.5, *rates])
    rects: list[Rect] = []
    labels: list[Label] = []
    for i, (stats, rate) in enumerate(zip(leagues, rates, strict=True)):
        y = top + i * row
        w = (width - left - right) * rate / peak
        name = stats.league
        short = name if len(name) <= label_chars else name[: label_chars - 1] + "…"
        rects.append(
            Rect(
                left,
                _r(y + 5),
                _r(max(w, 1.0)),
                row - 10,
                "bar goals",
                f"{name} — {fmt_number(rate, 2)} buts par match ({stats.matches} matchs)",
            )
        )
        labels.append(Label(left - 6, _r(y + row / 2 + 4), short, "end", "axis"))
        labels.append(Label(_r(left + w + 4), _r(y + row / 2 + 4), fmt_number(rate, 2), "start"))
    return Chart(
        width, height, "Buts par match selon la ligue", "goals", tuple(rects), tuple(labels)
    )


def cycles_chart(heartbeats: Sequence[Heartbeat]) -> Chart:
    """Recent cycles, oldest on the left: matches saved per cycle; failures in full height."""
    width, height, top, bottom, left = 1000.0, 130.0, 8.0, 18.0, 4.0
    plot_h = height - top - bottom
    beats = list(reversed(heartbeats))
    # Bars keep a readable width with few cycles, the newest against the right edge.
    slot = min(40.0, (width - 2 * left) / max(1, len(beats)))
    start = width - left - slot * len(beats)
    peak = max([1, *(hb.saved for hb in beats)])
    rects: list[Rect] = []
    for i, hb in enumerate(beats):
        when = fmt_dt(hb.started_at, seconds=True)
        if hb.ok:
            h = max(2.0, plot_h * hb.saved / peak)
            cls, title = "bar cycle-ok", f"{when} — réussi : {hb.saved} match(s) sauvegardé(s)"
        else:
            h, cls = plot_h, "bar cycle-failed"
            title = f"{when} — échec : {hb.error or 'erreur inconnue'}"
        x, w = _r(start + i * slot + 1), _r(max(slot - 2, 1))
        rects.append(Rect(x, _r(top + plot_h - h), w, _r(h), cls, title))
    labels = (
        Label(left, height - 4, "plus ancien", "start", "tick"),
        Label(width - left, height - 4, "plus récent", "end", "tick"),
    )
    return Chart(
        width,
        height,
        "Derniers cycles de collecte",
        "cycles",
        tuple(rects),
        labels,
        (Line(left, top + plot_h, width - left, top + plot_h, "baseline"),),
        (("cycle-ok", "Matchs sauvegardés (cycle réussi)"), ("cycle-failed", "Cycle en échec")),
    )


# -- Odds over time (the match page, issue 14) -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Series:
    """One selection's price over time: polylines (a gap where it was blocked or absent)."""

    name: str
    color: str
    dashed: bool
    segments: tuple[str, ...]  # SVG ``points`` of each unbroken stretch
    title: str


@dataclass(frozen=True, slots=True)
class TimeChart:
    """The odds chart of one match: axes (lines, labels), series, and the kick-off mark."""

    width: float
    height: float
    name: str
    lines: tuple[Line, ...]
    labels: tuple[Label, ...]
    series: tuple[Series, ...]
    kickoff: Line | None


PRICE_TICKS = (1.1, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0)
"""Price gridlines of the odds chart (log scale: a price's move reads as a relative move)."""


def odds_chart(
    name: str,
    curves: Sequence[tuple[str, str, bool, Sequence[tuple[int, float | None]]]],
    kickoff: int | None,
    time_text: Callable[[int], str],
    width: float = 720.0,
    height: float = 260.0,
) -> TimeChart | None:
    """Step curves of prices over time, log scale; None when no curve has a usable price.

    ``curves``: (name, colour, dashed, points) where points are ``(unix seconds, price)`` in
    time order, each price held until the next point, None for "blocked or gone" (a gap).
    """
    left, right, top, bottom = 44.0, 12.0, 12.0, 26.0
    plot_w, plot_h = width - left - right, height - top - bottom
    stamps = [t for *_, points in curves for t, _ in points]
    prices = [p for *_, points in curves for _, p in points if p is not None]
    if not prices:
        return None
    start, end = min(stamps), max(stamps)
    if kickoff is not None:
        start, end = min(start, kickoff), max(end, kickoff)
    end = max(end, start + 60)
    low, high = math.log(min(prices) * 0.95), math.log(max(prices) * 1.05)
    high = max(high, low + 0.1)

    def x(t: int) -> float:
        return _r(left + plot_w * (t - start) / (end - start))

    def y(price: float) -> float:
        return _r(top + plot_h * (1 - (math.log(price) - low) / (high - low)))

    lines: list[Line] = [Line(left, top + plot_h, width - right, top + plot_h, "baseline")]
    labels: list[Label] = []
    for tick in PRICE_TICKS:
        if low <= math.log(tick) <= high:
            lines.append(Line(left, y(tick), width - right, y(tick)))
            labels.append(Label(left - 4, y(tick) + 3.5, fmt_number(tick, 2), "end", "tick"))
    for i in range(5):
        t = start + (end - start) * i // 4
        labels.append(
            Label(x(t), height - 8, time_text(t), ("start", "middle", "middle", "middle", "end")[i],
                  "tick")
        )  # fmt: skip
    series: list[Series] = []
    for label, color, dashed, points in curves:
        segments: list[str] = []
        current: list[str] = []
        for i, (t, price) in enumerate(points):
            until = points[i + 1][0] if i + 1 < len(points) else end
            if price is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            current += [f"{x(t)},{y(price)}", f"{x(until)},{y(price)}"]
        if current:
            segments.append(" ".join(current))
        last = next((p for _, p in reversed(points) if p is not None), None)
        title = f"{label} — dernière cote {fmt_number(last, 2) if last else '—'}"
        series.append(Series(label, color, dashed, tuple(segments), title))
    mark = None
    if kickoff is not None:
        mark = Line(x(kickoff), top, x(kickoff), top + plot_h, "kickoff")
        labels.append(Label(x(kickoff) + 4, top + 10, "coup d'envoi", "start", "kickoff"))
    return TimeChart(width, height, name, tuple(lines), tuple(labels), tuple(series), mark)

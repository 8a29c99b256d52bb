"""Santé page: completeness per league for the last 7 UTC days, as an SVG bar chart.

The numbers are the daemon's re-audit (``history/continuous.py``), read from the store's
``completeness`` checkpoint: the web app never calls the results service itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from oracxpred.history.continuous import NAME, DayRatio, day_ratios
from oracxpred.web.charts import Chart, Label, Line, Rect

DAYS_SHOWN = 7


def completeness_days(store: Any, now: datetime) -> list[DayRatio]:
    """The last 7 days' ratios; empty when no re-audit ran (or the store cannot say)."""
    from oracxpred.errors import CollectorError

    try:
        record = store.load_checkpoint(NAME)
    except CollectorError:
        return []
    first = int(now.timestamp()) // 86400 * 86400 - (DAYS_SHOWN - 1) * 86400
    return [d for d in day_ratios(record) if d.day >= first]


def completeness_chart(days: Sequence[DayRatio], now: datetime) -> Chart:
    """One group of bars per day (oldest on the left), one bar per league; full height = 100 %."""
    width, height, top, bottom, left = 1000.0, 150.0, 8.0, 22.0, 4.0
    plot_h = height - top - bottom
    today = int(now.timestamp()) // 86400 * 86400
    starts = [today - (DAYS_SHOWN - 1 - i) * 86400 for i in range(DAYS_SHOWN)]
    leagues = sorted({(d.league_id, d.league) for d in days})
    slot = (width - 2 * left) / DAYS_SHOWN
    bar = (slot - 8) / max(1, len(leagues))
    rects: list[Rect] = []
    labels: list[Label] = []
    for i, start in enumerate(starts):
        day = datetime.fromtimestamp(start, tz=UTC).strftime("%Y-%m-%d")
        labels.append(
            Label(round(left + i * slot + slot / 2, 1), height - 6, day, "middle", "tick")
        )
        for j, (league_id, name) in enumerate(leagues):
            found = next((d for d in days if d.day == start and d.league_id == league_id), None)
            if found is None:
                continue
            h = max(2.0, plot_h * found.ratio)
            title = (
                f"{name or league_id} — {day} : {found.ratio:.1%} "
                f"({found.expected - found.left}/{found.expected})"
            )
            if found.left:
                cls = "bar completeness-gap"
                title += f", {found.left} encore manquant(s)"
            elif found.missing:
                cls = "bar completeness-repaired"
                title += f", dont {found.missing} ajouté(s) par l'audit, sans cotes"
            else:
                cls = "bar completeness-full"
            x = round(left + i * slot + 4 + j * bar, 1)
            rects.append(
                Rect(
                    x,
                    round(top + plot_h - h, 1),
                    round(max(bar - 2, 1), 1),
                    round(h, 1),
                    cls,
                    title,
                )
            )
    return Chart(
        width,
        height,
        "Complétude par ligue, 7 derniers jours",
        "completeness",
        tuple(rects),
        tuple(labels),
        (
            Line(left, top, width - left, top, "grid"),
            Line(left, top + plot_h, width - left, top + plot_h, "baseline"),
        ),
        (
            ("completeness-full", "Jour complet"),
            ("completeness-repaired", "Matchs manqués, ajoutés par l'audit (sans cotes)"),
            ("completeness-gap", "Matchs encore manquants"),
        ),
    )

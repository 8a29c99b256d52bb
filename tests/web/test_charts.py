"""Chart geometry (pure): bar heights and widths follow the numbers they draw."""

from __future__ import annotations

from dataclasses import replace

import pytest

from oracxpred.store.base import LeagueStats
from oracxpred.web.charts import calibration_chart, cycles_chart, goals_chart
from tests.web.data import make_heartbeats


def league(name: str = "FC 25. Championnat d'Angleterre", **values: object) -> LeagueStats:
    stats = LeagueStats(league=name, matches=10, goals=27, with_odds=8)
    stats.outcomes = {"1": 5, "N": 2, "2": 3}
    stats.implied = {"1": 3.6, "N": 2.0, "2": 2.4}
    for key, value in values.items():
        setattr(stats, key, value)
    return stats


class TestCalibration:
    def test_bars_are_proportional_to_shares(self) -> None:
        chart = calibration_chart(league())
        observed = [r for r in chart.rects if "observed" in r.cls]
        implied = [r for r in chart.rects if "implied" in r.cls]
        assert (len(observed), len(implied)) == (3, 3)
        # shares 0.5 / 0.2 / 0.3 and 0.45 / 0.25 / 0.30 on a 0–50 % axis
        top = max(r.y + r.h for r in chart.rects)
        assert {round(r.y + r.h, 1) for r in chart.rects} == {top}
        assert observed[0].h / observed[1].h == pytest.approx(0.5 / 0.2, rel=0.02)
        assert implied[0].h / observed[0].h == pytest.approx(0.45 / 0.5, rel=0.02)
        assert "50,0 % (observé : 5 sur 10)" in observed[0].title.replace("\u202f", " ")
        assert observed[0].x < implied[0].x < observed[1].x

    def test_no_odds_means_no_implied_bars(self) -> None:
        chart = calibration_chart(league(with_odds=0, implied={"1": 0.0, "N": 0.0, "2": 0.0}))
        assert [r.cls for r in chart.rects] == ["bar observed"] * 3

    def test_axis_top_is_rounded_up_to_a_tenth(self) -> None:
        chart = calibration_chart(league(outcomes={"1": 10, "N": 0, "2": 0}))
        tallest = max(chart.rects, key=lambda r: r.h)
        ticks = [t.text.replace("\u202f", " ") for t in chart.labels if t.cls == "tick"]
        assert ticks[-1] == "100 %"
        assert tallest.y == pytest.approx(14.0)  # the plot's top edge


class TestGoals:
    def test_widths_follow_goals_per_match_and_long_names_are_cut(self) -> None:
        long_name = "FC 26. 5x5 Rush. Superligue des champions d'Europe"
        chart = goals_chart([league(goals=20), league(long_name, goals=40)])
        a, b = chart.rects
        assert b.w == pytest.approx(2 * a.w, rel=0.01)
        names = [t.text for t in chart.labels if t.anchor == "end"]
        assert names[1].endswith("…")
        assert len(names[1]) == 24
        assert long_name in b.title


class TestCycles:
    def test_oldest_left_failures_full_height(self) -> None:
        beats = list(reversed(make_heartbeats(count=6)))  # newest first, as stores return
        chart = cycles_chart(beats)
        assert [r.x for r in chart.rects] == sorted(r.x for r in chart.rects)
        failed = [r for r in chart.rects if r.cls == "bar cycle-failed"]
        assert len(failed) == 1
        assert failed[0] == chart.rects[5]
        assert failed[0].h == max(r.h for r in chart.rects)
        assert "échec" in failed[0].title

    def test_few_cycles_keep_narrow_bars_against_the_right_edge(self) -> None:
        chart = cycles_chart(make_heartbeats(count=2))
        assert all(r.w <= 40 for r in chart.rects)
        assert chart.rects[-1].x + chart.rects[-1].w == pytest.approx(chart.width - 4 - 1)

    def test_zero_saved_still_visible(self) -> None:
        beats = [replace(b, saved=0, ok=True) for b in make_heartbeats(count=3)]
        assert all(r.h >= 2 for r in cycles_chart(beats).rects)

"""core/features: a hand-computed small league, the market features, the leakage property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracxpred.core.closing import TotalLine
from oracxpred.core.features import (
    BACKFILL_FALLBACK_S,
    COLUMN_NAMES,
    ELO_K,
    AvailabilityClock,
    FeatureBuilder,
    MatchFacts,
    available_at,
    implied,
)
from oracxpred.core.records import Odds1X2

H = 3600


def facts(eid, t1, t2, s1, s2, kickoff, avail=None, league="L", **extra):
    outcome = "1" if s1 > s2 else "N" if s1 == s2 else "2"
    return MatchFacts(
        event_id=eid,
        league=league,
        team1=t1,
        team2=t2,
        kickoff=kickoff,
        available_at=kickoff + 600 if avail is None else avail,
        score1=s1,
        score2=s2,
        halftime1=extra.pop("ht1", None),
        halftime2=extra.pop("ht2", None),
        outcome=outcome,
        finish_source="feed",
        **extra,
    )


def as_dict(row):
    assert len(row) == len(COLUMN_NAMES)
    return dict(zip(COLUMN_NAMES, row, strict=True))


def test_hand_computed_league_form_h2h_elo():
    b = FeatureBuilder()
    # A-B 2-1 at 0 (known at 10 min), C-A 0-0 at 20 min, B-A 3-0 at 40 min, A-B at 60 min.
    r1 = as_dict(b.row(facts(1, "A", "B", 2, 1, 0)))
    assert r1["team1_last5_n"] == 0
    assert r1["h2h_n"] == 0
    assert r1["elo_team1"] == 1500.0
    assert r1["elo_expected_team1"] == 0.5
    assert r1["league_24h_n"] == 0
    assert r1["league_24h_goals_per_match"] is None
    r2 = as_dict(b.row(facts(2, "C", "A", 0, 0, 1200)))
    # A won 2-1 against B at 1500/1500: A = 1500 + 20 * 0.5 = 1510.
    assert r2["team2_last5_n"] == 1
    assert r2["team2_last5_points"] == 3
    assert (r2["team2_last5_goals_for"], r2["team2_last5_goals_against"]) == (2, 1)
    assert r2["elo_team2"] == 1510.0
    assert r2["elo_team1"] == 1500.0
    assert r2["league_24h_n"] == 1
    assert r2["league_24h_goals_per_match"] == 3.0
    assert r2["league_24h_over_rate"] == 1.0
    assert r2["league_24h_both_scored_rate"] == 1.0
    assert r2["league_24h_draw_rate"] == 0.0
    r3 = as_dict(b.row(facts(3, "B", "A", 3, 0, 2400)))
    # C-A 0-0: A 1510 vs C 1500, e_C = 1/(1+10^(10/400)); C += 20 * (0.5 - e_C).
    e_c = 1 / (1 + 10 ** (10 / 400))
    a_after = 1510.0 - ELO_K * (0.5 - e_c)
    assert r3["elo_team2"] == pytest.approx(a_after)
    assert r3["elo_team1"] == 1490.0
    assert r3["team2_last5_n"] == 2
    assert r3["team2_last5_points"] == 4
    assert r3["h2h_n"] == 1
    assert r3["h2h_team1_wins"] == 0
    assert r3["h2h_team2_wins"] == 1
    assert (r3["h2h_team1_goals"], r3["h2h_team2_goals"]) == (1, 2)
    r4 = as_dict(b.row(facts(4, "A", "B", 1, 1, 3600)))
    assert r4["h2h_n"] == 2
    assert r4["h2h_team1_wins"] == 1
    assert r4["h2h_team2_wins"] == 1
    assert (r4["h2h_team1_goals"], r4["h2h_team2_goals"]) == (2, 4)
    assert r4["team1_last5_points"] == 4
    assert r4["team1_last10_goals_against"] == 1 + 0 + 3
    assert r4["league_24h_n"] == 3
    assert r4["league_24h_draw_rate"] == pytest.approx(1 / 3)


def test_a_result_known_only_after_kickoff_is_not_used():
    b = FeatureBuilder()
    b.row(facts(1, "A", "B", 2, 1, 0, avail=3600))  # known exactly at the next kick-off
    row = as_dict(b.row(facts(2, "A", "B", 0, 0, 3600)))
    assert row["team1_last5_n"] == 0
    assert row["elo_team1"] == 1500.0
    later = as_dict(b.row(facts(3, "A", "B", 0, 0, 3601)))
    assert later["team1_last5_n"] == 1


def test_windows_slide_and_teams_stay_in_their_league():
    b = FeatureBuilder()
    b.row(facts(1, "A", "B", 1, 0, 0))
    b.row(facts(2, "A", "B", 1, 0, 0, league="M"))
    row = as_dict(b.row(facts(3, "A", "B", 0, 0, 25 * H)))
    assert row["league_24h_n"] == 0
    assert row["league_7d_n"] == 1
    assert row["team1_last5_n"] == 1
    far = as_dict(b.row(facts(4, "A", "B", 0, 0, 8 * 24 * H)))
    assert far["league_7d_n"] == 1  # only match 3 (known at 25 h + 10 min)


def test_out_of_order_kickoffs_are_refused():
    b = FeatureBuilder()
    b.row(facts(1, "A", "B", 1, 0, 100))
    with pytest.raises(ValueError, match="ordre"):
        b.row(facts(2, "A", "B", 1, 0, 99))


def test_labels_and_market():
    odds_open = Odds1X2(2.0, 3.0, 4.0)
    odds_close = Odds1X2(1.8, 3.2, 4.5)
    row = as_dict(
        FeatureBuilder().row(
            facts(
                1,
                "A",
                "B",
                3,
                1,
                0,
                ht1=1,
                ht2=0,
                open_1x2=odds_open,
                close_1x2=odds_close,
                open_total=TotalLine(3.5, 1.9, 1.9),
                close_total=TotalLine(4.5, 2.0, 1.8),
            )
        )
    )
    assert row["total_goals"] == 4
    assert row["both_scored"] is True
    assert row["over_3_5"] is True
    assert row["over_4_5"] is False
    assert row["over_0_5"] is True
    assert row["over_main_total"] is False  # the closing line 4.5
    assert (row["halftime_score1"], row["halftime_score2"]) == (1, 0)
    p1, px, p2, margin = implied(odds_open)
    total = 1 / 2 + 1 / 3 + 1 / 4
    assert row["prob_open_1"] == pytest.approx(0.5 / total) == p1
    assert row["prob_open_x"] == px
    assert row["prob_open_2"] == p2
    assert row["margin_open"] == pytest.approx(total - 1) == margin
    assert row["prob_move_1"] == row["prob_close_1"] - row["prob_open_1"]
    assert row["prob_open_over"] == 0.5
    assert row["total_line_move"] == 1.0
    assert row["prob_close_over"] == pytest.approx((1 / 2.0) / (1 / 2.0 + 1 / 1.8))
    assert row["odds_close_x"] == 3.2


def test_two_way_market_keeps_the_draw_empty_and_missing_markets_are_empty():
    row = as_dict(
        FeatureBuilder().row(
            facts(1, "A", "B", 0, 0, 0, open_1x2=Odds1X2(1.9, None, 1.9), open_total=None)
        )
    )
    assert row["prob_open_1"] == 0.5
    assert row["prob_open_x"] is None
    assert row["odds_open_x"] is None
    assert row["prob_move_x"] is None
    assert row["odds_close_1"] is None
    assert row["prob_close_1"] is None
    assert row["total_open_line"] is None
    assert row["prob_open_over"] is None
    assert row["over_main_total"] is None
    assert row["both_scored"] is False
    assert row["prob_move_over"] is None
    assert row["total_line_move"] is None


def test_available_at_rules():
    assert available_at("feed", 100, 700, None) == 700
    assert available_at("results", 100, 900, 50) == 900
    assert available_at("feed", 100, 50, None) == 100  # never before kick-off
    assert available_at("backfill", 100, 10**9, 600) == 700
    assert available_at("backfill", 100, 10**9, None) == 100 + BACKFILL_FALLBACK_S
    assert available_at("backfill", 100, 300, 600) == 300  # never after it was stored


def test_a_backfill_uses_only_durations_known_at_its_kickoff():
    clock = AvailabilityClock()
    never = 10**9  # stored long after: the duration decides
    assert clock.available_at("L", "feed", 0, 900) == 900  # L: 15 min, stored at 900
    assert clock.available_at("L", "results", 0, 5000) == 5000  # results spans never count
    assert clock.available_at("M", "feed", 100, 50) == 100  # a negative span never counts
    # At 600 the 15-minute match is not stored yet: nothing known, the fallback.
    assert clock.available_at("L", "backfill", 600, never) == 600 + BACKFILL_FALLBACK_S
    assert clock.available_at("L", "feed", 700, 700 + 3 * H) == 700 + 3 * H  # long, later
    assert clock.available_at("L", "backfill", 900, never) == 900 + BACKFILL_FALLBACK_S
    assert clock.available_at("L", "backfill", 901, never) == 901 + 900  # 900 < 901: known
    assert clock.available_at("L", "feed", 1000, 1600) == 1600  # shorter: the longest stays
    assert clock.available_at("M", "backfill", 2000, never) == 2000 + BACKFILL_FALLBACK_S
    # The 3-hour match, stored at 700 + 3 h, counts from the next kick-off after it.
    assert clock.available_at("L", "backfill", 700 + 3 * H, never) == 700 + 3 * H + 900
    assert clock.available_at("L", "backfill", 701 + 3 * H, never) == 701 + 6 * H
    with pytest.raises(ValueError, match="ordre"):
        clock.available_at("L", "feed", 0, 60)


def test_a_later_long_match_does_not_change_an_earlier_availability():
    early = [("L", "feed", 0, 600), ("L", "backfill", 1200, 10**9)]
    later = [*early, ("L", "feed", 1300, 1300 + 4 * H), ("L", "backfill", 1400, 10**9)]
    clock, again = AvailabilityClock(), AvailabilityClock()
    first = [clock.available_at(*m) for m in early]
    second = [again.available_at(*m) for m in later]
    assert first == second[:2] == [600, 1800]
    assert second[3] == 1400 + 600  # the long one is not stored yet at 1400


def _history(pairs):
    """A builder fed ``(team1, team2, score1, score2)`` a quarter-hour apart, each result
    known ten minutes after its kick-off; the next kick-off."""
    b = FeatureBuilder()
    for i, (t1, t2, s1, s2) in enumerate(pairs):
        b.row(facts(i, t1, t2, s1, s2, 900 * i))
    return b, 900 * len(pairs)


# A plays 12 matches, 8 of them against B (oldest first).
LONG_HISTORY = [
    ("A", "B", 1, 0),
    ("B", "A", 2, 2),
    ("A", "C", 3, 1),
    ("A", "B", 0, 1),
    ("C", "A", 2, 0),
    ("A", "B", 4, 2),
    ("B", "A", 1, 3),
    ("A", "C", 1, 1),
    ("A", "B", 2, 0),
    ("B", "A", 0, 0),
    ("A", "C", 5, 1),
    ("A", "B", 1, 2),
]


def test_form_windows_keep_the_last_5_and_10_matches():
    b, kickoff = _history(LONG_HISTORY)
    row = as_dict(b.row(facts(99, "A", "B", 0, 0, kickoff)))
    # A, last 5 (matches 8-12): D 1-1, W 2-0, D 0-0, W 5-1, L 1-2.
    assert row["team1_last5_n"] == 5
    assert row["team1_last5_points"] == 1 + 3 + 1 + 3 + 0
    assert row["team1_last5_goals_for"] == 1 + 2 + 0 + 5 + 1
    assert row["team1_last5_goals_against"] == 1 + 0 + 0 + 1 + 2
    # A, last 10 (matches 3-12): W 3-1, L 0-1, L 0-2, W 4-2, W 3-1, then the last 5.
    assert row["team1_last10_n"] == 10
    assert row["team1_last10_points"] == 3 + 0 + 0 + 3 + 3 + 8
    assert row["team1_last10_goals_for"] == 3 + 0 + 0 + 4 + 3 + 9
    assert row["team1_last10_goals_against"] == 1 + 1 + 2 + 2 + 1 + 4
    # B played 8 (all against A): fewer than 10, the window holds them all.
    # B, last 5 (A-B 4-2, B-A 1-3, A-B 2-0, B-A 0-0, A-B 1-2): L, L, L, D, W.
    assert row["team2_last5_n"] == 5
    assert row["team2_last5_points"] == 0 + 0 + 0 + 1 + 3
    assert row["team2_last5_goals_for"] == 2 + 1 + 0 + 0 + 2
    assert row["team2_last5_goals_against"] == 4 + 3 + 2 + 0 + 1
    # B, all 8: before those, A-B 1-0 (L), B-A 2-2 (D), A-B 0-1 (W).
    assert row["team2_last10_n"] == 8
    assert row["team2_last10_points"] == 0 + 1 + 3 + 4
    assert row["team2_last10_goals_for"] == 0 + 2 + 1 + 5
    assert row["team2_last10_goals_against"] == 1 + 2 + 0 + 10


def test_head_to_head_keeps_the_last_5_meetings_whatever_the_side():
    # The 8 A-B meetings; the last 5: A-B 4-2, B-A 1-3, A-B 2-0, B-A 0-0, A-B 1-2.
    b, kickoff = _history(LONG_HISTORY)
    row = as_dict(b.row(facts(99, "A", "B", 0, 0, kickoff)))
    assert row["h2h_n"] == 5
    assert (row["h2h_team1_wins"], row["h2h_draws"], row["h2h_team2_wins"]) == (3, 1, 1)
    assert (row["h2h_team1_goals"], row["h2h_team2_goals"]) == (
        4 + 3 + 2 + 0 + 1,
        2 + 1 + 0 + 0 + 2,
    )
    b, kickoff = _history(LONG_HISTORY)
    swapped = as_dict(b.row(facts(99, "B", "A", 0, 0, kickoff)))
    assert (swapped["h2h_team1_wins"], swapped["h2h_draws"], swapped["h2h_team2_wins"]) == (1, 1, 3)
    assert (swapped["h2h_team1_goals"], swapped["h2h_team2_goals"]) == (5, 10)
    assert swapped["team1_last10_n"] == 8
    assert swapped["team2_last10_n"] == 10


TEAMS = st.sampled_from(["A", "B", "C", "D"])
MATCH = st.tuples(
    TEAMS,
    TEAMS,
    st.integers(0, 7),
    st.integers(0, 7),
    st.integers(0, 40).map(lambda k: k * 600),
    st.integers(-1200, 6 * H),
    st.sampled_from(["L", "M"]),
)


def _build(items):
    built = [
        facts(i, t1, t1 + "'" if t1 == t2 else t2, s1, s2, k, avail=k + max(lag, 0), league=lg)
        for i, (t1, t2, s1, s2, k, lag, lg) in enumerate(items)
    ]
    return sorted(built, key=lambda f: (f.kickoff, f.event_id))


HISTORY = slice(COLUMN_NAMES.index("team1_last5_n"), None)


@settings(max_examples=150, deadline=None)
@given(st.lists(MATCH, min_size=1, max_size=30), st.data())
def test_no_feature_uses_a_match_available_at_or_after_kickoff(items, data):
    matches = _build(items)
    target = data.draw(st.sampled_from(matches))
    full = {f.event_id: FeatureBuilder() for f in [target]}[target.event_id]
    rows = {f.event_id: full.row(f) for f in matches}
    # Drop every match known at or after the target's kick-off (except the target itself):
    # the target's history must not change.
    kept = [f for f in matches if f is target or f.available_at < target.kickoff]
    trimmed = FeatureBuilder()
    again = {f.event_id: trimmed.row(f) for f in kept}
    assert again[target.event_id][HISTORY] == rows[target.event_id][HISTORY]
    assert again[target.event_id] == rows[target.event_id]

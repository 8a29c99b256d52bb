"""Match lifecycle across polls (core/tracker.py): scripted sequences of feed polls."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from oracxpred.core.closing import TotalLine
from oracxpred.core.records import FinishSource, Odds1X2, Outcome, Phase, Price, Score
from oracxpred.core.resolution import RESULTS_STATUS
from oracxpred.core.state_codec import state_to_dict
from oracxpred.core.tracker import (
    TrackerState,
    apply_results,
    confirm_saved,
    counts,
    due_resolutions,
    observe,
)
from tests.unit.tracker_support import (
    LEAGUE,
    SIX_HOURS,
    T0,
    Driver,
    ResultsService,
    event,
    roundtrip,
)


def utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


def run(polls: list[tuple[int, list]]) -> tuple[TrackerState, list]:
    """Observe each (now, events) poll; return the last state and every observation."""
    state, observations = TrackerState(), []
    for now, events in polls:
        obs = observe(state, events, now)
        state = obs.state
        observations.append(obs)
    return state, observations


def test_odds_moving_before_kickoff_give_opening_and_closing():
    _, obs = run(
        [
            (T0, [event(1, odds=(2.0, 3.5, 3.0))]),
            (T0 + 60, [event(1, odds=(2.1, 3.4, 2.9))]),
            (T0 + 120, [event(1, odds=(2.2, 3.3, 2.8))]),
            (T0 + 700, [event(1, Phase.LIVE, odds=(1.5, 4.0, 6.0), score=(1, 0))]),
            (T0 + 1300, [event(1, Phase.FINISHED, odds=None, score=(3, 1))]),
        ]
    )
    assert [o.to_save for o in obs[:4]] == [(), (), (), ()]
    (row,) = obs[4].to_save
    assert (row.opening_odds, row.opening_odds_at) == (Odds1X2(2.0, 3.5, 3.0), utc(T0))
    assert (row.odds, row.odds_at) == (Odds1X2(2.2, 3.3, 2.8), utc(T0 + 120))
    assert (row.score1, row.score2, row.outcome) == (3, 1, Outcome.HOME)
    assert row.finish_source is FinishSource.FEED
    assert row.status == "Jeu terminé"
    assert row.collected_at == utc(T0 + 1300)
    assert row.start_time == utc(T0 + 600)
    assert (row.league_id, row.sport_id, row.team1_id, row.team2_id) == (LEAGUE, 85, 180073, 202185)
    assert (row.team1, row.team2) == ("Chelsea", "PSV Eindhoven")


def test_match_first_seen_in_play_has_no_odds():
    """Open in-play prices (like 733136831 in fifa_prematch_inplay_20.json) are never taken."""
    _, obs = run(
        [
            (T0, [event(7, Phase.LIVE, odds=(3.67, 6.55, 1.504), score=(2, 3))]),
            (T0 + 60, [event(7, Phase.FINISHED, odds=None, score=(2, 5))]),
        ]
    )
    (row,) = obs[1].to_save
    assert (row.odds, row.odds_at, row.opening_odds, row.opening_odds_at) == (None,) * 4
    assert row.outcome is Outcome.AWAY


def test_blocked_settled_and_late_prices_are_ignored():
    _, obs = run(
        [
            (T0, [event(1, odds=None)]),  # blocked: the parser gives no odds
            (T0 + 60, [event(1, odds=(1.8, 4.0, 3.9))]),
            (T0 + 120, [event(1, odds=(1.001, 30.0, 30.0))]),  # a settled-looking price
            (T0 + 180, [event(1, odds=None)]),
            (T0 + 240, [event(1, odds=(1.9, 4.0, 3.6), game_state=2)]),  # not GS 128
            (T0 + 700, [event(1, Phase.LIVE, odds=(1.2, 6.0, 9.0), score=(1, 0))]),
            (T0 + 760, [event(1, Phase.PREMATCH, odds=(5.0, 5.0, 5.0))]),  # after live: no
            (T0 + 1300, [event(1, Phase.FINISHED, odds=(1.001, 30.0, 30.0), score=(4, 4))]),
        ]
    )
    (row,) = obs[-1].to_save
    assert row.odds == row.opening_odds == Odds1X2(1.8, 4.0, 3.9)
    assert row.odds_at == row.opening_odds_at == utc(T0 + 60)


def test_finish_at_nil_nil_with_empty_fs_is_a_draw():
    """``FS:{}`` at the finish is 0-0 (docs/feed.md §4): the parser restores the zeros."""
    _, obs = run([(T0, [event(3, Phase.FINISHED, score=(0, 0), halftime=(0, 0))])])
    (row,) = obs[0].to_save
    assert (row.score1, row.score2, row.outcome) == (0, 0, Outcome.DRAW)
    assert row.halftime == Score(0, 0)


def test_finish_label_falls_back_when_the_feed_gives_none():
    _, obs = run([(T0, [event(3, Phase.FINISHED, score=(1, 0), status="")])])
    assert obs[0].to_save[0].status == "Terminé"


def test_repeated_pairings_are_different_matches():
    driver = Driver()
    for k, event_id in enumerate((101, 102, 103)):
        start = T0 + 600 * k
        driver.cycle([event(event_id, start=start)], start - 300)
        driver.cycle([event(event_id, Phase.FINISHED, start=start, score=(k, 1))], start + 680)
    assert sorted(driver.stored) == [101, 102, 103]
    assert [driver.stored[i].score1 for i in (101, 102, 103)] == [0, 1, 2]
    assert {(r.team1, r.team2) for r in driver.stored.values()} == {("Chelsea", "PSV Eindhoven")}


def test_saved_match_still_listed_is_not_saved_again():
    driver = Driver()
    driver.cycle([event(5, Phase.FINISHED, score=(2, 1))], T0)
    for k in range(1, 4):
        assert driver.cycle([event(5, Phase.FINISHED, score=(2, 1))], T0 + 30 * k) == ()
    # Listed again long after: its id is still remembered, so it is still not emitted.
    assert driver.cycle([event(5, Phase.FINISHED, score=(2, 1))], T0 + 47 * 3600) == ()
    assert driver.cycle([event(5, Phase.FINISHED, score=(2, 1))], T0 + 94 * 3600) == ()
    assert driver.cycle([event(5, Phase.FINISHED, score=(2, 1))], T0 + 94 * 3600 + 60) == ()
    assert list(driver.stored) == [5]
    assert driver.saved_twice == []


def test_saved_ids_are_forgotten_after_48_hours_unlisted():
    state = confirm_saved(TrackerState(), [5, 6], T0)
    assert set(observe(state, [], T0 + 48 * 3600).state.saved) == {5, 6}
    assert observe(state, [], T0 + 48 * 3600 + 1).state.saved == {}


def test_live_match_that_vanishes_is_resolved_from_results():
    driver = Driver()
    driver.results.add(9, (2, 5), halftime=(1, 2))
    driver.cycle([event(9, odds=(2.0, 4.0, 3.0))], T0)
    driver.cycle([event(9, Phase.LIVE, score=(1, 2), halftime=(1, 2))], T0 + 660)
    assert driver.cycle([], T0 + 720) == ()  # vanished: pending, first try ≥ 60 s later
    assert counts(driver.state).pending == 1
    assert driver.results.queries == []
    (row,) = driver.cycle([], T0 + 780)
    ((asked_at, query),) = driver.results.queries
    assert (asked_at, query.league_id, query.event_ids) == (T0 + 780, LEAGUE, (9,))
    assert query.date_from < T0 + 600 < query.date_to
    assert row.finish_source is FinishSource.RESULTS
    assert (row.score1, row.score2, row.outcome, row.halftime) == (2, 5, Outcome.AWAY, Score(1, 2))
    assert (row.odds, row.opening_odds) == (Odds1X2(2.0, 4.0, 3.0), Odds1X2(2.0, 4.0, 3.0))
    assert row.status == RESULTS_STATUS
    assert row.collected_at == utc(T0 + 780)
    assert counts(driver.state).pending == 0
    assert driver.cycle([], T0 + 840) == ()


def test_live_half_time_is_not_kept_as_the_half_time_score():
    """A live ``PS`` entry may be a running first half: only the finish or results give it."""
    driver = Driver()
    driver.results.add(9, (3, 3))
    driver.cycle([event(9, Phase.LIVE, score=(2, 1), halftime=(2, 1))], T0 + 660)
    driver.cycle([], T0 + 720)
    driver.cycle([], T0 + 780)
    assert driver.stored[9].halftime is None


def test_prematch_match_gone_after_its_start_is_pending():
    state, obs = run([(T0, [event(4, start=T0 + 60)]), (T0 + 120, [])])
    assert obs[1].newly_pending == (4,)
    assert counts(state).pending == 1


def test_prematch_match_withdrawn_before_its_start_is_dropped_after_grace():
    start = T0 + 5 * 3600
    state, obs = run([(T0, [event(4, start=start)]), (T0 + 60, []), (T0 + 1800, [])])
    assert obs[1].newly_pending == obs[2].newly_pending == ()
    assert 4 in state.matches  # absent for 30 min: maybe cut by count=40, kept
    state = observe(state, [], T0 + 1801).state
    assert state.matches == {}


def test_prematch_match_absent_when_its_start_passes_becomes_pending():
    state, _ = run([(T0, [event(4, start=T0 + 900)]), (T0 + 600, []), (T0 + 960, [])])
    assert state.matches[4].pending


def test_pending_match_that_reappears_is_tracked_again_then_saved_from_the_feed():
    state, obs = run(
        [
            (T0, [event(8, Phase.LIVE, score=(1, 0))]),
            (T0 + 60, []),
            (T0 + 120, [event(8, Phase.LIVE, score=(2, 0))]),
            (T0 + 180, [event(8, Phase.FINISHED, score=(3, 0))]),
        ]
    )
    assert obs[1].newly_pending == (8,)
    assert obs[2].reappeared == (8,)
    assert not state.matches[8].pending
    (row,) = obs[3].to_save
    assert (row.finish_source, row.score1) == (FinishSource.FEED, 3)


def test_match_never_in_results_is_reported_unresolved_exactly_once():
    driver = Driver()
    driver.cycle([event(6, Phase.LIVE, score=(1, 1))], T0)
    vanished = T0 + 60
    now = vanished
    while now <= vanished + 7 * 3600:
        assert driver.cycle([], now) == ()
        now += 60
    assert [u.event_id for u in driver.unresolved] == [6]
    (report,) = driver.unresolved
    assert (report.team1, report.team2) == ("Chelsea", "PSV Eindhoven")
    assert report.start == "2026-07-01 04:20 UTC"
    assert driver.state.matches == {}
    asked = [at for at, _ in driver.results.queries]
    gaps = [b - a for a, b in zip([vanished, *asked], asked, strict=False)]
    assert gaps[:6] == [60, 120, 300, 600, 1800, 3600]
    assert set(gaps[6:]) == {3600}
    assert asked[-1] < vanished + SIX_HOURS
    assert len(asked) == 10  # bounded: a slow results service is not hammered


def test_unresolved_report_comes_after_the_configured_delay():
    state = observe(TrackerState(), [event(6, Phase.LIVE)], T0).state
    state = observe(state, [], T0 + 60).state
    early = apply_results(state, [], T0 + 60 + 599, unresolved_after_s=600)
    assert early.unresolved == ()
    late = apply_results(early.state, [], T0 + 60 + 600, unresolved_after_s=600)
    assert [u.event_id for u in late.unresolved] == [6]
    assert apply_results(late.state, [], T0 + 7200, unresolved_after_s=600).unresolved == ()


def test_match_without_league_is_never_queried_and_ends_unresolved():
    driver = Driver()
    driver.cycle([event(6, Phase.LIVE, league_id=None, start=None)], T0)
    for k in range(1, 8):
        driver.cycle([], T0 + k * 3600)
    assert driver.results.queries == []
    assert [(u.event_id, u.start) for u in driver.unresolved] == [(6, "inconnu")]


def test_failed_results_request_only_postpones():
    driver = Driver()
    driver.results.add(9, (1, 0))
    driver.cycle([event(9, Phase.LIVE)], T0)
    driver.cycle([], T0 + 60)
    assert driver.cycle([], T0 + 120, results_up=False) == ()
    assert driver.state.matches[9].next_try == T0 + 240
    assert driver.cycle([], T0 + 180) == ()  # not due yet
    (row,) = driver.cycle([], T0 + 240)
    assert row.finish_source is FinishSource.RESULTS


def test_results_for_matches_not_pending_are_ignored():
    driver = Driver()
    driver.results.add(1, (4, 0))  # still live in the feed: the feed will settle it
    driver.results.add(2, (0, 4))
    driver.cycle([event(1, Phase.LIVE), event(2, Phase.LIVE)], T0)
    driver.cycle([event(1, Phase.LIVE)], T0 + 60)
    rows = driver.cycle([event(1, Phase.LIVE)], T0 + 120)
    assert [r.event_id for r in rows] == [2]
    assert not driver.state.matches[1].finished


def test_one_query_per_league_window_for_several_pending_matches():
    state = TrackerState()
    live = [event(i, Phase.LIVE, start=T0 + 600 * i) for i in (1, 2, 3)]
    live.append(event(4, Phase.LIVE, league_id=2648573))
    state = observe(state, live, T0).state
    state = observe(state, [], T0 + 60).state
    assert due_resolutions(state, T0 + 119) == []
    queries = due_resolutions(state, T0 + 120)
    assert [(q.league_id, q.event_ids) for q in queries] == [(2648573, (4,)), (LEAGUE, (1, 2, 3))]


def test_unconfirmed_finish_is_emitted_again_identically():
    """A crash between the store write and the state save is safe: the store is idempotent."""
    driver = Driver()
    first = driver.cycle([event(5, Phase.FINISHED, score=(2, 2))], T0, confirm=False)
    again = driver.cycle([], T0 + 60, confirm=False)
    assert first == again
    assert driver.cycle([], T0 + 120) == first
    assert driver.cycle([], T0 + 180) == ()


def test_unconfirmed_resolution_is_emitted_again_by_the_next_poll():
    driver = Driver()
    driver.results.add(9, (1, 2))
    driver.cycle([event(9, Phase.LIVE)], T0)
    driver.cycle([], T0 + 60)
    (row,) = driver.cycle([], T0 + 120, confirm=False)
    assert driver.cycle([], T0 + 180, confirm=False) == (row,)
    assert driver.cycle([], T0 + 240) == (row,)
    assert driver.cycle([], T0 + 300) == ()
    assert list(driver.stored) == [9]


def test_observe_and_friends_never_mutate_the_given_state():
    state = observe(TrackerState(), [event(1), event(2, Phase.LIVE)], T0).state
    before = state_to_dict(state)
    observe(state, [event(1, Phase.FINISHED, score=(1, 0))], T0 + 60)
    later = observe(state, [], T0 + 60).state
    assert state_to_dict(state) == before
    before_later = state_to_dict(later)
    results = ResultsService()
    results.add(2, (0, 3))
    apply_results(later, [], T0 + 120)  # a due attempt: its back-off changes
    apply_results(later, list(results.games.values()), T0 + 120)  # resolved
    apply_results(later, [], T0 + 7 * 3600)  # given up
    confirm_saved(later, [1, 2], T0 + 120)
    assert state_to_dict(later) == before_later


def test_counts_cover_every_kind_of_entry():
    state = observe(
        TrackerState(),
        [event(1), event(2, Phase.LIVE), event(3, Phase.FINISHED, score=(1, 0))],
        T0,
    ).state
    state = confirm_saved(state, [42], T0)
    state = observe(state, [event(1), event(3, Phase.FINISHED, score=(1, 0))], T0 + 60).state
    tally = counts(state)
    assert (tally.tracked, tally.pending, tally.finished, tally.remembered) == (1, 1, 1, 1)


def test_match_without_start_is_searched_around_its_sightings_and_takes_the_results_start():
    """No ``S``: the window runs from an hour before the first sighting to the vanishing, and
    the stored start is the one the results service gives."""
    driver = Driver()
    driver.results.add(12, (3, 1), start=T0 - 600)
    driver.cycle([event(12, Phase.LIVE, score=(1, 0), start=None)], T0)
    assert driver.cycle([], T0 + 60) == ()
    (row,) = driver.cycle([], T0 + 120)
    ((_, query),) = driver.results.queries
    assert query.date_from <= T0 - 3600
    assert query.date_to > T0 + 60
    assert (row.score1, row.score2, row.start_time) == (3, 1, utc(T0 - 600))


def totals(*lines: tuple[float, float, float]) -> tuple[Price, ...]:
    """``G=17`` over/under selections ``(line, over, under)``."""
    return tuple(
        Price(17, kind, line, price, False, False)
        for line, over, under in lines
        for kind, price in ((9, over), (10, under))
    )


def test_the_opening_total_is_the_main_total_of_the_first_open_prematch_poll_with_one():
    closed = replace(event(1, game_state=64), prices=totals((2.5, 1.9, 1.9)))  # a break
    state, _ = run(
        [
            (T0, [replace(event(1), prices=())]),  # no total listed yet
            (T0 + 30, [closed]),
            (T0 + 60, [replace(event(1), prices=totals((3.5, 2.2, 1.65), (2.5, 1.5, 2.5)))]),
            (T0 + 120, [replace(event(1), prices=totals((3.5, 1.9, 1.9)))]),  # moved: kept
            (T0 + 700, [replace(event(1, Phase.LIVE), prices=totals((4.5, 2.0, 1.8)))]),
        ]
    )
    match = state.matches[1]
    balanced = TotalLine(3.5, 2.2, 1.65)  # the closest prices: the 2.5 line is lopsided
    assert (match.opening_total, match.opening_total_at) == (balanced, T0 + 60)
    assert roundtrip(state).matches[1].opening_total == match.opening_total


def test_a_total_first_seen_in_play_is_no_opening_total():
    state, _ = run([(T0, [replace(event(1, Phase.LIVE), prices=totals((2.5, 1.9, 1.9)))])])
    assert state.matches[1].opening_total is None

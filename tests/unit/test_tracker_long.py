"""Tracker over long and random runs: bounded state, nothing lost, nothing saved twice."""

from __future__ import annotations

import json
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import to_builtins

from oracxpred.core.finish import SETTLED_PRICE, outcome_of
from oracxpred.core.records import FeedEvent, FinishSource, Odds1X2, Phase, Score
from oracxpred.core.state_codec import state_to_dict
from tests.unit.tracker_support import LEAGUE, SIX_HOURS, T0, Driver, event

LEAGUES = (LEAGUE, 2648573, 2860561)


@dataclass(frozen=True)
class Played:
    """One simulated match: listed 1 h before ``start``, live 660 s, finished 40 s, gone."""

    event_id: int
    league_id: int
    start: int
    final: tuple[int, int]
    withdrawn: bool  # leaves the feed 40 min before its start, for good
    in_results: bool

    def listing(self, now: int) -> FeedEvent | None:
        if now < self.start - 3600 or now >= self.start + 700:
            return None
        if self.withdrawn and now >= self.start - 2400:
            return None
        if now < self.start:
            odds = (1.5 + (now // 60 % 7) / 10, 4.0, 5.5)  # moves every poll
            return event(self.event_id, odds=odds, start=self.start, league_id=self.league_id)
        phase = Phase.LIVE if now < self.start + 660 else Phase.FINISHED
        score = self.final if phase is Phase.FINISHED else (0, 0)
        return event(self.event_id, phase, score=score, start=self.start, league_id=self.league_id)


def schedule(k: int, league_index: int) -> Played:
    event_id = 1_000_000 + 3 * k + league_index
    return Played(
        event_id=event_id,
        league_id=LEAGUES[league_index],
        start=T0 + 600 * k + 200 * league_index,
        final=(event_id * 7 % 6, event_id * 5 % 5),
        withdrawn=k % 11 == 5,
        in_results=k % 7 != 3,
    )


def test_state_stays_bounded_over_ten_thousand_cycles():
    """About a week of one-minute polls on three leagues; every 97th poll fails."""
    driver = Driver(persist_every=10)
    played: dict[int, Played] = {}
    seen_finished: set[int] = set()
    for cycle in range(10_000):
        now = T0 + 60 * cycle
        if cycle % 97 == 96:
            continue  # a failed poll: observe is never called
        events = []
        for league_index in range(3):
            first = (now - 700 - T0) // 600 - 1
            for k in range(max(first, 0), (now + 3600 - T0) // 600 + 2):
                match = played.get(k * 3 + league_index)
                if match is None:
                    match = played[k * 3 + league_index] = schedule(k, league_index)
                    if match.in_results:
                        driver.results.add(
                            match.event_id,
                            match.final,
                            start=match.start,
                            league_id=match.league_id,
                        )
                snapshot = match.listing(now)
                if snapshot is not None:
                    events.append(snapshot)
                    if snapshot.phase is Phase.FINISHED:
                        seen_finished.add(match.event_id)
        driver.cycle(events, now)
        assert len(driver.state.matches) <= 80
        assert len(driver.state.saved) <= 3 * 48 * 6 + 3
        if cycle % 500 == 0:
            assert len(json.dumps(to_builtins(state_to_dict(driver.state)))) <= 120_000
    assert driver.saved_twice == []
    over = [m for m in played.values() if m.start + 700 + SIX_HOURS + 3600 < now]
    unresolved = {u.event_id for u in driver.unresolved}
    assert len(unresolved) == len(driver.unresolved)  # each reported once
    for match in over:
        if match.withdrawn:
            assert match.event_id not in driver.stored
            assert match.event_id not in unresolved
        elif match.in_results or match.event_id in seen_finished:
            row = driver.stored[match.event_id]
            assert (row.score1, row.score2) == match.final
            if match.start - 3600 >= T0:  # listed pre-match since our first poll
                assert row.opening_odds is not None
                assert row.odds is not None
        else:
            assert match.event_id in unresolved
    sources = {r.finish_source for r in driver.stored.values()}
    assert sources == {FinishSource.FEED, FinishSource.RESULTS}


IDS = range(1, 6)
PRICES = [(2.0, 3.5, 3.0), (2.2, 3.1, 2.9), (1.001, 30.0, 30.0), (1.5, 4.0, 6.0)]
snapshots = st.tuples(
    st.sampled_from(IDS),
    st.sampled_from(list(Phase)),
    st.one_of(st.none(), st.sampled_from(PRICES)),
    st.tuples(st.integers(0, 9), st.integers(0, 9)),
)
cycles = st.tuples(
    st.integers(1, 1200),  # seconds since the previous cycle
    st.lists(snapshots, max_size=6),
    st.booleans(),  # the store confirms
    st.booleans(),  # the results service answers
)


@settings(derandomize=True, deadline=None, max_examples=300)
@given(
    st.lists(cycles, max_size=30),
    st.dictionaries(st.sampled_from(IDS), st.integers(-1800, 7200)),
    st.sets(st.sampled_from(IDS)),
)
def test_random_poll_sequences_keep_the_invariants(script, start_offsets, in_results):
    driver = Driver()
    truth = {i: Score(i % 4, i % 3) for i in IDS}
    for i in in_results:
        driver.results.add(i, (truth[i].home, truth[i].away), start=T0 + start_offsets.get(i, 0))
    offered: dict[int, set[tuple[int, Odds1X2]]] = {i: set() for i in IDS}
    went_live: set[int] = set()
    first_final: dict[int, Score] = {}
    rows_by_id: dict = {}
    confirmed_at: dict[int, int] = {}
    reported_at: dict[int, int] = {}
    last_listed: dict[int, int] = {}
    now = T0

    def check_cycle(events: list[FeedEvent], confirm: bool, results_up: bool) -> None:
        before = len(driver.unresolved)
        rows = driver.cycle(events, now, confirm=confirm, results_up=results_up)
        assert len({r.event_id for r in rows}) == len(rows)
        for row in rows:
            assert row.event_id not in confirmed_at  # never emitted once confirmed
            assert rows_by_id.setdefault(row.event_id, row) == row  # stable when re-emitted
            assert row.outcome == outcome_of(Score(row.score1, row.score2))
            if row.finish_source is FinishSource.FEED:
                assert Score(row.score1, row.score2) == first_final[row.event_id]
            else:
                assert Score(row.score1, row.score2) == truth[row.event_id]
            for odds, at in ((row.odds, row.odds_at), (row.opening_odds, row.opening_odds_at)):
                if odds is None:
                    assert at is None
                else:
                    assert at is not None
                    assert (int(at.timestamp()), odds) in offered[row.event_id]
            if confirm:
                confirmed_at[row.event_id] = now
        for report in driver.unresolved[before:]:
            assert report.event_id not in confirmed_at
            # Reported again only if it came back to the feed since the last report.
            if report.event_id in reported_at:
                assert last_listed[report.event_id] > reported_at[report.event_id]
            reported_at[report.event_id] = now

    for step, snaps, confirm, results_up in script:
        now += step
        events = []
        for event_id, phase, prices, score in snaps:
            snapshot = event(
                event_id,
                phase,
                odds=prices,
                score=score,
                start=T0 + start_offsets.get(event_id, 0),
            )
            events.append(snapshot)
            last_listed[event_id] = now
            if phase is not Phase.PREMATCH:
                went_live.add(event_id)
            elif event_id not in went_live and prices and min(prices) > SETTLED_PRICE:
                offered[event_id].add((now, Odds1X2(*prices)))
            if phase is Phase.FINISHED and event_id not in first_final:
                first_final[event_id] = Score(*score)
        check_cycle(events, confirm, results_up)
    for _ in range(10 * 6):  # the feed is empty for 10 h: everything must settle
        now += 600
        check_cycle([], True, True)
    for event_id in went_live:
        assert event_id in confirmed_at or event_id in reported_at
    assert driver.state.matches == {}

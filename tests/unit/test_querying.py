"""The reference semantics of MatchQuery: filters, newest-first order, paging, league stats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracxpred.core.records import FinishedMatch, FinishSource, Odds1X2, Outcome
from oracxpred.store.base import MatchQuery
from oracxpred.store.querying import (
    compute_league_stats,
    filter_sort_page,
    implied_probabilities,
    moment_of,
)

T0 = datetime(2025, 12, 6, 10, 0, tzinfo=UTC)


def match(
    event_id: int,
    *,
    start: datetime | None = T0,
    collected: datetime | None = None,
    league: str = "FC 25. Championnat d'Angleterre",
    team1: str = "Arsenal",
    team2: str = "Brentford",
    score: tuple[int, int] = (1, 0),
    odds: Odds1X2 | None = None,
) -> FinishedMatch:
    s1, s2 = score
    outcome = Outcome.HOME if s1 > s2 else Outcome.AWAY if s2 > s1 else Outcome.DRAW
    return FinishedMatch(
        event_id=event_id,
        collected_at=collected or (start or T0) + timedelta(minutes=12),
        league=league,
        team1=team1,
        team2=team2,
        score1=s1,
        score2=s2,
        status="Jeu terminé",
        outcome=outcome,
        finish_source=FinishSource.FEED,
        start_time=start,
        odds=odds,
    )


def ids(page_items: tuple[FinishedMatch, ...] | list[FinishedMatch]) -> list[int]:
    return [m.event_id for m in page_items]


class TestOrder:
    def test_newest_start_first(self) -> None:
        rows = [match(i, start=T0 + timedelta(minutes=i)) for i in (3, 1, 2)]
        assert ids(filter_sort_page(rows, MatchQuery()).items) == [3, 2, 1]

    def test_ties_broken_by_collected_at_then_event_id(self) -> None:
        late = T0 + timedelta(minutes=30)
        rows = [
            match(10, collected=late),
            match(11, collected=late),
            match(12, collected=late + timedelta(seconds=1)),
        ]
        assert ids(filter_sort_page(rows, MatchQuery()).items) == [12, 11, 10]

    def test_unknown_start_orders_on_collection_time(self) -> None:
        """Rows of the original app have no start time: their collection time stands in."""
        rows = [
            match(1, start=T0),
            match(2, start=None, collected=T0 + timedelta(hours=1)),
            match(3, start=None, collected=T0 - timedelta(hours=1)),
        ]
        assert ids(filter_sort_page(rows, MatchQuery()).items) == [2, 1, 3]
        assert T0 + timedelta(hours=1) == moment_of(rows[1])


class TestFilters:
    rows = (
        match(1, league="A", team1="Real Madrid C.F.", team2="PSV", score=(2, 0)),
        match(2, league="B", team1="Lille OSC", team2="Arsenal", score=(1, 1)),
        match(3, league="A", team1="Millwall", team2="Lille OSC", score=(0, 3)),
        match(4, league="a", team1="Hull City", team2="Burnley", score=(0, 0)),
    )

    def select(self, **filters: object) -> list[int]:
        page = filter_sort_page(self.rows, MatchQuery(limit=None, **filters))  # type: ignore[arg-type]
        return sorted(ids(page.items))

    def test_league_is_exact_and_case_sensitive(self) -> None:
        assert self.select(league="A") == [1, 3]
        assert self.select(league="FC") == []

    def test_team_is_case_insensitive_substring_of_either_side(self) -> None:
        assert self.select(team="lille") == [2, 3]
        assert self.select(team="MADRID") == [1]
        assert self.select(team="Lyon") == []

    def test_outcome(self) -> None:
        assert self.select(outcome=Outcome.DRAW) == [2, 4]
        assert self.select(outcome=Outcome.AWAY) == [3]

    def test_filters_combine(self) -> None:
        assert self.select(league="A", team="lille", outcome=Outcome.AWAY) == [3]


class TestDates:
    rows = tuple(match(i, start=T0 + timedelta(hours=i)) for i in range(5))

    def select(self, date_from: datetime | None, date_to: datetime | None) -> list[int]:
        query = MatchQuery(date_from=date_from, date_to=date_to)
        return sorted(ids(filter_sort_page(self.rows, query).items))

    def test_bounds_are_inclusive(self) -> None:
        assert self.select(T0 + timedelta(hours=1), T0 + timedelta(hours=3)) == [1, 2, 3]

    def test_open_ended(self) -> None:
        assert self.select(T0 + timedelta(hours=3), None) == [3, 4]
        assert self.select(None, T0 + timedelta(hours=1)) == [0, 1]

    def test_naive_bounds_mean_utc(self) -> None:
        naive = (T0 + timedelta(hours=2)).replace(tzinfo=None)
        assert self.select(naive, naive) == [2]

    def test_other_time_zones_compare_as_instants(self) -> None:
        paris = (T0 + timedelta(hours=2)).astimezone(timezone(timedelta(hours=1)))
        assert self.select(paris, paris) == [2]

    def test_date_filter_uses_collection_time_when_start_unknown(self) -> None:
        rows = [match(9, start=None, collected=T0 + timedelta(days=2))]
        query = MatchQuery(date_from=T0 + timedelta(days=1))
        assert ids(filter_sort_page(rows, query).items) == [9]


class TestPaging:
    rows = tuple(match(i, start=T0 + timedelta(minutes=i)) for i in range(1, 26))

    def test_total_counts_every_selected_match(self) -> None:
        page = filter_sort_page(self.rows, MatchQuery(offset=10, limit=5))
        assert page.total == 25
        assert ids(page.items) == [15, 14, 13, 12, 11]

    def test_last_partial_page_and_beyond(self) -> None:
        assert ids(filter_sort_page(self.rows, MatchQuery(offset=20)).items) == [5, 4, 3, 2, 1]
        beyond = filter_sort_page(self.rows, MatchQuery(offset=100, limit=5))
        assert (beyond.items, beyond.total) == ((), 25)

    def test_limit_none_returns_all_from_offset(self) -> None:
        page = filter_sort_page(self.rows, MatchQuery(offset=22, limit=None))
        assert ids(page.items) == [3, 2, 1]

    def test_limit_zero_only_counts(self) -> None:
        page = filter_sort_page(self.rows, MatchQuery(limit=0))
        assert (page.items, page.total) == ((), 25)

    def test_accepts_a_generator(self) -> None:
        page = filter_sort_page((m for m in self.rows), MatchQuery(limit=2))
        assert ids(page.items) == [25, 24]

    @settings(max_examples=60, deadline=None)
    @given(
        starts=st.lists(st.integers(0, 5), min_size=0, max_size=30),
        offset=st.integers(0, 35),
        limit=st.integers(0, 12),
    )
    def test_streamed_page_equals_slice_of_full_sort(
        self, starts: list[int], offset: int, limit: int
    ) -> None:
        """The bounded heap gives exactly the slice of the fully sorted list, ties included."""
        rows = [
            match(100 + i, start=T0 + timedelta(minutes=s), collected=T0 + timedelta(hours=1))
            for i, s in enumerate(starts)
        ]
        full = filter_sort_page(rows, MatchQuery(limit=None)).items
        page = filter_sort_page(rows, MatchQuery(offset=offset, limit=limit))
        assert list(full[offset : offset + limit]) == list(page.items)
        assert len(rows) == page.total


class TestLeagueStats:
    def test_counts_goals_and_outcomes_per_league_sorted_by_name(self) -> None:
        rows = [
            match(1, league="b league", score=(2, 1)),
            match(2, league="A league", score=(0, 0)),
            match(3, league="b league", score=(1, 3)),
            match(4, league="b league", score=(4, 0)),
        ]
        stats = compute_league_stats(rows)
        assert [s.league for s in stats] == ["A league", "b league"]
        b = stats[1]
        assert (b.matches, b.goals) == (3, 11)
        assert b.outcomes == {"1": 2, "N": 0, "2": 1}
        assert stats[0].outcomes == {"1": 0, "N": 1, "2": 0}

    def test_implied_probabilities_remove_the_margin(self) -> None:
        probs = implied_probabilities(Odds1X2(2.0, 3.5, 3.8))
        assert pytest.approx(1.0) == sum(probs.values())
        inverse_sum = 1 / 2.0 + 1 / 3.5 + 1 / 3.8
        assert pytest.approx((1 / 2.0) / inverse_sum) == probs["1"]
        assert probs["1"] > probs["N"] > probs["2"]

    def test_implied_sums_only_over_matches_with_odds(self) -> None:
        rows = [
            match(1, odds=Odds1X2(1.5, 4.0, 6.0)),
            match(2, odds=None),
            match(3, odds=Odds1X2(3.0, 3.0, 3.0)),
        ]
        (stats,) = compute_league_stats(rows)
        assert (stats.matches, stats.with_odds) == (3, 2)
        assert pytest.approx(2.0) == sum(stats.implied.values())
        assert (
            pytest.approx(1 / 3 + implied_probabilities(Odds1X2(1.5, 4.0, 6.0))["N"])
            == (stats.implied["N"])
        )

    def test_query_filters_apply_but_paging_does_not(self) -> None:
        rows = [match(i, league="A" if i % 2 else "B", score=(i % 3, 1)) for i in range(10)]
        stats = compute_league_stats(rows, MatchQuery(league="A", offset=3, limit=1))
        assert [(s.league, s.matches) for s in stats] == [("A", 5)]

    def test_empty(self) -> None:
        assert compute_league_stats([], MatchQuery()) == []

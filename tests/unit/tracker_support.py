"""Builders for the tracker tests: feed events, a results service, one collect-like cycle."""

from __future__ import annotations

from dataclasses import dataclass, field

from oracxpred.core.records import FeedEvent, FinishedMatch, Odds1X2, Phase, ResultItem, Score
from oracxpred.core.state_codec import dumps_state, loads_state, state_from_dict, state_to_dict
from oracxpred.core.tracker import (
    PendingQuery,
    TrackerState,
    Unresolved,
    apply_results,
    confirm_saved,
    due_resolutions,
    observe,
)

T0 = 1_782_879_000  # a real poll time of fifa_prematch_inplay_20.json, rounded to 300 s
LEAGUE = 2986291  # FC 26. 5x5 Rush. Superleague
SIX_HOURS = 6 * 3600
GAME_STATES = {Phase.PREMATCH: 128, Phase.LIVE: None, Phase.FINISHED: 1}


def event(
    event_id: int,
    phase: Phase = Phase.PREMATCH,
    *,
    odds: tuple[float, float, float] | None = (2.11, 5.99, 2.275),
    score: tuple[int, int] = (0, 0),
    halftime: tuple[int, int] | None = None,
    start: int | None = T0 + 600,
    league_id: int | None = LEAGUE,
    team1: str = "Chelsea",
    team2: str = "PSV Eindhoven",
    status: str | None = None,
    game_state: int | None = -1,
) -> FeedEvent:
    """A FeedEvent as the parser would give it; ``odds`` are (home, draw, away)."""
    labels = {Phase.PREMATCH: "Paris avant le début du jeu", Phase.FINISHED: "Jeu terminé"}
    return FeedEvent(
        event_id=event_id,
        sport_id=85,
        league="FC 26. 5x5 Rush. Superligue",
        league_id=league_id,
        team1=team1,
        team2=team2,
        team1_id=180073,
        team2_id=202185,
        start_time=start,
        phase=phase,
        score=Score(*score),
        halftime=None if halftime is None else Score(*halftime),
        status_text=labels.get(phase, "") if status is None else status,
        game_state=GAME_STATES[phase] if game_state == -1 else game_state,
        odds=None if odds is None else Odds1X2(*odds),
        updated_at=None,
    )


def roundtrip(state: TrackerState) -> TrackerState:
    """The state as the next run reads it back from the store."""
    return state_from_dict(loads_state(dumps_state(state_to_dict(state))))


@dataclass
class ResultsService:
    """Answers like ``result/web/api/v3/games``: the league's games that started in the window."""

    games: dict[int, ResultItem] = field(default_factory=dict)
    by_league: dict[int, dict[int, ResultItem]] = field(default_factory=dict)
    queries: list[tuple[int, PendingQuery]] = field(default_factory=list)

    def add(
        self,
        event_id: int,
        score: tuple[int, int],
        *,
        halftime: tuple[int, int] | None = None,
        start: int | None = T0 + 600,
        league_id: int = LEAGUE,
    ) -> None:
        self.put(
            ResultItem(
                event_id=event_id,
                score=Score(*score),
                halftime=None if halftime is None else Score(*halftime),
                team1="Chelsea",
                team2="PSV Eindhoven",
                league="FC 26. 5x5 Rush. Superleague",
                league_id=league_id,
                start_time=start,
            )
        )

    def put(self, item: ResultItem) -> None:
        """Publish one game (e.g. from ``parse_results``)."""
        assert item.league_id is not None
        self.games[item.event_id] = item
        self.by_league.setdefault(item.league_id, {})[item.event_id] = item

    def answer(self, query: PendingQuery, now: int) -> list[ResultItem]:
        self.queries.append((now, query))
        league = self.by_league.get(query.league_id, {})
        return [
            g
            for g in league.values()
            if g.start_time is not None and query.date_from <= g.start_time < query.date_to
        ]


@dataclass
class Driver:
    """``collect.run_cycle`` without I/O: observe, resolve, save, confirm, persist (JSON)."""

    results: ResultsService = field(default_factory=ResultsService)
    state: TrackerState = field(default_factory=TrackerState)
    stored: dict[int, FinishedMatch] = field(default_factory=dict)  # an idempotent store
    saved_twice: list[int] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    unresolved_after_s: float = SIX_HOURS
    persist_every: int = 1  # cycles between two JSON round trips of the state
    cycles: int = 0

    def cycle(
        self,
        events: list[FeedEvent],
        now: int,
        *,
        confirm: bool = True,
        results_up: bool = True,
    ) -> tuple[FinishedMatch, ...]:
        """One cycle; returns every row handed to the store."""
        observation = observe(self.state, events, now)
        items: list[ResultItem] = []
        for query in due_resolutions(observation.state, now):
            if not results_up:
                break
            items.extend(self.results.answer(query, now))
        resolution = apply_results(observation.state, items, now, self.unresolved_after_s)
        rows = observation.to_save + resolution.to_save
        state = resolution.state
        if confirm and rows:
            for row in rows:
                if row.event_id in self.stored:
                    self.saved_twice.append(row.event_id)
                else:
                    self.stored[row.event_id] = row
            state = confirm_saved(state, [r.event_id for r in rows], now)
        self.unresolved.extend(resolution.unresolved)
        self.cycles += 1
        self.state = roundtrip(state) if self.cycles % self.persist_every == 0 else state
        return rows

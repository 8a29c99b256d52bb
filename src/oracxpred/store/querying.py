"""In-memory filtering, ordering, paging and per-league statistics of stored matches.

The reference semantics of ``MatchQuery`` (``store/base.py``): ``Store``'s default
``query_matches``/``league_stats`` run these over ``iter_matches()``, and backends that override
them with an index or SQL must return the same answer (the contract tests compare them).

* ``league``: exact, case-sensitive match (the web app offers the stored names).
* ``team``: case-insensitive substring of ``team1`` or ``team2`` (``str.casefold``).
* ``date_from`` / ``date_to``: both inclusive, on the match's *moment* = ``start_time``, or
  ``collected_at`` when the start is unknown (rows of the original app). Naive means UTC.
* ``outcome``: equality.
* Order, newest first: moment desc, then ``collected_at`` desc, then ``event_id`` desc, so two
  matches never tie and pages are stable.
* ``offset``/``limit`` page the ordered result (``limit=None``: everything); ``total`` counts
  every match the filters keep. Statistics ignore ``offset`` and ``limit``.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from oracxpred.core.records import FinishedMatch, Odds1X2, Outcome
from oracxpred.store.values import LeagueStats, MatchPage, MatchQuery

_KEYS: tuple[str, str, str] = (Outcome.HOME.value, Outcome.DRAW.value, Outcome.AWAY.value)


def moment_of(match: FinishedMatch) -> datetime:
    """When the match happened for filters and ordering: its start, else its collection."""
    return match.start_time if match.start_time is not None else match.collected_at


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def sort_key(match: FinishedMatch) -> tuple[datetime, datetime, int]:
    """Ascending key whose reverse is the "newest first" order."""
    return (_utc(moment_of(match)), _utc(match.collected_at), match.event_id)


def _selected(matches: Iterable[FinishedMatch], query: MatchQuery) -> Iterator[FinishedMatch]:
    team = query.team.casefold() if query.team else None
    date_from = _utc(query.date_from) if query.date_from is not None else None
    date_to = _utc(query.date_to) if query.date_to is not None else None
    for match in matches:
        if query.league is not None and match.league != query.league:
            continue
        if query.outcome is not None and match.outcome != query.outcome:
            continue
        if team is not None and not (
            team in match.team1.casefold() or team in match.team2.casefold()
        ):
            continue
        if date_from is not None or date_to is not None:
            moment = _utc(moment_of(match))
            if date_from is not None and moment < date_from:
                continue
            if date_to is not None and moment > date_to:
                continue
        yield match


def selected_matches(
    matches: Iterable[FinishedMatch], query: MatchQuery
) -> Iterator[FinishedMatch]:
    """The matches ``query``'s filters keep (its paging ignored), streamed in input order."""
    return _selected(matches, query)


def filter_sort_page(matches: Iterable[FinishedMatch], query: MatchQuery) -> MatchPage:
    """The page ``query`` asks for, newest first, with the count of every selected match.

    Only ``offset + limit`` matches are kept in memory while streaming (a heap), so paging
    the first pages of a large CSV store does not materialise all its rows.
    """
    offset = max(query.offset, 0)
    selected = _selected(matches, query)
    if query.limit is None:
        ordered = sorted(selected, key=sort_key, reverse=True)
        return MatchPage(items=tuple(ordered[offset:]), total=len(ordered))
    keep = offset + max(query.limit, 0)
    total = 0
    # Entries carry their arrival rank so two equal keys never compare the matches themselves.
    heap: list[tuple[tuple[datetime, datetime, int], int, FinishedMatch]] = []
    for match in selected:
        total += 1
        if keep == 0:
            continue
        entry = (sort_key(match), -total, match)
        if len(heap) < keep:
            heapq.heappush(heap, entry)
        elif entry[:2] > heap[0][:2]:
            heapq.heapreplace(heap, entry)
    ordered = [e[2] for e in sorted(heap, key=lambda e: e[:2], reverse=True)]
    return MatchPage(items=tuple(ordered[offset:keep]), total=total)


def implied_probabilities(odds: Odds1X2) -> dict[str, float]:
    """Probabilities the prices imply once the bookmaker's margin is removed (they sum to 1).

    Each price's inverse overstates its chance by the margin (the inverses sum to more than
    1); dividing by that sum is the usual "basic normalisation".
    """
    draw = 0.0 if odds.draw is None else 1.0 / odds.draw  # a 2-way market: no draw
    inverses = (1.0 / odds.home, draw, 1.0 / odds.away)
    book = sum(inverses)
    return {key: inverse / book for key, inverse in zip(_KEYS, inverses, strict=True)}


def compute_league_stats(
    matches: Iterable[FinishedMatch], query: MatchQuery | None = None
) -> list[LeagueStats]:
    """One ``LeagueStats`` per league among the filtered matches, sorted by league name.

    ``implied`` sums, over matches with usable closing odds (``with_odds`` of them), the
    normalised implied probability of each outcome: divided by ``with_odds`` it is the mean
    forecast to compare with the observed ``outcomes`` (calibration).
    """
    selected = _selected(matches, query) if query is not None else iter(matches)
    by_league: dict[str, LeagueStats] = {}
    for match in selected:
        stats = by_league.get(match.league)
        if stats is None:
            stats = by_league[match.league] = LeagueStats(league=match.league)
        stats.matches += 1
        stats.goals += match.score1 + match.score2
        stats.outcomes[Outcome(match.outcome).value] += 1
        odds = match.odds
        if odds is not None and min(odds.home, odds.draw or 1.0, odds.away) > 0:
            stats.with_odds += 1
            for key, probability in implied_probabilities(odds).items():
                stats.implied[key] += probability
    return [by_league[name] for name in sorted(by_league, key=lambda n: (n.casefold(), n))]

"""Realistic, seeded finished matches and heartbeats for the web tests (hostile ones included).

Leagues and teams are those of the real captures (``fifa_finished_16.json``); prices carry a
bookmaker margin and outcomes are drawn from the prices' probabilities, so the calibration
charts look like real data. Nothing here reads the clock: everything hangs off ``NOW``.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from oracxpred.core.records import FinishedMatch, FinishSource, Odds1X2, Outcome, Score
from oracxpred.store.base import Heartbeat

NOW = datetime(2025, 12, 6, 18, 0, tzinfo=UTC)

LEAGUES: dict[str, tuple[str, ...]] = {
    "FC 25. Championnat d'Angleterre": (
        "Arsenal",
        "Brentford",
        "Liverpool",
        "Manchester City",
        "Chelsea",
        "Everton",
    ),
    "FC 26. 5x5 Rush. Superligue": (
        "Club Atlético de Madrid",
        "PSV Eindhoven",
        "Arsenal",
        "Manchester City",
        "Juventus",
    ),
    "FC 25. 3x3. Ligue de conférence": (
        "Eintracht",
        "Fiorentine",
        "Borussia Monchengladbach",
        "Anderlecht",
        "Lille OSC",
    ),
}
GOAL_RATE = {  # mean goals per side: the small-sided leagues score a lot (see the captures)
    "FC 25. Championnat d'Angleterre": 1.4,
    "FC 26. 5x5 Rush. Superligue": 3.2,
    "FC 25. 3x3. Ligue de conférence": 4.5,
}

HOSTILE_LEAGUE = 'Ligue <b>"piégée"</b> & Cie'
HOSTILE_TEAM1 = "<script>alert(1)</script>"
HOSTILE_TEAM2 = '=HYPERLINK("http://evil.example","clic")'
HOSTILE_STATUS = "<img src=x onerror=alert(2)>"
HOSTILE_ERROR = "Flux indisponible : <img src=x onerror=alert(3)>"
HOSTILE_EVENT_ID = 700_000_001


def _odds(rng: random.Random, probs: tuple[float, float, float]) -> Odds1X2:
    margin = 1.06
    prices = [round(1 / (p * margin), 3) for p in probs]
    return Odds1X2(*prices)


def _score(rng: random.Random, outcome: Outcome, rate: float) -> tuple[int, int]:
    while True:
        home = sum(rng.random() < rate / 12 for _ in range(12))
        away = sum(rng.random() < rate / 12 for _ in range(12))
        got = Outcome.HOME if home > away else Outcome.AWAY if away > home else Outcome.DRAW
        if got == outcome:
            return home, away


def make_matches(count: int = 90, seed: int = 2025) -> list[FinishedMatch]:
    """``count`` matches over the day before ``NOW``, then three special ones."""
    rng = random.Random(seed)
    names = list(LEAGUES)
    matches: list[FinishedMatch] = []
    for i in range(count):
        league = names[i % len(names)]
        team1, team2 = rng.sample(LEAGUES[league], 2)
        start = NOW - timedelta(minutes=15 + 6 * (count - i))
        strength = rng.uniform(-1.2, 1.2)
        draw = (0.17 if "3x3" in league else 0.25) + rng.uniform(-0.04, 0.04) - 0.03 * abs(strength)
        home = (1 - draw) / (1 + pow(2.7, -strength))
        probs = (home, draw, 1 - draw - home)
        outcome = rng.choices(list(Outcome), weights=probs)[0]
        s1, s2 = _score(rng, outcome, GOAL_RATE[league])
        has_odds = i % 17 != 5
        closing = _odds(rng, probs) if has_odds else None
        drift = rng.uniform(0.9, 1.1)
        opening = _odds(rng, (home * drift, draw, 1 - draw - home * drift)) if has_odds else None
        matches.append(
            FinishedMatch(
                event_id=690_000_000 + i * 37,
                collected_at=start + timedelta(minutes=11, seconds=rng.randint(0, 50)),
                league=league,
                team1=team1,
                team2=team2,
                score1=s1,
                score2=s2,
                status="Jeu terminé",
                outcome=outcome,
                finish_source=FinishSource.RESULTS if i % 9 == 4 else FinishSource.FEED,
                sport_id=85,
                league_id=2_000_000 + names.index(league),
                team1_id=10_000 + LEAGUES[league].index(team1),
                team2_id=10_000 + LEAGUES[league].index(team2),
                start_time=start,
                odds=closing,
                odds_at=start - timedelta(seconds=20) if closing else None,
                opening_odds=opening,
                opening_odds_at=start - timedelta(minutes=9) if opening else None,
                halftime=Score(s1 // 2, s2 // 2) if i % 3 else None,
            )
        )
    matches.append(
        FinishedMatch(  # the newest one: first on the first page
            event_id=HOSTILE_EVENT_ID,
            collected_at=NOW - timedelta(minutes=2),
            league=HOSTILE_LEAGUE,
            team1=HOSTILE_TEAM1,
            team2=HOSTILE_TEAM2,
            score1=2,
            score2=1,
            status=HOSTILE_STATUS,
            outcome=Outcome.HOME,
            finish_source=FinishSource.FEED,
            start_time=NOW - timedelta(minutes=12),
            odds=Odds1X2(1.85, 3.6, 4.2),
            odds_at=NOW - timedelta(minutes=13),
            opening_odds=Odds1X2(1.95, 3.5, 3.9),
            opening_odds_at=NOW - timedelta(minutes=25),
        )
    )
    for n, hours in enumerate((30, 31)):  # rows of the original app: no start time, no odds
        matches.append(
            FinishedMatch(
                event_id=600_000_000 + n,
                collected_at=NOW - timedelta(hours=hours),
                league="FC 25. Championnat d'Angleterre",
                team1="Chelsea",
                team2="Everton",
                score1=n,
                score2=n,
                status="Jeu terminé",
                outcome=Outcome.DRAW,
                finish_source=FinishSource.FEED,
            )
        )
    return matches


def make_heartbeats(
    count: int = 24, newest_age: timedelta = timedelta(seconds=40)
) -> list[Heartbeat]:
    """One cycle a minute, oldest first, the newest ending ``newest_age`` before ``NOW``.

    Cycles 5 and 11 (from the oldest) failed; one failure message is hostile HTML.
    """
    beats: list[Heartbeat] = []
    for i in range(count):
        finished = NOW - newest_age - timedelta(minutes=count - 1 - i)
        started = finished - timedelta(seconds=2.5)
        failed = i in (5, 11)
        beats.append(
            Heartbeat(
                started_at=started,
                finished_at=finished,
                ok=not failed,
                host="collecteur-1",
                pid=4242,
                saved=0 if failed else (i * 7) % 5,
                pending=i % 2,
                duplicates=1 if i % 4 == 0 else 0,
                rejected=0,
                error=HOSTILE_ERROR if i == 5 else ("Délai dépassé" if failed else ""),
            )
        )
    return beats

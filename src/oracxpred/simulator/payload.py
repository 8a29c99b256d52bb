"""Real-shaped JSON of the simulator: ``Get1x2_VZip`` events and results-service items. Pure.

Shapes, key order and French texts follow the captures (``fifa_prematch_inplay_20.json``,
``fifa_finished_16.json``, ``results_v3_games_excerpt.json``) and docs/feed.md §3–§5: zero scores
are omitted from ``FS``/``PS``, ``GS`` is 128 before kick-off, absent in play and 1 when finished.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from oracxpred.simulator import pricing
from oracxpred.simulator.match import Markets, Phase

if TYPE_CHECKING:
    from oracxpred.simulator.catalog import LeagueSpec, Team
    from oracxpred.simulator.match import Match

SPORT_ID = 85
PREMATCH_INFO = "Paris avant le début du jeu"
FINISHED_INFO = "Match terminé"
GAME_OVER = "Jeu terminé"
HALVES = ("1ère mi-temps", "2ème mi-temps")
SPORT_IMAGE = "/genfiles/cms/sport_preview_5a598a83300665a1d4192948ea1362e5.png"
FREEZE_AT = 0.85  # the blocked prices shown after the finish are frozen before the end


def envelope(value: Any) -> dict[str, Any]:
    return {"Id": 0, "Success": True, "Error": "", "ErrorCode": 0, "Guid": "", "Value": value}


def score(home: int, away: int) -> dict[str, int]:
    """``FS``-style score with zero values omitted: 0-0 is ``{}``, 0-1 is ``{"S2": 1}``."""
    out = {}
    if home:
        out["S1"] = home
    if away:
        out["S2"] = away
    return out


def event(match: Match, t: int) -> dict[str, Any]:
    """The event as ``Get1x2_VZip`` lists it at ``t`` (the match must be visible)."""
    phase = match.phase(t)
    spec = match.league
    head: dict[str, Any] = {"R": 50, "SC": _scoreboard(match, phase, t)}
    if phase is Phase.PREMATCH:
        head |= {"HMH": 1, "GNS": True}
    else:
        head |= {"VI": match.video, "VA": 1}
        if phase is Phase.FINISHED:
            head["F"] = True
        head["HMH"] = 1
    markets, alternatives = _markets(match, phase, t)
    head |= {"ICY": True, "U": t, "I": match.event_id, "N": match.number, "T": 50, "CO": 17}
    head |= {"E": markets, "AE": alternatives}
    if markets:
        head["EC"] = _market_count(match, phase, t)
    head |= {"TG": "", "V": "", "VE": "", "PN": "", "TN": "Mi-temps", "DI": "", "S": match.start}
    head |= {"HS": 1, "SGC": spec.halves if phase is Phase.PREMATCH else 1}
    if spec.image:
        head["CHIMG"] = spec.image
    head |= {"O1": match.home.name, "O2": match.away.name}
    head |= {"O1I": match.home.team_id, "O2I": match.away.team_id}
    head |= {"O1IS": [match.home.team_id], "O2IS": [match.away.team_id]}
    head |= _team_places(match.home, match.away)
    head |= {"O1IMG": [match.home.image], "O2IMG": [match.away.image]}
    head |= {"O1R": match.home.name_ru, "O2R": match.away.name_ru}
    head |= {"O1E": match.home.name_en, "O2E": match.away.name_en}
    head |= {"SI": SPORT_ID, "SN": "FIFA", "SR": "FIFA", "SE": "FIFA"}
    head |= {"L": spec.name, "LR": spec.name_ru, "LE": spec.name_en, "LI": spec.league_id}
    head |= {"CN": spec.country, "CE": spec.country_en, "COI": spec.country_id}
    head |= {"MS": [0], "KI": 1, "CID": 2, "SIMG": SPORT_IMAGE, "TNS": "Mi-temps"}
    return head


def _team_places(home: Team, away: Team) -> dict[str, Any]:
    out: dict[str, Any] = {"O1C": home.country_id}
    if home.city:
        out["O1CT"] = home.city
    out["O2C"] = away.country_id
    if away.city:
        out["O2CT"] = away.city
    return out


def _scoreboard(match: Match, phase: Phase, t: int) -> dict[str, Any]:
    spec = match.league
    halves = spec.halves > 1
    if phase is Phase.PREMATCH:
        countdown = max(0, match.start - t)
        board: dict[str, Any] = {"FS": {}, "PS": [], "CPS": "", "GS": 128, "TS": countdown}
        board["TD"] = -1
        if halves:
            board["TR"] = -1
        minutes = math.ceil(countdown / 60)
        return board | {"I": PREMATCH_INFO, "SLS": f"Début dans {minutes} minutes"}
    clock = match.clock(t) if phase is Phase.LIVE else spec.game_seconds
    board = {"FS": score(*match.score_at(clock)), "PS": _periods(match, clock)}
    if phase is Phase.LIVE:
        if halves:
            current = 0 if clock < match.half_seconds else 1
            board |= {"CP": current + 1, "CPS": HALVES[current], "TS": clock, "TR": -1}
        else:
            board |= {"CPS": "", "TS": clock}
        return board | {"I": "", "SLS": f"{clock // 60} minutes"}
    board |= {"CPS": GAME_OVER, "GS": 1, "TS": clock}
    if halves:
        board["TR"] = -1
    return board | {"I": FINISHED_INFO, "SLS": ""}


def _periods(match: Match, clock: int) -> list[dict[str, Any]]:
    """``PS``: one entry per half begun so far; empty for single-period leagues."""
    if match.league.halves < 2:
        return []
    half = match.half_seconds
    first = {"Key": 1, "Value": score(*match.score_at(min(clock, half))) | {"NF": HALVES[0]}}
    if clock < half:
        return [first]
    second = score(*match.score_at(clock, since=half))
    return [first, {"Key": 2, "Value": second | {"NF": HALVES[1]}}]


def _market_count(match: Match, phase: Phase, t: int) -> int:
    if phase is Phase.PREMATCH:
        return match.market_count
    if phase is Phase.FINISHED:
        return 31
    progress = match.clock(t) / match.league.game_seconds
    return max(19, int(match.market_count * (1 - 0.7 * progress)))


def _markets(match: Match, phase: Phase, t: int) -> Markets:
    """``E`` and ``AE`` for the phase (docs/feed.md §5); cached per pricing state."""
    if phase is Phase.PREMATCH:
        step = match.step_at(t)
        key: tuple[object, ...] = ("pre", step.at)
        if key not in match.cache:
            match.cache[key] = _priced(step.lam1, step.lam2, 0, 0, clock=None)
        return match.cache[key]
    if phase is Phase.LIVE:
        clock = match.clock(t)
        return _priced_live(match, clock)
    if not match.keeps_markets:
        return [], []
    return _priced_live(match, int(match.league.game_seconds * FREEZE_AT), all_blocked=True)


def _priced_live(match: Match, clock: int, *, all_blocked: bool = False) -> Markets:
    key: tuple[object, ...] = ("live", clock, all_blocked)
    if key not in match.cache:
        match.cache.clear()  # pre-match prices are never needed again
        remaining = 1 - clock / match.league.game_seconds
        home, away = match.score_at(clock)
        match.cache[key] = _priced(
            match.lam1 * remaining, match.lam2 * remaining, home, away, clock=clock,
            game_seconds=match.league.game_seconds, all_blocked=all_blocked,
        )  # fmt: skip
    return match.cache[key]


def _priced(
    lam1: float,
    lam2: float,
    home: int,
    away: int,
    *,
    clock: int | None,
    game_seconds: int = 1,
    all_blocked: bool = False,
) -> Markets:
    live = clock is not None
    late = clock is not None and clock >= 0.9 * game_seconds
    main, alternatives = pricing.book(lam1, lam2, home, away, alternatives=1 if live else 2)
    decided = clock is not None and abs(home - away) >= 3 and clock >= game_seconds // 2
    entries = []
    for group, kind, line, probability in main:
        if decided and group in (1, 8):
            continue  # a decided 1X2 leaves ``E`` (fifa_inplay_late_1.json at 5-1)
        value, blocked = _live_price(probability) if live else (pricing.price(probability), False)
        blocked = blocked or all_blocked or late or (live and group == 1)
        entries.append(pricing.outcome(group, kind, value, line, blocked=blocked))
    entries.sort(key=lambda e: e["C"])
    extra = []
    for group, lines in alternatives:
        extra_lines = []
        for kind, line, probability, central in lines:
            value, blocked = (
                _live_price(probability) if live else (pricing.price(probability), False)
            )
            blocked = blocked or all_blocked or late
            extra_lines.append(
                pricing.outcome(group, kind, value, line, blocked=blocked, central=central)
            )
        extra.append({"G": group, "ME": extra_lines})
    return entries, extra


def _live_price(probability: float) -> tuple[float, bool]:
    if probability >= pricing.NEAR_CERTAIN:
        return pricing.SETTLED_PRICE, True
    return pricing.price(probability), False


def result_item(truth: dict[str, Any], spec: LeagueSpec, teams: dict[int, Team]) -> dict[str, Any]:
    """One ``result/web/api/v3/games`` item (score "h:a", or "h:a (h1:a1,h2:a2)" with halves)."""
    home, away = truth["score1"], truth["score2"]
    text = f"{home}:{away}"
    if truth["halftime1"] is not None:
        h1, a1 = truth["halftime1"], truth["halftime2"]
        text += f" ({h1}:{a1},{home - h1}:{away - a1})"
    team1, team2 = teams[truth["team1_id"]], teams[truth["team2_id"]]
    return {
        "id": truth["id"],
        "sportId": SPORT_ID,
        "champId": spec.league_id,
        "champName": spec.name,
        "opp1": team1.name,
        "opp2": team2.name,
        "opp1Images": [team1.image],
        "opp2Images": [team2.image],
        "opp1Ids": [team1.team_id],
        "opp2Ids": [team2.team_id],
        "score": text,
        "dopInfo": "",
        "videos": [truth["video"]],
        "dateStart": truth["start"],
        "gameTypeName": "",
        "gameVidName": "",
        "champCountry": spec.country_id,
        "isCyber": True,
    }


def champ_item(spec: LeagueSpec, games: int) -> dict[str, Any]:
    """One ``result/web/api/v2/champs`` item."""
    return {
        "id": spec.league_id,
        "name": spec.name,
        "sportId": SPORT_ID,
        "countryId": spec.country_id,
        "gamesCount": games,
    }

"""The tracker state as a JSON-able dict and as JSON text, for every place that stores it
(CSV side file, SQL table, spool mirror). No I/O.

The dict is versioned: a different version, or anything malformed, makes ``state_from_dict``
raise ``ValueError`` (French reason) so the caller can start fresh rather than misread an old
state.

``msgspec`` writes and reads the text (five times faster than ``json`` on a state of 1,000
matches, which is written after every cycle); ``json`` takes over for what ``msgspec`` refuses:
a lone surrogate (a feed may send one as ``\\ud800``) is written as an ASCII escape, and such an
escape, or ``NaN``, is read back. The tracker never holds a non-finite number (odds are checked
on the way in, ``state_from_dict`` refuses them), so ``msgspec`` writing them as ``null`` never
happens.
"""

from __future__ import annotations

import json
import math
from typing import Any

import msgspec

from oracxpred.core.closing import TotalLine
from oracxpred.core.records import FinishSource, Odds1X2, Phase, Price, Score
from oracxpred.core.state import TrackedMatch, TrackerState

STATE_VERSION = 2
"""Version written by ``state_to_dict`` (2 added the last known selections, ``prices``; the
optional ``opening_total`` came later and reads as None when absent, so it needs no version)."""

READABLE_VERSIONS = (1, 2)
"""Versions ``state_from_dict`` reads: a version 1 state loads with no known prices."""

_ENCODE = msgspec.json.Encoder().encode
_DECODE = msgspec.json.Decoder().decode


def state_to_dict(state: TrackerState) -> dict[str, Any]:
    """The state as plain data for ``dumps_state`` (dicts, lists, str, int, float, bool, None,
    and ``records.Price``, which msgspec writes as an array); ``msgspec.to_builtins`` gives
    the pure-JSON form."""
    return {
        "version": STATE_VERSION,
        "matches": [_match_to_dict(state.matches[k]) for k in sorted(state.matches)],
        "saved": [[k, state.saved[k]] for k in sorted(state.saved)],
    }


def state_from_dict(raw: object) -> TrackerState:
    """Rebuild a state from ``state_to_dict``; ``ValueError`` (French) on anything else."""
    if not isinstance(raw, dict):
        raise ValueError(f"l'état n'est pas un objet ({type(raw).__name__})")
    version = raw.get("version")
    if type(version) is not int or version not in READABLE_VERSIONS:
        raise ValueError(f"version {version!r:.20} inconnue (attendue : {STATE_VERSION})")
    matches_raw, saved_raw = raw.get("matches"), raw.get("saved")
    if not isinstance(matches_raw, list):
        raise ValueError("champ « matches » absent ou qui n'est pas une liste")
    if not isinstance(saved_raw, list):
        raise ValueError("champ « saved » absent ou qui n'est pas une liste")
    state = TrackerState()
    for item in matches_raw:
        match = _match_from_dict(item)
        state.matches[match.event_id] = match
    for pair in saved_raw:
        if type(pair) is not list or len(pair) != 2 or not _is_int(*pair):
            raise ValueError(f"entrée de « saved » invalide : {pair!r:.60}")
        state.saved[pair[0]] = pair[1]
    return state


def dumps_state(state: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON; ``TypeError``/``ValueError`` for what JSON cannot hold."""
    try:
        return _ENCODE(state)
    except UnicodeEncodeError:
        # Only ASCII escapes keep a lone surrogate exact (and any text column accepts them).
        plain = msgspec.to_builtins(state)
        return json.dumps(plain, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def loads_state(data: bytes | str) -> Any:
    """The JSON value; ``ValueError`` (or ``RecursionError``) when it is not JSON."""
    try:
        return _DECODE(data)
    except msgspec.DecodeError:
        pass
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return json.loads(text)


def _match_to_dict(m: TrackedMatch) -> dict[str, Any]:
    return {
        "id": m.event_id,
        "league": m.league,
        "team1": m.team1,
        "team2": m.team2,
        "first_seen": m.first_seen,
        "last_seen": m.last_seen,
        "phase": m.phase.value,
        "sport_id": m.sport_id,
        "league_id": m.league_id,
        "team1_id": m.team1_id,
        "team2_id": m.team2_id,
        "start_time": m.start_time,
        "score": [m.score.home, m.score.away],
        "halftime": None if m.halftime is None else [m.halftime.home, m.halftime.away],
        "status": m.status,
        "opening_odds": _odds_list(m.opening_odds),
        "opening_odds_at": m.opening_odds_at,
        "odds": _odds_list(m.odds),
        "odds_at": m.odds_at,
        "finish_source": None if m.finish_source is None else m.finish_source.value,
        "finished_at": m.finished_at,
        "pending_since": m.pending_since,
        "attempts": m.attempts,
        "next_try": m.next_try,
        # records.Price is array_like: ``dumps_state`` writes [group, type, param, price,
        # blocked, central]. Kept as the structs: no list per selection for the collector to
        # trace (1,000 events hold some 30,000 selections).
        "prices": m.prices,
        "opening_total": _total_list(m.opening_total),
        "opening_total_at": m.opening_total_at,
    }


def _odds_list(odds: Odds1X2 | None) -> list[float | None] | None:
    return None if odds is None else [odds.home, odds.draw, odds.away]


def _total_list(total: TotalLine | None) -> list[float] | None:
    return None if total is None else [total.line, total.over, total.under]


def _is_int(*values: Any) -> bool:
    """Plain ints only: ``True`` is an int to ``isinstance`` but never a valid time or id."""
    return all(type(v) is int for v in values)


def _is_price(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class _Reader:
    """Typed access to one serialized match; every failure is a French ``ValueError``."""

    def __init__(self, raw: Any) -> None:
        if not isinstance(raw, dict):
            raise ValueError(f"match suivi qui n'est pas un objet : {raw!r:.60}")
        self.raw = raw
        self.where = f"match suivi {raw.get('id')!r:.20}"

    def bad(self, key: str) -> ValueError:
        return ValueError(f"{self.where} : champ « {key} » invalide ({self.raw.get(key)!r:.40})")

    def integer(self, key: str) -> int:
        value: object = self.raw.get(key)
        if type(value) is not int:  # plain ints only, as ``_is_int``
            raise self.bad(key)
        return value

    def opt_int(self, key: str) -> int | None:
        return None if self.raw.get(key) is None else self.integer(key)

    def text(self, key: str) -> str:
        value = self.raw.get(key)
        if not isinstance(value, str):
            raise self.bad(key)
        return value

    def score(self, key: str) -> Score | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if type(value) is not list or len(value) != 2 or not _is_int(*value):
            raise self.bad(key)
        return Score(value[0], value[1])

    def odds(self, key: str) -> Odds1X2 | None:
        value = self.raw.get(key)
        if value is None:
            return None
        ok = isinstance(value, list) and len(value) == 3
        if not ok or not _is_price(value[0]) or not _is_price(value[2]):
            raise self.bad(key)
        draw = value[1]
        if draw is not None and not _is_price(draw):
            raise self.bad(key)  # None: a 2-way market
        return Odds1X2(float(value[0]), None if draw is None else float(draw), float(value[2]))

    def total(self, key: str) -> TotalLine | None:
        value = self.raw.get(key)
        if value is None:
            return None  # none seen yet, or a state written before this field
        if type(value) is not list or len(value) != 3 or not all(_is_price(v) for v in value):
            raise self.bad(key)
        return TotalLine(float(value[0]), float(value[1]), float(value[2]))

    def prices(self, key: str) -> tuple[Price, ...]:
        value = self.raw.get(key)
        if value is None:
            return ()  # a version 1 state
        if type(value) is not list:
            raise self.bad(key)
        return tuple(self._price(item, key) for item in value)

    def _price(self, item: Any, key: str) -> Price:
        if type(item) is not list or len(item) != 6 or not _is_int(*item[:2]):
            raise self.bad(key)
        group, kind, param, price, blocked, central = item
        ok = (param is None or _is_price(param)) and (price is None or _is_price(price))
        if not ok or type(blocked) is not bool or type(central) is not bool:
            raise self.bad(key)
        param = None if param is None else float(param)
        price = None if price is None else float(price)
        return Price(group, kind, param, price, blocked, central)

    def phase(self, key: str) -> Phase:
        value = self.raw.get(key)
        if not isinstance(value, str):
            raise self.bad(key)
        try:
            return Phase(value)
        except ValueError:
            raise self.bad(key) from None

    def source(self, key: str) -> FinishSource | None:
        value = self.raw.get(key)
        if value is None:
            return None
        try:
            return FinishSource(value)
        except ValueError:
            raise self.bad(key) from None


def _match_from_dict(raw: Any) -> TrackedMatch:
    r = _Reader(raw)
    score = r.score("score")
    if score is None:
        raise r.bad("score")
    return TrackedMatch(
        event_id=r.integer("id"),
        league=r.text("league"),
        team1=r.text("team1"),
        team2=r.text("team2"),
        first_seen=r.integer("first_seen"),
        last_seen=r.integer("last_seen"),
        phase=r.phase("phase"),
        sport_id=r.opt_int("sport_id"),
        league_id=r.opt_int("league_id"),
        team1_id=r.opt_int("team1_id"),
        team2_id=r.opt_int("team2_id"),
        start_time=r.opt_int("start_time"),
        score=score,
        halftime=r.score("halftime"),
        status=r.text("status"),
        opening_odds=r.odds("opening_odds"),
        opening_odds_at=r.opt_int("opening_odds_at"),
        odds=r.odds("odds"),
        odds_at=r.opt_int("odds_at"),
        finish_source=r.source("finish_source"),
        finished_at=r.opt_int("finished_at"),
        pending_since=r.opt_int("pending_since"),
        attempts=r.integer("attempts"),
        next_try=r.opt_int("next_try"),
        prices=r.prices("prices"),
        opening_total=r.total("opening_total"),
        opening_total_at=r.opt_int("opening_total_at"),
    )

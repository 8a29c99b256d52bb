"""Request-independent state of a running simulator: model, clock, faults and answer caches.

The HTTP handler (``server.py``) only parses requests and writes bytes; everything it serves is
computed here, under one lock, because the league model creates matches lazily.
"""

from __future__ import annotations

import gzip
import json
import threading
from typing import Any

from oracxpred.simulator import payload
from oracxpred.simulator.clock import SimClock
from oracxpred.simulator.faults import FaultState
from oracxpred.simulator.league import LeagueModel

MAX_RESULTS_WINDOW_S = 2 * 86400
"""The results service refuses longer windows (docs/feed.md §7)."""

WINDOW_STEP_S = 300
"""``dateFrom``/``dateTo`` must be multiples of this, else 400 (docs/feed.md §7)."""


def dumps(value: Any) -> bytes:
    """Compact JSON, UTF-8, like the site's (no spaces, accents kept)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def compress(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=5, mtime=0)


class Simulator:
    def __init__(self, model: LeagueModel, clock: SimClock) -> None:
        self.model = model
        self.clock = clock
        self.faults = FaultState()
        self._lock = threading.Lock()
        self._events_at: int | None = None
        self._events: list[dict[str, Any]] = []
        self._body_key: tuple[Any, ...] | None = None
        self._body: tuple[bytes, bytes | None] = (b"", None)

    def now(self) -> int:
        """Simulated time in whole seconds: what ``U``, ``TS`` and the ``Date`` header use."""
        return int(self.clock.now())

    def events(self, t: int) -> list[dict[str, Any]]:
        """Every event visible at ``t`` (cached: many polls share one simulated second)."""
        with self._lock:
            if self._events_at != t:
                self._events = self.model.snapshot(t)
                self._events_at = t
            return self._events

    def feed_events(self, t: int, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        """Events after the ``sports``, ``champs`` and ``count`` parameters."""
        events = self.events(t)
        sports = _int_set(query, "sports")
        if sports is not None:
            events = [e for e in events if e["SI"] in sports]
        champs = _int_set(query, "champs")
        if champs is not None:
            events = [e for e in events if e["LI"] in champs]
        count = _int(query, "count")
        if count is not None and count >= 0:
            events = events[:count]
        return events

    def feed_body(self, t: int, query: dict[str, list[str]], gzipped: bool) -> bytes:
        """The healthy feed answer, serialized once per (time, filters)."""
        key = (t, *(tuple(query.get(k, ())) for k in ("sports", "champs", "count")))
        with self._lock:
            cached = self._body_key == key
            raw, packed = self._body
        if not cached:
            raw, packed = dumps(payload.envelope(self.feed_events(t, query))), None
        if gzipped and packed is None:
            packed = compress(raw)
        with self._lock:
            self._body_key, self._body = key, (raw, packed)
        return packed if gzipped and packed is not None else raw

    def results(self, query: dict[str, list[str]], t: int) -> list[dict[str, Any]]:
        """Validated results query (``ValueError`` in French, as a 400) → items."""
        date_from, date_to = _int(query, "dateFrom"), _int(query, "dateTo")
        if "dateFrom" not in query or "dateTo" not in query:
            raise ValueError("dateFrom et dateTo sont obligatoires (secondes unix)")
        if date_from is None or date_to is None:
            raise ValueError("dateFrom et dateTo doivent être des entiers (secondes unix)")
        if date_from > date_to:
            raise ValueError("dateFrom doit précéder dateTo")
        if date_to - date_from > MAX_RESULTS_WINDOW_S:
            raise ValueError("fenêtre trop longue : 2 jours au plus entre dateFrom et dateTo")
        champ = _int(query, "champId")
        if "champId" in query and champ is None:
            raise ValueError("champId doit être un entier")
        if champ is None:
            raise ValueError("champId est obligatoire (une ligue par requête)")
        _check_service_rules(query, date_from, date_to)
        sports = _int_set(query, "sportIds")
        if sports is not None and payload.SPORT_ID not in sports:
            return []
        with self._lock:
            return self.model.results(champ, date_from, date_to, t)

    def champs(self, query: dict[str, list[str]], t: int) -> list[dict[str, Any]]:
        """``v2/champs``: leagues with results in the window (same window rules as v3/games)."""
        date_from, date_to = _int(query, "dateFrom"), _int(query, "dateTo")
        if date_from is None or date_to is None or date_from > date_to:
            raise ValueError("dateFrom et dateTo (secondes unix, dateFrom ≤ dateTo) attendus")
        if date_to - date_from > MAX_RESULTS_WINDOW_S:
            raise ValueError("fenêtre trop longue : 2 jours au plus entre dateFrom et dateTo")
        _check_service_rules(query, date_from, date_to)
        sports = _int_set(query, "sportIds")
        if sports is not None and payload.SPORT_ID not in sports:
            return []
        with self._lock:
            return self.model.champs(date_from, date_to, t)

    def truth(self, *, include_all: bool = False) -> list[dict[str, Any]]:
        t = self.now()
        with self._lock:
            return self.model.truth(t, include_all=include_all)


def _check_service_rules(query: dict[str, list[str]], date_from: int, date_to: int) -> None:
    """The real service's rules (docs/feed.md §7): 300 s steps, parameters in alphabetical order."""
    if date_from % WINDOW_STEP_S or date_to % WINDOW_STEP_S:
        raise ValueError("dateFrom et dateTo doivent être des multiples de 300 secondes")
    names = list(query)
    if names != sorted(names):
        raise ValueError("paramètres attendus dans l'ordre alphabétique")


def _int(query: dict[str, list[str]], name: str) -> int | None:
    values = query.get(name)
    if not values:
        return None
    try:
        return int(values[0])
    except ValueError:
        return None


def _int_set(query: dict[str, list[str]], name: str) -> set[int] | None:
    """A comma list of ids; ``None`` when the parameter is absent or empty (no filter)."""
    raw = ",".join(query.get(name, ())).strip()
    if not raw:
        return None
    return {int(part) for part in raw.split(",") if part.strip().lstrip("-").isdigit()}

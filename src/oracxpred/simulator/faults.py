"""Faults on demand: which request fails and how its body is spoiled. No network here.

``FaultState`` decides, request by request, whether a fault applies (next N requests, or each
with a seeded probability); the body transformers build the bad answers that ``server.py`` sends.
The hostile values mirror docs/feed.md §8 (HTML instead of JSON, ``Success:false``, 406, 429…).
"""

from __future__ import annotations

import copy
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MODES = (
    "refuse", "timeout", "slow_body", "500", "503", "429", "406", "html", "truncated",
    "success_false", "no_value", "wrong_types", "huge", "invalid_utf8", "long_names",
    "schema_drift",
)  # fmt: skip
EXTRA_MODES = ("400",)
"""Accepted too, but outside ``MODES`` (the rotation of the completeness runs): a results-service
refusal of one window (``oracxpred backfill`` tests)."""
TARGETS = ("feed", "results", "all")
DEFAULT_PARAMS: dict[str, float] = {
    "delay": 30.0,  # timeout: seconds the request is held
    "retry_after": 1.0,  # 429: Retry-After header
    "chunk": 64.0,  # slow_body: bytes per write
    "interval": 0.5,  # slow_body: seconds between writes
    "size_mb": 50.0,  # huge: body size
}
FAKE_LOG_LINE = (
    "\n[2025-12-06 10:30:45] [INFO] [COLLECTOR-SERVICE] OK Match terminé sauvegardé: faux"
)
LONG_NAME_LENGTH = 10_000
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<h1>Vérification de votre navigateur</h1><p>Activez JavaScript et les cookies pour "
    "continuer.</p><noscript>Challenge</noscript></body></html>"
)


@dataclass(slots=True)
class FaultPlan:
    mode: str = "none"
    target: str = "feed"
    remaining: int | None = None  # next N requests; None with rate=None: every request
    rate: float | None = None
    seed: int | None = None
    params: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_PARAMS))
    rng: random.Random | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "target": self.target,
            "remaining": self.remaining,
            "rate": self.rate,
            "seed": self.seed,
            "params": dict(self.params),
        }


class FaultState:
    """Thread-safe fault plan plus counters of requests and served faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plan = FaultPlan()
        self._served: Counter[str] = Counter()
        self._requests: Counter[str] = Counter()

    def configure(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Install a plan from ``{"mode", "count" | "rate"+"seed", "target", params…}``."""
        with self._lock:
            self._plan = parse_plan(spec)
            return self._describe()

    def take(self, route: str) -> FaultPlan | None:
        """Count one request on ``route`` ("feed" or "results"); the plan if it fails."""
        with self._lock:
            self._requests[route] += 1
            plan = self._plan
            if plan.mode == "none" or plan.target not in (route, "all"):
                return None
            if plan.remaining is not None:
                if plan.remaining <= 0:
                    return None
                plan.remaining -= 1
            elif plan.rng is not None and plan.rate is not None and plan.rng.random() >= plan.rate:
                return None
            self._served[plan.mode] += 1
            return copy.copy(plan)

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return self._describe()

    def _describe(self) -> dict[str, Any]:
        active = self._plan.mode != "none" and self._plan.remaining != 0
        return self._plan.describe() | {
            "active": active,
            "served": sum(self._served.values()),
            "served_by_mode": dict(self._served),
            "requests": dict(self._requests),
        }


def parse_plan(spec: dict[str, Any]) -> FaultPlan:
    """Validate a fault request; ``ValueError`` with a French message when it is wrong."""
    if not isinstance(spec, dict):
        raise ValueError("objet JSON attendu")
    mode = str(spec.get("mode", ""))
    if mode == "none":
        return FaultPlan()
    if mode not in MODES and mode not in EXTRA_MODES:
        known = ", ".join((*MODES, *EXTRA_MODES))
        raise ValueError(f"mode inconnu : {mode!r} (modes : none, {known})")
    target = str(spec.get("target", "feed"))
    if target not in TARGETS:
        raise ValueError(f"cible inconnue : {target!r} (cibles : {', '.join(TARGETS)})")
    plan = FaultPlan(mode=mode, target=target)
    count, rate = spec.get("count"), spec.get("rate")
    if count is not None and rate is not None:
        raise ValueError("donner count ou rate, pas les deux")
    if count is not None:
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError("count doit être un entier ≥ 1")
        plan.remaining = count
    if rate is not None:
        if not isinstance(rate, int | float) or isinstance(rate, bool) or not 0 <= rate <= 1:
            raise ValueError("rate doit être un nombre entre 0 et 1")
        seed = spec.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise ValueError("seed doit être un entier")
        plan.rate, plan.seed, plan.rng = float(rate), seed, random.Random(seed)
    for name in DEFAULT_PARAMS:
        if name in spec:
            value = spec[name]
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} doit être un nombre positif")
            plan.params[name] = float(value)
    unknown = set(spec) - {"mode", "target", "count", "rate", "seed", *DEFAULT_PARAMS}
    if unknown:
        raise ValueError(f"paramètre(s) inconnu(s) : {', '.join(sorted(unknown))}")
    return plan


def hostile_name(original: str) -> str:
    """A 10,000-character name with control characters and a fake log line."""
    name = f"{original}{FAKE_LOG_LINE}\r\x1b[2K\x1b[31m"
    return name + "X" * (LONG_NAME_LENGTH - len(name))


def spoil_events(mode: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Feed events for the modes that keep a valid envelope (on deep copies)."""
    events = copy.deepcopy(events)
    if mode == "wrong_types":
        spoilers: tuple[tuple[str, object], ...] = (("I", "abc"), ("O1", 12345), ("SC", []))
        for event, (key, value) in zip(events, spoilers, strict=False):
            event[key] = value
    elif mode == "long_names":
        for event in events:
            event["O1"] = hostile_name(str(event.get("O1", "")))
            event["O1E"] = event["O1"]
    elif mode == "schema_drift":
        for index, event in enumerate(events):
            if index % 2 == 0:
                event.pop("SC", None)
            else:
                fs = event.get("SC", {}).get("FS", {})
                event["SC"]["FS"] = {"S1": str(fs.get("S1", 0)), "S2": str(fs.get("S2", 0))}
    return events


def spoil_items(mode: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Results items for the same modes, spoiled the same way."""
    items = copy.deepcopy(items)
    if mode == "wrong_types":
        spoilers = (("id", "abc"), ("opp1", 12345), ("score", [1, 2]))
        for item, (key, value) in zip(items, spoilers, strict=False):
            item[key] = value
    elif mode == "long_names":
        for item in items:
            item["opp1"] = hostile_name(str(item.get("opp1", "")))
    elif mode == "schema_drift":
        for index, item in enumerate(items):
            if index % 2 == 0:
                item.pop("score", None)
            else:
                item["opp1Ids"] = str(item.get("opp1Ids"))
    return items


def invalid_utf8(body: bytes) -> bytes:
    """Insert bytes that are not UTF-8 inside JSON strings (the JSON stays well-formed)."""
    spoiled = body.replace(b'"Error":""', b'"Error":"\xff\xfe"', 1)
    spoiled = spoiled.replace(b'"O1":"', b'"O1":"\xc3\x28', 1)
    spoiled = spoiled.replace(b'"opp1":"', b'"opp1":"\xc3\x28', 1)
    if spoiled == body:  # e.g. a results answer without items: add a bad string
        spoiled = body.rstrip()[:-1] + b',"note":"\xff\xfe"}'
    return spoiled


def truncated(body: bytes) -> bytes:
    """The first half of a JSON body: never parseable."""
    return body[: max(1, len(body) // 2)]

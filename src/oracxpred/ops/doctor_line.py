"""One line of the ``oracxpred doctor`` table, shared by the network and the local checks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Line:
    group: str
    check: str
    verdict: str  # "ok", "warn", "fail", "skip"
    detail: str = ""
    hint: str = ""

"""Stored matches against the simulator's ground truth: what was lost, altered or duplicated.

Reads the store's raw rows (every CSV record, so a duplicated event id is counted and a row
that does not parse is reported), then compares each match that finished by ``until`` with
its truth: stored exactly once, same teams, league, final score, half-time score when stored,
and closing (and opening) 1X2 odds to the last digit. Used by ``bench/completeness.py``,
``bench/soak.py`` and ``tests/faults``.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oracxpred.core.cells import RowError, row_to_match
from oracxpred.core.records import FinishedMatch, Odds1X2


@dataclass
class Check:
    """Counts of one comparison, and the first problems found (for assertion messages)."""

    expected: int = 0  # truth matches finished by ``until``
    stored_rows: int = 0  # rows read, every one
    stored_ok: int = 0  # expected matches stored at least once
    scores_ok: int = 0  # of those, final score (and half-time when stored) equal to truth
    names_ok: int = 0  # teams and league verbatim
    closing_ok: int = 0  # closing odds exact
    opening_ok: int = 0  # opening odds exact
    duplicates: int = 0  # extra rows of an event id already read
    phantoms: int = 0  # stored ids the simulator never played
    unreadable: int = 0  # rows that do not parse
    problems: list[str] = field(default_factory=list)

    def pct(self, part: int) -> float:
        return 100.0 * part / self.expected if self.expected else 100.0

    @property
    def perfect(self) -> bool:
        """Every finished match stored exactly once, true scores, names and closing odds."""
        full = self.expected
        return (
            self.stored_ok == self.scores_ok == self.names_ok == self.closing_ok == full
            and self.duplicates == self.phantoms == self.unreadable == 0
        )

    def summary(self) -> str:
        head = (
            f"{self.stored_ok}/{self.expected} stockés, {self.scores_ok} scores justes, "
            f"{self.closing_ok} cotes de clôture exactes, {self.duplicates} doublon(s), "
            f"{self.phantoms} fantôme(s), {self.unreadable} illisible(s)"
        )
        return head + "".join(f"\n  - {p}" for p in self.problems[:20])

    def _problem(self, text: str) -> None:
        self.problems.append(text)


def csv_matches(path: Path, *, extra_cells: bool = False) -> tuple[list[FinishedMatch], int]:
    """Every record of a CSV store file as a match, and the count of unreadable records
    (cells missing, or more cells than the header unless ``extra_cells``)."""
    if not path.exists():
        return [], 0
    out: list[FinishedMatch] = []
    bad = 0
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if (None in row and not extra_cells) or any(v is None for v in row.values()):
                bad += 1
                continue
            row.pop(None, None)
            try:
                out.append(row_to_match(row))
            except RowError:
                bad += 1
    return out, bad


def sql_matches(url: str) -> list[FinishedMatch]:
    """Every row of the ``matches`` table (the unique index forbids duplicates there)."""
    from oracxpred.store.sql.store import SqlStore

    store = SqlStore(url, migrate=False)
    try:
        return list(store.iter_matches())
    finally:
        store.close()


def _odds(value: Mapping[str, float]) -> Odds1X2:
    return Odds1X2(value["home"], value["draw"], value["away"])


def compare(
    truth: Iterable[Mapping[str, Any]],
    stored: Iterable[FinishedMatch],
    *,
    until: int,
    now: int | None = None,
    since: int | None = None,
    unreadable: int = 0,
) -> Check:
    """``truth`` = ``sim.truth(include_all=True)``; matches finished after ``until`` may be
    stored or not (never required), and so may matches announced before ``since`` (the
    collector's first poll: it cannot know what happened before it ran). A match stored
    although it finishes after ``now`` (the end) was saved with a guessed score: a problem."""
    everything = {int(t["id"]): t for t in truth}
    check = Check(unreadable=unreadable)
    rows = list(stored)
    check.stored_rows = len(rows)
    counts = Counter(m.event_id for m in rows)
    first: dict[int, FinishedMatch] = {}
    for match in rows:
        first.setdefault(match.event_id, match)
    check.duplicates = sum(n - 1 for n in counts.values())
    for event_id, n in counts.items():
        if n > 1:
            check._problem(f"match {event_id} stocké {n} fois")
        if event_id not in everything:
            check.phantoms += 1
            check._problem(f"match {event_id} stocké mais jamais joué")
    for event_id, t in everything.items():
        required = t["finished_at"] <= until and (since is None or t["announced_at"] >= since)
        check.expected += required
        found = first.get(event_id)
        if found is None:
            if required:
                check._problem(f"match {event_id} ({t['team1']} - {t['team2']}) absent")
            continue
        if now is not None and t["finished_at"] > now:
            check.phantoms += 1
            check._problem(f"match {event_id} stocké avant d'être terminé")
        if not required:
            continue
        check.stored_ok += 1
        _compare_one(check, t, found)
    return check


def _compare_one(check: Check, t: Mapping[str, Any], m: FinishedMatch) -> None:
    event_id = m.event_id
    score = (m.score1, m.score2) == (t["score1"], t["score2"])
    half = m.halftime is None or (m.halftime.home, m.halftime.away) == (
        t["halftime1"],
        t["halftime2"],
    )
    if score and half:
        check.scores_ok += 1
    else:
        check._problem(
            f"match {event_id} : score {m.score1}-{m.score2} (mi-temps {m.halftime}) au lieu de "
            f"{t['score1']}-{t['score2']} (mi-temps {t['halftime1']}-{t['halftime2']})"
        )
    if (m.team1, m.team2, m.league) == (t["team1"], t["team2"], t["league"]):
        check.names_ok += 1
    else:
        check._problem(f"match {event_id} : noms {m.team1!r}/{m.team2!r}/{m.league!r} altérés")
    if m.odds == _odds(t["closing_odds"]):
        check.closing_ok += 1
    else:
        check._problem(
            f"match {event_id} : cotes de clôture {m.odds} au lieu de {t['closing_odds']}"
        )
    if m.opening_odds == _odds(t["opening_odds"]):
        check.opening_ok += 1

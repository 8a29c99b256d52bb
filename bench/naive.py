"""The original collector's algorithm, kept only as the benchmarks' point of comparison.

For each finished event of the answer it opens the CSV and scans it from the top for the same
event id, or the same teams and league (the original app's duplicate test), and appends the
match when nothing matched. Only finished events are looked up (the original saves nothing
else), which is the cheapest reading of it: every lookup of a new match still reads the whole
file, so one cycle costs O(finished events x rows stored).
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ORIGINAL_COLUMNS = (
    "timestamp_utc", "event_id", "league", "team1", "team2", "odds_1", "odds_x", "odds_2",
    "score1", "score2", "status", "outcome",
)  # fmt: skip


def is_finished(event: dict[str, Any]) -> bool:
    sc = event.get("SC") or {}
    return event.get("F") is True or sc.get("GS") == 1 or sc.get("CPS") == "Jeu terminé"


def already_stored(path: Path, event_id: str, team1: str, team2: str, league: str) -> bool:
    """The original duplicate test: one full read of the file per event."""
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("event_id") == event_id:
                return True
            if (row.get("team1"), row.get("team2"), row.get("league")) == (team1, team2, league):
                return True
    return False


def naive_cycle(body: bytes, path: Path) -> int:
    """One cycle of the original collector on an already fetched answer; rows appended."""
    events = json.loads(body.decode("utf-8")).get("Value") or []
    written = 0
    for event in events:
        if not is_finished(event):
            continue
        event_id, team1, team2 = str(event["I"]), str(event["O1"]), str(event["O2"])
        league = str(event.get("L", ""))
        if already_stored(path, event_id, team1, team2, league):
            continue
        fs = (event.get("SC") or {}).get("FS") or {}
        s1, s2 = int(fs.get("S1", 0)), int(fs.get("S2", 0))
        outcome = "1" if s1 > s2 else "2" if s2 > s1 else "N"
        with path.open("a", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerow(
                [
                    datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                    event_id,
                    league,
                    team1,
                    team2,
                    "",
                    "",
                    "",
                    s1,
                    s2,
                    "Jeu terminé",
                    outcome,
                ]
            )
        written += 1
    return written

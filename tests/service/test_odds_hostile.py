"""Hostile selections in a real capture served over HTTP: refused with a French reason in the
log, never stored; the event's other selections are stored as usual."""

from __future__ import annotations

import json

from oracxpred.store.csv.store import CsvStore
from tests.helpers import StaticFeed, run_collector

HOSTILE = [
    {"G": 17, "T": 9, "P": 1e300, "C": 1.9},  # a line no market has
    {"G": 1, "T": 1, "C": float("nan")},  # NaN: the reference JSON path reads it
    {"G": 2, "T": 7, "P": "2.5", "C": 1.8},  # a string for a number
    {"G": 8, "T": 4, "C": "1.3"},
]


def test_hostile_selections_are_refused_and_never_stored(fixtures_dir, tmp_path):
    body = json.loads((fixtures_dir / "fifa_prematch_trimmed_1.json").read_bytes())
    (event,) = body["Value"]
    original = {(m["G"], m["T"], m.get("P")): m["C"] for m in reversed(event["E"])}
    event["E"] = [*event["E"], *HOSTILE]
    csv_path = tmp_path / "matches.csv"
    with StaticFeed(json.dumps(body).encode()) as feed:
        result = run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path))
    assert result.returncode == 0, result.stdout + result.stderr
    log = result.stdout + result.stderr
    assert "[WARNING] [COLLECTOR-SERVICE] 4 sélection(s) de cotes refusée(s) dans ce cycle" in log
    assert f"(événement {event['I']} : P hors limites" in log
    rows = list(CsvStore(csv_path).iter_odds())
    assert all(r.event_id == event["I"] for r in rows)
    # Exactly the honest selections, at their own prices (the hostile 1X2 home and double
    # chance 1X come after the honest ones: the first entry of a selection counts).
    assert {(r.group, r.type, r.param): r.price for r in rows} == original

"""The collector's own rows go through ``core.validate`` like imports do: a finished match the
rule refuses (here a start in 1970) is said once at WARNING and never stored."""

from __future__ import annotations

import json

from oracxpred.store.csv.store import CsvStore
from tests.helpers import StaticFeed, run_collector


def test_an_impossible_match_from_the_feed_is_refused_once(fixtures_dir, tmp_path):
    answer = json.loads((fixtures_dir / "fifa_finished_16.json").read_text(encoding="utf-8"))
    bad = answer["Value"][0]
    bad["S"] = 1000  # 1970-01-01: before 2015
    csv_path = tmp_path / "matches.csv"
    with StaticFeed(json.dumps(answer).encode("utf-8")) as feed:
        first = run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path))
        again = run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path))
    assert first.returncode == again.returncode == 0, first.stdout + first.stderr
    line = (
        f"[WARNING] [COLLECTOR-SERVICE] Match {bad['I']} ({bad['O1']} vs {bad['O2']}) "
        "non enregistré : start_time_utc hors période : 1970-01-01 00:16:40"
    )
    assert line in first.stdout
    assert "non enregistré" not in again.stdout  # forgotten, not offered every cycle
    with CsvStore(csv_path) as store:
        stored = {m.event_id for m in store.iter_matches()}
    assert len(stored) == 15
    assert bad["I"] not in stored

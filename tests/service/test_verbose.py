"""``--verbose`` gives what the troubleshooting table promises: one decision per event."""

from __future__ import annotations

import re

from tests.helpers import StaticFeed, run_collector


def test_verbose_logs_one_decision_line_per_event(fixtures_dir, tmp_path):
    """``-v``: in DEBUG, each event gets one short French line saying what was decided."""
    body = (fixtures_dir / "fifa_finished_16.json").read_bytes()
    csv_path = tmp_path / "matches.csv"
    with StaticFeed(body) as feed:
        first = run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path), "-v")
        again = run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path), "-v")
    assert first.returncode == again.returncode == 0
    decision = re.compile(r"\[DEBUG\] \[COLLECTOR-SERVICE\] Événement (\d+) \(.+ vs .+\) : (.+)")
    saved = [m for m in decision.findall(first.stdout) if m[1].startswith("terminé et enregistré")]
    seen = [m for m in decision.findall(first.stdout) if m[1].startswith("terminé dans le flux")]
    assert len(saved) == len(seen) == 16
    ignored = [m for m in decision.findall(again.stdout) if "déjà enregistré" in m[1]]
    assert len(ignored) == 16
    quiet = run_collector("--feed-url", "http://127.0.0.1:9/x", "--csv-path", str(csv_path))
    assert "[DEBUG]" not in quiet.stdout

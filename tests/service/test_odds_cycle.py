"""The cycle writes the change-only odds timeline (issue 14) through the real simulator."""

from __future__ import annotations

from oracxpred.collector.cycle import Collector
from oracxpred.config import Settings
from oracxpred.core.records import OddsRow
from oracxpred.simulator.server import start_simulator
from oracxpred.store.csv.store import CsvStore
from tests.service.support import advance_until_new_finish


def test_cycles_write_a_change_only_timeline(tmp_path) -> None:
    with start_simulator() as sim:
        seen = advance_until_new_finish(sim, set())
        store = CsvStore(tmp_path / "matches.csv")
        collector = Collector(Settings(feed_url=sim.feed_url, csv_path=store.path), store)
        try:
            collector.run_cycle()
            first = list(store.iter_odds())
            collector.run_cycle()  # same feed instant or a little later
            advance_until_new_finish(sim, seen)
            collector.run_cycle()
        finally:
            collector.close()
            store.close()
    rows = list(CsvStore(tmp_path / "matches.csv").iter_odds())
    assert first
    assert rows[: len(first)] == first
    last: dict[tuple[int, int, int, float | None], OddsRow] = {}
    for row in rows:
        key = (row.event_id, row.group, row.type, row.param)
        before = last.get(key)
        if before is not None and not before.removed and not row.removed:
            same = (before.price, before.blocked, before.central)
            assert same != (row.price, row.blocked, row.central), row  # never an unchanged row
        last[key] = row
    assert {r.phase for r in rows} >= {"prematch"}

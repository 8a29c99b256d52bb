"""What one cycle says at INFO (issue 12, item 14): an empty cycle, one summary line; the first
cycle and every cycle with something to tell, the spec's lines (docs/operations.md §7) as before."""

from __future__ import annotations

import logging
import re

import pytest

from oracxpred.collector.cycle import Collector
from oracxpred.config import Settings
from oracxpred.simulator.server import start_simulator
from oracxpred.store.csv.store import CsvStore
from tests.helpers import debug_log
from tests.service.support import SAVED, START, SUCCESS, SUMMARY, advance_until_new_finish

LEVEL = re.compile(r"^\[[^]]+\] \[(\w+)\] \[COLLECTOR-SERVICE\] (.*)$")


def taker(stream):
    def take() -> list[tuple[str, str]]:
        out = [LEVEL.match(line) for line in stream.getvalue().splitlines()]
        stream.seek(0)
        stream.truncate()
        return [(m[1], m[2]) for m in out if m]

    return take


@pytest.fixture
def lines():
    """The lines at INFO and above, as without --verbose."""
    with debug_log(logging.INFO) as stream:
        yield taker(stream)


@pytest.fixture
def verbose_lines():
    with debug_log() as stream:
        yield taker(stream)


def info(taken: list[tuple[str, str]]) -> list[str]:
    return [text for level, text in taken if level == "INFO"]


def three_cycles(tmp_path, take):
    """First cycle (a match to save), an empty one, one that saves a new match: INFO lines."""
    out = []
    with start_simulator() as sim:
        seen = advance_until_new_finish(sim, set())
        store = CsvStore(tmp_path / "m.csv")
        collector = Collector(Settings(feed_url=sim.feed_url, csv_path=store.path), store)
        try:
            collector.run_cycle()
            out.append(info(take()))
            collector.run_cycle()
            out.append(info(take()))
            advance_until_new_finish(sim, seen)
            collector.run_cycle()
            out.append(info(take()))
        finally:
            collector.close()
            store.close()
    return out


def spec_lines(cycle: list[str]) -> None:
    """START, the saved matches, SUCCESS, the summary: docs/operations.md §7, as before."""
    assert cycle[0] == START
    assert cycle[1].startswith(SAVED)
    assert cycle[-2] == SUCCESS
    assert cycle[-1].startswith(SUMMARY)


def test_an_empty_cycle_logs_one_info_line_and_busy_ones_the_spec_lines(tmp_path, lines):
    first, empty, busy = three_cycles(tmp_path, lines)
    spec_lines(first)
    assert len(empty) == 1
    assert empty[0].startswith(SUMMARY + "0 sauvegardé(s)")
    spec_lines(busy)


def test_verbose_cycles_say_all_three_lines_each_time(tmp_path, verbose_lines):
    first, empty, busy = three_cycles(tmp_path, verbose_lines)
    spec_lines(first)
    assert empty[0] == START
    assert empty[-2:][0] == SUCCESS
    assert empty[-1].startswith(SUMMARY)
    spec_lines(busy)


def test_a_failed_cycle_says_start_before_its_error(tmp_path, lines):
    with start_simulator() as sim:
        store = CsvStore(tmp_path / "m.csv")
        settings = Settings(feed_url=sim.feed_url, csv_path=store.path, retries=0)
        collector = Collector(settings, store)
        try:
            collector.run_cycle()
            lines()
            sim.set_faults("500", count=5)
            with pytest.raises(Exception, match="500"):
                collector.run_cycle()
            taken = [(level, text) for level, text in lines() if level != "DEBUG"]
            assert taken[0] == ("INFO", START)
            assert taken[-1][0] == "ERROR"
            assert taken[-1][1].startswith("Échec de la collecte")
        finally:
            collector.close()
            store.close()

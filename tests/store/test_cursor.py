"""The incremental cursor (``matches_after``) on every backend: ingestion order, not start
time; a consumer keeping ``next_seq`` sees every match exactly once."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracxpred.core.records import FinishedMatch, FinishSource
from oracxpred.errors import StoreError
from oracxpred.store.base import CursorItem, Store
from oracxpred.store.spool.store import SpoolingStore
from tests.store.conftest import BASE_TIME, match


def _drain(store: Store, after: int, limit: int) -> tuple[list[CursorItem], int]:
    seen: list[CursorItem] = []
    while True:
        page = store.matches_after(after, limit)
        assert page.next_seq >= after
        if not page.items:
            return seen, after
        assert [i.seq for i in page.items] == sorted(i.seq for i in page.items)
        assert all(i.seq > after for i in page.items)
        seen.extend(page.items)
        after = page.next_seq


def _late(event_id: int, source: FinishSource, hours: int) -> FinishedMatch:
    """A match that started long before the ones already stored."""
    old = BASE_TIME - timedelta(hours=hours)
    return replace(
        match(event_id), finish_source=source, start_time=old, collected_at=old, odds_at=None
    )


def test_cursor_pages_in_ingestion_order_with_late_rows(store: Store) -> None:
    first, after = _drain(store, 0, 3)
    assert (first, after) == ([], 0)
    store.save_matches([match(i) for i in range(1, 6)])
    seen, after = _drain(store, after, 2)
    assert [i.match.event_id for i in seen] == [1, 2, 3, 4, 5]
    # Interleaved: a late results-service resolution, a backfill row, a re-save of 3 (a no-op)
    store.save_matches([_late(900, FinishSource.RESULTS, 5), match(3), match(6)])
    store.save_matches([_late(901, FinishSource.BACKFILL, 72)])
    store.save_matches([replace(match(4), score1=9)])
    more, after = _drain(store, after, 2)
    assert [i.match.event_id for i in more] == [900, 6, 901]
    assert more[0].match == _late(900, FinishSource.RESULTS, 5)
    every = seen + more
    assert len({i.seq for i in every}) == len(every)
    # seqs are stable: reading from 0 again gives the same numbering
    again, last = _drain(store, 0, 1000)
    assert [(i.seq, i.match.event_id) for i in again] == [(i.seq, i.match.event_id) for i in every]
    assert last == after == every[-1].seq
    assert all(i.ingested_at.tzinfo is not None for i in every)
    # nothing newer: the same next_seq comes back
    assert store.matches_after(after, 10).next_seq == after


def test_cursor_limit_and_seq_beyond_the_end(store: Store) -> None:
    store.save_matches([match(i) for i in range(1, 8)])
    page = store.matches_after(0, 3)
    assert len(page.items) == 3
    assert page.next_seq == page.items[-1].seq
    assert store.matches_after(10**9, 5).items == ()
    ingested = [i.ingested_at for i in store.matches_after(0, 100).items]
    assert ingested == sorted(ingested)


def test_concurrent_writers_never_share_a_seq(store: Store) -> None:
    """Two writers at once (the lease normally prevents it): every seq distinct."""
    errors: list[StoreError] = []

    def write(base: int) -> None:
        try:
            for n in range(5):
                store.save_matches([match(base + n * 10 + k) for k in range(10)])
        except StoreError as exc:  # the lock serialises them: nothing is refused
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(b,)) for b in (1000, 5000)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    items, _ = _drain(store, 0, 37)
    assert len({i.seq for i in items}) == len(items)
    assert len({i.match.event_id for i in items}) == len(items)
    assert errors == []
    assert len(items) == store.count_matches() == 100


@pytest.mark.parametrize("limit", [1, 1000])
def test_spool_wrapper_forwards_the_cursor(tmp_path: object, store: Store, limit: int) -> None:
    from pathlib import Path

    from oracxpred.store.csv.store import CsvStore

    spool = CsvStore(Path(str(tmp_path)) / "spool.csv")
    wrapped = SpoolingStore(store, spool)
    wrapped.save_matches([match(1), match(2)])
    items, _ = _drain(wrapped, 0, limit)
    assert [i.match.event_id for i in items] == [1, 2]


_BATCHES = st.lists(
    st.tuples(
        st.lists(st.integers(0, 30), max_size=8),  # event ids (repeats = idempotent re-saves)
        st.sampled_from(list(FinishSource)),
        st.integers(0, 500),  # hours before BASE_TIME: late resolutions and backfills
        st.integers(1, 7),  # the consumer's page size before this batch
    ),
    max_size=8,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=_BATCHES)
def test_a_consumer_keeping_next_seq_sees_each_match_once(
    store: Store, batches: list[tuple[list[int], FinishSource, int, int]]
) -> None:
    """Saves and reads interleaved at random: every match once, in the order first stored."""
    offset = store.last_seq() * 100 + 10**6  # each example its own ids on the shared store
    after = store.last_seq()
    seen: list[int] = []
    stored: list[int] = []
    for ids, source, hours, limit in batches:
        page = store.matches_after(after, limit)
        seen.extend(i.match.event_id for i in page.items)
        after = page.next_seq
        batch = [_late(offset + i, source, hours) for i in ids]
        report = store.save_matches(batch)
        stored.extend(report.saved)
    rest, _ = _drain(store, after, 3)
    seen.extend(i.match.event_id for i in rest)
    assert seen == stored

"""Wrappers and the spool's replay on real CSV stores: no database needed.

``DelegatingStore`` must forward the whole ``Store`` contract (a method added to ``Store`` and
forgotten there would silently fall back to a default on every wrapped store), the daemon's
guard must hold its lock around writes, and the replay driver must move everything once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from oracxpred.collector.schedule import GuardedStore
from oracxpred.core.records import FinishedMatch
from oracxpred.errors import StoreNotWritable
from oracxpred.store.base import SaveReport, Store
from oracxpred.store.csv.store import CsvStore
from oracxpred.store.spool.mirror import TrackingMirror, mirror_path
from oracxpred.store.spool.replay import SpoolReplay
from oracxpred.store.spool.store import SpoolingStore
from oracxpred.store.transfer.copy import import_by_copy
from oracxpred.store.transfer.report import ImportReport
from oracxpred.store.wrapper import DelegatingStore
from tests.store.conftest import match
from tests.store.test_contract import beat

NOT_FORWARDED = {"emptied", "__enter__", "__exit__"}
"""A wrapper is never a spool (``emptied``); entering and leaving are the base's own."""


def test_delegating_store_forwards_every_store_member() -> None:
    members = {
        name
        for name, value in vars(Store).items()
        if (callable(value) or isinstance(value, property))
        and (not name.startswith("_") or name in ("__enter__", "__exit__"))
    }
    missing = sorted(members - NOT_FORWARDED - set(vars(DelegatingStore)))
    assert not missing, f"DelegatingStore does not forward: {missing}"


def test_a_wrapped_csv_store_reads_and_writes_through(tmp_path: Path) -> None:
    inner = CsvStore(tmp_path / "m.csv")
    with DelegatingStore(inner) as store:
        assert store.save_matches([match(1), match(2)]).saved == (1, 2)
        assert store.stored_ids([1, 3]) == {1}
        assert store.count_matches() == 2
        assert store.target == inner.target == str(tmp_path / "m.csv")
        assert store.path == inner.path
        assert not store.copies_lines
        assert store.spool_state() is None
        assert store.replay_spool() == 0
        with pytest.raises(NotImplementedError):
            store.emptied()


class _LockCheckingCsv(CsvStore):
    """Records whether the guard's lock was held during each write."""

    guard: GuardedStore | None = None
    seen: list[bool]

    def save_matches(self, matches: Sequence[FinishedMatch]) -> SaveReport:
        assert self.guard is not None
        self.seen.append(self.guard.write_lock.locked())
        return super().save_matches(matches)

    def replay_spool(self) -> int:
        assert self.guard is not None
        self.seen.append(self.guard.write_lock.locked())
        return 0


def test_guarded_store_holds_its_lock_around_writes_and_replays(tmp_path: Path) -> None:
    inner = _LockCheckingCsv(tmp_path / "m.csv")
    inner.seen = []
    guard = inner.guard = GuardedStore(inner)
    assert guard.save_matches([match(1)]) == SaveReport(saved=(1,))
    guard.replay_spool()
    assert inner.seen == [True, True]
    assert not guard.write_lock.locked()
    guard.close()


def test_the_spool_must_be_emptiable(tmp_path: Path) -> None:
    primary = CsvStore(tmp_path / "primary.csv")
    wrapped = DelegatingStore(CsvStore(tmp_path / "spool.csv"))
    with pytest.raises(TypeError, match="emptiable"):
        SpoolingStore(primary, wrapped)


def test_replay_moves_matches_in_budgets_then_state_and_heartbeats(tmp_path: Path) -> None:
    primary = CsvStore(tmp_path / "primary.csv")
    spool: Store = CsvStore(tmp_path / "spool.csv")
    spool.save_matches([match(1), match(2), match(3)])
    spool.save_tracking({"cycle": 7})
    spool.record_heartbeat(beat(1))
    mirror = TrackingMirror(mirror_path(spool))
    replay = SpoolReplay(mirror, chunk=1, budget=2)
    assert replay.pending(spool) == 3

    written, spool = replay.run(primary, spool)
    assert (written, replay.pending(spool)) == (2, 1)
    assert primary.load_tracking() is None  # nothing but matches before all are confirmed

    written, spool = replay.run(primary, spool)
    assert written == 1
    assert [m.event_id for m in primary.iter_matches()] == [1, 2, 3]
    assert primary.load_tracking() == {"cycle": 7}
    assert [b.started_at for b in primary.recent_heartbeats()] == [beat(1).started_at]
    assert mirror.load() == {"cycle": 7}
    assert spool.count_matches() == 0
    assert spool.load_tracking() is None
    assert not (tmp_path / "spool.csv").exists()
    assert replay.pending(spool) == 0


def test_a_spool_that_cannot_be_emptied_says_so_in_french(tmp_path: Path) -> None:
    spool = CsvStore(tmp_path / "spool.csv")
    spool.save_matches([match(1)])
    spool.heartbeat_path.mkdir()  # unlink() of a directory fails, even as root
    (spool.heartbeat_path / "x").write_text("x")
    with pytest.raises(StoreNotWritable, match=r"Attente locale .* impossible à vider"):
        spool.emptied()


def test_import_by_copy_needs_an_sql_store(tmp_path: Path) -> None:
    store = CsvStore(tmp_path / "m.csv")
    report = ImportReport(tmp_path / "in.csv")
    with pytest.raises(TypeError, match="SqlStore"):
        import_by_copy(tmp_path / "in.csv", [], store, report, None, 1, datetime.now(UTC))  # type: ignore[arg-type]

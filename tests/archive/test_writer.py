"""The archive's files: format, compaction, torn lines, retention, concurrent writers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from oracxpred.archive.files import compact, prune
from oracxpred.archive.reader import merged, stats
from oracxpred.archive.record import decode
from oracxpred.archive.writer import ArchiveWriter
from oracxpred.feed.exchange import FEED, TRANSIENT, Exchange
from tests.helpers import REPO

T0 = datetime(2026, 12, 2, 14, 0, tzinfo=UTC).timestamp()


def exchange(at: float, body: bytes | None = b'{"Value":[]}', **changes) -> Exchange:
    base = Exchange(
        kind=FEED,
        attempt=1,
        url="http://127.0.0.1/LiveFeed/Get1x2_VZip?sports=85",
        started_at=at - 0.01,
        received_at=at,
        latency_ms=10.0,
        status=200,
        date="Wed, 02 Dec 2026 14:00:00 GMT",
        ctype="application/json",
        body=body,
    )
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def test_record_keeps_text_bodies_as_text_and_others_as_base64(tmp_path):
    writer = ArchiveWriter(tmp_path, clock=lambda: T0)
    writer(exchange(T0, "Équipe «A»\n".encode()))
    writer(exchange(T0 + 1, b"\xff\xfe not utf-8"))
    writer(exchange(T0 + 2, None, status=None, error=TRANSIENT, reason="délai dépassé"))
    raw = tmp_path / "2026/12/02/14.jsonl"
    first, second, third = (json.loads(line) for line in lines(raw))
    assert first["body"] == "Équipe «A»\n"
    assert first["b64"] is False
    assert second["b64"] is True
    assert decode(lines(raw)[1]).body_bytes() == b"\xff\xfe not utf-8"
    assert third["error"] == "transient"
    assert third["body"] is None
    assert third["status"] is None
    assert first["t"] == "2026-12-02T14:00:00.000000Z"
    assert first["ms"] == 10.0


def test_secrets_never_reach_the_archive(tmp_path):
    writer = ArchiveWriter(tmp_path, clock=lambda: T0)
    url = "http://user:s3cret@127.0.0.1/LiveFeed/Get1x2_VZip?sports=85&password=s3cret&lng=fr"
    writer(exchange(T0, url=url))
    text = (tmp_path / "2026/12/02/14.jsonl").read_text()
    assert "s3cret" not in text
    assert "user:***@" in text


def test_first_record_of_a_new_hour_compacts_the_previous_ones(tmp_path):
    writer = ArchiveWriter(tmp_path, clock=lambda: T0)
    for i in range(50):
        writer(exchange(T0 + i * 60, json.dumps({"Value": [{"I": i}] * 50}).encode()))
    writer(exchange(T0 + 3600))
    assert not (tmp_path / "2026/12/02/14.jsonl").exists()
    zst = tmp_path / "2026/12/02/14.jsonl.zst"
    assert zst.exists()
    assert (tmp_path / "2026/12/02/15.jsonl").exists()
    found = stats([tmp_path])
    assert (found.records, found.hours, found.pending_hours, found.torn) == (51, 2, 1, 0)
    assert found.ratio > 5
    if shutil.which("zstdcat"):  # the format is open: standard tools read it
        out = subprocess.run(["zstdcat", str(zst)], capture_output=True, check=True).stdout
        assert len(out.splitlines()) == 50
        assert json.loads(out.splitlines()[0])["kind"] == "feed"


def test_torn_last_line_is_skipped_with_a_note_and_the_next_record_starts_clean(tmp_path):
    raw = tmp_path / "2026/12/02/14.jsonl"
    writer = ArchiveWriter(tmp_path, clock=lambda: T0)
    writer(exchange(T0))
    with open(raw, "ab") as out:  # a record cut by SIGKILL
        out.write(b'{"v":1,"t":"2026-12-02T14:00:01.000000Z","kind":"fe')
    notes: list = []
    assert len(list(merged([tmp_path], notes))) == 1
    assert [n.what for n in notes] == ["tronqué"]
    assert not notes[0].fatal
    writer(exchange(T0 + 2))
    notes = []
    assert len(list(merged([tmp_path], notes))) == 2
    assert len(notes) == 1  # still the torn one, the new record is whole
    done = compact(tmp_path, "2026/12/02/14")
    assert done is not None
    assert (done.records, done.torn) == (2, 1)
    assert stats([tmp_path]).torn == 0
    assert stats([tmp_path]).records == 2


def test_damaged_compacted_file_is_a_problem(tmp_path):
    writer = ArchiveWriter(tmp_path, clock=lambda: T0)
    for i in range(20):
        writer(exchange(T0 + i, json.dumps({"Value": list(range(i * 50))}).encode()))
    compact(tmp_path, "2026/12/02/14")
    zst = tmp_path / "2026/12/02/14.jsonl.zst"
    zst.write_bytes(zst.read_bytes()[:-20])
    found = stats([tmp_path])
    assert [n.fatal for n in found.problems] == [True]


def test_late_writer_after_compaction_is_folded_into_the_same_hour(tmp_path):
    writer = ArchiveWriter(tmp_path, clock=lambda: T0)
    writer(exchange(T0))
    compact(tmp_path, "2026/12/02/14")
    writer._maintained = None
    writer(exchange(T0 + 10))  # same hour, after its compaction
    assert stats([tmp_path]).records == 2
    compact(tmp_path, "2026/12/02/14")
    found = stats([tmp_path])
    assert (found.records, found.pending_hours) == (2, 0)


def test_crash_between_rename_and_raw_removal_does_not_double_the_hour(tmp_path):
    writer = ArchiveWriter(tmp_path, clock=lambda: T0)
    for i in range(3):
        writer(exchange(T0 + i))
    raw = tmp_path / "2026/12/02/14.jsonl"
    kept = raw.read_bytes()
    compact(tmp_path, "2026/12/02/14")
    raw.write_bytes(kept)  # the raw file the killed compaction did not remove
    writer._maintained = None
    writer(exchange(T0 + 10))  # and a late record of the same hour
    done = compact(tmp_path, "2026/12/02/14")
    assert done is not None
    assert done.records == 4
    found = stats([tmp_path])
    assert (found.records, found.pending_hours) == (4, 0)


def test_retention_prunes_old_hours_and_empty_folders(tmp_path):
    writer = ArchiveWriter(tmp_path, keep_days=0, clock=lambda: T0)
    for day in range(5):
        writer(exchange(T0 - day * 86400))
    assert prune(tmp_path, 0, T0) == 0  # 0 keeps everything
    assert prune(tmp_path, 2, T0) == 2
    assert sorted(p.name for p in (tmp_path / "2026/11").iterdir()) == ["30"]
    assert stats([tmp_path]).records == 3


def test_retention_runs_when_the_hour_changes(tmp_path):
    (tmp_path / "2026/08/01").mkdir(parents=True)
    (tmp_path / "2026/08/01/10.jsonl.zst").write_bytes(b"")
    writer = ArchiveWriter(tmp_path, keep_days=90, clock=lambda: T0)
    writer(exchange(T0))
    assert not (tmp_path / "2026/08").exists()


def test_a_compaction_killed_half_way_leaves_a_temporary_that_is_dropped_later(tmp_path):
    import os

    writer = ArchiveWriter(tmp_path, clock=lambda: T0)
    writer(exchange(T0))
    stale = tmp_path / "2026/12/02/13.jsonl.zst.tmp-999999"
    stale.write_bytes(b"partial")
    os.utime(stale, (T0, T0))
    fresh = tmp_path / "2026/12/02/14.jsonl.zst.tmp-1"
    fresh.write_bytes(b"in progress")
    writer(exchange(T0 + 3600))
    assert not stale.exists()
    assert fresh.exists()
    assert stats([tmp_path]).records == 2


WRITER = """
import sys
from pathlib import Path
from tests.archive.test_writer import T0, exchange
from oracxpred.archive.writer import ArchiveWriter
writer = ArchiveWriter(Path(sys.argv[1]), clock=lambda: T0)
tag = sys.argv[2].encode()
for i in range(300):
    writer(exchange(T0 + i / 1000, tag * (1000 + 97 * i)))
"""


def test_two_processes_writing_never_interleave_lines(tmp_path):
    """A daemon and a one-shot run may both append to the same hour's file."""
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), tag], cwd=REPO)
        for tag in ("a", "b")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    records = [decode(line) for line in lines(tmp_path / "2026/12/02/14.jsonl")]
    assert len(records) == 600
    for record in records:
        assert record.body is not None
        assert set(record.body) in ({"a"}, {"b"})


@pytest.mark.parametrize("keep", ["-1", "x"])
def test_keep_days_must_be_a_whole_number(keep):
    from oracxpred.config import load_settings
    from oracxpred.errors import ConfigError

    with pytest.raises(ConfigError, match="conservation"):
        load_settings({}, {"ORACXPRED_ARCHIVE_KEEP_DAYS": keep})


def test_archive_settings_follow_flag_env_default(tmp_path):
    from oracxpred.config import load_settings

    assert load_settings({}, {}).archive_path == Path("data/archive")
    csv = load_settings({"csv_path": str(tmp_path / "m.csv")}, {})
    assert csv.archive_path == tmp_path / "archive"
    assert csv.archive
    sql = load_settings({}, {"DATABASE_URL": "sqlite:///x.db"})
    assert sql.archive_path == Path("data") / "archive"
    env = load_settings({}, {"ORACXPRED_ARCHIVE_DIR": "/x", "ORACXPRED_ARCHIVE_KEEP_DAYS": "0"})
    assert env.archive_path == Path("/x")
    assert env.archive_keep_days == 0
    flag = load_settings({"archive_dir": "/y", "no_archive": True}, {"ORACXPRED_ARCHIVE_DIR": "/x"})
    assert flag.archive_path == Path("/y")
    assert not flag.archive


def _open_fds_on(path: Path) -> int:
    fds = Path("/proc/self/fd")
    count = 0
    for fd in fds.iterdir():
        try:
            count += fd.resolve() == path.resolve()
        except OSError:
            continue
    return count


def test_writer_keeps_one_file_open_and_follows_an_unlinked_file(tmp_path):
    """No re-opening per record; a raw file removed under the writer (compaction or pruning
    by another process) is never written into: the next record starts a fresh file."""
    raw = tmp_path / "2026/12/02/14.jsonl"
    writer = ArchiveWriter(tmp_path, clock=lambda: T0)
    for i in range(5):
        writer(exchange(T0 + i))
    assert _open_fds_on(raw) == 1
    raw.unlink()  # as another process's pruning would
    writer(exchange(T0 + 6))
    assert [decode(line).t for line in lines(raw)] == ["2026-12-02T14:00:06.000000Z"]
    writer.close()
    assert _open_fds_on(raw) == 0
    writer(exchange(T0 + 7))  # a closed writer simply opens the file again
    assert len(lines(raw)) == 2
    writer.close()

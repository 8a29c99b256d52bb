"""CsvStore quirks: adoption of the original file, torn-line repair, formula neutralising,
read-only and full disks, two processes at once, side files, tail-only refresh."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from filelock import FileLock

from oracxpred.core.records import (
    MATCH_COLUMNS,
    ORIGINAL_COLUMNS,
    FinishedMatch,
    FinishSource,
    Odds1X2,
    Outcome,
)
from oracxpred.errors import StoreCorrupted, StoreNotWritable, StoreUnavailable
from oracxpred.store.base import Heartbeat
from oracxpred.store.csv.file import OUR_COLUMNS
from oracxpred.store.csv.store import CsvStore
from tests.helpers import REPO, need, wait_until

LOGGER = "oracxpred.store.csv.store"
T0 = datetime(2025, 12, 6, 10, 30, 45, tzinfo=UTC)
ORIGINAL_HEADER = ",".join(ORIGINAL_COLUMNS)


def match(event_id: int, **overrides: object) -> FinishedMatch:
    values: dict[str, object] = {
        "event_id": event_id,
        "collected_at": T0 + timedelta(seconds=event_id % 1000),
        "league": "FIFA 23. Virtual League",
        "team1": "Arsenal",
        "team2": "Chelsea",
        "score1": 2,
        "score2": 1,
        "status": "Jeu terminé",
        "outcome": Outcome.HOME,
        "finish_source": FinishSource.FEED,
        "odds": Odds1X2(1.85, 3.4, 4.1),
    }
    values.update(overrides)
    return FinishedMatch(**values)  # type: ignore[arg-type]


def records(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f))


@pytest.fixture
def csv_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "matches.csv"


# --- idempotence and batches -------------------------------------------------------------


def test_save_is_idempotent_on_event_id(csv_path):
    store = CsvStore(csv_path)
    first = store.save_matches([match(1), match(2), match(1)])
    assert first.saved == (1, 2)
    assert first.duplicates == (1,)
    again = store.save_matches([match(2, team1="Autre"), match(3)])
    assert again.saved == (3,)
    assert again.duplicates == (2,)
    assert [r[1] for r in records(csv_path)[1:]] == ["1", "2", "3"]
    assert [m.team1 for m in store.iter_matches()] == ["Arsenal"] * 3
    assert store.stored_ids([1, 3, 4]) == {1, 3}
    assert store.count_matches() == 3


def test_new_file_gets_the_full_header_and_one_block_per_batch(csv_path):
    store = CsvStore(csv_path)
    store.save_matches([match(1), match(2)])
    rows = records(csv_path)
    assert tuple(rows[0]) == OUR_COLUMNS
    assert len(rows) == 3
    assert csv_path.read_bytes().endswith(b"\r\n")
    assert store.describe().schema_version == "csv-v1"


def test_empty_batch_creates_nothing(csv_path):
    store = CsvStore(csv_path)
    assert store.save_matches([]).saved == ()
    assert not csv_path.parent.exists()
    info = store.describe()
    assert info.row_count == 0
    assert info.writable
    assert "absent" in info.details[0]


def test_matches_read_back_equal_what_was_saved(csv_path):
    saved = [match(1), match(2, odds=None, halftime=None, team2='Real "Madrid", B\nII')]
    with CsvStore(csv_path) as store:
        store.save_matches(saved)
    assert list(CsvStore(csv_path).iter_matches()) == saved


def test_another_process_append_is_seen_without_reopening(csv_path):
    mine, theirs = CsvStore(csv_path), CsvStore(csv_path)
    mine.save_matches([match(1)])
    theirs.save_matches([match(2)])
    assert mine.stored_ids([2]) == {2}
    assert mine.save_matches([match(2), match(3)]).duplicates == (2,)
    assert theirs.count_matches() == 3


def test_threads_sharing_a_store_never_write_an_id_twice(csv_path):
    store = CsvStore(csv_path)
    other = CsvStore(csv_path)

    def work(s: CsvStore, ids: list[int]) -> None:
        for start in range(0, len(ids), 5):
            s.save_matches([match(i) for i in ids[start : start + 5]])

    ids = list(range(200))
    threads = [
        threading.Thread(target=work, args=(store, ids)),
        threading.Thread(target=work, args=(store, ids[::-1])),
        threading.Thread(target=work, args=(other, ids[50:150])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = [int(r[1]) for r in records(csv_path)[1:]]
    assert sorted(stored) == ids


# --- adoption of the original app's file ---------------------------------------------------

ORIGINAL_CONTENT = (
    ORIGINAL_HEADER + "\r\n"
    "2025-12-06 10:30:45,101,FIFA 23,Arsenal,Chelsea,1.85,3.4,4.1,2,1,Jeu terminé,1\r\n"
    "2025-12-06 10:31:45,102,FIFA 23,Milan,Inter,2.1,3.3,3.2,1,1,Jeu terminé,X\r\n"
    "2025-12-06 10:32:45,101,FIFA 23,Arsenal,Chelsea,1.85,3.4,4.1,2,1,Jeu terminé,1\r\n"
    "2025-12-06T10:33:45Z,103,FIFA 23,Lyon,Nice,,,,0,2,Jeu terminé,\r\n"
)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_original_file_is_adopted_as_is(csv_path, bom):
    csv_path.parent.mkdir(parents=True)
    original = bom + ORIGINAL_CONTENT.encode()
    csv_path.write_bytes(original)
    store = CsvStore(csv_path)
    info = store.describe()
    assert info.schema_version == "original"
    assert info.row_count == 3
    assert info.last_collection == datetime(2025, 12, 6, 10, 33, 45, tzinfo=UTC)
    assert any("1 ligne(s) en double" in d and "101" in d for d in info.details)
    assert csv_path.read_bytes() == original

    report = store.save_matches([match(101), match(104, team1="=HYPERLINK()")])
    assert report.saved == (104,)
    assert report.duplicates == (101,)
    content = csv_path.read_bytes()
    assert content.startswith(original)
    appended = content[len(original) :].decode()
    assert appended.endswith("\r\n")
    assert next(csv.reader(io.StringIO(appended))) == [
        "2025-12-06T10:32:29Z",
        "104",
        "FIFA 23. Virtual League",
        "'=HYPERLINK()",
        "Chelsea",
        "1.85",
        "3.4",
        "4.1",
        "2",
        "1",
        "Jeu terminé",
        "1",
    ]
    read = list(CsvStore(csv_path).iter_matches())
    assert [m.event_id for m in read] == [101, 102, 103, 104]
    assert [m.outcome for m in read[:3]] == [Outcome.HOME, Outcome.DRAW, Outcome.AWAY]
    assert read[3].team1 == "=HYPERLINK()"


def test_original_file_with_extra_columns_keeps_its_layout(csv_path):
    csv_path.parent.mkdir(parents=True)
    header = ORIGINAL_HEADER + ",note,league_id"
    csv_path.write_text(header + "\n", encoding="utf-8", newline="")
    store = CsvStore(csv_path)
    store.save_matches([match(7, league_id=42)])
    rows = records(csv_path)
    assert rows[0] == header.split(",")
    assert rows[1][12:] == ["", "42"]
    assert csv_path.read_bytes().endswith(b"42\n")  # the file's own line ends
    assert store.describe().schema_version == "original"
    (read,) = store.iter_matches()
    assert read.league_id == 42


@pytest.mark.parametrize(
    "content",
    [
        b"date;event;home;away\n2025-12-06;1;A;B\n",
        b"event_id,timestamp_utc,league\n",
        b"\n" + ORIGINAL_CONTENT.encode(),
    ],
)
def test_foreign_header_is_refused_and_file_left_untouched(csv_path, content):
    csv_path.parent.mkdir(parents=True)
    csv_path.write_bytes(content)
    with pytest.raises(StoreCorrupted, match="n'est pas un fichier de matchs reconnu") as info:
        CsvStore(csv_path)
    assert str(csv_path) in str(info.value)
    assert csv_path.read_bytes() == content
    assert set(os.listdir(csv_path.parent)) <= {"matches.csv", "matches.csv.lock"}


# --- torn lines -------------------------------------------------------------------------------


def saved_file(path: Path, *ids: int) -> bytes:
    CsvStore(path).save_matches([match(i) for i in ids])
    return path.read_bytes()


def torn_copies(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".torn-*"))


@pytest.mark.parametrize(
    "torn",
    [
        b"2025-12-06T10:40:00Z,9,FIFA,Arse",  # no line end
        b"2025-12-06T10:40:00Z,9,FIFA,Arsenal,Chelsea,1.8,3.4,4.1,2,1,\r",  # cut in the CRLF
        b'2025-12-06T10:40:00Z,9,FIFA,"Arsenal\r\nFC',  # cut inside a quoted field
        b'2025-12-06T10:40:00Z,9,FIFA,"Arsenal\r\n',  # ... right after a quoted newline
        b"2025-12-06T10:40:00Z,9,FIFA,Arsenal,Chelsea\r\n",  # a short row at the very end
    ],
)
def test_torn_last_line_is_cut_off_and_kept_beside(csv_path, caplog, torn):
    good = saved_file(csv_path, 1, 2)
    csv_path.write_bytes(good + torn)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        store = CsvStore(csv_path)
    assert csv_path.read_bytes() == good
    (copy,) = torn_copies(csv_path)
    assert copy.read_bytes() == torn
    message = f"Ligne incomplète détectée à la fin de {csv_path} : réparée (copie dans {copy})"
    assert message in caplog.messages
    assert any(str(copy) in d for d in store.describe().details)
    assert store.save_matches([match(9)]).saved == (9,)
    assert [m.event_id for m in CsvStore(csv_path).iter_matches()] == [1, 2, 9]


def test_torn_header_of_a_new_file_is_repaired(csv_path):
    csv_path.parent.mkdir(parents=True)
    csv_path.write_bytes(b"timestamp_utc,event_id,lea")
    store = CsvStore(csv_path)
    assert csv_path.read_bytes() == b""
    store.save_matches([match(1)])
    assert tuple(records(csv_path)[0]) == OUR_COLUMNS
    assert [p.read_bytes() for p in torn_copies(csv_path)] == [b"timestamp_utc,event_id,lea"]


def test_quoted_newlines_are_not_mistaken_for_torn_lines(csv_path, caplog):
    good = saved_file(csv_path, 1)
    CsvStore(csv_path).save_matches([match(2, team1="Ligne\nune", status="fin\r\n")])
    before = csv_path.read_bytes()
    assert before.count(b"\n") > good.count(b"\n") + 1
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        store = CsvStore(csv_path)
    assert not caplog.messages
    assert csv_path.read_bytes() == before
    assert torn_copies(csv_path) == []
    assert [m.team1 for m in store.iter_matches()] == ["Arsenal", "Ligne\nune"]


def test_torn_tail_left_by_another_process_is_repaired_before_writing(csv_path):
    store = CsvStore(csv_path)
    store.save_matches([match(1)])
    good = csv_path.read_bytes()
    with csv_path.open("ab") as f:
        f.write(b"2025-12-06T10:40:00Z,5,FIFA")
    assert [m.event_id for m in store.iter_matches()] == [1]  # a write in progress is skipped
    store.save_matches([match(2)])
    assert csv_path.read_bytes().startswith(good)
    assert [m.event_id for m in store.iter_matches()] == [1, 2]
    assert len(torn_copies(csv_path)) == 1


# --- formula neutralising and bad rows -----------------------------------------------------


def test_formula_cells_are_neutralized_in_the_file_and_transparent_on_read(csv_path):
    hostile = match(1, team1="=cmd|' /C calc'!A0", team2="@SUM(A1)", league="+x", status="-")
    store = CsvStore(csv_path)
    store.save_matches([hostile])
    row = dict(zip(OUR_COLUMNS, records(csv_path)[1], strict=True))
    assert row["team1"] == "'=cmd|' /C calc'!A0"
    assert row["team2"] == "'@SUM(A1)"
    assert row["league"] == "'+x"
    assert row["status"] == "'-"
    assert row["odds_1"] == "1.85"
    assert list(store.iter_matches()) == [hostile]


def test_bad_row_is_skipped_and_warned_once_with_its_line(csv_path, caplog):
    csv_path.parent.mkdir(parents=True)
    csv_path.write_text(
        ORIGINAL_HEADER + "\n"
        "2025-12-06 10:30:45,1,L,A,B,1.5,3,4,2,1,fin,1\n"
        "2025-12-06 10:30:45,2,L,A,B,1.5,3,4,deux,1,fin,1\n"
        "hier,3,L,A,B,1.5,3,4,2,1,fin,1\n"
        "2025-12-06 10:30:45,4,L,A,B,1.5,3,4,0,0,fin,N\n",
        encoding="utf-8",
    )
    store = CsvStore(csv_path)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert [m.event_id for m in store.iter_matches()] == [1, 4]
        assert [m.event_id for m in store.iter_matches()] == [1, 4]
    assert caplog.messages == [
        f"Ligne 3 de {csv_path} ignorée : score1 invalide : 'deux'",
        f"Ligne 4 de {csv_path} ignorée : date invalide : 'hier'",
    ]


def test_lone_surrogates_are_stored_as_question_marks(csv_path):
    store = CsvStore(csv_path)
    store.save_matches([match(1, team1="A\ud800B")])
    (read,) = store.iter_matches()
    assert read.team1 == "A?B"


# --- unwritable places -----------------------------------------------------------------------


def run(*cmd: str) -> bool:
    return subprocess.run(cmd, capture_output=True, check=False).returncode == 0


@pytest.fixture
def mounts() -> Iterator[list[Path]]:
    mounted: list[Path] = []
    yield mounted
    for point in reversed(mounted):
        run("umount", str(point))


def test_parent_that_is_a_file_gives_store_not_writable(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    store = CsvStore(blocker / "matches.csv")
    assert not store.describe().writable
    with pytest.raises(StoreNotWritable, match="Impossible d'écrire dans"):
        store.save_matches([match(1)])
    with pytest.raises(StoreNotWritable):
        store.save_tracking({"a": 1})
    assert blocker.read_text() == "not a folder"


def test_read_only_folder_gives_store_not_writable_and_file_unchanged(tmp_path, mounts):
    """Root ignores chmod, so the folder is a read-only bind mount of a real one."""
    source, view = tmp_path / "rw", tmp_path / "ro"
    source.mkdir()
    view.mkdir()
    content = saved_file(source / "matches.csv", 1)
    (source / "matches.csv").write_bytes(content + b"2025-12-06T10:40:00Z,9,torn")
    bound = run("mount", "--bind", str(source), str(view))
    need(bound, "mount --bind impossible ici (il faut root et CAP_SYS_ADMIN)")
    mounts.append(view)
    need(run("mount", "-o", "remount,ro,bind", str(view)), "remontage en lecture seule impossible")

    store = CsvStore(view / "matches.csv")  # opens read-only: the torn tail waits
    assert store.count_matches() == 1
    info = store.describe()
    assert not info.writable
    assert any("sera réparée à la prochaine écriture" in d for d in info.details)
    with pytest.raises(StoreNotWritable, match="lecture seule"):
        store.save_matches([match(2)])
    with pytest.raises(StoreNotWritable, match="lecture seule"):
        store.save_tracking({"a": 1})
    with pytest.raises(StoreNotWritable, match="lecture seule"):
        store.record_heartbeat(Heartbeat(T0, T0, True, "h", 1))
    assert (source / "matches.csv").read_bytes() == content + b"2025-12-06T10:40:00Z,9,torn"
    assert [m.event_id for m in store.iter_matches()] == [1]


def test_disk_full_gives_store_not_writable_and_no_partial_batch(tmp_path, mounts):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk))
    need(mounted, "mount -t tmpfs impossible ici (il faut root et CAP_SYS_ADMIN)")
    mounts.append(disk)
    path = disk / "matches.csv"
    store = CsvStore(path)
    store.save_matches([match(1)])
    before = path.read_bytes()
    filler = disk / "filler"
    with filler.open("wb") as f:  # leave about 4 KiB free
        while os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize > 8192:
            f.write(b"x" * 4096)
            f.flush()
    big = [match(i, team1="x" * 300) for i in range(2, 102)]
    with pytest.raises(StoreNotWritable, match="disque plein"):
        store.save_matches(big)
    assert path.read_bytes() == before
    assert store.count_matches() == 1
    filler.unlink()
    assert store.save_matches(big).saved == tuple(range(2, 102))
    assert CsvStore(path).count_matches() == 101


def test_lock_held_too_long_elsewhere_is_store_unavailable(csv_path):
    store = CsvStore(csv_path, lock_timeout=0.2)
    csv_path.parent.mkdir(parents=True)
    with FileLock(f"{csv_path}.lock"), pytest.raises(StoreUnavailable, match="verrouillé"):
        store.save_matches([match(1)])
    assert store.save_matches([match(1)]).saved == (1,)


# --- two processes -----------------------------------------------------------------------------

WORKER = """
import json, sys, time
from datetime import datetime, timezone
from pathlib import Path
from oracxpred.core.records import FinishedMatch, FinishSource, Outcome
from oracxpred.store.csv.store import CsvStore

path, go, order, size = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
ids = list(range(1500))
if order == "down":
    ids.reverse()
store = CsvStore(path)
go.with_name("ready-" + order).touch()
while not go.exists():
    time.sleep(0.005)
saved = []
began = time.monotonic()  # system-wide clock: comparable between the two workers
for start in range(0, len(ids), size):
    batch = [
        FinishedMatch(i, datetime.now(timezone.utc), "L", "A,\\n=B", "C", 1, 0, "fin",
                      Outcome.HOME, FinishSource.FEED)
        for i in ids[start:start + size]
    ]
    saved.extend(store.save_matches(batch).saved)
print(json.dumps({"saved": saved, "began": began, "ended": time.monotonic()}))
"""


def test_two_processes_never_interleave_lines_nor_duplicate_ids(csv_path):
    go = csv_path.parent / "go"
    csv_path.parent.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(csv_path), str(go), order, size],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for order, size in (("up", "7"), ("down", "11"))
    ]
    ready = [csv_path.parent / "ready-up", csv_path.parent / "ready-down"]
    wait_until(lambda: all(p.exists() for p in ready), what="both workers ready")
    go.touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err.decode() for _, err in outputs]
    up, down = (json.loads(out) for out, _ in outputs)
    assert up["began"] < down["ended"]  # they really ran at the same time
    assert down["began"] < up["ended"]
    assert not set(up["saved"]) & set(down["saved"])
    assert sorted(up["saved"] + down["saved"]) == list(range(1500))
    rows = records(csv_path)
    assert tuple(rows[0]) == OUR_COLUMNS
    assert all(len(r) == len(OUR_COLUMNS) for r in rows[1:])
    assert sorted(int(r[1]) for r in rows[1:]) == list(range(1500))
    assert all(m.team1 == "A,\n=B" for m in CsvStore(csv_path).iter_matches())


# --- side files --------------------------------------------------------------------------------


def test_state_files_live_beside_the_csv(csv_path):
    store = CsvStore(csv_path)
    store.save_matches([match(1)])
    store.save_tracking({"k": 1})
    store.record_heartbeat(Heartbeat(T0, T0, True, "h", 1))
    assert sorted(os.listdir(csv_path.parent)) == [
        "matches.csv",
        "matches.csv.lock",
        "matches.heartbeat.jsonl",
        "matches.tracking.json",
    ]
    assert store.describe().target == str(csv_path)


def test_tracking_round_trip(csv_path):
    store = CsvStore(csv_path)
    assert store.load_tracking() is None
    state = {"events": {"1": {"team": "Équipe ⚽ \ud800", "odds": [1.5, None]}}, "v": 2}
    store.save_tracking(state)
    assert CsvStore(csv_path).load_tracking() == state
    store.save_tracking({"v": 3})
    assert store.load_tracking() == {"v": 3}
    assert [p.name for p in csv_path.parent.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("content", [b'{"events": {', b"[1, 2]", b"\xff\xfe", b""])
def test_corrupted_tracking_is_set_aside_and_starts_empty(csv_path, caplog, content):
    store = CsvStore(csv_path)
    csv_path.parent.mkdir(parents=True)
    store.tracking_path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert store.load_tracking() is None
    (copy,) = csv_path.parent.glob("matches.tracking.json.corrupt-*")
    assert copy.read_bytes() == content
    assert f"copie gardée dans {copy}" in caplog.text
    assert store.load_tracking() is None
    store.save_tracking({"ok": True})
    assert store.load_tracking() == {"ok": True}


def test_heartbeats_newest_first_and_pruned(csv_path):
    store = CsvStore(csv_path)
    assert store.recent_heartbeats() == []
    for n in range(3):
        store.record_heartbeat(Heartbeat(T0 + timedelta(minutes=n), T0, True, "hôte", n, saved=n))
    assert [b.pid for b in store.recent_heartbeats(2)] == [2, 1]
    assert store.recent_heartbeats(0) == []
    with store.heartbeat_path.open("a", encoding="utf-8") as f:  # 1000 lines in all
        for n in range(3, 1000):
            started = (T0 + timedelta(minutes=n)).isoformat()
            f.write(json.dumps({"started_at": started, "ok": True, "host": "h", "pid": n}) + "\n")
    store.record_heartbeat(Heartbeat(T0 - timedelta(days=1), None, False, "h", 1000, error="x"))
    assert store.heartbeat_path.read_bytes().count(b"\n") == 200
    recent = store.recent_heartbeats(3)
    assert [b.pid for b in recent] == [999, 998, 997]
    assert recent[0].started_at == T0 + timedelta(minutes=999)
    assert recent[0].finished_at is None
    beats = store.recent_heartbeats(500)
    assert len(beats) == 200
    assert (beats[-1].pid, beats[-1].ok, beats[-1].error) == (1000, False, "x")


def test_a_torn_heartbeat_line_loses_nothing_else(csv_path):
    store = CsvStore(csv_path)
    store.record_heartbeat(Heartbeat(T0, None, False, "h", 1, error="flux injoignable"))
    with store.heartbeat_path.open("ab") as f:
        f.write(b'{"started_at": "2025-12-06T1')
    store.record_heartbeat(Heartbeat(T0 + timedelta(minutes=1), T0, True, "h", 2))
    assert [(b.pid, b.ok, b.error) for b in store.recent_heartbeats()] == [
        (2, True, ""),
        (1, False, "flux injoignable"),
    ]


# --- large files -------------------------------------------------------------------------------


def test_saving_into_a_large_file_reads_only_the_appended_tail(csv_path):
    csv_path.parent.mkdir(parents=True)
    template = match(0, team1="Équipe, {id}")
    cells = [
        "{id}" if c == "event_id" else v for c, v in zip(MATCH_COLUMNS, _row(template), strict=True)
    ] + ["{seq}", "2025-06-01T12:00:00Z"]
    buf = io.StringIO(newline="")
    csv.writer(buf).writerow(cells)
    line = buf.getvalue()
    with csv_path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(OUR_COLUMNS) + "\r\n")
        f.writelines(
            line.replace("{id}", str(i)).replace("{seq}", str(i + 1)) for i in range(100_000)
        )

    store = CsvStore(csv_path)
    assert store.rows_scanned == 100_000
    assert store.count_matches() == 100_000
    CsvStore(csv_path).save_matches([match(100_000), match(100_001)])  # "another process"
    report = store.save_matches([match(5), match(100_001), match(100_002)])
    assert report.saved == (100_002,)
    assert report.duplicates == (5, 100_001)
    assert store.rows_scanned == 100_002  # only the two appended rows were read
    assert store.stored_ids([99_999, 100_002, 7_000_000]) == {99_999, 100_002}
    assert store.rows_scanned == 100_002


def _row(m: FinishedMatch) -> list[str]:
    from oracxpred.core.cells import match_to_row

    return list(match_to_row(m).values())


def test_a_replaced_file_is_indexed_again(csv_path):
    store = CsvStore(csv_path)
    store.save_matches([match(1), match(2)])
    replacement = csv_path.with_name("new.csv")
    CsvStore(replacement).save_matches([match(3)])
    os.replace(replacement, csv_path)
    assert store.stored_ids([1, 2, 3]) == {3}
    assert store.save_matches([match(1)]).saved == (1,)

"""The PostgreSQL import pipeline (``transfer_copy``): same rows, reasons and lines as the
reference path (``row_to_match``) on hostile files, idempotence, races with another writer,
rows PostgreSQL refuses, out-of-range values, and a server failure in the middle."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracxpred.core.records import MATCH_COLUMNS, ORIGINAL_COLUMNS
from oracxpred.errors import StoreError
from oracxpred.store.cursor import CURSOR_COLUMNS
from oracxpred.store.sql.rows import match_tuple
from oracxpred.store.sql.store import SqlStore
from oracxpred.store.transfer.files import import_csv
from tests.hostile_rows import (
    canonical_cells,
    csv_text,
    hostile_row,
    reference_import,
    write_file,
)

pytestmark = pytest.mark.postgres

HOSTILE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _raw(store: SqlStore) -> psycopg.Connection[tuple[object, ...]]:
    url = store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(url, autocommit=True)


def _empty(store: SqlStore) -> None:
    with _raw(store) as conn:
        conn.execute("TRUNCATE matches")


def _check_same_as_reference(store: SqlStore, path: Path, chunk: int) -> None:
    stored, rejections, read, duplicates = reference_import(path)
    report = import_csv(path, store, progress=False, chunk=chunk)
    assert report.rejections == rejections
    assert (report.read, report.saved, report.duplicates, report.rejected) == (
        read,
        len(stored),
        duplicates,
        len(rejections),
    )
    assert _stored_rows(store) == [match_tuple(m) for m in stored]


def _stored_rows(store: SqlStore) -> list[tuple[object, ...]]:
    """The raw cells (not ``row_match``, which reads leniently: X, 0 prices, NaN…)."""
    with _raw(store) as conn:
        query = f"SELECT {', '.join(MATCH_COLUMNS)} FROM matches ORDER BY id"
        return [tuple(row) for row in conn.execute(query)]


def _file_of_hostile_rows(
    header: tuple[str, ...],
) -> st.SearchStrategy[tuple[tuple[str, ...], list[list[str]]]]:
    rows = st.lists(hostile_row(width=len(header)), min_size=1, max_size=30)
    return st.tuples(st.just(header), rows)


@settings(HOSTILE, max_examples=180)  # three formats: as many examples as three tests had
@given(
    file=st.sampled_from([MATCH_COLUMNS, MATCH_COLUMNS + CURSOR_COLUMNS, ORIGINAL_COLUMNS]).flatmap(
        _file_of_hostile_rows
    ),
    newline=st.sampled_from(["\n", "\r\n"]),
    chunk=st.sampled_from([3, 50_000]),
)
def test_both_formats_are_stored_exactly_as_the_reference_reads_them(
    postgresql_store: SqlStore,
    tmp_path: Path,
    file: tuple[tuple[str, ...], list[list[str]]],
    newline: str,
    chunk: int,
) -> None:
    header, rows = file
    postgresql_store.upgrade()
    _empty(postgresql_store)
    path = write_file(tmp_path / "hostile.csv", csv_text(header, rows, newline))
    _check_same_as_reference(postgresql_store, path, chunk)


def test_other_headers_take_the_reference_path(postgresql_store: SqlStore, tmp_path: Path) -> None:
    header = ["extra", *reversed(ORIGINAL_COLUMNS)]
    rows = [["x", *reversed(canonical_cells(n, 12))] for n in range(1, 6)]
    rows.append(["x", "trop court"])
    path = write_file(tmp_path / "autre.csv", csv_text(header, rows, "\n"))
    _check_same_as_reference(postgresql_store, path, chunk=2)
    assert postgresql_store.count_matches() == 5


def test_bad_rows_keep_their_line_numbers_after_multiline_cells(
    postgresql_store: SqlStore, tmp_path: Path
) -> None:
    rows = [canonical_cells(n) for n in range(1, 8)]
    rows[1][3] = "Saint-\r\nÉtienne\nFC"  # row 2 spans lines 3-5
    rows[3][8] = "deux"  # line 7
    rows[5] = rows[5][:4]  # line 9
    path = write_file(tmp_path / "lignes.csv", csv_text(MATCH_COLUMNS, rows, "\r\n"))
    report = import_csv(path, postgresql_store, progress=False, chunk=2)
    assert report.rejections == [
        (7, "score1 invalide : 'deux'"),
        (9, "4 cellule(s) au lieu de 25"),
    ]
    assert [m.event_id for m in postgresql_store.iter_matches()] == [1, 2, 3, 5, 7]
    assert next(m for m in postgresql_store.iter_matches() if m.event_id == 2).team1 == (
        "Saint-\r\nÉtienne\nFC"
    )


def test_reimport_and_partial_overlap_count_duplicates(
    postgresql_store: SqlStore, tmp_path: Path
) -> None:
    first = write_file(
        tmp_path / "a.csv",
        csv_text(MATCH_COLUMNS, [canonical_cells(n) for n in range(1, 11)], "\n"),
    )
    report = import_csv(first, postgresql_store, progress=False, chunk=4)
    assert (report.saved, report.duplicates) == (10, 0)
    again = import_csv(first, postgresql_store, progress=False, chunk=4)
    assert (again.read, again.saved, again.duplicates, again.rejected) == (10, 0, 10, 0)
    # Ids 6..15, repeats inside the file too: new ones written in file order, others counted.
    ids = [6, 11, 7, 12, 12, 8, 13, 9, 14, 10, 15, 11]
    second = write_file(
        tmp_path / "b.csv", csv_text(MATCH_COLUMNS, [canonical_cells(n) for n in ids], "\n")
    )
    overlap = import_csv(second, postgresql_store, progress=False, chunk=4)
    assert (overlap.read, overlap.saved, overlap.duplicates) == (12, 5, 7)
    assert [m.event_id for m in postgresql_store.iter_matches()] == [
        *range(1, 11),
        11,
        12,
        13,
        14,
        15,
    ]


def test_out_of_range_and_nul_values_are_rejected_not_wrapped(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    """Every SQL backend has the same column bounds: such a row is rejected alone, never
    wrapped, and never stops the import (MariaDB's strict mode would refuse the whole batch)."""
    rows = [canonical_cells(n) for n in range(1, 6)]
    rows[0][8] = "9999999999"  # score1: integer column
    rows[1][1] = "99999999999999999999"  # event_id: bigint
    rows[2][3] = "Ly\x00on"
    rows[3][22] = "2147483648"
    path = write_file(tmp_path / "limites.csv", csv_text(MATCH_COLUMNS, rows, "\n"))
    report = import_csv(path, sql_store, progress=False)
    assert report.rejections == [
        (2, "score1 hors des limites de la base : 9999999999"),
        (3, "event_id hors des limites de la base : 99999999999999999999"),
        (4, "team1 contient un caractère NUL, refusé par la base"),
        (5, "halftime_score1 hors des limites de la base : 2147483648"),
    ]
    assert [m.event_id for m in sql_store.iter_matches()] == [5]


def test_a_row_postgresql_refuses_is_reported_alone(
    postgresql_store: SqlStore, tmp_path: Path
) -> None:
    postgresql_store.upgrade()
    with _raw(postgresql_store) as conn:  # e.g. a constraint of the original app's database
        conn.execute("ALTER TABLE matches ADD CONSTRAINT no_bots CHECK (team2 <> 'Robot')")
    rows = [canonical_cells(n) for n in range(1, 10)]
    rows[5][4] = "Robot"  # line 7
    path = write_file(tmp_path / "refus.csv", csv_text(MATCH_COLUMNS, rows, "\n"))
    report = import_csv(path, postgresql_store, progress=False, chunk=4)
    assert [line for line, _ in report.rejections] == [7]
    assert report.rejections[0][1].startswith("refusée par PostgreSQL : ")
    assert "no_bots" in report.rejections[0][1]
    assert (report.saved, report.duplicates, report.rejected) == (8, 0, 1)
    assert [m.event_id for m in postgresql_store.iter_matches()] == [1, 2, 3, 4, 5, 7, 8, 9]


def _commit_once_the_import_waits(store: SqlStore, other: psycopg.Connection[Any]) -> None:
    """Commit ``other`` as soon as a backend of the test database waits on a lock."""
    with _raw(store) as watcher:
        for _ in range(3000):  # 30 s at most, then commit anyway (the test then fails)
            waiting = watcher.execute(
                "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            ).fetchone()
            if waiting:
                break
            threading.Event().wait(0.01)
    other.commit()
    other.close()


@pytest.mark.parametrize("looking_up", [False, True], ids=["optimistic", "looked-up"])
def test_a_row_another_writer_commits_meanwhile_is_counted_once(
    postgresql_store: SqlStore, tmp_path: Path, looking_up: bool
) -> None:
    """The collector inserts id 3 while the import runs, and commits once the import's COPY
    waits on its lock: the COPY then fails on the unique index. A chunk COPYed without a
    look-up is redone with one; a chunk whose look-up missed the row (it was not committed
    yet) goes through the staged path. Either way id 3 is counted once, as already stored."""
    postgresql_store.upgrade()
    if looking_up:  # id 1 already stored: the first chunk meets it, the next ones look up
        import_csv(
            write_file(tmp_path / "un.csv", csv_text(MATCH_COLUMNS, [canonical_cells(1)], "\n")),
            postgresql_store,
            progress=False,
        )
    ids = range(1, 7)
    path = write_file(
        tmp_path / "course.csv", csv_text(MATCH_COLUMNS, [canonical_cells(n) for n in ids], "\n")
    )
    other = _raw(postgresql_store)
    other.autocommit = False
    values = canonical_cells(3)
    values[2] = "Autre collecteur"
    other.execute(
        f"INSERT INTO matches ({', '.join(MATCH_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(MATCH_COLUMNS))})",
        [value or None for value in values],
    )
    helper = threading.Thread(target=_commit_once_the_import_waits, args=(postgresql_store, other))
    helper.start()
    try:
        report = import_csv(path, postgresql_store, progress=False, chunk=2)
    finally:
        helper.join()
    expected = (4, 2) if looking_up else (5, 1)
    assert (report.saved, report.duplicates, report.rejected) == (*expected, 0)
    stored = {m.event_id: m for m in postgresql_store.iter_matches()}
    assert sorted(stored) == list(ids)
    assert stored[3].league == "Autre collecteur"


def test_a_server_failure_stops_the_import_and_keeps_committed_chunks(
    postgresql_store: SqlStore, tmp_path: Path
) -> None:
    postgresql_store.upgrade()
    with _raw(postgresql_store) as conn:  # the disk fills up when row 7 arrives
        conn.execute(
            "CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.event_id = 7 THEN RAISE EXCEPTION 'disque plein' USING ERRCODE = '53100'; "
            "END IF; RETURN NEW; END $$"
        )
        conn.execute(
            "CREATE TRIGGER full_disk BEFORE INSERT ON matches "
            "FOR EACH ROW EXECUTE FUNCTION full_disk()"
        )
    path = write_file(
        tmp_path / "plein.csv",
        csv_text(MATCH_COLUMNS, [canonical_cells(n) for n in range(1, 21)], "\n"),
    )
    threads = threading.active_count()
    with pytest.raises(StoreError, match="Import des matchs : écriture impossible"):
        import_csv(path, postgresql_store, progress=False, chunk=3)
    assert threading.active_count() == threads  # the reading thread is gone
    assert [m.event_id for m in postgresql_store.iter_matches()] == [1, 2, 3, 4, 5, 6]


def test_progress_goes_to_stderr_on_postgresql(
    postgresql_store: SqlStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file(
        tmp_path / "p.csv", csv_text(MATCH_COLUMNS, [canonical_cells(n) for n in range(1, 4)], "\n")
    )
    import_csv(path, postgresql_store, progress=True)
    captured = capsys.readouterr()
    assert "Import" in captured.err
    assert "3/3" in captured.err
    assert captured.out == ""

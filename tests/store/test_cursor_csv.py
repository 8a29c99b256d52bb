"""The cursor in the CSV store: a file of ours written before the cursor columns is upgraded
by one atomic rewrite (every row kept, in order, numbered in file order); an original-format
file is never rewritten and numbered by file order."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from oracxpred.core.cells import format_utc, match_to_row
from oracxpred.core.records import MATCH_COLUMNS, ORIGINAL_COLUMNS
from oracxpred.store.csv.file import OUR_COLUMNS
from oracxpred.store.csv.store import CsvStore
from tests.store.conftest import match


def _line(cells: list[str]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out).writerow(cells)
    return out.getvalue()


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


def _old_row(event_id: int, **changes: object) -> list[str]:
    row = match_to_row(match(event_id, **changes))
    return [row[c] for c in MATCH_COLUMNS]


def test_a_file_of_ours_without_the_cursor_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "matches.csv"
    body = (
        _line(list(MATCH_COLUMNS))
        + _line(_old_row(5))
        + _line(_old_row(3, team1="Saint-\r\nÉtienne"))
        + "\r\n"  # a blank line
        + _line(_old_row(5, score1=7))  # a second copy of 5 (hand-merged file)
        + _line(["pas", "un", "match"])  # short, unreadable row
        + _line(_old_row(9))
    )
    torn = _line(_old_row(11))[:40]
    path.write_bytes((body + torn).encode())
    before = _rows(path)[:-1]  # the torn tail is not a record

    store = CsvStore(path)
    after = _rows(path)
    assert tuple(after[0]) == OUR_COLUMNS
    # every complete record kept, in order, its cells unchanged (the short one padded)
    width = len(MATCH_COLUMNS)
    kept = [r[:width] for r in after[1:] if r]
    assert kept == [(r + [""] * width)[:width] for r in before[1:] if r]
    assert len(list(tmp_path.glob("matches.csv.torn-*"))) == 1
    seqs = [(r[1], r[-2]) for r in after[1:] if r]
    assert seqs == [(*_id(5), "1"), (*_id(3), "2"), (*_id(5), ""), ("un", ""), (*_id(9), "3")]
    page = store.matches_after(0, 10)
    assert [(i.seq, i.match.event_id) for i in page.items] == [(1, 5), (2, 3), (3, 9)]
    assert page.items[0].ingested_at == match(5).collected_at
    assert page.items[1].match.team1 == "Saint-\r\nÉtienne"
    store.save_matches([match(12), match(3)])
    newer = store.matches_after(page.next_seq, 10)
    assert [(i.seq, i.match.event_id) for i in newer.items] == [(4, 12)]
    # a second opening finds nothing to do and the same numbering
    again = CsvStore(path)
    assert [(i.seq, i.match.event_id) for i in again.matches_after(0, 10).items] == [
        (1, 5),
        (2, 3),
        (3, 9),
        (4, 12),
    ]
    assert _rows(path)[0] == list(OUR_COLUMNS)


def _id(event_id: int) -> tuple[str]:
    return (str(event_id),)


def test_an_original_file_is_never_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "matches.csv"
    lines = [",".join(ORIGINAL_COLUMNS)]
    lines += [f"2025-12-06 10:3{n}:45,{700 + n},L,A,B,1.5,3,4,2,1,fin,1" for n in range(3)]
    original = ("\n".join(lines) + "\n").encode()
    path.write_bytes(original)
    store = CsvStore(path)
    assert path.read_bytes() == original
    page = store.matches_after(0, 2)
    assert [(i.seq, i.match.event_id) for i in page.items] == [(1, 700), (2, 701)]
    assert page.items[0].ingested_at == page.items[0].match.collected_at
    store.save_matches([match(800)])
    assert path.read_bytes().startswith(original)
    assert len(_rows(path)[-1]) == len(ORIGINAL_COLUMNS)  # its own layout, no cursor cells
    rest = store.matches_after(page.next_seq, 10)
    assert [(i.seq, i.match.event_id) for i in rest.items] == [(3, 702), (4, 800)]


def test_a_new_file_stores_seq_and_ingestion_time(tmp_path: Path) -> None:
    path = tmp_path / "matches.csv"
    store = CsvStore(path)
    store.save_matches([match(1), match(2)])
    rows = _rows(path)
    assert [r[-2] for r in rows[1:]] == ["1", "2"]
    [first, _] = store.matches_after(0, 5).items
    assert rows[1][-1] == format_utc(first.ingested_at)


def test_imports_of_a_store_file_keep_the_copy_fast_path(tmp_path: Path) -> None:
    """PostgreSQL imports hand the store's own lines to COPY, the cursor cells dropped."""
    from datetime import UTC, datetime

    from oracxpred.store.transfer.copy_format import LineConverter

    path = tmp_path / "matches.csv"
    CsvStore(path).save_matches([match(1)])
    header, line = path.read_bytes().decode().split("\r\n")[:2]
    converter = LineConverter(header.split(","), datetime.now(UTC))
    assert converter.enabled
    converted = converter.convert(line + "\r\n")
    assert converted is not None
    assert converted[1] == ",".join(_old_row(1))
    assert converter.convert(line + "x\r\n") is None  # not a cursor tail: the reference path

"""Reading a file to import: its header, its records with their first line, the reference
conversion of a record (``row_to_match``), all shared by every import path."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from oracxpred import messages
from oracxpred.core.cells import RowError
from oracxpred.core.records import ORIGINAL_COLUMNS, FinishedMatch
from oracxpred.core.validate import valid_row_to_match
from oracxpred.errors import StoreCorrupted

T = TypeVar("T")


def read_header(path: Path) -> list[str]:
    """The file's column names; ``StoreCorrupted`` when it is not a file of matches."""
    try:
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
            header = [name.strip() for name in next(csv.reader(f), [])]
    except (OSError, csv.Error) as exc:
        raise StoreCorrupted(messages.IMPORT_UNREADABLE.format(path=path, exc=exc)) from None
    missing = [name for name in ORIGINAL_COLUMNS if name not in header]
    if missing:
        raise StoreCorrupted(
            messages.IMPORT_MISSING_COLUMNS.format(path=path, names=", ".join(missing))
        )
    return header


def count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))


class _Feed:
    """One record's lines for a fresh ``csv.reader``: ``first``, then the file's next ones.

    A reader keeps no state from one record to the next, so reading each record with a reader
    of its own reads the file exactly as one reader would; this lets ``records`` hand plain
    lines to a fast converter without ``csv``.
    """

    def __init__(self, lines: Iterator[str], first: str | None) -> None:
        self._lines, self._first, self.count = lines, first, 0

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        if self._first is None:
            line = next(self._lines)
        else:
            line, self._first = self._first, None
        self.count += 1
        return line


def records(
    path: Path, fast: Callable[[str], T | None] | None = None
) -> Iterator[tuple[int, list[str] | str | None, T | None]]:
    """``(first line, cells, None)`` for each record after the header (``[]`` when blank,
    a French reason when ``csv`` cannot read it).

    With ``fast``, a physical line for which ``fast(line)`` is not None comes as
    ``(line, None, fast(line))`` instead, without ``csv``: ``fast`` must only accept lines
    that ``csv.reader`` reads as one record of plain cells (no quote, no line break).
    """
    # surrogateescape: a row with invalid UTF-8 is rejected alone, the import goes on.
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        lines = iter(f)
        feed = _Feed(lines, None)
        next(csv.reader(feed), None)
        number = feed.count
        for line in lines:
            number += 1
            if fast is not None:
                done = fast(line)
                if done is not None:
                    yield number, None, done
                    continue
            feed = _Feed(lines, line)
            cells: list[str] | str
            try:
                cells = next(csv.reader(feed), [])
            except csv.Error as exc:  # a cell over csv's size limit: this record only
                cells = f"ligne CSV illisible ({exc})"
            yield number, cells, None
            number += feed.count - 1


def reference(cells: list[str] | str, header: list[str], now: datetime) -> FinishedMatch | str:
    """The match a record describes, or why it cannot be stored (French; ``now`` bounds
    the dates, see ``core.validate``)."""
    if isinstance(cells, str):
        return cells
    if len(cells) != len(header):
        return f"{len(cells)} cellule(s) au lieu de {len(header)}"
    try:
        "".join(cells).encode("utf-8")
    except UnicodeEncodeError:
        return "encodage invalide (UTF-8 attendu)"
    try:
        return valid_row_to_match(dict(zip(header, cells, strict=True)), now)
    except RowError as exc:
        return exc.reason

"""Hostile CSV rows for the import paths (hypothesis strategies), and the reference import.

Each column draws from canonical values (what the CSV store and the original app write), the
near misses a fast path could get wrong (leap days, 7 fraction digits, ``X``, ``0`` prices,
``5.0`` integers, out-of-range integers, neutralised text…) and arbitrary text.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import strategies as st

from oracxpred.core.cells import RowError
from oracxpred.core.records import MATCH_COLUMNS, FinishedMatch
from oracxpred.core.validate import valid_row_to_match
from oracxpred.store.transfer.copy_format import sql_value_error

_moments = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 999999)
)


def _stamp_forms(moment: datetime) -> st.SearchStrategy[str]:
    base = moment.isoformat()  # T separator, microseconds when non-zero
    return st.sampled_from(
        [
            base + "Z",
            base.replace("T", " "),
            base.replace("T", " ") + "Z",
            base[:19] + "Z",
            base[:19].replace("T", " "),
            base[:19] + ".5Z",
            base[:19] + ".1234567Z",
            base + "+00:00",
            base[:19] + "+02:00",
            base[:10],
            base[:16],
            base.replace("T", "t"),
            " " + base + " ",
        ]
    )


STAMPS = st.one_of(
    _moments.flatmap(_stamp_forms),
    st.sampled_from(
        [
            "2025-12-06T10:30:45Z",
            "2025-12-06 10:30:45",
            "2024-02-29 00:00:00",
            "2023-02-29 00:00:00",
            "2000-02-29T12:00:00Z",
            "1900-02-29T12:00:00Z",
            "0400-02-29 00:00:00",
            "0000-01-01 00:00:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31 23:59:59.999999",
            "2025-13-01 00:00:00",
            "2025-04-31 00:00:00",
            "2025-12-06T24:00:00",
            "2025-12-06T10:30:60",
            "2025-12-06T10:30:45z",
            "20251206T103045",
            "٢٠٢٥-12-06 10:30:45",
            "",
            " ",
            "none",
            "NaN",
            "hier",
        ]
    ),
)

INTS = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.integers(0, 99).map(str),
    st.sampled_from(
        [
            "0",
            "-0",
            "007",
            "+5",
            "5.0",
            "5.00",
            "5.",
            "5.5",
            "1e3",
            " 4 ",
            "٣",
            "",
            "none",
            "NULL",
            "nan",
            "2147483647",
            "2147483648",
            "-2147483648",
            "-2147483649",
            "999999999",
            "9999999999",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "000000000000000000001",
        ]
    ),
)

PRICES = st.one_of(
    st.floats(0.01, 1000).map(repr),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(0, 1000, places=3).map(str),
    st.sampled_from(
        [
            "2.1",
            "3.05",
            "1.85",
            "0",
            "0.0",
            "00.000",
            "-1.5",
            "",
            "nan",
            "inf",
            "1e3",
            "2,5",
            "02.5",
            "0.0001",
            " 2.1",
            ".5",
            "5.",
            "123456789012345.123456789012345",
            "1234567890123456",
            "0.1234567890123456",
            "abc",
        ]
    ),
)

TEXTS = st.one_of(
    st.sampled_from(
        [
            "FIFA",
            "Jeu terminé",
            "Équipe ⚽ 東京",
            "",
            " espacé ",
            "Saint-\r\nÉtienne",
            "a,b",
            'Real "Madrid"',
            "=cmd()",
            "+33 FC",
            "-",
            "@risque",
            "'=x",
            "''+x",
            "'",
            "'simple",
            "nul\x00caractère",
            "\\.",
            "\\N",
            "x\\y",
            "octet \udcff invalide",
            "tab\there",
        ]
    ),
    st.text(max_size=12),
)

OUTCOMES = st.sampled_from(["1", "N", "2", "X", "x", "n", "", " 1", "3", "nul"])
SOURCES = st.sampled_from(["feed", "results", "FEED", "Results", "", " feed", "autre"])

_KINDS = {
    "timestamp_utc": STAMPS,
    "event_id": INTS,
    "league": TEXTS,
    "team1": TEXTS,
    "team2": TEXTS,
    "odds_1": PRICES,
    "odds_x": PRICES,
    "odds_2": PRICES,
    "score1": INTS,
    "score2": INTS,
    "status": TEXTS,
    "outcome": OUTCOMES,
    "start_time_utc": STAMPS,
    "league_id": INTS,
    "sport_id": INTS,
    "team1_id": INTS,
    "team2_id": INTS,
    "odds_at_utc": STAMPS,
    "opening_odds_1": PRICES,
    "opening_odds_x": PRICES,
    "opening_odds_2": PRICES,
    "opening_odds_at_utc": STAMPS,
    "halftime_score1": INTS,
    "halftime_score2": INTS,
    "finish_source": SOURCES,
}
assert tuple(_KINDS) == MATCH_COLUMNS


def canonical_cells(n: int, width: int = len(MATCH_COLUMNS)) -> list[str]:
    """A plain row the fast path takes as is (event id ``n``)."""
    cells = [
        f"2025-12-06T10:{n % 60:02d}:45Z",
        str(n),
        "FIFA",
        f"Équipe {n % 7}",
        "Nice",
        "2.1",
        "3.4",
        "3.05",
        "2",
        "1",
        "Jeu terminé",
        "1",
        "2025-12-06T10:00:00Z",
        "2665392",
        "85",
        "1345",
        "1423",
        "2025-12-06T09:59:30Z",
        "2.05",
        "3.45",
        "3.1",
        "2025-12-06T09:55:00.5Z",
        "1",
        "0",
        "feed",
    ]
    return cells[:width]


@st.composite
def hostile_row(draw: st.DrawFn, width: int = len(MATCH_COLUMNS)) -> list[str]:
    """Mostly canonical cells, about two of them replaced by hostile ones."""
    cells = canonical_cells(draw(st.integers(1, 40)), width)
    for i, name in enumerate(MATCH_COLUMNS[:width]):
        if draw(st.integers(0, width // 2)) == 0:
            cells[i] = draw(_KINDS[name])
    if draw(st.integers(0, 15)) == 0:  # a short or long row now and then
        cells = cells[: draw(st.integers(0, width))] or [*cells, "en trop"]
    return cells


def csv_text(header: list[str] | tuple[str, ...], rows: list[list[str]], newline: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_file(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    return path


def reference_import(
    path: Path,
) -> tuple[list[FinishedMatch], list[tuple[int, str]], int, int]:
    """The import as ``valid_row_to_match`` sees it, written as the original code did (one
    reader over the whole file), plus the SQL range check: (stored, rejections, read,
    duplicates)."""
    now = datetime.now(UTC)
    stored: dict[int, FinishedMatch] = {}
    rejections: list[tuple[int, str]] = []
    read = duplicates = 0
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        reader = csv.reader(f)
        header = [name.strip() for name in next(reader)]
        line = reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not cells:
                continue
            read += 1
            if len(cells) != len(header):
                rejections.append((start, f"{len(cells)} cellule(s) au lieu de {len(header)}"))
                continue
            try:
                "".join(cells).encode("utf-8")
            except UnicodeEncodeError:
                rejections.append((start, "encodage invalide (UTF-8 attendu)"))
                continue
            try:
                match = valid_row_to_match(dict(zip(header, cells, strict=True)), now)
            except RowError as exc:
                rejections.append((start, exc.reason))
                continue
            reason = sql_value_error(match)
            if reason is not None:
                rejections.append((start, reason))
            elif match.event_id in stored:
                duplicates += 1
            else:
                stored[match.event_id] = match
    return list(stored.values()), rejections, read, duplicates

"""Adding the cursor's columns (``seq``, ``ingested_at_utc``) to a CSV store file of ours
written before them: one atomic rewrite under the store's lock.

Every record is kept, in file order, byte for byte, with the two cells appended: matches are
numbered 1, 2, … in file order exactly as the index numbers a file without the column (the
first record of an event id; repeats and rows without a readable id get empty cells), and
their ingestion time is their collection time (``timestamp_utc``), the best known. A record the
csv module cannot read, or holding more cells than the header, is copied unchanged. The new
file is written beside, synced, then renamed over the old one: a crash leaves one or the other,
never half of each.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from oracxpred.core.cells import RowError, format_utc, parse_int, parse_utc
from oracxpred.store.csv.file import Layout, fsync_dir, iter_records, not_writable
from oracxpred.store.cursor import CURSOR_COLUMNS


def needs_cursor_columns(layout: Layout | None) -> bool:
    """Our own files only: an original-format file is never rewritten (its seq is its file
    order, its ingestion time its collection time, see ``index.py``)."""
    return (
        layout is not None
        and layout.schema_version == "csv-v1"
        and not set(CURSOR_COLUMNS) <= set(layout.columns)
    )


def add_cursor_columns(path: Path, layout: Layout) -> int:
    """Rewrite ``path`` with the two columns; returns how many matches were numbered."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.cursor.tmp")
    end = layout.terminator.encode()
    width = len(layout.columns)
    id_at, time_at = layout.index("event_id"), layout.index("timestamp_utc")
    seen: set[int] = set()
    try:
        with path.open("rb") as src, path.open("rb") as raw_src, tmp.open("xb") as out:
            header = src.read(layout.data_start).rstrip(b"\r\n")
            out.write(header + ("," + ",".join(CURSOR_COLUMNS)).encode() + end)
            for record in iter_records(src, layout.data_start, layout.data_line, width):
                raw_src.seek(record.start)
                raw = raw_src.read(record.end - record.start)
                cells = record.fields
                seq, moment = "", ""
                if record.complete and cells:
                    # The index's rule: the first complete record of a readable event id.
                    event_id = parse_int(cells[id_at]) if id_at < len(cells) else None
                    if event_id is not None and event_id not in seen:
                        seen.add(event_id)
                        seq = str(len(seen))
                        moment = _moment(cells, time_at)
                if not record.complete or not cells or len(cells) > width:
                    out.write(raw)  # blank, unreadable, too wide or torn: as it was
                    continue
                body = raw[: -2 if raw.endswith(b"\r\n") else -1] if raw.endswith(b"\n") else raw
                body += b"," * (width - len(cells))
                out.write(body + f",{seq},{moment}".encode() + end)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, os.stat(path).st_mode & 0o777)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise not_writable(path, exc) from exc
    fsync_dir(path.parent)
    return len(seen)


def _moment(cells: list[str], at: int) -> str:
    try:
        return format_utc(parse_utc(cells[at])) if at < len(cells) else ""
    except RowError:
        return ""

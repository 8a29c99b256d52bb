"""What ``--test-db`` and the Santé page show of the archive, without decompressing it.

Compaction writes each hour's decompressed size in its zstd frame header, so the ratio comes
from file headers and sizes alone. The last outage is kept in ``last_error.json`` by the writer
once it can write again (during an outage, only the collecting process knows).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from oracxpred.archive import messages
from oracxpred.archive.files import content_size, hour_files
from oracxpred.archive.record import RAW_SUFFIX, key_time
from oracxpred.archive.writer import LAST_ERROR
from oracxpred.config import Settings


@dataclass(frozen=True, slots=True)
class ArchiveSummary:
    folder: Path
    enabled: bool
    hours: int = 0
    first_hour: str | None = None
    last_hour: str | None = None
    stored_bytes: int = 0
    raw_bytes: int = 0
    last_error: str | None = None

    @property
    def ratio(self) -> float:
        return self.raw_bytes / self.stored_bytes if self.stored_bytes else 0.0


def summarize(settings: Settings) -> ArchiveSummary:
    root = settings.archive_path
    keys: set[str] = set()
    stored = raw = 0
    for key, path in hour_files(root):
        try:
            size = path.stat().st_size
            decompressed = size if path.name.endswith(RAW_SUFFIX) else content_size(path)
        except OSError:
            continue
        keys.add(key)
        stored += size
        raw += decompressed if decompressed is not None else size
    return ArchiveSummary(
        folder=root,
        enabled=settings.archive,
        hours=len(keys),
        first_hour=min(keys) if keys else None,
        last_hour=max(keys) if keys else None,
        stored_bytes=stored,
        raw_bytes=raw,
        last_error=read_last_error(root),
    )


def read_last_error(root: Path) -> str | None:
    try:
        data = json.loads((root / LAST_ERROR).read_text(encoding="utf-8"))
        return messages.LAST_ERROR.format(**data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _hour(key: str | None) -> str:
    return key_time(key).strftime("%Y-%m-%d %H h") if key else "—"


def _size(count: int) -> str:
    for unit in ("o", "Kio", "Mio", "Gio"):
        if count < 1024 or unit == "Gio":
            return f"{count:.0f} {unit}" if unit == "o" else f"{count:.1f} {unit}"
        count /= 1024  # type: ignore[assignment]
    return str(count)  # pragma: no cover


def rows(summary: ArchiveSummary) -> list[tuple[str, str]]:
    """(label, value) pairs, French."""
    if not summary.enabled:
        return [(messages.LABEL_STATE, messages.DISABLED)]
    return [
        (messages.LABEL_FOLDER, str(summary.folder)),
        (
            messages.LABEL_SPAN,
            messages.SPAN.format(
                hours=summary.hours, first=_hour(summary.first_hour), last=_hour(summary.last_hour)
            ),
        ),
        (
            messages.LABEL_SIZE,
            messages.SIZE.format(stored=_size(summary.stored_bytes), raw=_size(summary.raw_bytes)),
        ),
        (messages.LABEL_RATIO, f"{summary.ratio:.1f}×" if summary.stored_bytes else "—"),
        (messages.LABEL_ERROR, summary.last_error or messages.NO_ERROR),
    ]


def lines(settings: Settings) -> list[str]:
    """``--test-db`` lines."""
    return [f"Archive — {label} : {value}" for label, value in rows(summarize(settings))]

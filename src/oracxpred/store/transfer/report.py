"""What an import did (``transfer/files.py`` and the COPY pipeline of ``transfer/copy.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from oracxpred import messages

REJECTIONS_KEPT = 1000
"""Bad rows listed in the report (all are counted)."""


@dataclass
class ImportReport:
    path: Path
    read: int = 0
    saved: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejections: list[tuple[int, str]] = field(default_factory=list)  # (line, French reason)
    elapsed_s: float = 0.0

    @property
    def rows_per_s(self) -> float:
        return self.read / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def reject(self, line: int, reason: str) -> None:
        """Count a bad row; the first ``REJECTIONS_KEPT`` are listed."""
        self.rejected += 1
        if len(self.rejections) < REJECTIONS_KEPT:
            self.rejections.append((line, reason))

    def summary(self) -> str:
        return messages.IMPORT_SUMMARY.format(
            path=self.path,
            read=self.read,
            saved=self.saved,
            duplicates=self.duplicates,
            rejected=self.rejected,
        )

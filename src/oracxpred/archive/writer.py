"""The feed client's recorder: every exchange appended, an outage never fails a cycle.

Every process (daemon, one-shot run, web collector) appends to the current hour's raw file
(``files.Appender``, which keeps it open between records). The first record of a new hour, in
whichever process, compacts the earlier hours and prunes files past the retention. A full or
read-only folder is reported once per outage, counted in ``oracxpred_archive_errors_total``,
and recording resumes by itself.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from oracxpred.archive import messages
from oracxpred.archive.files import Appender, compact_before, drop_stale_temporaries, prune
from oracxpred.archive.record import RAW_SUFFIX, encode, from_exchange, hour_key
from oracxpred.feed.exchange import Exchange
from oracxpred.logs import get_logger
from oracxpred.ops import alerts
from oracxpred.oserrors import os_reason

if TYPE_CHECKING:
    from oracxpred.config import Settings
    from oracxpred.feed.client import FeedClient
    from oracxpred.feed.mirrors import MirrorClient

log = get_logger("archive")

LAST_ERROR = "last_error.json"
"""The last outage, written once the archive can be written again (read by summary.py)."""


class ArchiveWriter:
    """The feed client's recorder: appends each exchange; an outage is reported once."""

    def __init__(
        self,
        root: Path,
        *,
        keep_days: int = 90,
        on_error: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.root = root
        self.keep_days = keep_days
        self.on_error = on_error
        self.clock = clock
        self.errors = 0
        self.last_error: tuple[float, str] | None = None  # (epoch, French reason)
        self._failing = False
        self._lost = 0
        self._since: float | None = None
        self._maintained: str | None = None  # hour whose compaction/pruning ran
        self._appender = Appender()
        self._paths: dict[str, Path] = {}

    def __call__(self, exchange: Exchange) -> None:
        self.record(exchange)

    def record(self, exchange: Exchange) -> None:
        key = hour_key(exchange.received_at)
        path = self._paths.get(key)
        if path is None:
            self._paths = {key: (path := self.root / f"{key}{RAW_SUFFIX}")}
        try:
            self._appender.append(path, encode(from_exchange(exchange)))
        except OSError as exc:
            self._lost += 1
            self._failed(exc)
            return
        if self._maintained != key:
            try:
                self.maintain(key)
            except OSError as exc:
                self._failed(exc)
                return
        if self._failing:
            self._failing = False
            log.info(messages.RECOVERED.format(lost=self._lost))
            alerts.resolve("archive")
            self._keep_last_error()
            self._lost = 0

    def close(self) -> None:
        """Release the current hour's file (also done when the writer is collected)."""
        self._appender.close()

    def maintain(self, current: str) -> None:
        """Compact the finished hours and prune; once per hour and per process."""
        compact_before(self.root, current)
        prune(self.root, self.keep_days, self.clock())
        drop_stale_temporaries(self.root, time.time())
        self._maintained = current

    def _keep_last_error(self) -> None:
        if self.last_error is None or self._since is None:
            return
        stamp = "%Y-%m-%d %H:%M:%S UTC"
        since = datetime.fromtimestamp(self._since, UTC).strftime(stamp)
        until = datetime.fromtimestamp(self.clock(), UTC).strftime(stamp)
        data = {"reason": self.last_error[1], "since": since, "until": until, "lost": self._lost}
        tmp = self.root / f"{LAST_ERROR}.tmp-{os.getpid()}"
        try:
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.root / LAST_ERROR)
        except OSError:
            return  # shown by this process's log line already

    def _failed(self, exc: OSError) -> None:
        self.errors += 1
        reason = os_reason(exc)
        self.last_error = (self.clock(), reason)
        if not self._failing:
            self._since = self.clock()
        if self.on_error is not None:
            self.on_error()
        if not self._failing:
            self._failing = True
            line = messages.WRITE_FAILED.format(root=self.root, reason=reason)
            log.warning(line)
            alerts.raise_incident("archive", line)  # one message per outage (ops/alerts.py)


def writer_for(settings: Settings) -> ArchiveWriter | None:
    """The recorder of a collector run with ``settings`` (None with ``--no-archive``)."""
    if not settings.archive:
        return None
    return ArchiveWriter(settings.archive_path, keep_days=settings.archive_keep_days)


def count_errors(client: FeedClient | MirrorClient, inc: Callable[[], None]) -> None:
    """Count the archive's failures in a metric (``oracxpred_archive_errors_total``)."""
    if isinstance(client.recorder, ArchiveWriter):
        client.recorder.on_error = inc

"""The archive's line format: one JSON object per exchange (docs/archive.md §Format).

Field names are short and stable: they are the dataset's public schema. Times are UTC ISO 8601
with microseconds and a ``Z``, so that they sort as text and ``jq`` users read them directly.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from pathlib import PurePosixPath

import msgspec

from oracxpred.feed.exchange import Exchange
from oracxpred.logs import mask_url

FORMAT_VERSION = 1

RAW_SUFFIX = ".jsonl"
"""The current hour's file, appended record by record."""
ZST_SUFFIX = ".jsonl.zst"
"""A finished hour, compacted into one zstd stream."""


class Record(msgspec.Struct, omit_defaults=False, forbid_unknown_fields=False):
    v: int
    t: str  # received, UTC
    kind: str  # "feed" | "results"
    attempt: int
    url: str  # secrets masked
    status: int | None
    ms: float  # latency
    date: str | None  # server's Date header
    ctype: str | None
    body: str | None  # UTF-8 text, or base64 when ``b64``
    b64: bool
    error: str | None  # None, "transient", "refused", "format"
    reason: str | None

    @property
    def when(self) -> datetime:
        return parse_time(self.t)

    def body_bytes(self) -> bytes | None:
        if self.body is None:
            return None
        if self.b64:
            return base64.b64decode(self.body)
        return self.body.encode("utf-8")


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Record)


def format_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    """``format_time``'s text back (``fromisoformat``: strptime costs more than a replayed
    cycle's own bookkeeping)."""
    if len(text) != 27 or text[10] != "T" or text[-1] != "Z":
        raise ValueError(f"heure invalide : {text!r}")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def from_exchange(exchange: Exchange) -> Record:
    text: str | None = None
    b64 = False
    if exchange.body is not None:
        try:
            text = exchange.body.decode("utf-8")
        except UnicodeDecodeError:
            text, b64 = base64.b64encode(exchange.body).decode("ascii"), True
    return Record(
        v=FORMAT_VERSION,
        t=format_time(exchange.received_at),
        kind=exchange.kind,
        attempt=exchange.attempt,
        url=mask_url(exchange.url),
        status=exchange.status,
        ms=round(exchange.latency_ms, 3),
        date=exchange.date,
        ctype=exchange.ctype,
        body=text,
        b64=b64,
        error=exchange.error,
        reason=exchange.reason,
    )


def encode(record: Record) -> bytes:
    """One line, newline included (JSON escapes every control character inside strings)."""
    return _encoder.encode(record) + b"\n"


def decode(line: bytes) -> Record:
    """Raises ``ValueError`` for a torn or foreign line."""
    try:
        record = _decoder.decode(line)
        record.when  # noqa: B018 - a bad time is a bad line
        if record.b64 and record.body is not None:
            base64.b64decode(record.body, validate=True)
    except (msgspec.DecodeError, binascii.Error) as exc:
        raise ValueError(str(exc)) from None
    return record


def hour_key(epoch: float) -> str:
    """``2026/12/02/14``: the hour's file name without its suffix."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y/%m/%d/%H")


def key_of(path: PurePosixPath | str) -> str | None:
    """The hour key of an archive file's relative path, or None for anything else."""
    text = str(path)
    for suffix in (ZST_SUFFIX, RAW_SUFFIX):
        if text.endswith(suffix):
            key = text[: -len(suffix)]
            try:
                datetime.strptime(key, "%Y/%m/%d/%H")
            except ValueError:
                return None
            return key
    return None


def key_time(key: str) -> datetime:
    return datetime.strptime(key, "%Y/%m/%d/%H").replace(tzinfo=UTC)

"""What a consumer receives for one stored match: the JSON of ``/api/matches`` plus the cursor
(``seq``, ``ingested_at_utc``), and the HMAC that proves it came from us."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from oracxpred.store.match_json import iso, match_json
from oracxpred.store.values import CursorItem

SIGNATURE_HEADER = "X-OracXPred-Signature"
SEQ_HEADER = "X-OracXPred-Seq"


def item_json(item: CursorItem) -> dict[str, Any]:
    return {**match_json(item.match), "seq": item.seq, "ingested_at_utc": iso(item.ingested_at)}


def body_bytes(item: CursorItem) -> bytes:
    """The exact bytes POSTed (and signed): compact UTF-8 JSON."""
    return json.dumps(item_json(item), ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of the raw body>``, the value of ``X-OracXPred-Signature``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"

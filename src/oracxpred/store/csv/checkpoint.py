"""Named checkpoints of the CSV store: one JSON file each beside the CSV, replaced atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from oracxpred.errors import StoreCorrupted, StoreUnavailable
from oracxpred.oserrors import os_reason
from oracxpred.store.csv.state import atomic_write


def load_json(path: Path) -> dict[str, Any] | None:
    """The stored dict, None when the file is absent; a damaged file is an error, never
    silently "no checkpoint" (that would ask a finished range again)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreUnavailable(f"Point de reprise {path} illisible : {os_reason(exc)}") from None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise StoreCorrupted(f"Point de reprise {path} endommagé (JSON invalide).")
    return data


def save_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write(path, json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8"))

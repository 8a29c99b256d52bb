"""The local half of ``oracxpred doctor``: store, lease holder, archive folder, free disk."""

from __future__ import annotations

import os
from pathlib import Path

from oracxpred.config import Settings
from oracxpred.errors import CollectorError
from oracxpred.logs import mask_secrets
from oracxpred.ops import doctor_messages as t
from oracxpred.ops.doctor_line import Line
from oracxpred.ops.watch import free_mb

DISK_FAIL_MB = 10.0
"""Below this nothing can be written: a failure, not a warning."""


def check_local(settings: Settings, lines: list[Line]) -> bool:
    """Append the local lines; True when the store is usable."""
    ok = check_store(settings, lines)
    lines.append(check_lease(settings))
    lines.append(check_archive(settings))
    # Where this machine writes: the CSV store, or the outage spool beside it.
    where = settings.spool_path if settings.database_url else settings.csv_path
    disk = check_disk(where, settings.alert_disk_mb)
    lines.append(disk)
    return ok and disk.verdict != "fail"


def check_store(settings: Settings, lines: list[Line]) -> bool:
    """Reachable, writable, schema at head; the bare store, never the outage spool (a
    database that is down must show here, not be hidden by the spool)."""
    try:
        if settings.database_url:
            from oracxpred.store.sql.migrate import head_revision
            from oracxpred.store.sql.store import SqlStore

            with SqlStore(settings.database_url, migrate=False) as sql:
                info, head = sql.describe(), head_revision()
        else:
            from oracxpred.store.csv.store import CsvStore

            with CsvStore(settings.csv_path) as csv:
                info, head = csv.describe(), None
    except CollectorError as exc:
        reason = mask_secrets(str(exc))
        lines.append(
            Line(t.STORE, "Accès", "fail", reason, t.STORE_FAIL_HINT.format(reason=reason))
        )
        lines.append(Line(t.STORE, "Écriture", "skip", t.SKIPPED))
        lines.append(Line(t.STORE, "Schéma", "skip", t.SKIPPED))
        return False
    detail = t.STORE_OK.format(
        backend=info.backend,
        target=info.target,
        rows=info.row_count,
        schema=info.schema_version or "?",
    )
    lines.append(Line(t.STORE, "Accès", "ok", detail))
    if info.writable:
        lines.append(Line(t.STORE, "Écriture", "ok", "oui"))
    else:
        lines.append(Line(t.STORE, "Écriture", "fail", "non", t.STORE_READONLY_HINT))
    if head is None or info.schema_version in (head, "original"):
        lines.append(Line(t.STORE, "Schéma", "ok", info.schema_version or "?"))
    else:
        found = info.schema_version or "aucun"
        hint = t.STORE_SCHEMA_HINT.format(found=found, head=head)
        lines.append(Line(t.STORE, "Schéma", "warn", found, hint))
    return info.writable


def check_lease(settings: Settings) -> Line:
    from oracxpred.collector.lease import describe_holder

    try:
        holder = describe_holder(settings)
    except CollectorError as exc:
        reason = mask_secrets(str(exc))
        return Line(t.LEASE, "Détenteur", "warn", reason, t.LEASE_FAIL_HINT.format(reason=reason))
    if holder is None:
        return Line(t.LEASE, "Détenteur", "ok", t.LEASE_NONE)
    return Line(t.LEASE, "Détenteur", "ok", t.LEASE_HELD.format(**holder))


def check_archive(settings: Settings) -> Line:
    """The archive folder, unless recording is off (``--no-archive``). A folder not created yet
    is fine (the collector creates it, parents included) when its nearest existing parent lets
    this user create it; a failure only when it cannot be written or created."""
    if not settings.archive:
        return Line(t.ARCHIVE, "Dossier", "skip", t.ARCHIVE_NONE)
    path = settings.archive_path
    if path.is_dir():
        if os.access(path, os.W_OK | os.X_OK):
            return Line(t.ARCHIVE, "Dossier", "ok", t.ARCHIVE_OK.format(path=path))
        return Line(t.ARCHIVE, "Dossier", "fail", str(path), t.ARCHIVE_HINT.format(path=path))
    if path.exists() or path.is_symlink():  # a file, or a dangling link, in the way
        return Line(
            t.ARCHIVE, "Dossier", "fail", str(path), t.ARCHIVE_NOT_DIR_HINT.format(path=path)
        )
    parent = _existing_parent(path)
    if parent is not None and parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
        return Line(t.ARCHIVE, "Dossier", "ok", t.ARCHIVE_LATER.format(path=path))
    where = parent if parent is not None else path
    hint = t.ARCHIVE_CREATE_HINT.format(path=path, parent=where)
    return Line(t.ARCHIVE, "Dossier", "fail", str(path), hint)


def _existing_parent(path: Path) -> Path | None:
    """The nearest ancestor of ``path`` that exists (a file there blocks the creation)."""
    for parent in path.absolute().parents:
        if parent.exists():
            return parent
    return None


def check_disk(path: Path, limit_mb: float) -> Line:
    free = free_mb(path)
    folder = path.parent
    if free is None:
        return Line(t.DISK, "Espace libre", "skip", str(folder))
    detail = t.DISK_OK.format(free=free, path=folder)
    if free < DISK_FAIL_MB:
        return Line(
            t.DISK, "Espace libre", "fail", detail, t.DISK_HINT.format(path=folder, free=free)
        )
    if free < limit_mb:
        return Line(
            t.DISK, "Espace libre", "warn", detail, t.DISK_HINT.format(path=folder, free=free)
        )
    return Line(t.DISK, "Espace libre", "ok", detail)

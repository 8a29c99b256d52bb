"""``oracxpred archive stats|verify|replay|export``: the recorded responses as a dataset.

Exit codes: 0 done, 1 failed (damaged archive, unusable store), 2 usage error.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from oracxpred.archive import messages
from oracxpred.archive.reader import Note, Stats, merged, stats
from oracxpred.archive.record import encode, parse_time
from oracxpred.cli.french import HELP_OPTION, FrenchCommand, FrenchGroup, stderr_line
from oracxpred.cli.options import settings_from, store_options
from oracxpred.config import Settings
from oracxpred.errors import CollectorError, ConfigError
from oracxpred.logs import mask_secrets

FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
DIRS = click.Path(path_type=Path)


def parse_when(raw: str | None, *, end: bool = False) -> datetime | None:
    """A UTC date or time from the command line; as an end (``--to``, excluded) a bare day
    means the midnight after it, so that the day is included (as for ``export-odds``)."""
    if raw is None:
        return None
    for fmt in FORMATS:
        try:
            moment = datetime.strptime(raw.strip(), fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
        return moment + timedelta(days=1) if end and fmt == "%Y-%m-%d" else moment
    raise ConfigError(messages.BAD_TIME.format(raw=raw))


def span(from_: str | None, to_: str | None) -> tuple[datetime | None, datetime | None]:
    """``--from`` (included) and ``--to`` (excluded, a bare day included); ``ConfigError``
    when they are in the wrong order (an empty range would say nothing)."""
    start, end = parse_when(from_), parse_when(to_, end=True)
    if start is not None and end is not None and start >= end:
        raise ConfigError(messages.BAD_SPAN.format(start=from_, end=to_))
    return start, end


def _range(func: Any) -> Any:
    func = click.option(
        "--to", "to_", metavar="DATE", help="Fin (UTC, exclue ; un jour seul : inclus)."
    )(func)
    return click.option("--from", "from_", metavar="DATE", help="Depuis cette date (UTC).")(func)


def _archive_dir(func: Any) -> Any:
    return click.option(
        "--archive-dir",
        metavar="DOSSIER",
        help="Dossier de l'archive (défaut : archive/ à côté du CSV, data/archive pour SQL).",
    )(func)


def _roots(settings: Settings, given: tuple[Path, ...]) -> list[Path]:
    roots = list(given) or [settings.archive_path]
    for root in roots:
        if not root.exists():
            stderr_line(messages.NO_ARCHIVE.format(root=root))
    return roots


def _settings(values: dict[str, Any]) -> Settings:
    return settings_from(values)


def _time(record_time: str | None) -> str:
    if record_time is None:
        return "aucune"
    return parse_time(record_time).strftime("%Y-%m-%d %H:%M:%S UTC")


def _notes(notes: list[Note]) -> None:
    for note in notes:
        click.echo(messages.NOTE.format(path=note.path, line=note.line, what=note.what))


def _stats_lines(found: Stats) -> None:
    click.echo(messages.STATS_HOURS.format(hours=found.hours, pending=found.pending_hours))
    click.echo(
        messages.STATS_RECORDS.format(
            records=found.records, feed=found.feed, results=found.results, failed=found.failed
        )
    )
    click.echo(
        messages.STATS_BYTES.format(
            raw=found.raw_bytes, stored=found.stored_bytes, ratio=found.ratio
        )
    )
    click.echo(messages.STATS_SPAN.format(first=_time(found.first), last=_time(found.last)))
    click.echo(messages.STATS_TORN.format(torn=found.torn))


@click.group(cls=FrenchGroup, context_settings=HELP_OPTION)
def archive() -> None:
    """Archive des réponses reçues : statistiques, vérification, rejeu, extrait."""


@archive.command("stats", cls=FrenchCommand)
@_range
@_archive_dir
@store_options
@click.argument("archive_dirs", nargs=-1, type=DIRS)
def stats_command(
    from_: str | None, to_: str | None, archive_dirs: tuple[Path, ...], **values: Any
) -> int:
    """Heures, enregistrements, octets, ratio de compression, période couverte."""
    try:
        settings = _settings(values)
        found = stats(_roots(settings, archive_dirs), *span(from_, to_))
    except ConfigError as exc:
        stderr_line(f"Erreur : {exc}")
        return 2
    _stats_lines(found)
    bad = [n for n in found.problems if n.fatal]
    if bad:
        click.echo(messages.VERIFY_BAD.format(count=len(bad)))
        _notes(bad)
    return 1 if bad else 0


@archive.command("verify", cls=FrenchCommand)
@_archive_dir
@store_options
@click.argument("archive_dirs", nargs=-1, type=DIRS)
def verify_command(archive_dirs: tuple[Path, ...], **values: Any) -> int:
    """Relit toute l'archive : code 0 si tout est lisible, 1 sinon (avec la liste)."""
    try:
        settings = _settings(values)
    except ConfigError as exc:
        stderr_line(f"Erreur : {exc}")
        return 2
    found = stats(_roots(settings, archive_dirs))
    _notes([n for n in found.problems if not n.fatal])
    bad = [n for n in found.problems if n.fatal]
    if bad:
        click.echo(messages.VERIFY_BAD.format(count=len(bad)))
        _notes(bad)
        return 1
    click.echo(messages.VERIFY_OK.format(records=found.records, hours=found.hours))
    return 0


@archive.command("replay", cls=FrenchCommand)
@_range
@store_options
@click.option("--verbose", "-v", is_flag=True, help="Afficher les lignes des cycles rejoués.")
@click.argument("archive_dirs", nargs=-1, required=True, type=DIRS)
def replay_command(
    from_: str | None, to_: str | None, verbose: bool, archive_dirs: tuple[Path, ...], **values: Any
) -> int:
    """Reconstruit un stockage en rejouant les réponses archivées dans le vrai cycle."""
    from tqdm import tqdm

    from oracxpred.archive.replay import replay
    from oracxpred.logs import setup_logging
    from oracxpred.store.factory import open_csv, open_sql

    try:
        settings = _settings({**values, "verbose": verbose}).with_(archive=False)
        start, end = span(from_, to_)
        setup_logging(settings.verbose, None)
    except ConfigError as exc:
        stderr_line(f"Erreur : {exc}")
        return 2
    if not any(root.exists() for root in _roots(settings, archive_dirs)):
        return 1
    notes: list[Note] = []
    try:
        store = open_sql(settings.database_url) if settings.database_url else open_csv(settings)
    except CollectorError as exc:
        stderr_line(f"Erreur : {mask_secrets(str(exc))}")
        return 1
    target = store.target
    if store.recent_heartbeats(1):
        # A collector wrote there: its tracking state and odds would be rewound or doubled.
        store.close()
        stderr_line(messages.REPLAY_LIVE_STORE.format(target=mask_secrets(str(target))))
        return 2
    click.echo(messages.REPLAY_TARGET.format(target=mask_secrets(str(target))))
    with store, tqdm(unit=" cycle", disable=None, leave=False) as bar:
        try:
            summary = replay(
                merged(archive_dirs, notes, start, end),
                store,
                settings,
                on_cycle=lambda: bar.update(),
            )
        except CollectorError as exc:
            stderr_line(f"Erreur : {mask_secrets(str(exc))}")
            return 1
    click.echo(
        messages.REPLAY_DONE.format(
            cycles=summary.cycles,
            failed=summary.failed_cycles,
            saved=summary.saved,
            records=summary.records,
            first=_time(summary.first),
            last=_time(summary.last),
        )
    )
    if summary.mismatches or summary.skipped_records:
        click.echo(
            messages.REPLAY_GAPS.format(
                mismatches=summary.mismatches, skipped=summary.skipped_records
            )
        )
    _notes(notes)
    return 1 if any(n.fatal for n in notes) else 0


@archive.command("export", cls=FrenchCommand)
@_range
@_archive_dir
@store_options
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def export_command(from_: str | None, to_: str | None, out: Path, **values: Any) -> int:
    """Écrit une tranche de l'archive dans un fichier (.jsonl, ou .jsonl.zst compressé)
    que ``archive replay`` ou un test peut relire."""
    from oracxpred.archive.files import compressor

    try:
        settings = _settings(values)
        start, end = span(from_, to_)
    except ConfigError as exc:
        stderr_line(f"Erreur : {exc}")
        return 2
    notes: list[Note] = []
    count = 0
    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as raw:
            sink = compressor().stream_writer(raw, closefd=False) if out.suffix == ".zst" else raw
            for record in merged(_roots(settings, ()), notes, start, end):
                sink.write(encode(record))
                count += 1
            if sink is not raw:
                sink.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        stderr_line(f"Erreur : {out} : {exc}")
        return 1
    _notes(notes)
    click.echo(messages.EXPORT_DONE.format(path=out, records=count))
    return 1 if any(n.fatal for n in notes) else 0

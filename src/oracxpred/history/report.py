"""The audit's French text report: one table row per league and day, then the details."""

from __future__ import annotations

import click

from oracxpred.history import messages
from oracxpred.history.audit import AuditReport
from oracxpred.history.backfill import format_table

DETAILS_MAX = 20
"""Ids listed per line before "…": the JSON report has them all."""


def _ids(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:DETAILS_MAX])
    return shown + (f", … ({len(ids)} en tout)" if len(ids) > DETAILS_MAX else "")


def print_audit(report: AuditReport) -> None:
    rows: list[tuple[str, ...]] = [messages.AUDIT_HEADER]
    for d in report.days:
        rows.append(
            (
                f"{d.league or '?'} ({d.league_id})",
                d.day,
                str(d.expected),
                str(d.stored),
                str(len(d.missing)),
                str(len(d.mismatched)),
                str(len(d.swapped)),
                str(len(d.unknown)),
            )
        )
    if report.days:
        click.echo(format_table(rows))
    for d in report.days:
        name = d.league or str(d.league_id)
        if d.missing:
            click.echo(messages.AUDIT_MISSING.format(league=name, day=d.day, ids=_ids(d.missing)))
        for m in d.mismatched:
            click.echo(
                messages.AUDIT_MISMATCH.format(
                    league=name, day=d.day, event_id=m.event_id, stored=m.stored, service=m.service
                )
            )
        for event_id in d.swapped:
            click.echo(messages.AUDIT_SWAPPED.format(league=name, day=d.day, event_id=event_id))
        if d.unknown:
            click.echo(messages.AUDIT_UNKNOWN.format(league=name, day=d.day, ids=_ids(d.unknown)))
    for failure in report.failures:
        click.echo(messages.AUDIT_FAILED.format(reason=failure), err=True)
    if report.repaired:
        click.echo(messages.AUDIT_REPAIRED.format(count=report.repaired))
    if not (report.missing or report.mismatched or report.swapped):
        click.echo(messages.AUDIT_COMPLETE.format(expected=report.expected))
    else:
        click.echo(
            messages.AUDIT_GAPS.format(
                missing=report.missing,
                mismatched=report.mismatched,
                swapped=report.swapped,
                expected=report.expected,
            )
        )

"""Collector health: ``/health`` for probes (200/503 + French reason) and the ``/sante`` page.

Healthy means the store answers *and* the newest successful cycle is recent enough
(``WebState.health_max_age_s``). Heartbeats come from the store, so this works whichever
process collects (external daemon, internal collector, another host).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template

from oracxpred.errors import StoreError
from oracxpred.logs import get_logger, mask_secrets
from oracxpred.store.base import Heartbeat, QuarantinedEvent, StoreInfo
from oracxpred.web import drift
from oracxpred.web import messages as msg
from oracxpred.web.charts import cycles_chart
from oracxpred.web.formatting import fmt_age, fmt_dt, iso
from oracxpred.web.state import CollectorHandle, WebState, web_state

bp = Blueprint("health", __name__)
log = get_logger("web")

HEARTBEATS_SCANNED = 100
"""How far back the last success is searched (stores keep at least 100 heartbeats)."""
HEARTBEATS_SHOWN = 30

HOLDER_LABELS = {
    "host": "Hôte",
    "pid": "PID",
    "since": "Depuis",
    "valid_until": "Valide jusqu'à",
    "mechanism": "Mécanisme",
}

COLLECTOR_LABELS = {
    "collecting": "Détient le verrou (collecte ici)",
    "consecutive_failures": "Échecs consécutifs",
    "last_success": "Dernière réussite",
    "last_error": "Dernière erreur",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    reason: str
    last_success: Heartbeat | None = None
    age_s: float | None = None


def beat_time(hb: Heartbeat) -> datetime:
    return hb.finished_at or hb.started_at


def judge(heartbeats: Sequence[Heartbeat], now: datetime, max_age_s: float) -> Verdict:
    """The verdict on heartbeats (newest first) of a store that answered."""
    if not heartbeats:
        return Verdict(False, msg.NO_HEARTBEAT)
    success = next((hb for hb in heartbeats if hb.ok), None)
    if success is None:
        last_error = heartbeats[0].error or msg.UNKNOWN_ERROR
        return Verdict(
            False,
            msg.NO_SUCCESS.format(count=len(heartbeats), last_error=mask_secrets(last_error)),
        )
    age = max(0.0, (now - beat_time(success)).total_seconds())
    if age > max_age_s:
        return Verdict(
            False,
            msg.STALE.format(age=fmt_age(age), max_age=fmt_age(max_age_s)),
            success,
            age,
        )
    return Verdict(True, msg.FRESH.format(age=fmt_age(age)), success, age)


@dataclass(frozen=True, slots=True)
class Check:
    verdict: Verdict
    info: StoreInfo | None
    heartbeats: tuple[Heartbeat, ...]
    now: datetime
    rejections: tuple[QuarantinedEvent, ...] = ()
    max_age_s: float | None = None


def check(state: WebState) -> Check:
    """Ask the store for real; a ``StoreError`` is the answer "unhealthy", with its reason."""
    now = state.clock()
    try:
        store = state.store()
        info = store.describe()
        beats = tuple(store.recent_heartbeats(HEARTBEATS_SCANNED))
        rejections = tuple(store.recent_rejections(drift.REJECTIONS_SHOWN))
    except StoreError as exc:
        reason = msg.STORE_UNREACHABLE.format(reason=mask_secrets(str(exc)))
        outage = _outage(state, now)
        return Check(Verdict(False, f"{outage} {reason}" if outage else reason), None, (), now)
    except Exception as exc:  # a bug still answers 503 to probes; the log keeps the traceback
        log.error(msg.STORE_CHECK_CRASHED, exc_info=exc)
        reason = msg.STORE_UNEXPECTED.format(kind=type(exc).__name__)
        return Check(Verdict(False, reason), None, (), now)
    max_age = state.health_max_age_s
    if not current_app.config.get("ORACXPRED_HEALTH_MAX_AGE_EXPLICIT"):
        max_age = drift.max_age_from_heartbeats(beats, max_age)
    verdict = judge(beats, now, max_age)
    drifted = drift.drift_reason(beats, rejections) if verdict.ok else None
    drifted = drifted or (drift.outage_reason(store, now) if verdict.ok else None)
    if drifted:
        verdict = Verdict(False, drifted, verdict.last_success, verdict.age_s)
    return Check(verdict, info, beats, now, rejections, max_age)


def _outage(state: WebState, now: datetime) -> str | None:
    try:
        return drift.outage_reason(state.store(), now)
    except StoreError:
        return None


def info_json(info: StoreInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "backend": info.backend,
        "target": info.target,
        "writable": info.writable,
        "row_count": info.row_count,
        "schema_version": info.schema_version,
        "last_collection": iso(info.last_collection),
        "details": list(info.details),
    }


@bp.get("/health")
def health() -> tuple[Any, int]:
    """200 when the store answers and a cycle succeeded recently, 503 otherwise."""
    state = web_state()
    result = check(state)
    verdict = result.verdict
    body = {
        "status": "ok" if verdict.ok else "erreur",
        "reason": verdict.reason,
        "checked_at": iso(result.now),
        "max_age_s": result.max_age_s or state.health_max_age_s,
        "last_success": iso(beat_time(verdict.last_success)) if verdict.last_success else None,
        "last_success_age_s": verdict.age_s,
        "recent_failures": sum(1 for hb in result.heartbeats[:HEARTBEATS_SHOWN] if not hb.ok),
        "store": info_json(result.info),
        "recent_rejected": sum(hb.rejected for hb in result.heartbeats[: drift.DRIFT_CYCLES]),
        "rejections": [drift.rejection_json(e) for e in result.rejections],
    }
    return jsonify(body), 200 if verdict.ok else 503


def holder_rows(holder: Any) -> list[tuple[str, str]]:
    """The lease holder as (label, value) lines, whatever shape the describer returned."""
    if isinstance(holder, Mapping):
        return [(HOLDER_LABELS.get(str(k), str(k)), _show(v)) for k, v in holder.items()]
    return [("Détenteur", str(holder))]


def collector_rows(collector: CollectorHandle | None) -> list[tuple[str, str]]:
    if collector is None:
        return []
    try:
        values = collector.status()
    except Exception as exc:  # noqa: BLE001 - a status probe must not break the page
        reason = mask_secrets(str(exc))
        return [("État", msg.COLLECTOR_STATUS_UNAVAILABLE.format(reason=reason))]
    return [(COLLECTOR_LABELS.get(str(k), str(k)), _show(v)) for k, v in values.items()]


def _show(value: Any) -> str:
    """A status value for people: ``oui``/``non``, dates as on the rest of the page (never
    a raw ISO 8601 string), ``—`` for nothing."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    moment = _moment(value)
    if moment is not None:
        return fmt_dt(moment, seconds=True)
    return "—" if value in (None, "") else str(value)


def _moment(value: Any) -> datetime | None:
    """``value`` as an aware datetime when it is one or an ISO 8601 date-time string."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not _ISO_DATETIME.match(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_ISO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")


@bp.get("/sante")
def page() -> str:
    """The health page: verdict, store, lease holder, internal collector, last cycles.

    Always 200: the page itself worked; probes read ``/health``."""
    state = web_state()
    result = check(state)
    holder, holder_error = state.describe_holder()
    shown = result.heartbeats[:HEARTBEATS_SHOWN]
    return render_template(
        "health.html",
        result=result,
        verdict=result.verdict,
        max_age_s=result.max_age_s or state.health_max_age_s,
        rejections=result.rejections,
        holder_rows=holder_rows(holder) if holder is not None else [],
        holder_error=holder_error,
        internal=bool(current_app.config.get("ORACXPRED_INTERNAL_COLLECTOR")),
        collector_rows=collector_rows(state.collector),
        collector_error=state.collector_error,
        beats=shown,
        failures=[hb for hb in shown if not hb.ok],
        cycles=cycles_chart(shown) if shown else None,
        interval_min=drift.collector_interval_min(result.heartbeats, state.settings.interval_min),
        archive_rows=_archive_rows(state),
        **_completeness(state),
    )


def _completeness(state: Any) -> dict[str, Any]:
    """The re-audit's chart (history, issue 15); nothing when no audit ran yet."""
    from oracxpred.errors import CollectorError
    from oracxpred.web.completeness import completeness_chart, completeness_days

    now = state.clock()
    try:
        days = completeness_days(state.store(), now)
    except CollectorError:
        days = []
    return {"completeness": completeness_chart(days, now) if days else None}


def _archive_rows(state: WebState) -> list[tuple[str, str]]:
    """The archive card (docs/archive.md); a folder that cannot be read says so."""
    from oracxpred.archive.summary import rows, summarize

    try:
        return rows(summarize(state.settings))
    except OSError as exc:
        return [("État", f"illisible : {exc.strerror or exc}")]

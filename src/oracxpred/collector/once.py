"""What the collector command does, once its settings are known: one-shot and ``--test-db``.

Returns exit codes; nothing here exits the process (only ``cli/`` does). A one-shot run takes
the single-active lease first (``collector/lease/``): when a daemon or another run collects, it says
so and exits 0 without touching the store, so cron and a daemon never collide.
"""

from __future__ import annotations

from oracxpred import messages
from oracxpred.collector.cycle import Collector
from oracxpred.collector.lease import describe_holder, lease_for
from oracxpred.config import Settings
from oracxpred.errors import CollectorError
from oracxpred.logs import get_logger, mask_secrets
from oracxpred.push.webhooks import build_pusher, deliver_once
from oracxpred.store.base import StoreInfo
from oracxpred.store.factory import open_store

log = get_logger("collector.once")


def run_once(settings: Settings) -> int:
    """One collection: 0 when the data is safe (stored or spooled) or when another collector
    is active (nothing collected), 1 otherwise."""
    try:
        store = open_store(settings)
    except CollectorError as exc:
        log.error(messages.FAILED.format(reason=mask_secrets(str(exc))))
        return 1
    with store, lease_for(settings) as lease:
        try:
            held = lease.ensure()
        except CollectorError as exc:
            log.error(messages.FAILED.format(reason=mask_secrets(str(exc))))
            return 1
        if not held:
            holder = lease.holder()
            who = holder.describe() if holder else messages.UNKNOWN_HOLDER_SHORT
            log.info(messages.ONE_SHOT_STANDBY.format(who=who))
            return 0
        log.debug(messages.ONE_SHOT_LEASE_TAKEN, lease.mechanism)
        log.info(messages.STORE_INFO.format(backend=store.backend, target=store.target))
        try:
            pusher = build_pusher(settings, store)
        except CollectorError as exc:
            log.error(messages.FAILED.format(reason=mask_secrets(str(exc))))
            return 1
        if pusher is not None:
            pusher.prepare()  # a new webhook starts before this run's matches
        collector = Collector(settings, store)
        try:
            collector.run_cycle()
        except CollectorError:
            if pusher is not None:
                pusher.close()
            return 1
        finally:
            collector.close()
        if pusher is not None:
            deliver_once(pusher)  # bounded: what does not fit goes at the next run
        spool = store.spool_state()
        if spool is not None and spool.never_reached:
            return 1  # logged by the cycle; the matches are safe in the spool, the URL is wrong
    return 0


def describe_lines(info: StoreInfo) -> list[str]:
    lines = [
        messages.INFO_BACKEND.format(backend=info.backend),
        messages.INFO_TARGET.format(target=info.target),
        messages.INFO_WRITABLE.format(answer=messages.YES if info.writable else messages.NO),
        messages.INFO_SCHEMA.format(version=info.schema_version or messages.INFO_UNKNOWN),
        messages.INFO_ROWS.format(count=info.row_count),
    ]
    if info.server_version:
        lines.insert(2, messages.INFO_SERVER.format(version=info.server_version))
    last = info.last_collection.strftime("%Y-%m-%d %H:%M:%S UTC") if info.last_collection else None
    lines.append(messages.INFO_LAST_COLLECTION.format(last=last or messages.INFO_NONE))
    lines.extend(info.details)
    return lines


def check_store(settings: Settings) -> int:
    """``--test-db``: probe the configured store for real and print what it is."""
    try:
        store = open_store(settings)
        with store:
            info = store.describe()
            beats = store.recent_heartbeats(5)
    except CollectorError as exc:
        log.error(messages.TEST_DB_FAILED, mask_secrets(str(exc)))
        return 1
    for line in describe_lines(info):
        log.info(line)
    from oracxpred.archive.summary import lines as archive_lines

    for line in archive_lines(settings):
        log.info(line)
    for beat in beats:
        state = "OK" if beat.ok else messages.TEST_DB_CYCLE_FAILED.format(error=beat.error)
        log.info(
            messages.TEST_DB_CYCLE,
            beat.started_at.strftime("%Y-%m-%d %H:%M:%S"),
            beat.host,
            beat.pid,
            state,
            beat.saved,
        )
    holder = describe_holder(settings)
    if holder:
        log.info(
            messages.TEST_DB_HOLDER,
            holder["host"],
            holder["pid"],
            holder["since"],
            holder["mechanism"],
        )
    else:
        log.info(messages.TEST_DB_NO_HOLDER)
    ok = info.writable
    if not ok:
        log.error(messages.TEST_DB_NOT_WRITABLE)
    return 0 if ok else 1

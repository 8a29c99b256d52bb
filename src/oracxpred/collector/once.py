"""What the collector command does, once its settings are known: one-shot and ``--test-db``.

Returns exit codes; nothing here exits the process (only ``cli.py`` does). A one-shot run takes
the single-active lease first (``lease.py``): when a daemon or another run collects, it says
so and exits 0 without touching the store, so cron and a daemon never collide.
"""

from __future__ import annotations

from oracxpred import messages
from oracxpred.collector.cycle import Collector
from oracxpred.collector.lease import describe_holder, lease_for
from oracxpred.collector.outage import never_reached, spooling_of
from oracxpred.config import Settings
from oracxpred.errors import CollectorError
from oracxpred.logs import get_logger, mask_secrets
from oracxpred.store.base import Store, StoreInfo

log = get_logger("collector.once")


def open_configured_store(settings: Settings) -> Store:
    from oracxpred.store.factory import open_store

    store = open_store(settings)
    return store


def run_once(settings: Settings) -> int:
    """One collection: 0 when the data is safe (stored or spooled) or when another collector
    is active (nothing collected), 1 otherwise."""
    try:
        store = open_configured_store(settings)
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
            log.info(ONE_SHOT_STANDBY.format(who=holder.describe() if holder else "inconnu"))
            return 0
        log.debug("Bail de collecte pris (%s) pour ce lancement", lease.mechanism)
        log.info(messages.STORE_INFO.format(backend=store.backend, target=_target(store)))
        collector = Collector(settings, store)
        try:
            collector.run_cycle()
        except CollectorError:
            return 1
        finally:
            collector.close()
        spool = spooling_of(store)
        if never_reached(spool):
            return 1  # logged by the cycle; the matches are safe in the spool, the URL is wrong
    return 0


ONE_SHOT_STANDBY = "Un autre collecteur est actif ({who}) : aucune collecte par ce lancement"


def _target(store: Store) -> str:
    target = getattr(store, "target", None)
    return str(target) if target is not None else store.backend


def describe_lines(info: StoreInfo) -> list[str]:
    lines = [
        f"Stockage : {info.backend}",
        f"Cible : {info.target}",
        f"Accessible en écriture : {'oui' if info.writable else 'non'}",
        f"Version du schéma : {info.schema_version or 'inconnue'}",
        f"Nombre de matchs : {info.row_count}",
    ]
    if info.server_version:
        lines.insert(2, f"Version du serveur : {info.server_version}")
    last = info.last_collection.strftime("%Y-%m-%d %H:%M:%S UTC") if info.last_collection else None
    lines.append(f"Dernière collecte : {last or 'aucune'}")
    lines.extend(info.details)
    return lines


def check_store(settings: Settings) -> int:
    """``--test-db``: probe the configured store for real and print what it is."""
    try:
        store = open_configured_store(settings)
        with store:
            info = store.describe()
            beats = store.recent_heartbeats(5)
    except CollectorError as exc:
        log.error("Test du stockage échoué : %s", mask_secrets(str(exc)))
        return 1
    for line in describe_lines(info):
        log.info(line)
    for beat in beats:
        state = "OK" if beat.ok else f"ÉCHEC ({beat.error})"
        log.info(
            "Cycle du %s sur %s (pid %s) : %s, %s sauvegardé(s)",
            beat.started_at.strftime("%Y-%m-%d %H:%M:%S"),
            beat.host,
            beat.pid,
            state,
            beat.saved,
        )
    holder = describe_holder(settings)
    if holder:
        log.info(
            "Collecteur actif : hôte %s, pid %s, depuis %s (%s)",
            holder["host"],
            holder["pid"],
            holder["since"],
            holder["mechanism"],
        )
    else:
        log.info("Collecteur actif : aucun")
    ok = info.writable
    if not ok:
        log.error("Le stockage n'est pas accessible en écriture.")
    return 0 if ok else 1

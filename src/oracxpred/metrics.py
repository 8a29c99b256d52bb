"""Prometheus metrics of the collector (``--metrics-port``), on a registry of its own.

A dedicated ``CollectorRegistry`` rather than the global one: the daemon, the web app's
background collector and the tests can each create their own set without name clashes.

The endpoint listens on 127.0.0.1 by default: the metrics name hosts and process ids, and a
scraper on another machine should reach them through a reverse proxy or an SSH tunnel (or pass
``addr="0.0.0.0"`` deliberately; see docs/operations.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, start_http_server

from oracxpred.core.records import REJECTION_CATEGORIES, Rejection

if TYPE_CHECKING:
    from wsgiref.simple_server import WSGIServer

    from oracxpred.collector.lease import Holder

CYCLE_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0)
"""Seconds: a cycle takes ~0.1–2 s, a slow feed with retries up to a minute or two."""

DEFAULT_ADDR = "127.0.0.1"
"""Where the endpoint listens unless told otherwise."""

RESULTS = ("success", "failure", "standby", "skipped")
"""Labels of ``oracxpred_cycles_total``: collected, failed, another collector active, skipped
while backing off after failures."""


class CollectorMetrics:
    """The counters one collector process updates at each tick."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.cycles = Counter(
            "oracxpred_cycles", "Ticks du collecteur, par résultat", ["result"], registry=r
        )
        for result in RESULTS:
            self.cycles.labels(result=result)
        self.matches_saved = Counter(
            "oracxpred_matches_saved", "Matchs terminés sauvegardés", registry=r
        )
        self.failures = Counter(
            "oracxpred_failures", "Collectes échouées, par cause", ["cause"], registry=r
        )
        self.consecutive_failures = Gauge(
            "oracxpred_consecutive_failures", "Échecs consécutifs en cours", registry=r
        )
        self.last_success = Gauge(
            "oracxpred_last_success_timestamp_seconds",
            "Heure (epoch) de la dernière collecte réussie",
            registry=r,
        )
        self.lease_held = Gauge(
            "oracxpred_lease_held", "1 si ce processus détient le bail de collecte", registry=r
        )
        self.holder = Info(
            "oracxpred_lease_holder", "Collecteur actif (hôte, pid, depuis)", registry=r
        )
        self.completeness = Gauge(
            "oracxpred_completeness_ratio",
            "Part des matchs du service de résultats présents dans le stockage (7 derniers jours)",
            ["league"],
            registry=r,
        )
        self.audit_repaired = Counter(
            "oracxpred_audit_repaired",
            "Matchs manquants que l'audit continu a ajoutés (sans cotes) : le collecteur les a "
            "manqués",
            ["league"],
            registry=r,
        )
        self.archive_errors = Counter(
            "oracxpred_archive_errors",
            "Réponses ou compactages que l'archive n'a pas pu écrire",
            registry=r,
        )
        self.events_rejected = Counter(
            "oracxpred_events_rejected",
            "Événements du flux rejetés par l'analyse, par catégorie de raison",
            ["reason"],
            registry=r,
        )
        for category in REJECTION_CATEGORIES:
            self.events_rejected.labels(reason=category)
        self._server: WSGIServer | None = None
        self._ops_metrics(r)

    def success(self, saved: int, at: datetime) -> None:
        self.cycles.labels(result="success").inc()
        self.matches_saved.inc(saved)
        self.last_success.set(at.timestamp())
        self.consecutive_failures.set(0)

    def rejected(self, rejections: Iterable[Rejection]) -> None:
        for rejection in rejections:
            category = rejection.category
            label = category if category in REJECTION_CATEGORIES else "autre"
            self.events_rejected.labels(reason=label).inc()

    def failure(self, cause: str, consecutive: int) -> None:
        self.cycles.labels(result="failure").inc()
        self.failures.labels(cause=cause).inc()
        self.consecutive_failures.set(consecutive)

    def tick(self, result: str) -> None:
        self.cycles.labels(result=result).inc()

    def lease(self, held: bool, holder: Holder | None) -> None:
        self.lease_held.set(1 if held else 0)
        if holder is None:
            self.holder.info({"host": "", "pid": "", "since": ""})
        else:
            self.holder.info(
                {"host": holder.host, "pid": str(holder.pid), "since": holder.since.isoformat()}
            )

    # -- Mirrors and alerts (issue 16) --------------------------------------------------------

    def _ops_metrics(self, r: CollectorRegistry) -> None:
        self.feed_host = Gauge(
            "oracxpred_feed_host",
            "1 pour l'hôte du flux (miroir) utilisé au dernier cycle, 0 pour les autres",
            ["host"],
            registry=r,
        )
        self.feed_host_switches = Counter(
            "oracxpred_feed_host_switches",
            "Bascules vers un autre miroir du flux, par hôte d'arrivée",
            ["host"],
            registry=r,
        )
        self.feed_refusals = Counter(
            "oracxpred_feed_refusals",
            "Refus du site (HTTP 403, 429), jamais contournés",
            ["status"],
            registry=r,
        )
        self.alerts_sent = Counter(
            "oracxpred_alerts",
            "Alertes envoyées, par incident et état",
            ["kind", "state"],
            registry=r,
        )
        self.alerts_failed = Counter(
            "oracxpred_alert_failures", "Envois d'alerte échoués ou abandonnés", registry=r
        )
        self.spool_rows = Gauge(
            "oracxpred_spool_rows", "Matchs en attente locale (base injoignable)", registry=r
        )
        self.webhook_failures = Counter(
            "oracxpred_webhook_failures",
            "Envois de webhook échoués (réessayés plus tard, jamais abandonnés)",
            registry=r,
        )
        self.webhook_pending = Gauge(
            "oracxpred_webhook_pending",
            "Matchs enregistrés pas encore reçus par les webhooks (toutes adresses)",
            registry=r,
        )
        self.cycle_duration = Histogram(
            "oracxpred_cycle_duration_seconds",
            "Durée d'un cycle de collecte réussi",
            buckets=CYCLE_BUCKETS,
            registry=r,
        )
        self.league_saved = Counter(
            "oracxpred_league_matches_saved",
            "Matchs sauvegardés, par ligue",
            ["league"],
            registry=r,
        )

    def cycle_details(
        self, rejected: int, spooled: int, duration_s: float, leagues: list[str]
    ) -> None:
        """What a successful cycle adds beyond ``success`` (dashboard panels); rejected events
        are counted by category in ``rejected``."""
        self.spool_rows.set(spooled)
        self.cycle_duration.observe(duration_s)
        for league in leagues:
            self.league_saved.labels(league=league).inc()

    def host_used(self, host: str, hosts: list[str], switched: bool) -> None:
        for name in hosts:
            self.feed_host.labels(host=name).set(1 if name == host else 0)
        if switched:
            self.feed_host_switches.labels(host=host).inc()

    def serve(self, port: int, addr: str = DEFAULT_ADDR) -> int:
        """Start the HTTP endpoint in a daemon thread; returns the bound port (0 = any)."""
        server, _thread = start_http_server(port, addr=addr, registry=self.registry)
        self._server = server
        return int(server.server_address[1])

    def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()

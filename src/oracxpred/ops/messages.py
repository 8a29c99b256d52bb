"""French user-facing lines of mirrors, alerts and ``oracxpred doctor``, in one place."""

# -- Mirrors -----------------------------------------------------------------------------------
MIRROR_SWITCH = "Flux : bascule de {before} vers le miroir {after} ({reason})"
MIRROR_FAILED = "Miroir {host} en échec : essai de l'hôte suivant"
MIRRORS_ALL_FAILED = "aucun miroir du flux ne répond ({detail})"

# -- Alerts ------------------------------------------------------------------------------------
ALERT_TITLE = "OracXPred : {summary}"
RECOVERY_TITLE = "OracXPred rétabli : {summary}"
RECOVERY_BODY = "Rétabli après {minutes:.0f} min : {summary}"
ALERT_QUEUE_FULL = "Alerte non envoyée (file d'envoi pleine) : {title}"
ALERT_DELIVERY_FAILED = "Envoi de l'alerte « {title} » échoué ({reason})"
ALERT_NO_URL = "Adresse d'alerte n° {index} ignorée : non reconnue par apprise (schéma, jeton ?)"
WATCH_ERROR = "Erreur inattendue dans le suivi des alertes (la collecte continue)"
SUMMARY_TITLE = "OracXPred : résumé du {day}"

INCIDENTS = {
    "feed": "flux en échec",
    "blocked": "le site refuse les requêtes du collecteur",
    "no_events": "aucun événement dans le flux",
    "results": "service de résultats en échec",
    "rejected": "événements rejetés (format du flux changé ?)",
    "unresolved": "matchs non résolus",
    "spool": "attente locale en croissance (base de données injoignable)",
    "lease": "bail de collecte indisponible",
    "lease_lost": "bail de collecte repris par un autre collecteur",
    "disk": "espace disque faible",
    "completeness": "complétude inférieure à 100 %",
    "audit_repaired": "matchs manqués par le collecteur (ajoutés par l'audit)",
    "archive": "erreurs d'archivage",
}
"""Short French name of each incident kind (the title of its messages)."""

FEED_FAILING = "Le flux échoue depuis {minutes:.0f} min : {reason}"
BLOCKED = (
    "Le site refuse les requêtes ({reason}). Le collecteur ne change pas d'hôte ni "
    "d'identité pour contourner un refus : vérifier l'intervalle, l'adresse IP, le pays."
)
NO_EVENTS = "Le flux répond mais ne liste aucun événement depuis {minutes:.0f} min"
RESULTS_FAILING = "Le service de résultats échoue : {reason}"
REJECTED = "{count} événement(s) rejeté(s) au dernier cycle ; premier motif : {reason}"
UNRESOLVED = "{count} match(s) non résolu(s) au dernier cycle (aucun score fiable)"
SPOOL_GROWING = "{count} match(s) en attente locale, en hausse : la base reste injoignable"
LEASE_LOST = "Bail de collecte repris par un autre collecteur ({holder})"
LEASE_FAILING = "Bail de collecte indisponible : {reason}"
DISK_LOW = "Espace libre faible dans {path} : {free:.0f} Mo (seuil {limit:.0f} Mo)"
SUMMARY_BODY = (
    "Cycles : {ok} réussi(s), {failed} échoué(s). Matchs enregistrés : {saved}.\n"
    "Par ligue : {leagues}\nIncidents ouverts : {open}\nDernière erreur : {error}"
)

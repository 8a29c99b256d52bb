"""French user-facing lines of the collector's shell (logs and CLI), in one reviewable place."""

START = "Démarrage de la collecte..."
SAVED = "OK Match terminé sauvegardé: {team1} vs {team2} ({score})"
SUCCESS = "Collecte terminée avec succès"
SUMMARY = (
    "Résumé : {saved} sauvegardé(s), {duplicates} doublon(s) ignoré(s), {rejected} rejeté(s), "
    "{tracked} suivi(s), {pending} en attente de résolution, {resolved} résolu(s), "
    "{unresolved} non résolu(s)"
)
FAILED = "Échec de la collecte : {reason}"
REJECTED_EVENT = "Événement {event_id} ignoré : {reason}"
SKIPPED_EVENT = "Événement {event_id} ({team1} vs {team2}) : {decision}"
UNRESOLVED = (
    "Match {event_id} ({team1} vs {team2}, début {start}) non résolu après {hours:g} h : "
    "aucun score fiable, il n'est pas enregistré"
)
RESULTS_FAILED = "Service de résultats indisponible ({reason}) : nouvel essai au prochain cycle"
TRACKING_RESET = "État du suivi illisible ({reason}) : reprise avec un état vide"
DEGRADED = (
    "Base de données injoignable : {count} match(s) mis en attente dans {spool} ; "
    "ils seront rejoués dès le retour de la base"
)
REPLAYED = "Base de données de retour : {count} match(s) rejoué(s) depuis l'attente locale"
STORE_INFO = "Stockage : {backend} ({target})"
STOPPED = "Service de collecte arrêté"
INTERVAL_TOO_SHORT = (
    "Intervalle de {interval:g} min inférieur à {minimum:g} min : le site risque de bloquer "
    "les requêtes"
)


# -- quarantine, validation, configuration errors (issue 12) --------------------------------------

REJECTED_UNKNOWN_ID = "inconnu"
REJECTED_SUMMARY = (
    "{count} événement(s) du flux rejeté(s) sur {total} dans ce cycle, gardé(s) en quarantaine "
    "(oracxpred rejected) : si cela dure, le format du flux a peut-être changé"
)
QUARANTINE_FAILED = "Quarantaine des événements rejetés non enregistrée : {reason}"
INVALID_MATCH = "Match {event_id} ({team1} vs {team2}) non enregistré : {reason}"
NEVER_REACHED = (
    "Base de données jamais atteinte avec cette adresse (hôte {host}, port {port}) : erreur de "
    "configuration probable (hôte, port, nom de base ou pare-feu). Les matchs de ce lancement "
    "sont gardés dans {spool} ; corriger DATABASE_URL (oracxpred collect --test-db pour "
    "vérifier) puis relancer"
)
LONG_OUTAGE = (
    "Base de données injoignable depuis {since} UTC ({minutes} min) : panne de plus de "
    "{limit} min, {count} match(s) en attente dans {spool}"
)

# --verbose: one DEBUG line per event and per decision (SKIPPED_EVENT's format)
DECISIONS = {
    "prematch": "suivi avant le match",
    "live": "en direct, suivi",
    "finished": "terminé dans le flux, à enregistrer",
    "already_saved": "déjà enregistré, encore listé : ignoré",
    "reappeared": "de retour dans le flux, suivi à nouveau",
    "pending": "disparu du flux sans fin vue : en attente du service de résultats",
    "withdrawn": "retiré par le site avant son début : oublié",
    "saved": "terminé et enregistré ({score})",
    "duplicate": "déjà présent dans le stockage : doublon ignoré",
    "resolved": "résolu par le service de résultats ({score})",
}

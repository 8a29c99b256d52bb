"""French user-facing lines of ``oracxpred backfill`` and ``oracxpred audit``."""

LEASE_BUSY = (
    "Un autre collecteur écrit dans ce stockage ({who}) : un seul écrivain à la fois. "
    "Arrêtez-le le temps du rattrapage (son audit continu comble les trous récents)."
)
CHECKPOINT_UNREADABLE = "{reason} ; relancer avec --restart pour repartir de zéro"
RANGE = "Période : du {lower} au {upper} (UTC, borne haute fixée au premier lancement)"
RESUMED = "Reprise du rattrapage commencé avec la borne haute {upper}"
NO_LEAGUE = "Aucune ligue listée par le service de résultats sur cette période"
LEAGUES = "Ligues : {leagues}"
NOTHING_LEFT = "Rien à demander : toute la période est déjà rattrapée"
WINDOW_FAILED = (
    "Ligue {league}, fenêtre du {lower} au {upper} : {reason} ; reprise au prochain lancement"
)
SERVICE_DOWN = (
    "Service de résultats indisponible ({reason}) : arrêt, le reste au prochain lancement"
)
REJECTED = "Ligue {league} : résultat {event_id} ignoré ({reason})"
ROW_REFUSED = "Ligue {league} : résultat {event_id} non enregistré ({reason})"
DONE = "Rattrapage terminé : {stored} match(s) enregistré(s), {present} déjà présent(s)"
LEFT = "Rattrapage incomplet : {count} fenêtre(s) en échec, à reprendre au prochain lancement"
SUMMARY_HEADER = ("Ligue", "Jours", "Matchs trouvés", "Enregistrés", "Déjà présents", "Échecs")
AUDIT_HEADER = (
    "Ligue",
    "Jour",
    "Attendus",
    "Stockés",
    "Manquants",
    "Scores différents",
    "Inversés",
    "Inconnus",
)
AUDIT_MISSING = "  {league} {day} : manquants {ids}"
AUDIT_MISMATCH = "  {league} {day} : match {event_id} stocké {stored}, service {service}"
AUDIT_SWAPPED = "  {league} {day} : match {event_id} stocké domicile/extérieur inversés"
AUDIT_UNKNOWN = "  {league} {day} : inconnus du service {ids}"
AUDIT_COMPLETE = "Audit : complet ({expected} match(s) attendus, tous stockés)"
AUDIT_GAPS = (
    "Audit : {missing} manquant(s), {mismatched} score(s) différent(s), {swapped} inversé(s) "
    "sur {expected} attendu(s)"
)
AUDIT_REPAIRED = "Réparation : {count} match(s) manquant(s) ajouté(s) (finish_source=backfill)"
AUDIT_FAILED = "Audit incomplet : {reason}"
CONTINUOUS = (
    "Audit continu : {expected} attendu(s) sur les {hours} dernière(s) heure(s), "
    "{missing} manquant(s), {repaired} ajouté(s)"
)
CONTINUOUS_FAILED = "Audit continu impossible ({reason}) : nouvel essai dans {minutes:g} min"

# history/continuous.py: the alert of a re-audit that left gaps (ops/alerts.py)
COMPLETENESS_ALERT = "Complétude des 7 derniers jours inférieure à 100 % : {leagues}"
MISSED_WHILE_RUNNING = (
    "L'audit continu a ajouté des matchs que le collecteur a manqués (ajoutés sans cotes) : "
    "{leagues}"
)
SUMMARY_COMPLETENESS = "Complétude (7 derniers jours, après réparation) : {leagues}"
SUMMARY_NO_AUDIT = "Complétude : pas encore d'audit continu"

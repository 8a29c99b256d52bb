"""French user-facing lines (logs, errors, CLI output) of the collector, the stores and the
configuration, in one reviewable place; each area that grew has its own ``messages.py``
(``feed/``, ``web/``, ``cli/``, ``archive/``, ``history/``, ``ops/``, ``push/``). Every log
call takes its text from one of them.

What stays beside the code it belongs to, on purpose: reason tables that classify an error
(``oserrors.py``, ``store/sql/errors.py``), the rejection reasons of the pure core's checks
(``core/parse.py``, ``core/envelope.py``, ``core/finish.py``…: the reason is the check's
result, stored with the rejected event), argparse help beside each option (``cli/``), metric
descriptions (``metrics.py``), page vocabulary (``web/``), the simulator's own lines and the
row checks of ``store/transfer/``."""

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

# -- store and collector internals ----------------------------------------------------------

SPOOL_NOT_EMPTIED = "Attente locale {path} impossible à vider : {reason}"
SPOOL_FALLBACK = "Base injoignable, repli sur l'attente locale : %s"
SPOOL_PRIMARY_BACK = "Base de nouveau joignable"
SPOOL_REPLAY_STOPPED = "Rejeu de l'attente locale interrompu : %s"
SPOOL_NOTE = "{count} match(s) en attente dans {spool}, rejoué(s) au retour de la base."
HEARTBEAT_NOT_RECORDED = "Battement de cœur non enregistré : %s"

# collector/daemon.py
FORCED_EXIT_WRITE_PENDING = "Écriture toujours en cours après %g s : sortie quand même"
DAEMON_STARTED = "Service de collecte démarré : une collecte toutes les %g min (stockage : %s)"
TRIGGER_MISSED = "Déclenchement manqué (système suspendu ?) : regroupé avec le suivant"
METRICS_SERVING = "Métriques Prometheus sur http://127.0.0.1:%s/metrics"
BACKGROUND_STOP_CYCLE_RUNNING = (
    "Collecteur interne : cycle toujours en cours, arrêt sans l'attendre"
)
SECOND_SIGNAL = "Second signal : arrêt immédiat, sans attendre la fin du cycle"
STOP_REQUESTED = (
    "Arrêt demandé (%s) : fin du cycle en cours, puis arrêt (un second signal arrête immédiatement)"
)
OVERRUN_FIRST = "Cycle précédent encore en cours : déclenchements sautés jusqu'à sa fin"
OVERRUN_AGAIN = "Cycle précédent toujours en cours : déclenchement sauté"
STOP_CYCLE_RUNNING = "Cycle toujours en cours après %g s : arrêt sans l'attendre"
METRICS_PORT_UNAVAILABLE = "Port des métriques %s indisponible : %s"

# collector/lease/file.py
LEASE_INFO_NOT_WRITTEN = "Détails du verrou non écrits (%s) : %s"
LEASE_LOCK_UNUSABLE = "verrou de collecte {lock_path} inutilisable : {reason}"

# collector/lease/sql.py
LEASE_DB_UNREACHABLE = (
    "Base injoignable pour le bail de collecte (%s) : verrou local %s en attendant"
)
LEASE_DB_BACK = "Base de données joignable : le bail de collecte y est repris"
LEASE_ROW_NOT_WRITTEN = "Ligne collector_lease non écrite : %s"
LEASE_LOST = "Bail de collecte perdu : le verrou n'est plus détenu"
LEASE_LOST_CONNECTION = "Bail de collecte perdu (connexion coupée : %s)"
LEASE_NOT_RELEASED = "Bail non rendu proprement : %s"

# collector/once.py
ONE_SHOT_LEASE_TAKEN = "Bail de collecte pris (%s) pour ce lancement"
TEST_DB_CYCLE = "Cycle du %s sur %s (pid %s) : %s, %s sauvegardé(s)"
TEST_DB_HOLDER = "Collecteur actif : hôte %s, pid %s, depuis %s (%s)"
TEST_DB_NO_HOLDER = "Collecteur actif : aucun"
TEST_DB_NOT_WRITABLE = "Le stockage n'est pas accessible en écriture."
TEST_DB_FAILED = "Test du stockage échoué : %s"
ONE_SHOT_STANDBY = "Un autre collecteur est actif ({who}) : aucune collecte par ce lancement"
UNKNOWN_HOLDER_SHORT = "inconnu"
TEST_DB_CYCLE_FAILED = "ÉCHEC ({error})"
INFO_BACKEND = "Stockage : {backend}"
INFO_TARGET = "Cible : {target}"
INFO_WRITABLE = "Accessible en écriture : {answer}"
INFO_SCHEMA = "Version du schéma : {version}"
INFO_ROWS = "Nombre de matchs : {count}"
INFO_SERVER = "Version du serveur : {version}"
INFO_LAST_COLLECTION = "Dernière collecte : {last}"
INFO_UNKNOWN = "inconnue"
INFO_NONE = "aucune"
YES = "oui"
NO = "non"

# collector/schedule.py
UNKNOWN_HOLDER = "détenteur inconnu"
LEASE_TAKEN = "Bail de collecte obtenu (%s) : ce processus collecte"
CYCLE_SKIPPED = "Cycle sauté (attente après échecs), encore %d"
LEASE_RENEWED = "Bail de collecte renouvelé (%s)"
LEASE_TAKEOVER = "Collecteur actif disparu : ce processus reprend la collecte"
STANDBY = (
    "Un autre collecteur est actif (%s) : ce processus reste en attente et réessaie à chaque "
    "intervalle"
)
FAILURES_IN_A_ROW = (
    "%d échecs consécutifs depuis %s UTC (dernière cause : %s) ; prochaine tentative dans %d "
    "intervalle(s)"
)
RECOVERED = "Collecte rétablie après %d échec(s) consécutif(s) depuis %s UTC"
LEASE_UNAVAILABLE = "Bail de collecte indisponible : %s"
UNEXPECTED_ERROR = "Erreur inattendue pendant la collecte"
STANDBY_REMINDER = "Toujours en attente : collecteur actif %s"

# store/csv/file.py
CSV_NOT_WRITABLE = "Impossible d'écrire dans {path} : {reason}"
CSV_UNKNOWN_HEADER = (
    "Le fichier {path} n'est pas un fichier de matchs reconnu : son en-tête doit commencer par "
    "les colonnes {names} (trouvé : {shown!r}). Fichier laissé intact ; choisissez un autre "
    "fichier avec --csv-path."
)

# store/csv/index.py
FILE_UNREADABLE = "Lecture impossible de {path} : {reason}"
CSV_IS_A_DIRECTORY = "Le chemin {path} désigne un dossier, pas un fichier CSV"

# store/csv/state.py
CSV_TRACKING_UNREADABLE_KEPT = (
    "État du suivi %s illisible (%s) : copie gardée dans %s, reprise avec un état vide"
)
CSV_TRACKING_UNREADABLE_NOT_KEPT = (
    "État du suivi %s illisible (%s) : reprise avec un état vide (copie impossible : %s)"
)
CSV_TRACKING_NOT_JSON = "État du suivi impossible à écrire en JSON : {exc}"

# store/csv/store.py
CSV_ROW_SKIPPED = "Ligne %d de %s ignorée : %s"
CSV_CURSOR_UPGRADED = (
    "%s : colonnes seq et ingested_at_utc ajoutées (%d matchs numérotés dans l'ordre du fichier)"
)
CSV_TORN_LINE_REPAIRED = "Ligne incomplète détectée à la fin de %s : réparée (copie dans %s)"
CSV_LOCKED = (
    "Le fichier {path} est verrouillé par un autre processus depuis plus de {lock_timeout:g} s "
    "(verrou {lock_path})"
)
CSV_ABSENT = "Fichier {path} absent : il sera créé à la première sauvegarde"
CSV_ORIGINAL_FORMAT = (
    "Fichier de l'application d'origine adopté tel quel ({columns} colonnes) : les nouvelles "
    "lignes suivent ses colonnes"
)
CSV_V1_FORMAT = "Colonnes : format csv-v1 ({columns} colonnes)"
CSV_DUPLICATES = (
    "{count} ligne(s) en double (même event_id) trouvée(s) et conservée(s), par exemple : "
    "{examples}"
)
CSV_UNREADABLE_IDS = "{count} ligne(s) sans event_id lisible ignorée(s)"
CSV_TORN_REPAIRED = "Ligne incomplète réparée ; partie coupée gardée dans {path}"
CSV_TORN_PENDING = (
    "Ligne incomplète en fin de fichier (ligne {line}) : elle sera réparée à la prochaine écriture"
)

# store/factory.py
DB_DOWN_AT_OPEN = "Base injoignable à l'ouverture, démarrage en mode dégradé : %s"

# store/spool/mirror.py
MIRROR_NOT_WRITTEN = "Copie locale de l'état du suivi non écrite (%s) : %s"
MIRROR_UNREADABLE = "Copie locale de l'état du suivi illisible (%s) : %s"

# store/spool/reached.py
REACHED_MARKER_UNWRITTEN = "Marqueur de base atteinte non écrit ({path}) : {error}"

# store/sql/describe.py
SQL_LEGACY_DUPLICATES = (
    "Doublons hérités de l'application d'origine : {copies} copie(s) supplémentaire(s) de {ids} "
    "identifiant(s) ({listed}), conservée(s) dans la table matches_legacy_duplicates (la "
    "première copie de chacun reste dans matches)."
)

# store/sql/engine.py
DB_URL_SCHEME = (
    "Adresse de base de données invalide « {url} » : schémas acceptés postgresql://, "
    "postgres://, postgresql+psycopg://, sqlite:///chemin, mysql+pymysql://, "
    "mariadb+pymysql://."
)
DB_URL_SQLITE_FILE = "SQLite : un fichier est attendu (sqlite:///chemin/vers/base.db)."
DB_URL_NO_DATABASE = "Nom de base manquant dans « {url} »."
DB_URL_UNREADABLE = "Adresse de base de données illisible « {url} »."

# store/sql/migrate.py
MIGRATION_BUSY = "Mise à jour du schéma impossible : un autre processus la fait déjà."

# store/sql/migrations/adopt.py
ADOPTED_WITH_DUPLICATES = (
    "Base de l'application d'origine adoptée : %d identifiant(s) présent(s) plusieurs fois "
    "(%s%s) ; la première copie reste dans « matches », les %d copie(s) supplémentaire(s) sont "
    "conservées dans « matches_legacy_duplicates » (aucune ligne supprimée)."
)
ADOPT_MISSING_VALUES = (
    "Table « matches » existante : {bad} ligne(s) sans identifiant, date ou score ; adoption "
    "refusée, la table n'a pas été modifiée."
)
ADOPT_UNREADABLE = (
    "Table « matches » existante : valeurs illisibles dans {names} ; adoption refusée, la table"
    " n'a pas été modifiée."
)
ADOPT_UNKNOWN_TABLE = (
    "Table « matches » existante non reconnue : {missing}{unknown}"
    "elle n'a pas été modifiée (utiliser une autre base ou renommer la table)."
)
ADOPT_MISSING_COLUMNS = "colonnes manquantes {names} ; "
ADOPT_UNKNOWN_COLUMNS = "colonnes inconnues {names} ; "
ADOPT_UNREADABLE_DRIVER = (
    "Table « matches » existante : valeurs illisibles ({detail}) ; adoption refusée, la table "
    "n'a pas été modifiée."
)

# store/sql/migrations/adopt_sqlite.py
ADOPT_UNREADABLE_SQLITE = (
    "Table « matches » existante : valeurs illisibles dans {detail} ; adoption refusée, la "
    "table n'a pas été modifiée."
)

# store/sql/write.py
BATCH_REFUSED = "Enregistrement des matchs refusé par la base (lot annulé) : {reasons}"

# store/sql/store.py
SQL_TRACKING_UNREADABLE = "État du suivi illisible dans la table tracking_state."
SQL_TRACKING_NOT_JSON = "État du suivi non enregistrable en JSON : {exc}"
ODDS_ROW_UNREADABLE = (
    "Ligne de cotes n° {row_id} illisible dans la base ({reason}) : table « odds » modifiée à "
    "la main ? Corriger ou supprimer cette ligne."
)

# store/transfer/files.py
EXPORT_FAILED = "Export impossible vers {path} : {reason}."

# store/transfer/report.py
IMPORT_SUMMARY = (
    "Import de {path} : {read} ligne(s) lue(s), {saved} enregistrée(s), {duplicates} déjà "
    "présente(s), {rejected} rejetée(s)"
)

# store/transfer/records.py
IMPORT_MISSING_COLUMNS = "{path} n'est pas un fichier de matchs : colonne(s) absente(s) {names}."
IMPORT_UNREADABLE = "Fichier à importer illisible {path} : {exc}."

# -- quarantine, validation, configuration errors (issue 12) --------------------------------------

REJECTED_UNKNOWN_ID = "inconnu"
REJECTED_SUMMARY = (
    "{count} événement(s) du flux rejeté(s) sur {total} dans ce cycle, gardé(s) en quarantaine "
    "(oracxpred rejected) : si cela dure, le format du flux a peut-être changé"
)
ODDS_REJECTED = (
    "{count} sélection(s) de cotes refusée(s) dans ce cycle, non enregistrée(s) "
    "(événement {event_id} : {reason})"
)
ODDS_REJECTED_ONE = "Événement {event_id} : sélection de cote refusée : {reason}"
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

# --verbose: one DEBUG line per event and per decision
EVENT_DECISION = "Événement {event_id} ({team1} vs {team2}) : {decision}"
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

# config.py: what a bad setting says (flag, environment variable or .env line)
LABEL_FEED_URL = "Adresse du flux"
LABEL_RESULTS_URL = "Adresse du service de résultats"
LABEL_TIMEOUT = "Délai d'attente"
LABEL_RETRIES = "Nombre de tentatives"
LABEL_MAX_BODY = "Taille maximale de réponse"
LABEL_UNRESOLVED_AFTER = "Délai avant « non résolu »"
LABEL_METRICS_PORT = "Port des métriques"
LABEL_ALERT_AFTER = "Délai d'alerte"
LABEL_ALERT_COOLDOWN = "Délai entre deux alertes"
LABEL_ALERT_DISK = "Seuil d'espace disque"
CONFIG_INTERVAL_NOT_NUMBER = (
    "Intervalle invalide « {raw} » : un nombre de minutes est attendu (ex. 1 ou 0.25)."
)
CONFIG_INTERVAL_NOT_POSITIVE = "Intervalle invalide « {raw} » : il doit être strictement positif."
CONFIG_NOT_HTTP_URL = "{what} invalide « {raw} » : une adresse http:// ou https:// est attendue."
CONFIG_DATABASE_URL = (
    "DATABASE_URL invalide « {url} » : schémas acceptés postgresql://, postgres://, "
    "postgresql+psycopg://, sqlite:///chemin, mysql+pymysql://."
)
CONFIG_NOT_NUMBER = "{what} invalide « {raw} » : nombre attendu."
CONFIG_NOT_POSITIVE = "{what} invalide « {raw} » : doit être positif."
CONFIG_METRICS_PORT = "Port des métriques invalide « {raw} »."
CONFIG_NOT_FLAG = "{name} invalide « {raw} » : 1 (activé) ou 0 (désactivé) attendu."
CONFIG_NOT_SECONDS = "{name} invalide « {raw} » : un nombre de secondes positif attendu."
CONFIG_SUMMARY_TIME = "Heure du résumé quotidien invalide « {raw} » : HH:MM (UTC) attendu."
CONFIG_AUDIT_EVERY = (
    "Intervalle d'audit invalide « {raw} » : un nombre de minutes positif est attendu "
    "(0 : pas d'audit continu)."
)
CONFIG_KEEP_DAYS = (
    "Durée de conservation de l'archive invalide « {raw} » : un nombre entier de jours est "
    "attendu (0 = conserver indéfiniment)."
)
CONFIG_TIMEZONE = (
    "Fuseau horaire inconnu « {raw} » (ORACXPRED_TIMEZONE) : un nom IANA est attendu, par "
    "exemple UTC, Africa/Abidjan ou Europe/Paris."
)

"""French text of ``oracxpred doctor``: labels, details and the hint of each failure."""

VERDICTS = {"ok": "OK", "warn": "ATTENTION", "fail": "ÉCHEC", "skip": "non testé"}

HOST = "Hôte {host}"
RESULTS = "Service de résultats"
CLOCK = "Horloge"
STORE = "Stockage"
LEASE = "Bail de collecte"
ARCHIVE = "Archive"
DISK = "Disque"

HEADER = ("Élément", "Vérification", "Verdict", "Détail")
HINTS_TITLE = "Conseils :"
CAN_COLLECT = "Verdict : la collecte peut fonctionner."
CANNOT_COLLECT = "Verdict : la collecte ne peut pas fonctionner en l'état (voir les conseils)."
SKIPPED = "étape précédente en échec"

# -- Host -------------------------------------------------------------------------------------
DNS_OK = "{addresses}"
DNS_HINT = (
    "Nom d'hôte introuvable : vérifier l'adresse ; si le site est bloqué dans ce pays, "
    "ajouter un miroir de la marque avec un second --feed-url (docs/operations.md)."
)
TCP_OK = "port {port} ouvert en {ms:.0f} ms"
TCP_HINT = (
    "Connexion impossible : hôte éteint, port filtré ou blocage réseau ; essayer un miroir "
    "(--feed-url répété) ou un autre réseau."
)
TLS_OK = "{version}, certificat valable jusqu'au {until}"
TLS_HINT = (
    "Échange TLS refusé : certificat invalide, proxy ou filtrage ; vérifier l'heure de la "
    "machine et le réseau, ou essayer un miroir."
)
TLS_UNTRUSTED = "certificat non reconnu ({reason})"
TLS_VERIFY_CODES = {  # OpenSSL's X509_V_ERR_* codes, in French
    9: "pas encore valable",
    10: "expiré",
    18: "autosigné",
    19: "autorité autosignée dans la chaîne",
    20: "autorité émettrice inconnue",
    21: "autorité émettrice inconnue",
    62: "nom d'hôte différent",
    64: "adresse IP différente",
}
TLS_UNTRUSTED_HINT = (
    "Certificat non reconnu par cette machine (autosigné, expiré ou d'un autre nom) : proxy "
    "ou antivirus qui inspecte le HTTPS, page de blocage, ou heure de la machine fausse ; "
    "vérifier l'heure, mettre à jour les certificats du système ou essayer un miroir. Ne "
    "jamais désactiver la vérification."
)
HTTP_OK = "HTTP {status} en {ms:.0f} ms"
HTTP_REFUSED_HINT = (
    "Le site refuse le collecteur (HTTP {status}) : ne pas contourner ; allonger "
    "l'intervalle (--interval), vérifier l'adresse IP et le pays d'accès."
)
HTTP_406_HINT = (
    "HTTP 406 : paramètres refusés ; recopier l'adresse exacte du flux depuis le site "
    "(docs/feed.md §1)."
)
HTTP_5XX_HINT = "Serveur en panne (HTTP {status}) : réessayer plus tard ou utiliser un miroir."
HTTP_OTHER_HINT = "HTTP {status} inattendu : vérifier l'adresse du flux."
HTTP_ERROR_HINT = "Requête échouée ({reason}) : réessayer, vérifier le réseau ou un miroir."
LATENCY_OK = "{ms:.0f} ms"
LATENCY_HINT = (
    "Réponse lente ({ms:.0f} ms) : augmenter --timeout / ORACXPRED_TIMEOUT si les cycles "
    "échouent par délai dépassé."
)
JSON_OK = "JSON valide ({size} octets)"
JSON_HTML_HINT = (
    "Page HTML au lieu de JSON : page de blocage ou de vérification, ou miroir déplacé ; "
    "ouvrir l'adresse dans un navigateur, essayer un autre miroir."
)
JSON_BAD_HINT = "Réponse illisible ({reason}) : le format du flux a peut-être changé."
EVENTS_OK = "{count} événement(s)"
EVENTS_NONE_HINT = (
    "Aucun événement : vérifier sports=85 et virtualSports=true dans l'adresse (docs/feed.md §1)."
)
LEAGUES_OK = "{count} ligue(s) : {names}"
FINISHED_OK = "{count} événement(s) terminé(s) visible(s)"
FINISHED_NONE = "aucun pour l'instant (normal entre deux fins de match)"

# -- Results, clock ---------------------------------------------------------------------------
RESULTS_OK = "{count} résultat(s) sur les 2 dernières heures (ligue {league}, ref={ref})"
RESULTS_EMPTY_HINT = (
    "Aucun résultat pour ref={ref} : ce ref n'est peut-être pas celui du site ; essayer "
    "l'adresse du flux avec partner=… ou --results-url (docs/feed.md §7)."
)
RESULTS_FAIL_HINT = (
    "Service de résultats injoignable ({reason}) : la collecte fonctionne, mais les matchs "
    "disparus du flux ne pourront pas être résolus ; vérifier --results-url."
)
RESULTS_NO_HOST = "aucun hôte du flux utilisable"
RESULTS_LISTED_LEAGUE = "{league}, prise dans la liste des ligues"
RESULTS_NO_LEAGUE = (
    "aucune ligue dans le flux ni dans la liste des ligues (v2/champs) : fenêtre non testée"
)
RESULTS_NO_LEAGUE_HINT = (
    "Service de résultats non testé faute de ligue : relancer `oracxpred doctor` quand le flux "
    "affiche des matchs (vérifier sports=85 et virtualSports=true, docs/feed.md §1)."
)
CLOCK_OK = "écart de {skew:+.0f} s avec le serveur"
CLOCK_HINT = (
    "Horloge locale décalée de {skew:+.0f} s : le suivi se fie à l'heure du serveur, mais "
    "les journaux et les dates de collecte seront décalés ; activer NTP."
)
CLOCK_NO_DATE = "le serveur n'envoie pas d'en-tête Date"

# -- Local ------------------------------------------------------------------------------------
STORE_OK = "{backend} ({target}), {rows} match(s), schéma {schema}"
STORE_FAIL_HINT = (
    "Stockage inutilisable : {reason} ; vérifier DATABASE_URL ou --csv-path, puis "
    "`oracxpred collect --test-db`."
)
STORE_READONLY_HINT = "Stockage non accessible en écriture : droits du dossier ou disque plein."
STORE_SCHEMA_HINT = (
    "Schéma {found} au lieu de {head} : le collecteur le met à jour au démarrage, ou "
    "`oracxpred db upgrade`."
)
LEASE_HELD = "collecteur actif : hôte {host}, pid {pid}, depuis {since}"
LEASE_NONE = "aucun collecteur actif"
LEASE_FAIL_HINT = "Bail illisible ({reason}) : vérifier la base de données."
ARCHIVE_NONE = "désactivée (--no-archive)"
ARCHIVE_OK = "{path} accessible en écriture"
ARCHIVE_LATER = "{path} pas encore créé : sera créé à la première collecte"
ARCHIVE_HINT = "Dossier d'archive {path} non accessible en écriture : corriger ses droits."
ARCHIVE_NOT_DIR_HINT = (
    "{path} existe mais n'est pas un dossier : le déplacer, ou choisir un autre dossier "
    "d'archive (--archive-dir / ORACXPRED_ARCHIVE_DIR)."
)
ARCHIVE_CREATE_HINT = (
    "Dossier d'archive {path} impossible à créer : {parent} n'est pas un dossier accessible en "
    "écriture ; corriger ses droits ou choisir un autre dossier d'archive."
)
DISK_OK = "{free:.0f} Mo libres dans {path}"
DISK_HINT = "Espace libre faible dans {path} ({free:.0f} Mo) : libérer de la place."

# -- Network errors, in French ------------------------------------------------------------------
NET_REASONS = {
    "ECONNREFUSED": "connexion refusée (port fermé)",
    "ETIMEDOUT": "délai d'attente dépassé",
    "EHOSTUNREACH": "hôte injoignable",
    "ENETUNREACH": "réseau injoignable",
    "ECONNRESET": "connexion coupée par l'autre côté",
}
NAME_NOT_FOUND = "nom introuvable ({reason})"
TIMED_OUT = "délai d'attente dépassé"

#!/usr/bin/env bash
# Collecteur externe OracXPred en mode daemon (Linux, macOS).
#
#   ./collector_service.sh [INTERVALLE] [OPTIONS...]
#   ./collector_service.sh --once [OPTIONS...]
#
# INTERVALLE : minutes entre deux collectes (défaut : 1 ; décimales acceptées, ex. 0.5).
# Les OPTIONS suivantes sont transmises telles quelles (ex. --verbose, --metrics-port 9108).
# Logs : console et logs/collector_service.log (dossier créé au besoin, rotation par taille).
# --once : une seule collecte puis arrêt (cron), sans log imposé ; le code de sortie est celui
# du collecteur.
# Arrêt propre : Ctrl+C ou `kill <PID>` (SIGTERM) ; un second Ctrl+C arrête immédiatement.
#
# Python utilisé : celui qui a les dépendances (`pip install -r requirements.txt`), cherché dans
# cet ordre : $ORACXPRED_PYTHON s'il est défini (seul essayé alors), l'environnement virtuel du
# dépôt (.venv), puis python3 et python du PATH. Aucun ne convient : message et code 1.
set -euo pipefail
cd "$(dirname "$0")"

ONCE=0
if [ "${1:-}" = "--once" ]; then
  ONCE=1
  shift
else
  INTERVAL="${1:-1}"
  [ "$#" -gt 0 ] && shift
fi

has_deps() {
  command -v "$1" >/dev/null 2>&1 &&
    "$1" -c 'import sys; sys.path.insert(0, "src"); from oracxpred.launcher import missing
sys.exit(1 if missing() else 0)' >/dev/null 2>&1
}

if [ -n "${ORACXPRED_PYTHON:-}" ]; then
  CANDIDATES=("$ORACXPRED_PYTHON")
else
  CANDIDATES=(.venv/bin/python python3 python)
fi
PYTHON=""
for candidate in "${CANDIDATES[@]}"; do
  if has_deps "$candidate"; then
    PYTHON="$candidate"
    break
  fi
done
if [ -z "$PYTHON" ]; then
  {
    echo "Erreur : aucun Python avec les dépendances d'OracXPred (essayés : ${CANDIDATES[*]})."
    echo "Les installer avec le Python voulu : python3 -m pip install -r requirements.txt"
    echo "ou créer l'environnement du dépôt : python3 -m venv .venv && .venv/bin/pip install -r requirements.txt"
    echo "ou indiquer l'interpréteur à utiliser : ORACXPRED_PYTHON=/chemin/vers/python $0 ..."
  } >&2
  exit 1
fi

mkdir -p logs
# exec : python remplace ce shell, les signaux (Ctrl+C, SIGTERM, systemd) lui parviennent.
if [ "$ONCE" = 1 ]; then
  exec "$PYTHON" collector_service.py "$@"
fi
echo "Démarrage du collecteur OracXPred : intervalle ${INTERVAL} min, logs dans logs/collector_service.log"
exec "$PYTHON" collector_service.py --daemon --interval "$INTERVAL" \
  --log-file logs/collector_service.log "$@"

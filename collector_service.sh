#!/usr/bin/env bash
# Collecteur externe OracXPred en mode daemon (Linux, macOS).
#
#   ./collector_service.sh [INTERVALLE] [OPTIONS...]
#
# INTERVALLE : minutes entre deux collectes (défaut : 1 ; décimales acceptées, ex. 0.5).
# Les OPTIONS suivantes sont transmises telles quelles (ex. --verbose, --metrics-port 9108).
# Logs : console et logs/collector_service.log (dossier créé au besoin, rotation par taille).
# Arrêt propre : Ctrl+C ou `kill <PID>` (SIGTERM) ; un second Ctrl+C arrête immédiatement.
set -euo pipefail
cd "$(dirname "$0")"

INTERVAL="${1:-1}"
[ "$#" -gt 0 ] && shift

mkdir -p logs
# L'environnement virtuel du dépôt s'il existe, sinon le python3 du système.
if [ -x .venv/bin/python ]; then
  PYTHON=.venv/bin/python
else
  PYTHON=python3
fi

echo "Démarrage du collecteur OracXPred : intervalle ${INTERVAL} min, logs dans logs/collector_service.log"
# exec : python remplace ce shell, les signaux (Ctrl+C, SIGTERM, systemd) lui parviennent.
exec "$PYTHON" collector_service.py --daemon --interval "$INTERVAL" \
  --log-file logs/collector_service.log "$@"

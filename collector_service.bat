@echo off
rem Collecteur externe OracXPred en mode daemon (Windows).
rem
rem   collector_service.bat [INTERVALLE]
rem
rem INTERVALLE : minutes entre deux collectes (defaut : 1 ; decimales acceptees, ex. 0.5).
rem Logs : console et logs\collector_service.log (dossier cree au besoin, rotation par taille).
rem Arret propre : Ctrl+C ; un second Ctrl+C arrete immediatement.
rem Fichier en UTF-8 : la page de code 65001 est activee avant tout texte accentue.
chcp 65001 >nul
setlocal
cd /d "%~dp0"

set "INTERVAL=%~1"
if "%INTERVAL%"=="" set "INTERVAL=1"

if not exist logs mkdir logs
rem Le Python qui a les dépendances : ORACXPRED_PYTHON s'il est défini, sinon l'environnement
rem virtuel du dépôt s'il existe, sinon le python du PATH. Sans les dépendances,
rem collector_service.py explique en français quoi installer (code 1).
set "PYTHON=python"
if exist ".venv\Scripts\python.exe" set "PYTHON=.venv\Scripts\python.exe"
if not "%ORACXPRED_PYTHON%"=="" set "PYTHON=%ORACXPRED_PYTHON%"

echo Démarrage du collecteur OracXPred : intervalle %INTERVAL% min, logs dans logs\collector_service.log
"%PYTHON%" collector_service.py --daemon --interval "%INTERVAL%" --log-file logs\collector_service.log
set "CODE=%ERRORLEVEL%"
endlocal & exit /b %CODE%

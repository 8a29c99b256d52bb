"""Checked before the package's dependencies are imported, with the standard library only.

``collector_service.py`` and the start scripts run with whatever Python they find; one without
the dependencies must say, in French, what to install, instead of dying on an English
``ModuleNotFoundError`` traceback.
"""

from __future__ import annotations

import importlib.util
import sys

REQUIRED = {
    "alembic": "alembic",
    "apprise": "apprise",
    "APScheduler": "apscheduler",
    "click": "click",
    "filelock": "filelock",
    "Flask": "flask",
    "gunicorn": "gunicorn",
    "httpx": "httpx",
    "msgspec": "msgspec",
    "prometheus-client": "prometheus_client",
    "psycopg[binary]": "psycopg",
    "pyarrow": "pyarrow",
    "PyMySQL": "pymysql",
    "python-dotenv": "dotenv",
    "SQLAlchemy": "sqlalchemy",
    "tqdm": "tqdm",
    "zstandard": "zstandard",
}
"""requirements.txt name (without the version) → module it installs (a test keeps them equal)."""


def missing() -> list[str]:
    """The requirements whose module this Python cannot import."""
    return [name for name, module in REQUIRED.items() if importlib.util.find_spec(module) is None]


def missing_message(names: list[str], python: str, requirements: str) -> str:
    return (
        f"Erreur : il manque à ce Python ({python}) des dépendances d'OracXPred : "
        f"{', '.join(names)}.\n"
        f"Les installer : {python} -m pip install -r {requirements}\n"
        "ou créer l'environnement du dépôt : "
        "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt "
        r"(Windows : py -m venv .venv && .venv\Scripts\pip install -r requirements.txt)"
    )


def require_dependencies(requirements: str = "requirements.txt") -> None:
    """Exit 1 with the French message when a dependency is missing; return otherwise."""
    names = missing()
    if names:
        sys.stderr.write(missing_message(names, sys.executable, requirements) + "\n")
        raise SystemExit(1)


if __name__ == "__main__":  # ``python -m oracxpred.launcher``: 0 when everything is there
    require_dependencies()

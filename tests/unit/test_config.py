"""Settings precedence and validation."""

from pathlib import Path

import pytest

from oracxpred.config import load_settings, parse_interval
from oracxpred.defaults import DEFAULT_FEED_URL
from oracxpred.errors import ConfigError


def test_defaults_without_any_source():
    settings = load_settings({}, {}, {})
    assert settings.feed_url == DEFAULT_FEED_URL
    assert settings.csv_path == Path("data/matches.csv")
    assert settings.database_url is None
    assert settings.interval_min == 1.0


def test_flag_beats_environment_beats_dotenv():
    env = {"ORACXPRED_CSV_PATH": "env.csv", "DATABASE_URL": "sqlite:///env.db"}
    dotenv = {"ORACXPRED_CSV_PATH": "dot.csv", "ORACXPRED_FEED_URL": "http://dot.example/f"}
    settings = load_settings({"csv_path": "flag.csv"}, env, dotenv)
    assert settings.csv_path == Path("flag.csv")
    assert settings.database_url == "sqlite:///env.db"
    assert settings.feed_url == "http://dot.example/f"


def test_blank_environment_value_falls_through_to_dotenv():
    settings = load_settings({}, {"ORACXPRED_CSV_PATH": "  "}, {"ORACXPRED_CSV_PATH": "d.csv"})
    assert settings.csv_path == Path("d.csv")


@pytest.mark.parametrize(("raw", "expected"), [("1", 1.0), ("0.25", 0.25), ("0,5", 0.5)])
def test_interval_accepts_decimals(raw, expected):
    assert parse_interval(raw) == expected


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "", "nan", "inf"])
def test_interval_rejects_non_positive_and_garbage(raw):
    with pytest.raises(ConfigError, match="Intervalle invalide"):
        parse_interval(raw)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:p@h/db",
        "postgres://u:p@h/db",
        "postgresql+psycopg://h/db",
        "sqlite:///tmp/x.db",
        "mysql+pymysql://root@127.0.0.1/db",
    ],
)
def test_database_url_schemes_accepted(url):
    assert load_settings({"database_url": url}, {}, {}).database_url == url


def test_database_url_rejected_without_leaking_password():
    with pytest.raises(ConfigError) as info:
        load_settings({"database_url": "oracle://scott:tiger99@h/db"}, {}, {})
    assert "tiger99" not in str(info.value)
    assert "DATABASE_URL invalide" in str(info.value)


@pytest.mark.parametrize("url", ["ftp://x/y", "1xbet.com/feed", "http://"])
def test_feed_url_must_be_http(url):
    with pytest.raises(ConfigError, match="Adresse du flux invalide"):
        load_settings({"feed_url": url}, {}, {})


def test_invalid_environment_value_is_a_config_error():
    with pytest.raises(ConfigError, match="Intervalle invalide"):
        load_settings({}, {"ORACXPRED_INTERVAL": "vite"}, {})


def test_spool_path_lives_beside_the_csv():
    settings = load_settings({"csv_path": "/tmp/run1/m.csv"}, {}, {})
    assert settings.spool_path == Path("/tmp/run1/m.spool.csv")


@pytest.mark.parametrize(
    ("name", "raw"),
    [("timeout_s", "0"), ("retries", "-1"), ("max_body_bytes", "x"), ("metrics_port", "70000")],
)
def test_numeric_settings_validated(name, raw):
    with pytest.raises(ConfigError):
        load_settings({name: raw}, {}, {})


def test_zero_retries_allowed():
    assert load_settings({"retries": "0"}, {}, {}).retries == 0

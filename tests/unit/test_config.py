"""Settings precedence and validation."""

import re
from pathlib import Path

import pytest

from oracxpred.config import (
    WebSettings,
    default_health_max_age_s,
    load_settings,
    load_web_settings,
    parse_interval,
)
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
    [
        ("timeout_s", "0"),
        ("timeout_s", "nan"),
        ("timeout_s", "inf"),
        ("unresolved_after_s", "-inf"),
        ("retries", "-1"),
        ("max_body_bytes", "x"),
        ("metrics_port", "70000"),
    ],
)
def test_numeric_settings_validated(name, raw):
    with pytest.raises(ConfigError, match=f"invalide « {raw} »"):
        load_settings({name: raw}, {}, {})


def test_zero_retries_allowed():
    assert load_settings({"retries": "0"}, {}, {}).retries == 0


def test_web_settings_default_to_unset_and_off():
    assert load_web_settings({}, {}, {}) == WebSettings(None, False)


def test_web_settings_given_beats_environment_beats_dotenv():
    env = {"ORACXPRED_HEALTH_MAX_AGE": "60", "ORACXPRED_INTERNAL_COLLECTOR": "oui"}
    dotenv = {"ORACXPRED_HEALTH_MAX_AGE": "90", "ORACXPRED_INTERNAL_COLLECTOR": "0"}
    assert load_web_settings({}, env, dotenv) == WebSettings(60.0, True)
    assert load_web_settings({}, {}, dotenv) == WebSettings(90.0, False)
    given = {"health_max_age_s": 5, "internal_collector": False}
    assert load_web_settings(given, env, dotenv) == WebSettings(5.0, False)


def test_web_settings_blank_value_means_unset():
    assert load_web_settings({}, {"ORACXPRED_HEALTH_MAX_AGE": "  "}, {}).health_max_age_s is None
    dotenv = {"ORACXPRED_HEALTH_MAX_AGE": "2,5"}
    assert load_web_settings({}, {"ORACXPRED_HEALTH_MAX_AGE": ""}, dotenv).health_max_age_s == 2.5


@pytest.mark.parametrize(
    ("name", "raw", "reason"),
    [
        ("ORACXPRED_HEALTH_MAX_AGE", "abc", "un nombre de secondes positif attendu"),
        ("ORACXPRED_HEALTH_MAX_AGE", "0", "un nombre de secondes positif attendu"),
        ("ORACXPRED_INTERNAL_COLLECTOR", "peut-être", "1 (activé) ou 0 (désactivé) attendu"),
    ],
)
def test_web_settings_reject_garbage(name, raw, reason):
    with pytest.raises(ConfigError, match=rf"^{name} invalide « {raw} » : {re.escape(reason)}\.$"):
        load_web_settings({}, {name: raw}, {})


def test_default_health_max_age_is_three_intervals_plus_two_minutes():
    assert default_health_max_age_s(load_settings({"interval_min": "2"}, {}, {})) == 480.0

"""The shipped Prometheus rules and Grafana dashboard name only metrics the collector exports."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from typing import NoReturn

import pytest
import yaml  # type: ignore[import-untyped]  # PyYAML, installed with apprise

from oracxpred.metrics import CollectorMetrics
from tests.helpers import REPO

RULES = REPO / "deploy" / "prometheus-rules.yml"
DASHBOARD = REPO / "deploy" / "grafana-dashboard.json"

PROMQL_WORDS = {
    # functions, aggregations and keywords the shipped expressions use or may use
    *[
        "absent",
        "avg",
        "by",
        "count",
        "delta",
        "deriv",
        "histogram_quantile",
        "increase",
        "irate",
        "max",
        "min",
        "on",
        "or",
        "and",
        "unless",
        "rate",
        "sum",
        "time",
        "topk",
        "bottomk",
        "without",
        "ignoring",
        "group_left",
        "group_right",
        "avg_over_time",
        "max_over_time",
        "min_over_time",
        "sum_over_time",
        "changes",
        "resets",
        "vector",
        "scalar",
        "clamp_min",
        "clamp_max",
        "abs",
        "offset",
        "bool",
    ],
}
SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "info": ("_info",),
}


def exported_names() -> set[str]:
    """Every series name the collector's registry can expose (labelled ones included)."""
    registry = CollectorMetrics().registry
    names = set()
    for family in registry.collect():
        for suffix in SUFFIXES.get(family.type, ("",)):
            names.add(family.name + suffix)
    return names


def metric_names(expr: str) -> set[str]:
    """Identifiers of a PromQL expression that are not functions, keywords or labels."""
    text = re.sub(r'"[^"]*"', "", expr)  # strings
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    words = set(re.findall(r"\b[a-zA-Z_:][a-zA-Z0-9_:]*\b", text))
    return {w for w in words if w not in PROMQL_WORDS and not re.fullmatch(r"\d+[smhd]?", w)}


def rule_exprs() -> list[str]:
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return [rule["expr"] for group in data["groups"] for rule in group["rules"]]


def dashboard_exprs() -> list[str]:
    data = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [target["expr"] for panel in data["panels"] for target in panel["targets"]]


def test_the_name_extraction_sees_metrics_and_nothing_else():
    expr = 'sum by (le) (rate(x_bucket{a="b"}[5m])) > 3 and on(instance) y == 1'
    assert metric_names(expr) == {"x_bucket", "y"}


@pytest.mark.parametrize("source", ["rules", "dashboard"])
def test_every_metric_used_is_exported(source):
    exprs = rule_exprs() if source == "rules" else dashboard_exprs()
    assert exprs
    used = set().union(*(metric_names(e) for e in exprs))
    assert used, "no metric found"
    assert used <= exported_names(), sorted(used - exported_names())


def test_rules_are_structurally_valid():
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    names = set()
    for group in data["groups"]:
        assert group["name"]
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}
            assert rule["alert"] not in names
            names.add(rule["alert"])
            assert rule["labels"]["severity"] in {"critical", "warning", "info"}
            assert rule["annotations"]["summary"]
    assert len(names) >= 8


def test_dashboard_is_importable_json():
    data = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert data["uid"] == "oracxpred-collector"
    ids = [panel["id"] for panel in data["panels"]]
    assert len(ids) == len(set(ids))
    for panel in data["panels"]:
        assert panel["targets"]
        assert {t["refId"] for t in panel["targets"]} == {
            chr(65 + i) for i in range(len(panel["targets"]))
        }


DASHBOARD_AREAS = {
    # issue 16: "cycles, matches per league, completeness, rejections, spool, archive, latency"
    "cycles": {"oracxpred_cycles_total"},
    "matchs par ligue": {"oracxpred_league_matches_saved_total"},
    "complétude": {"oracxpred_completeness_ratio"},
    "matchs manqués (audit)": {"oracxpred_audit_repaired_total"},
    "rejets": {"oracxpred_events_rejected_total"},
    "attente locale": {"oracxpred_spool_rows"},
    "archive": {"oracxpred_archive_errors_total"},
    "durée des cycles": {
        "oracxpred_cycle_duration_seconds_bucket",
        "oracxpred_cycle_duration_seconds_sum",
        "oracxpred_cycle_duration_seconds_count",
    },
}
RULE_AREAS = {
    "flux": {"oracxpred_failures_total"},
    "refus": {"oracxpred_feed_refusals_total"},
    "bail": {"oracxpred_lease_held"},
    "rejets": {"oracxpred_events_rejected_total"},
    "attente locale": {"oracxpred_spool_rows"},
    "complétude": {"oracxpred_completeness_ratio"},
    "matchs manqués": {"oracxpred_audit_repaired_total"},
    "archive": {"oracxpred_archive_errors_total"},
}


def dashboard_panels_by_metric() -> dict[str, list[str]]:
    data = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    panels: dict[str, list[str]] = {}
    for panel in data["panels"]:
        for target in panel["targets"]:
            for name in metric_names(target["expr"]):
                panels.setdefault(name, []).append(panel["title"])
    return panels


@pytest.mark.parametrize("area", sorted(DASHBOARD_AREAS))
def test_the_dashboard_covers_each_area_of_the_issue(area):
    names = DASHBOARD_AREAS[area]
    assert names <= exported_names(), sorted(names - exported_names())
    panels = dashboard_panels_by_metric()
    assert any(name in panels for name in names), f"aucun panneau pour : {area}"


@pytest.mark.parametrize("area", sorted(RULE_AREAS))
def test_the_rules_cover_each_monitored_area(area):
    used = set().union(*(metric_names(e) for e in rule_exprs()))
    assert RULE_AREAS[area] & used, f"aucune règle pour : {area}"


def _missing_promtool() -> NoReturn:
    """Under CI the tool must be there (scripts/test installs it); elsewhere, skip with why."""
    if os.environ.get("CI"):
        pytest.fail("promtool absent sous CI : scripts/test installe le paquet Debian prometheus")
    pytest.skip("promtool absent (paquet Debian prometheus) : vérification structurelle seule")


def test_promtool_accepts_the_rules():
    promtool = shutil.which("promtool")
    if promtool is None:
        _missing_promtool()
    done = subprocess.run(
        [promtool, "check", "rules", str(RULES)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_promtool_unit_tests_of_the_rules_pass():
    promtool = shutil.which("promtool")
    if promtool is None:
        _missing_promtool()
    tests = REPO / "tests" / "unit" / "prometheus_rules_test.yml"
    done = subprocess.run(
        [promtool, "test", "rules", str(tests)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _annotations(alert: str, summary: str, instance: str) -> dict[str, str]:
    """Expected annotations: ``summary`` as rendered, the description from the rules file."""
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    rule = next(r for g in data["groups"] for r in g["rules"] if r["alert"] == alert)
    description = rule["annotations"]["description"].replace("{{ $labels.instance }}", instance)
    return {"summary": summary, "description": description}


def completeness_and_archive_tests() -> dict[str, object]:
    archive = "0 0 0 " + " ".join(["1"] * 60)  # errors at minute 3, then none
    series = [
        ('oracxpred_completeness_ratio{instance="a", league="Ligue A"}', "0.9x200"),
        ('oracxpred_completeness_ratio{instance="a", league="Ligue B"}', "1x200"),
        ('oracxpred_lease_held{instance="a"}', "1x200"),
        # a standby keeps the last value it set as leader: not alerted on
        ('oracxpred_completeness_ratio{instance="standby", league="Ligue A"}', "0.5x200"),
        ('oracxpred_lease_held{instance="standby"}', "0x200"),
        ('oracxpred_archive_errors_total{instance="a"}', archive),
    ]
    completeness = "OracxpredCompletenessBelowFull"
    summary = "Collecteur OracXPred : complétude 90% pour Ligue A"
    archive_summary = "Collecteur OracXPred : l'archive n'est plus écrite"
    return {
        "rule_files": [str(RULES)],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [{"series": name, "values": v} for name, v in series],
                "alert_rule_test": [
                    {"eval_time": "1h", "alertname": completeness, "exp_alerts": []},
                    {
                        "eval_time": "2h5m",
                        "alertname": completeness,
                        "exp_alerts": [
                            {
                                "exp_labels": {
                                    "severity": "warning",
                                    "instance": "a",
                                    "league": "Ligue A",
                                },
                                "exp_annotations": _annotations(completeness, summary, "a"),
                            }
                        ],
                    },
                    {
                        "eval_time": "5m",
                        "alertname": "OracxpredArchiveErrors",
                        "exp_alerts": [
                            {
                                "exp_labels": {"severity": "warning", "instance": "a"},
                                "exp_annotations": _annotations(
                                    "OracxpredArchiveErrors", archive_summary, "a"
                                ),
                            }
                        ],
                    },
                    {"eval_time": "45m", "alertname": "OracxpredArchiveErrors", "exp_alerts": []},
                ],
            }
        ],
    }


def test_promtool_completeness_and_archive_alerts_fire_and_clear(tmp_path):
    """Completeness below 100 % on the active collector only, for 2 h; archive errors while
    the counter grows, and no longer once it stops."""
    promtool = shutil.which("promtool")
    if promtool is None:
        _missing_promtool()
    tests = tmp_path / "completeness_archive_test.yml"
    text = yaml.safe_dump(completeness_and_archive_tests(), allow_unicode=True, sort_keys=False)
    tests.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [promtool, "test", "rules", str(tests)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr

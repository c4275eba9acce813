"""deploy/: the alert rules and the dashboard ask for metrics the code exports."""

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
EXPORTERS = [
    ROOT / "projections" / "running" / "metrics.py",
    ROOT / "projections" / "ops" / "metrics_collector.py",
]
OURS = re.compile(r"\bcqrs_[a-z_]+")


def exported_names() -> set[str]:
    names = set()
    for path in EXPORTERS:
        names |= set(re.findall(r'"(cqrs_[a-z_]+)"', path.read_text()))
    return names


def histogram_base(name: str) -> str:
    return re.sub(r"_(bucket|sum|count|total)$", "", name)


def test_alert_rules_use_only_exported_cqrs_metrics():
    rules = yaml.safe_load((ROOT / "deploy/prometheus/cqrs-alerts.yml").read_text())
    exprs = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]

    used = {histogram_base(name) for expr in exprs for name in OURS.findall(expr)}

    assert used
    assert used <= {histogram_base(name) for name in exported_names()}


def test_dashboard_uses_only_exported_cqrs_metrics():
    dashboard = json.loads((ROOT / "deploy/grafana/cqrs-dashboard.json").read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]

    used = {histogram_base(name) for expr in exprs for name in OURS.findall(expr)}

    assert used
    assert used <= {histogram_base(name) for name in exported_names()}

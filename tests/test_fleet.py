"""Fleet impact (`make fleet`): what a chart change does to every service of a fleet.

test_fleet_gate is the pytest entry point: it reports on tests/fleet (or
`--fleet DIR`) against the previous release and fails where `make fleet` exits 1.
The other tests break the chart on purpose in a temporary copy and check that the
report names exactly the services the break touches; the expected services are
derived from the values files, independently of the report.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support import fleet
from tests.support.edits import add_selector_label, edit, rename_deployment, set_chart_version
from chart_harness.explain import field_changes
from chart_harness.helm import HelmVersion
from tests.support.tools import ROOT, STANDARD_APP, load_script
from chart_harness.previous_release import PreviousRelease, previous_release
from tests.support.values import coalesce

FLEET = ROOT / "tests" / "fleet"
# The tests that break the chart use every SUBSET-th service of the fleet (and every
# product-chart service): the same proof as the whole fleet, at a fifth of the renders.
SUBSET = 5

pytestmark = pytest.mark.xdist_group("fleet")


@pytest.fixture(scope="module")
def previous(helm4: HelmVersion) -> PreviousRelease:
    return previous_release(STANDARD_APP, helm4)


@pytest.fixture(scope="module")
def services() -> list[fleet.Service]:
    return fleet.discover_fleet(FLEET)


@pytest.fixture(scope="module")
def subset(services: list[fleet.Service]) -> list[fleet.Service]:
    return [s for i, s in enumerate(services) if i % SUBSET == 0 or s.product_chart]


_PARSED: dict[str, object] = {}  # file content -> parsed YAML (content-keyed, so exact)


def _load(path: Path):
    """yaml.safe_load of a values file, parsed once per distinct content (fresh copy per call)."""
    text = path.read_text()
    if text not in _PARSED:
        _PARSED[text] = yaml.safe_load(text)
    return copy.deepcopy(_PARSED[text])


def user_values(service: fleet.Service) -> dict:
    """What the team wrote for standard-app, merged in Helm's order (values.yaml, then -f)."""
    if service.product_chart is None:
        return _load(service.values[0]) or {}
    merged: dict = {}
    for path in (service.product_chart / "values.yaml", *service.values):
        merged = coalesce(merged, (_load(path) or {}).get("standard-app") or {})
    return merged


CHECKSUM = 'spec.template.metadata.annotations["checksum/config"]'
# Defaults added since 1.0.0 that every app container gets.
# Since 2.0.0 Secret references come before plain values, so a plain value can use them:
# the env order changes for every service that has both.
ENV_ORDER = "spec.template.spec.containers[app].env order"
NEW_DEFAULTS = ("spec.template.spec.containers[app].lifecycle",
                "spec.template.spec.containers[app].resources.limits.ephemeral-storage",
                "spec.template.spec.containers[app].resources.requests.ephemeral-storage")
# With networkPolicy.from, the NetworkPolicy gained a rule that admits the helm test pod.
TEST_POD_RULE = "spec.ingress[1]"


def _names(services: list[fleet.Service], keep) -> set[str]:
    return {s.name for s in services if keep(user_values(s))}


def _group(report: fleet.FleetReport, kind: str, path: str) -> set[str]:
    found = [g for g in report.groups() if (g.kind, g.path) == (kind, path)]
    return set(found[0].services) if found else set()


# --- the entry point --------------------------------------------------------------------


def test_fleet_gate(request: pytest.FixtureRequest, previous: PreviousRelease, helm4: HelmVersion) -> None:
    """No service of the fleet is newly rejected or hits an immutable field (without a major bump)."""
    directory = Path(request.config.getoption("--fleet") or FLEET).resolve()
    report = fleet.analyse_fleet(directory, previous, STANDARD_APP, helm4, jobs=2)
    fleet.write_reports(report, fleet.FLEET_CACHE / "report.md", fleet.FLEET_CACHE / "report.json")
    print(report.markdown())
    if report.problems():
        pytest.fail("\n".join(report.problems()) + f"\n\n{report.markdown()}", pytrace=False)
    if directory == FLEET:
        # Counted without the harness: every generated file, and orders with its two environments.
        generated = [p for p in FLEET.glob("*/*.yaml")]
        assert len(report.impacts) == len(generated) + 3
        # The synthetic fleet describes services that run today: both versions accept every one.
        assert not report.services(fleet.REJECTED_BOTH) and not report.services(fleet.NEW_SERVICE), report.markdown()
        assert not report.with_warnings, report.markdown()


# --- the fleet itself -------------------------------------------------------------------


def test_fleet_is_generated_from_its_seed(tmp_path: Path) -> None:
    gen = load_script("gen_fleet")
    assert gen.main(["--check"]) == 0, "tests/fleet is stale: run python scripts/gen_fleet.py"
    assert gen.generate(7, 40) == gen.generate(7, 40)
    assert gen.generate(7, 40) != gen.generate(8, 40)
    assert gen.main(["--out", str(tmp_path), "--count", "20"]) == 0
    (tmp_path / next(iter(gen.generate(count=20)))).write_text("replicaCount: 9\n")
    assert gen.main(["--out", str(tmp_path), "--count", "20", "--check"]) == 1


# Every feature standard-app offers, as a test on a service's values.
SHAPES = {
    "plain (image and port only)": lambda v: set(v) <= {"nameOverride", "image", "containerPort"},
    "ingress with TLS": lambda v: v.get("ingress", {}).get("tls"),
    "ingress without TLS": lambda v: v.get("ingress", {}).get("enabled") and not v["ingress"].get("tls"),
    "autoscaling": lambda v: v.get("autoscaling", {}).get("enabled"),
    "single replica without PDB": lambda v: v.get("replicaCount") == 1,
    "migration hook": lambda v: v.get("migration", {}).get("enabled"),
    "migration for Argo CD": lambda v: v.get("migration", {}).get("argocd"),
    "ServiceMonitor": lambda v: v.get("metrics", {}).get("serviceMonitor", {}).get("enabled"),
    "metrics off": lambda v: v.get("metrics", {}).get("enabled") is False,
    "NetworkPolicy sources": lambda v: v.get("networkPolicy", {}).get("from"),
    "NetworkPolicy off": lambda v: v.get("networkPolicy", {}).get("enabled") is False,
    "config": lambda v: v.get("config"),
    "secret env": lambda v: v.get("secretEnv"),
    "ExternalSecret": lambda v: v.get("externalSecret", {}).get("enabled"),
    "sidecar and volume": lambda v: v.get("sidecars") and v.get("extraVolumes"),
    "digest pinned": lambda v: v.get("image", {}).get("digest"),
    "tcp probes": lambda v: v.get("probes", {}).get("type") == "tcp",
    "custom probes": lambda v: v.get("probes", {}).get("liveness"),
    "command and args": lambda v: v.get("command"),
    "scheduling": lambda v: v.get("tolerations") and v.get("nodeSelector"),
    "priority class": lambda v: v.get("priorityClassName"),
    "labels": lambda v: v.get("commonLabels"),
    "test pod off": lambda v: v.get("tests", {}).get("enabled") is False,
    "own resources": lambda v: v.get("resources"),
    "no nameOverride": lambda v: "nameOverride" not in v,
}


def test_fleet_spans_every_shape(services: list[fleet.Service]) -> None:
    assert len([s for s in services if s.product_chart is None]) >= 300
    assert {"shop/orders", "shop/orders@prod", "shop/orders@staging"} <= {s.name for s in services}, "examples/orders is part of the fleet"
    counts = {shape: len(_names(services, test)) for shape, test in SHAPES.items()}
    rare = {shape: n for shape, n in counts.items() if n < 3}
    assert not rare, f"shapes with fewer than 3 services: {rare}; all counts: {counts}"
    assert len({s.namespace for s in services}) >= 10


# --- discovery --------------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_discovery_names_namespaces_and_product_charts(tmp_path: Path) -> None:
    root = tmp_path / "fleet"
    _write(root / "top.yaml", "containerPort: 8080\n")
    _write(root / "team-a" / "api.yaml", "containerPort: 8080\n")
    _write(root / "team-a" / "batch" / "nightly.yaml", "containerPort: 8080\n")
    product = root / "team-b" / "shop"
    _write(product / "Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\ndependencies:\n"
           "  - name: standard-app\n    version: 1.0.0\n    repository: oci://localhost:5000/charts\n")
    _write(product / "values.yaml", "standard-app: {}\n")
    _write(product / "values-prod.yaml", "standard-app: {}\n")
    _write(product / "templates" / "extra.yaml", "# a product chart may add its own objects\n")
    _write(tmp_path / "elsewhere" / "extra.yaml", "containerPort: 8080\n")
    _write(root / "fleet.yaml", "include:\n  - path: ../elsewhere/extra.yaml\n    namespace: ops\n")
    _write(root / "ops-namespace-of-sixty-characters-which-kubernetes-allows-ok" / "x.yaml", "{}\n")
    found = {s.name: (s.release, s.namespace, bool(s.product_chart)) for s in fleet.discover_fleet(root)}
    assert found == {
        "default/top": ("top", "default", False),
        "team-a/api": ("api", "team-a", False),
        "team-a/nightly": ("nightly", "team-a", False),
        "team-b/shop": ("shop", "team-b", True),
        "team-b/shop@prod": ("shop", "team-b", True),
        "ops/extra": ("extra", "ops", False),
        "ops-namespace-of-sixty-characters-which-kubernetes-allows-ok/x":
            ("x", "ops-namespace-of-sixty-characters-which-kubernetes-allows-ok", False),
    }


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"Bad_Name.yaml": "{}"}, "release name 'Bad_Name' is not a DNS-1123 label"),
        ({"fleet.yaml": "include:\n  - path: missing\n"}, "include[0].path 'missing' is neither a values file"),
        ({"fleet.yaml": "services: []\n"}, "expected `include:"),
        ({"p/Chart.yaml": "apiVersion: v2\nname: p\nversion: 0.1.0\n"}, "depends on standard-app; this one does not"),
        ({"a.yaml": "{}", "fleet.yaml": "include:\n  - path: a.yaml\n"}, "are both release 'a' in namespace 'default'"),
        ({"t/x/api.yaml": "{}", "t/y/api.yaml": "{}"}, "are both release 'api' in namespace 't'"),
        ({"README.md": "nothing here"}, "no services"),
        ({"orders/values.yaml": "{}"}, "orders has no Chart.yaml; add the chart"),
        ({"fleet.yaml": "include: [\n"}, "fleet.yaml: cannot read it as YAML"),
        ({"team/api.yaml": "image: [\n"}, "api.yaml: cannot read it as YAML"),
        ({"team/api.yaml": "- a list\n"}, "api.yaml: a values file is a mapping of keys"),
        ({"p/Chart.yaml": "name: [\n"}, "p/Chart.yaml: cannot read it as YAML"),
        *(({"p/Chart.yaml": "apiVersion: v2\nname: p\nversion: 0.1.0\ndependencies:\n  - name: standard-app\n", f"p/{odd}": "{}"},
           f"p/{odd}: an environment's values file is named values-<env>.yaml")
          for odd in ("values-Prod.yaml", "values-prod.eu.yaml", "values-prod eu.yaml", "values.dev.yaml")),
        ({"a.yaml": "{}", "fleet.yaml": "include:\n  - path: a.yaml\n    namespace: Bad\n"},
         "namespace 'Bad' is not a DNS-1123 label of at most 63 characters .*fix include\\[0\\].namespace in"),
    ],
)
def test_discovery_refuses_a_malformed_fleet(tmp_path: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        _write(tmp_path / name, text)
    with pytest.raises(fleet.FleetError, match=message if ".*" in message else re.escape(message)):
        fleet.discover_fleet(tmp_path)


def test_discovery_refuses_link_loops_and_dangling_links(tmp_path: Path) -> None:
    _write(tmp_path / "team" / "api.yaml", "{}\n")
    (tmp_path / "team" / "loop").symlink_to(tmp_path / "team")
    with pytest.raises(fleet.FleetError, match="a symbolic link that loops back"):
        fleet.discover_fleet(tmp_path)
    (tmp_path / "team" / "loop").unlink()
    (tmp_path / "team" / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    with pytest.raises(fleet.FleetError, match="a symbolic link to a file that does not exist"):
        fleet.discover_fleet(tmp_path)


# --- the report bites -------------------------------------------------------------------


def _report(chart: Path, previous: PreviousRelease, helm: HelmVersion, services: list[fleet.Service]) -> fleet.FleetReport:
    return fleet.analyse_fleet(FLEET, previous, chart, helm, jobs=2, services=services)


def test_unchanged_chart_reports_the_fleet_unchanged(chart_copy_at_previous: Path, subset, previous, helm4) -> None:
    """The baseline of the proofs below: the working tree, at the previous release's
    version, against the previous release."""
    report = _report(chart_copy_at_previous, previous, helm4, subset)
    assert not report.problems(), report.markdown()
    # The changes since 1.0.0 that the fleet feels: checksum/config is a hash of the config
    # as JSON now (every service with config), and two new defaults give every app
    # container a preStop drain and ephemeral-storage requests and limits, so every
    # service restarts once.
    everyone = {s.name for s in subset}
    with_config = _names(subset, lambda v: v.get("config"))
    assert 0 < len(with_config) < len(subset)
    assert _group(report, "Deployment", CHECKSUM) == with_config, report.markdown()
    for path in NEW_DEFAULTS:
        assert _group(report, "Deployment", path) == everyone, (path, report.markdown())
    assert set(report.services(fleet.RESTART)) == everyone, report.markdown()
    assert set(report.services(fleet.UNCHANGED)) == set()


def test_version_bump_changes_only_the_chart_label(subset, previous, helm4) -> None:
    """The working tree as it is, version bump included: the chart label is the one more
    change every object shows."""
    report = _report(STANDARD_APP, previous, helm4, subset)
    assert not report.problems(), report.markdown()
    assert set(report.services(fleet.RESTART)) == {s.name for s in subset}, report.markdown()
    fields = {group.path for group in report.groups() if group.kind != "Job"}
    assert fields == {'metadata.labels["helm.sh/chart"]', CHECKSUM, ENV_ORDER, TEST_POD_RULE, *NEW_DEFAULTS}, fields
    both = _names(subset, lambda v: v.get("env") and v.get("secretEnv"))
    assert 0 < len(both) and _group(report, "Deployment", ENV_ORDER) == both, report.markdown()
    guarded = _names(subset, lambda v: v.get("networkPolicy", {}).get("from") and v.get("shape") != "worker"
                     and v.get("tests", {}).get("enabled", True))
    assert 0 < len(guarded) and _group(report, "NetworkPolicy", TEST_POD_RULE) == guarded, report.markdown()


@pytest.mark.parametrize(
    ("default", "field", "overridden"),
    [
        (("replicaCount: 2\n", "replicaCount: 3\n"), "spec.replicas",
         lambda v: "replicaCount" in v or v.get("autoscaling", {}).get("enabled")),
        (("    # -- Seconds between liveness checks.\n    periodSeconds: 10\n",
          "    # -- Seconds between liveness checks.\n    periodSeconds: 15\n"),
         "spec.template.spec.containers[app].livenessProbe.periodSeconds",
         lambda v: "periodSeconds" in v.get("probes", {}).get("liveness", {})),
    ],
    ids=["replicas", "probe-period"],
)
def test_changed_default_reports_exactly_the_services_that_keep_it(
    chart_copy_at_previous: Path, subset, previous, helm4, default, field, overridden
) -> None:
    edit(chart_copy_at_previous / "values.yaml", *default)
    report = _report(chart_copy_at_previous, previous, helm4, subset)
    expected = _names(subset, lambda v: not overridden(v))
    assert 0 < len(expected) < len(subset), "the proof needs services on both sides"
    assert _group(report, "Deployment", field) == expected, report.markdown()
    for impact in report.impacts:
        touched = any(c.path == field for c in impact.changes)
        assert touched == (impact.service.name in expected), impact.as_json()
    assert not report.problems()


def test_pod_annotation_change_predicts_a_restart_for_exactly_those_services(chart_copy_at_previous: Path, subset, previous, helm4) -> None:
    """A new annotation on the pods of services with metrics: those, and only those, roll."""
    edit(chart_copy_at_previous.parent / "common-lib" / "templates" / "_metrics.tpl",
         'prometheus.io/scrape: "true"\n', 'prometheus.io/scrape: "true"\nprometheus.io/scheme: "http"\n')
    report = _report(chart_copy_at_previous, previous, helm4, subset)
    with_metrics = _names(subset, lambda v: v.get("metrics", {}).get("enabled", True))
    assert 0 < len(with_metrics) < len(subset)
    path = 'spec.template.metadata.annotations["prometheus.io/scheme"]'
    assert _group(report, "Deployment", path) == with_metrics, report.markdown()
    for impact in report.impacts:  # every service restarts anyway (see above); only some for this
        touched = any(c.path == path for c in impact.changes)
        assert touched == (impact.service.name in with_metrics), impact.as_json()


def test_selector_change_is_a_break_for_every_service(chart_copy_at_previous: Path, subset, previous, helm4) -> None:
    add_selector_label(chart_copy_at_previous)
    report = _report(chart_copy_at_previous, previous, helm4, subset)
    assert set(report.services(fleet.IMMUTABLE)) == {s.name for s in subset}, report.markdown()
    assert all("spec.selector" in "".join(i.breaks) and "field is immutable" in "".join(i.breaks) for i in report.impacts)
    problems = report.problems()
    assert len(problems) == 1 and f"{len(subset)} service(s) immutable-field break" in problems[0]
    assert "**Blocked:**" in report.markdown()
    set_chart_version(chart_copy_at_previous, "2.0.0")  # a major bump allows it, and the report still lists it
    bumped = _report(chart_copy_at_previous, previous, helm4, subset)
    assert not bumped.problems() and len(bumped.services(fleet.IMMUTABLE)) == len(subset)
    assert "allowed by the major version bump" in bumped.markdown()


def test_schema_tightening_lists_the_services_it_now_rejects(chart_copy_at_previous: Path, subset, previous, helm4) -> None:
    schema_path = chart_copy_at_previous / "values.schema.json"
    schema = json.loads(schema_path.read_text())
    schema["properties"]["replicaCount"]["maximum"] = 3
    schema_path.write_text(json.dumps(schema, indent=2))
    report = _report(chart_copy_at_previous, previous, helm4, subset)
    expected = _names(subset, lambda v: v.get("replicaCount", 2) > 3)
    assert expected, "the proof needs a service with more than 3 replicas"
    assert set(report.services(fleet.NOW_REJECTED)) == expected, report.markdown()
    for impact in report.by_verdict(fleet.NOW_REJECTED):
        assert "replicaCount" in impact.message and "3" in impact.message, impact.message
        line = next(ln for ln in report.markdown().splitlines() if ln.startswith(f"- <code>{impact.service.name}</code>:"))
        assert "replicaCount" in line and "want 3" in line, line
    assert report.problems() and "now rejected" in report.problems()[0]


# --- `make fleet` -----------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tests.fleet_impact", "--quiet", "--jobs", "2", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_make_fleet_exit_status_and_reports(chart_copy_at_previous: Path, tmp_path: Path, previous, helm4) -> None:
    small = tmp_path / "fleet"
    for path in sorted(FLEET.glob("payments/*.yaml"))[:4]:
        _write(small / "payments" / path.name, path.read_text())
    md, js = tmp_path / "report.md", tmp_path / "report.json"
    ok = _cli("--fleet", str(small), "--chart", str(chart_copy_at_previous), "--markdown", str(md), "--json", str(js))
    assert ok.returncode == 0, ok.stderr
    data = json.loads(js.read_text())
    assert sum(data["counts"].values()) == 4 and data["problems"] == []
    assert md.read_text().startswith("### Fleet impact: standard-app")
    add_selector_label(chart_copy_at_previous)
    broken = _cli("--fleet", str(small), "--chart", str(chart_copy_at_previous), "--markdown", str(md), "--json", str(js))
    assert broken.returncode == 1, broken.stderr
    assert "4 service(s) immutable-field break" in broken.stderr
    assert json.loads(js.read_text())["counts"][fleet.IMMUTABLE] == 4
    missing = _cli("--fleet", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "not a directory" in missing.stderr


def test_report_fits_a_pull_request_comment(chart_copy_at_previous: Path, services, previous, helm4) -> None:
    """The worst case: every service breaks. The comment is cut to size and says so."""
    add_selector_label(chart_copy_at_previous)
    report = _report(chart_copy_at_previous, previous, helm4, services[:120])
    text = report.markdown(limit=20_000)
    assert len(text) <= 20_000 and "the JSON report has every service" in text
    assert text.index("| outcome | services |") < text.index("#### Changes by field") < text.index("#### Per service")
    full = report.as_json()
    assert len(full["services"]) == 120 and full["counts"][fleet.IMMUTABLE] == 120


def test_renamed_deployment_is_a_blocking_recreate_and_a_restart(chart_copy_at_previous: Path, subset, previous, helm4) -> None:
    """Helm deletes the old Deployment and creates the new one: every pod goes."""
    rename_deployment(chart_copy_at_previous)
    report = _report(chart_copy_at_previous, previous, helm4, subset)
    assert set(report.services(fleet.RECREATED)) == {s.name for s in subset}, report.markdown()
    for impact in report.impacts:
        assert impact.restarts and any("Helm deletes Deployment/" in d for d in impact.deletions), impact.as_json()
        assert impact.added and impact.removed
    assert report.problems() and "object deleted or recreated" in report.problems()[0]


def _product(tmp_path: Path, name: str, *, alias: str | None = None) -> Path:
    """A copy of examples/orders as another team's product chart, optionally with an alias."""
    chart = tmp_path / "fleet" / "team" / name
    shutil.copytree(ROOT / "examples" / "orders", chart, ignore=shutil.ignore_patterns("charts", "Chart.lock"))
    edit(chart / "Chart.yaml", "name: orders\n", f"name: {name}\n")
    if alias:
        edit(chart / "Chart.yaml", "  - name: standard-app\n", f"  - name: standard-app\n    alias: {alias}\n")
        for values in chart.glob("values*.yaml"):
            edit(values, "standard-app:\n", f"{alias}:\n")
    return chart


def test_product_chart_with_an_alias_follows_a_version_bump(chart_copy_at_previous: Path, tmp_path: Path, previous, helm4) -> None:
    """Helm applies an alias only if the packaged version satisfies the pin: the variant pins it."""
    _product(tmp_path, "alias-shop", alias="api")
    set_chart_version(chart_copy_at_previous, "1.1.0")
    report = fleet.analyse_fleet(tmp_path / "fleet", previous, chart_copy_at_previous, helm4, jobs=2)
    assert len(report.impacts) == 3 and not report.services(fleet.NOW_REJECTED), report.markdown()
    assert not report.problems(), report.markdown()
    for impact in report.impacts:  # the values under `api:` reached the chart: the image is the team's
        assert impact.verdict in (fleet.UNCHANGED, fleet.RESTART, fleet.CHANGED), impact.as_json()


def test_product_chart_keeps_its_other_dependencies(chart_copy_at_previous: Path, tmp_path: Path, previous, helm4) -> None:
    chart = _product(tmp_path, "extra-shop")
    helper = tmp_path / "helper"
    _write(helper / "Chart.yaml", "apiVersion: v2\nname: helper\nversion: 0.1.0\n")
    _write(helper / "templates" / "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: helper\ndata: {a: b}\n")
    (chart / "charts").mkdir()
    helm4.run(["package", str(helper), "--destination", str(chart / "charts")])
    edit(chart / "Chart.yaml", "dependencies:\n", "dependencies:\n  - name: helper\n    version: 0.1.0\n    repository: oci://localhost:5000/charts\n")
    report = fleet.analyse_fleet(tmp_path / "fleet", previous, chart_copy_at_previous, helm4, jobs=2)
    assert {i.verdict for i in report.impacts} <= {fleet.UNCHANGED, fleet.RESTART, fleet.CHANGED}, report.markdown()
    assert not any("ConfigMap/helper" in i.added + i.removed for i in report.impacts)
    (chart / "charts" / "helper-0.1.0.tgz").unlink()
    shutil.copytree(helper, chart / "charts" / "helper")  # vendored unpacked: the same render
    unpacked = fleet.analyse_fleet(tmp_path / "fleet", previous, chart_copy_at_previous, helm4, jobs=2)
    assert [i.verdict for i in unpacked.impacts] == [i.verdict for i in report.impacts], unpacked.markdown()
    shutil.rmtree(chart / "charts" / "helper")  # a dependency the fleet cannot provide: exit 2, not a verdict
    with pytest.raises(fleet.FleetError, match="its dependencies cannot be prepared"):
        fleet.analyse_fleet(tmp_path / "fleet", previous, chart_copy_at_previous, helm4, jobs=2)


def test_services_one_version_refuses_are_named_with_the_message(tmp_path: Path, previous, helm4) -> None:
    image = "image: {repository: registry.example.com/team/app, tag: '1.0'}\n"
    _write(tmp_path / "team" / "typo.yaml", image + "replicas: 3\n")  # replicaCount misspelt
    _write(tmp_path / "team" / "newer.yaml", image + "podSecurity: {level: restricted}\n")  # a key 1.0.0 lacks
    report = fleet.analyse_fleet(tmp_path, previous, STANDARD_APP, helm4, jobs=2)
    assert report.services(fleet.REJECTED_BOTH) == ["team/typo"] and report.services(fleet.NEW_SERVICE) == ["team/newer"]
    text = report.markdown()
    typo, newer = report.by_verdict(fleet.REJECTED_BOTH)[0], report.by_verdict(fleet.NEW_SERVICE)[0]
    assert "replicas" in typo.message and "replicas" in typo.previous_message
    assert "podSecurity" in newer.previous_message
    for impact in (typo, newer):
        assert f"<code>{impact.service.name}</code>" in text
    assert "podSecurity" in text and "replicas" in text and not report.problems()


def test_a_selector_no_pod_carries_is_a_warning(chart_copy_at_previous: Path, subset, previous, helm4) -> None:
    """The Service would route to nothing: no single object shows it, the report does."""
    edit(chart_copy_at_previous.parent / "common-lib" / "templates" / "service" / "_service.tpl",
         '  selector: {{- include "common-lib.labels.selector" $scope | nindent 4 }}\n',
         '  selector: {{- include "common-lib.labels.selector" $scope | nindent 4 }}\n    tier: web\n')
    report = _report(chart_copy_at_previous, previous, helm4, subset)
    assert {i.service.name for i in report.with_warnings} == {s.name for s in subset}, report.markdown()
    assert all("which no pod template of the release carries" in " ".join(i.warnings) for i in report.impacts)
    assert "**Warnings** for" in report.markdown()


def test_the_cut_report_keeps_every_block_closed(chart_copy_at_previous: Path, subset, previous, helm4) -> None:
    add_selector_label(chart_copy_at_previous)
    report = _report(chart_copy_at_previous, previous, helm4, subset)
    for limit in (6_000, 9_000, 15_000):
        text = report.markdown(limit=limit)
        assert len(text) <= limit
        assert text.count("<details") == text.count("</details>"), text
        assert text.count("```") % 2 == 0, text
        assert "more: the JSON report has every service" in text, text


def test_field_paths_name_list_items_when_only_their_order_changes() -> None:
    env = [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
    before = {"spec": {"containers": [{"name": "app", "env": env}]}}
    after = {"spec": {"containers": [{"name": "app", "env": env[::-1]}]}}
    assert [p for p, _ in field_changes(before, after)] == ["spec.containers[app].env order"]


def test_values_cannot_inject_markdown_into_the_comment(tmp_path: Path, previous, helm4) -> None:
    """A refused value is quoted in the comment: it must not become a link, an image or a mention."""
    hostile = ("@octocat [click](https://evil.example) **bold** ![i](https://evil.example/p.png) <img src=x>"
               " see www.evil-login.example/sso")
    _write(tmp_path / "team" / "inj.yaml",
           "image: {repository: registry.example.com/team/app, tag: '1.0'}\n" f"nameOverride: {json.dumps(hostile)}\n")
    report = fleet.analyse_fleet(tmp_path, previous, STANDARD_APP, helm4, jobs=2)
    assert report.services(fleet.REJECTED_BOTH) == ["team/inj"]
    text = report.markdown()
    for live in ("[click](", "](https://", "**bold**", "<img", "https://evil"):
        assert live not in text, (live, text)
    assert not re.search(r"(?<!\\)@octocat", text), text  # an escaped \@ mentions nobody
    assert not re.search(r"(?i)www\.", text) and "www\\.evil-login" in text, text  # GitHub links a bare www.
    assert "octocat" in text and "evil.example" in text  # the message is still there, inert


def test_the_generator_never_overwrites_files_it_did_not_make(tmp_path: Path) -> None:
    gen = load_script("gen_fleet")
    first = next(iter(gen.generate(count=3)))
    _write(tmp_path / first, "# written by hand\nreplicaCount: 9\n")
    assert gen.main(["--out", str(tmp_path), "--count", "3"]) == 2
    assert (tmp_path / first).read_text().startswith("# written by hand")

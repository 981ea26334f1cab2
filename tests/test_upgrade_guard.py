"""The immutable-field guard (`make check-upgrade`): previous release vs current chart.

test_upgrade_guard renders every matrix case with the previous released standard-app
(registry, else git tag, else tests/baselines/) and with the current chart, and fails
on any change Kubernetes will not patch or that makes Helm delete and recreate an
object -- unless Chart.yaml carries a major version bump. The other tests prove that
the guard bites, on purpose-broken copies of the charts, and that each source of the
previous release works.

Env:
    REGISTRY=oci://host[:port]/path   compare with the newest release <= Chart.yaml's
                                      version in that registry (REGISTRY_PLAIN_HTTP,
                                      REGISTRY_CA_FILE, REGISTRY_USERNAME/PASSWORD as for
                                      make publish)
    UPGRADE_CHART=<dir>               check that chart instead of charts/standard-app
                                      (scripts/check-upgrade.sh --chart)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
import yaml

from chart_harness.cases import Case, discover_cases
from chart_harness.chart_version import chart_name, chart_version
from chart_harness.immutable import DOWNTIME, MANUAL, NO_INTERRUPTION, RECREATE, compare_releases
from chart_harness.previous_release import (
    PreviousRelease,
    PreviousReleaseError,
    baseline_packages,
    baselines_dir,
    from_baseline,
    previous_release,
)
from chart_harness.upgrade import UpgradeReport, check_case, check_upgrade
from tests.support.edits import add_selector_label, edit, edit_re, rename_deployment, set_chart_version
from chart_harness.helm import HelmVersion
from tests.support.tools import ROOT, STANDARD_APP

CURRENT_CHART = Path(os.environ.get("UPGRADE_CHART") or STANDARD_APP).resolve()


class UpgradeNotice(UserWarning):
    """Shown in pytest's warnings summary: a case new in this version, an allowed
    breaking change (major bump) or a patchable change a live release still feels."""


@pytest.fixture(scope="module")
def previous(helm4: HelmVersion) -> PreviousRelease:
    """The previous release: REGISTRY if set, else the last git tag, else the baseline."""
    try:
        return previous_release(CURRENT_CHART, helm4, registry=os.environ.get("REGISTRY") or None)
    except PreviousReleaseError as err:
        pytest.fail(str(err), pytrace=False)


def _report(chart: Path, previous: PreviousRelease, helm: HelmVersion, cases: list[str] | None = None) -> UpgradeReport:
    selected = [c for c in discover_cases(chart) if cases is None or c.name in cases]
    assert selected, f"no matrix cases {cases} in {chart}/ci"
    return check_upgrade(chart, previous, helm, selected)


# --- the guard ----------------------------------------------------------------------------


def test_upgrade_guard(case: Case, previous: PreviousRelease, helm4: HelmVersion) -> None:
    """No matrix case changes an immutable field or renames an object without a major bump."""
    report = UpgradeReport(previous, CURRENT_CHART, chart_version(CURRENT_CHART))
    values = CURRENT_CHART / "ci" / case.values_file.name
    report.results.append(check_case(Case(case.name, values, CURRENT_CHART), previous, CURRENT_CHART, helm4))
    if report.problems():
        pytest.fail(report.text(), pytrace=False)
    print(report.text())
    result = report.results[0]
    if result.new_in_this_version or report.findings:
        warnings.warn(UpgradeNotice(report.text()), stacklevel=1)


# --- proofs: the guard bites ------------------------------------------------------------


def test_guard_fails_on_selector_label_change(chart_copy_at_previous: Path, previous: PreviousRelease, helm4: HelmVersion) -> None:
    add_selector_label(chart_copy_at_previous)
    report = _report(chart_copy_at_previous, previous, helm4, ["minimal", "full"])
    problems = report.problems()
    text = report.text()
    assert len(problems) == 2, text  # one per case: the Deployment's selector
    for finding, case in zip(report.breaking, ["full", "minimal"]):
        assert (finding.case, finding.field) == (case, "spec.selector"), text
        assert finding.resource == "Deployment/orders", text
        assert "spec.selector.matchLabels.app.kubernetes.io/part-of: (absent) -> shop" in finding.notes, text
        assert finding.rule == "upgrade:manual-step", text
        assert "field is immutable" in finding.notes[-1] and "--cascade=orphan" in finding.notes[-1], text
    assert "BREAKING changes without a major version bump" in text and "2.0.0" in text, text


def test_guard_fails_on_renamed_deployment(chart_copy_at_previous: Path, previous: PreviousRelease, helm4: HelmVersion) -> None:
    rename_deployment(chart_copy_at_previous)
    report = _report(chart_copy_at_previous, previous, helm4, ["minimal"])
    text = report.text()
    assert [(f.resource, f.field, f.detail, f.rule) for f in report.breaking] == [
        ("Deployment/orders", "metadata.name", "orders -> orders-web", f"upgrade:{RECREATE}")
    ], text
    assert "Helm deletes Deployment/orders and creates Deployment/orders-web" in text, text
    assert "downtime" in report.breaking[0].notes[-1], text
    assert report.problems(), text


def test_major_bump_allows_the_breaking_change(chart_copy_at_previous: Path, previous: PreviousRelease, helm4: HelmVersion) -> None:
    add_selector_label(chart_copy_at_previous)
    rename_deployment(chart_copy_at_previous)
    set_chart_version(chart_copy_at_previous, "1.1.0")
    minor = _report(chart_copy_at_previous, previous, helm4, ["minimal"])
    assert minor.problems(), "a minor version bump must not allow a breaking change:\n" + minor.text()

    set_chart_version(chart_copy_at_previous, f"{previous.version.major + 1}.0.0")
    major = _report(chart_copy_at_previous, previous, helm4, ["minimal"])
    assert major.breaking, major.text()  # still reported, for the release notes ...
    assert major.problems() == [], major.text()  # ... but allowed
    assert "allowed by the major version bump" in major.text(), major.text()


def test_guard_end_to_end_check_upgrade_fails(chart_copy_at_previous: Path, helm4: HelmVersion) -> None:
    """The guard as a command (scripts/check-upgrade.sh, the same test `make check-upgrade`
    runs) on a broken copy: exit 1, and the report on its output."""
    add_selector_label(chart_copy_at_previous)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "REGISTRY", "UPGRADE_CHART"))}
    proc = subprocess.run(
        [str(ROOT / "scripts" / "check-upgrade.sh"), "--chart", str(chart_copy_at_previous), "-p", "no:cacheprovider", "-k", "minimal"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, f"check-upgrade should fail on a changed selector (exit {proc.returncode}):\n{out}"
    assert "minimal: Deployment/orders spec.selector: [upgrade:manual-step] changed:" in out, out
    assert "spec.selector.matchLabels.app.kubernetes.io/part-of: (absent) -> shop" in out, out
    assert "field is immutable" in out and "Chart.yaml version 2.0.0" in out, out


def test_version_lower_than_the_previous_release_fails(chart_copy_at_previous: Path, helm4: HelmVersion) -> None:
    set_chart_version(chart_copy_at_previous, "0.9.0")
    with pytest.raises(PreviousReleaseError, match=r"all newer than Chart.yaml's 0\.9\.0: bump the chart version"):
        previous_release(chart_copy_at_previous, helm4, repo=None)


def test_new_case_is_reported_as_new_not_failed(chart_copy_at_previous: Path, previous: PreviousRelease, helm4: HelmVersion) -> None:
    """A case that uses a new key cannot render on the previous release: a new feature."""
    schema_path = chart_copy_at_previous / "values.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["properties"]["revisionHistoryLimit"] = {"type": "integer", "minimum": 0}
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    values = yaml.safe_load((chart_copy_at_previous / "ci" / "minimal-values.yaml").read_text(encoding="utf-8"))
    (chart_copy_at_previous / "ci" / "history-values.yaml").write_text(yaml.safe_dump({**values, "revisionHistoryLimit": 3}))
    report = _report(chart_copy_at_previous, previous, helm4, ["history", "minimal"])
    assert report.problems() == [], report.text()
    new = {r.case: r.new_in_this_version for r in report.results}
    assert "revisionHistoryLimit" in new["history"] and new["minimal"] == "", report.text()
    assert "history: new in this version" in report.text(), report.text()


def test_values_the_new_version_rejects_are_breaking(chart_copy_at_previous: Path, previous: PreviousRelease, helm4: HelmVersion) -> None:
    schema_path = chart_copy_at_previous / "values.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["properties"]["replicaCount"]["maximum"] = 2  # full-values.yaml asks for 3
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    report = _report(chart_copy_at_previous, previous, helm4, ["full"])
    text = report.text()
    assert [(f.case, f.resource, f.detail) for f in report.breaking] == [("full", "(values)", "accepted -> rejected")], text
    assert "/replicaCount" in report.breaking[0].notes[-1] and report.problems(), text


def test_headless_service_is_breaking_but_a_type_change_is_a_notice(chart_copy_at_previous: Path, previous: PreviousRelease, helm4: HelmVersion) -> None:
    edit(chart_copy_at_previous / "values.yaml", "  type: ClusterIP\n", "  type: LoadBalancer\n")
    patchable = _report(chart_copy_at_previous, previous, helm4, ["minimal"])
    assert patchable.problems() == [], patchable.text()
    assert [(f.field, f.detail, f.notice) for f in patchable.findings] == [("spec.type", "ClusterIP -> LoadBalancer", True)]

    edit_re(chart_copy_at_previous.parent / "common-lib" / "templates" / "service" / "_service.tpl", r"^(  type: \{\{ .app.service.type.*\}\})$",
             r"\1\n  clusterIP: None")
    headless = _report(chart_copy_at_previous, previous, helm4, ["minimal"])
    assert [(f.resource, f.field, f.detail) for f in headless.breaking] == [("Service/orders", "spec.clusterIP", "(absent) -> None")], headless.text()
    assert headless.problems(), headless.text()


# --- the comparison rules, object by object ----------------------------------------------


def _obj(api: str, kind: str, name: str, spec: dict | None = None, **top) -> dict:
    doc = {"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": "shop"}, **top}
    if spec is not None:
        doc["spec"] = spec
    return doc


def _hook(doc: dict, policy: str | None) -> dict:
    annotations = {"helm.sh/hook": "pre-upgrade"}
    if policy is not None:
        annotations["helm.sh/hook-delete-policy"] = policy
    doc["metadata"]["annotations"] = annotations
    return doc


STS = {"serviceName": "db", "podManagementPolicy": "OrderedReady", "replicas": 1,
       "selector": {"matchLabels": {"app": "db"}}, "template": {"metadata": {"labels": {"app": "db"}}},
       "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"]}}]}
JOB = {"template": {"spec": {"containers": [{"name": "m", "image": "m:1"}], "restartPolicy": "Never"}}}
PVC = {"storageClassName": "fast", "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}

# (id, old doc, new doc, fields flagged as breaking)
RULES = [
    ("sts-serviceName", _obj("apps/v1", "StatefulSet", "db", STS), _obj("apps/v1", "StatefulSet", "db", {**STS, "serviceName": "db-headless"}), ["spec.serviceName"]),
    ("sts-policy", _obj("apps/v1", "StatefulSet", "db", STS), _obj("apps/v1", "StatefulSet", "db", {**STS, "podManagementPolicy": "Parallel"}), ["spec.podManagementPolicy"]),
    ("sts-vct", _obj("apps/v1", "StatefulSet", "db", STS), _obj("apps/v1", "StatefulSet", "db", {**STS, "volumeClaimTemplates": []}), ["spec.volumeClaimTemplates"]),
    ("sts-replicas-ok", _obj("apps/v1", "StatefulSet", "db", STS), _obj("apps/v1", "StatefulSet", "db", {**STS, "replicas": 3}), []),
    ("daemonset-selector", _obj("apps/v1", "DaemonSet", "agent", {"selector": {"matchLabels": {"a": "1"}}}), _obj("apps/v1", "DaemonSet", "agent", {"selector": {"matchLabels": {"a": "2"}}}), ["spec.selector"]),
    ("deployment-replicas-ok", _obj("apps/v1", "Deployment", "web", {"replicas": 2, "selector": {"matchLabels": {"a": "1"}}}), _obj("apps/v1", "Deployment", "web", {"replicas": 3, "selector": {"matchLabels": {"a": "1"}}}), []),
    ("job-template", _obj("batch/v1", "Job", "seed", JOB), _obj("batch/v1", "Job", "seed", {"template": {**JOB["template"], "metadata": {"labels": {"v": "2"}}}}), ["spec.template"]),
    ("hook-job-recreated-ok", _hook(_obj("batch/v1", "Job", "migrate", JOB), "before-hook-creation,hook-succeeded"), _hook(_obj("batch/v1", "Job", "migrate", {"template": {"spec": {}}}), "before-hook-creation,hook-succeeded"), []),
    ("hook-job-default-policy-ok", _hook(_obj("batch/v1", "Job", "migrate", JOB), None), _hook(_obj("batch/v1", "Job", "migrate", {"template": {"spec": {}}}), None), []),
    ("hook-job-kept", _hook(_obj("batch/v1", "Job", "migrate", JOB), "hook-succeeded"), _hook(_obj("batch/v1", "Job", "migrate", {"template": {"spec": {}}}), "hook-succeeded"), ["spec.template"]),
    ("pvc-class", _obj("v1", "PersistentVolumeClaim", "data", PVC), _obj("v1", "PersistentVolumeClaim", "data", {**PVC, "storageClassName": "slow"}), ["spec.storageClassName"]),
    ("pvc-modes", _obj("v1", "PersistentVolumeClaim", "data", PVC), _obj("v1", "PersistentVolumeClaim", "data", {**PVC, "accessModes": ["ReadWriteMany"]}), ["spec.accessModes"]),
    ("pvc-grow-ok", _obj("v1", "PersistentVolumeClaim", "data", PVC), _obj("v1", "PersistentVolumeClaim", "data", {**PVC, "resources": {"requests": {"storage": "20Gi"}}}), []),
    ("pvc-shrink", _obj("v1", "PersistentVolumeClaim", "data", PVC), _obj("v1", "PersistentVolumeClaim", "data", {**PVC, "resources": {"requests": {"storage": "5Gi"}}}), ["spec.resources.requests.storage"]),
    ("svc-externalname", _obj("v1", "Service", "api", {"type": "ClusterIP"}), _obj("v1", "Service", "api", {"type": "ExternalName", "externalName": "api.example.com"}), ["spec.type"]),
    ("svc-nodeport-ok", _obj("v1", "Service", "api", {"type": "ClusterIP"}), _obj("v1", "Service", "api", {"type": "NodePort"}), []),
    ("svc-headless-to-clusterip", _obj("v1", "Service", "api", {"clusterIP": "None"}), _obj("v1", "Service", "api", {}), ["spec.clusterIP"]),
    ("configmap-immutable", _obj("v1", "ConfigMap", "cfg", None, immutable=True, data={"a": "1"}), _obj("v1", "ConfigMap", "cfg", None, immutable=True, data={"a": "2"}), ["data"]),
    ("configmap-mutable-ok", _obj("v1", "ConfigMap", "cfg", None, data={"a": "1"}), _obj("v1", "ConfigMap", "cfg", None, data={"a": "2"}), []),
    ("rolebinding-roleref", _obj("rbac.authorization.k8s.io/v1", "RoleBinding", "rb", None, roleRef={"kind": "Role", "name": "a"}), _obj("rbac.authorization.k8s.io/v1", "RoleBinding", "rb", None, roleRef={"kind": "Role", "name": "b"}), ["roleRef"]),
    ("api-version-same-group-ok", _obj("autoscaling/v2beta2", "HorizontalPodAutoscaler", "web", {}), _obj("autoscaling/v2", "HorizontalPodAutoscaler", "web", {}), []),
    ("api-group-change", _obj("extensions/v1beta1", "Ingress", "web", {}), _obj("networking.k8s.io/v1", "Ingress", "web", {}), ["apiVersion"]),
    ("removed", _obj("policy/v1", "PodDisruptionBudget", "web", {}), None, ["(object)"]),
    ("object-becomes-hook", _obj("batch/v1", "Job", "seed", JOB), _hook(_obj("batch/v1", "Job", "seed", JOB), None), ["(object)"]),
]


@pytest.mark.parametrize(("old", "new", "flagged"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_comparison_rule(old: dict, new: dict | None, flagged: list[str]) -> None:
    findings = compare_releases("rule", [old], [new] if new else [])
    breaking = [f.field for f in findings if not f.notice]
    assert breaking == flagged, "\n".join(map(str, findings))
    impacts = {f"upgrade:{i.replace(' ', '-')}" for i in (RECREATE, DOWNTIME, MANUAL, NO_INTERRUPTION)}
    for finding in findings:
        assert finding.rule in impacts, finding
        assert finding.notes[-1].startswith("live release (") and len(finding.notes[-1]) > 40, finding


# --- where the previous release comes from -----------------------------------------------


def test_baseline_is_committed_not_ignored() -> None:
    """The baseline package must reach a fresh clone (the repo ignores *.tgz elsewhere)."""
    packages = baseline_packages(chart_name(STANDARD_APP))
    assert packages, f"no baseline package in {baselines_dir()}: run scripts/check-upgrade.sh --refresh-baseline"
    fix = "keep `!/tests/baselines/*.tgz` (after `*.tgz`) in .gitignore"
    inside = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True, check=False)
    if inside.returncode != 0:  # an unpacked source archive: read .gitignore itself
        rules = [line.strip() for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()]
        assert "!/tests/baselines/*.tgz" in rules and rules.index("!/tests/baselines/*.tgz") > rules.index("*.tgz"), fix
        return
    for package in packages.values():
        proc = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", str(package)], check=False)
        assert proc.returncode == 1, f"{package.relative_to(ROOT)} is git-ignored, so a fresh clone would not have it: {fix}"


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True).stdout


def test_previous_release_from_git_tag(tmp_path: Path, helm4: HelmVersion) -> None:
    """With tags standard-app-<version>, the newest tag <= Chart.yaml's version is the previous release."""
    current = chart_version(STANDARD_APP)
    repo = tmp_path / "repo"
    shutil.copytree(STANDARD_APP.parent, repo / "charts", ignore=shutil.ignore_patterns("charts"))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", f"release {current}")
    _git(repo, "tag", f"standard-app-{current}")
    _git(repo, "tag", "standard-app-docs")  # not a version: ignored
    later = repo / "charts" / "standard-app"
    next_minor = f"{current.major}.{current.minor + 1}.0"
    set_chart_version(later, next_minor)
    _git(repo, "commit", "-q", "-am", f"release {next_minor}")
    _git(repo, "tag", f"standard-app-{next_minor}")

    found = previous_release(STANDARD_APP, helm4, repo=repo, workdir=tmp_path / "work")
    assert found.source.startswith(f"git tag standard-app-{current} ("), found
    assert found.version == current
    newer = previous_release(later, helm4, repo=repo, workdir=tmp_path / "work")
    assert newer.source.startswith(f"git tag standard-app-{next_minor} (") and str(newer.version) == next_minor, newer
    # the tag held exactly the current tree, so the guard finds nothing between them
    report = check_upgrade(STANDARD_APP, found, helm4, discover_cases(STANDARD_APP)[:2])
    assert [r.case for r in report.results] and report.findings == [], report.text()

    set_chart_version(later, "9.9.9")  # a tag whose tree disagrees with its name
    _git(repo, "commit", "-q", "-am", "broken")
    _git(repo, "tag", f"standard-app-{current.major}.99.0")
    with pytest.raises(PreviousReleaseError, match="a release tag must match the chart version"):
        previous_release(later, helm4, repo=repo, workdir=tmp_path / "work")


@pytest.mark.registry
def test_previous_release_from_registry(tmp_path: Path, helm4: HelmVersion, monkeypatch: pytest.MonkeyPatch) -> None:
    """REGISTRY set: the newest published version <= current is pulled; nothing published
    falls back to the git tag / baseline; an unreachable registry is an error."""
    from tests.support.registry import start_registry

    baseline = max(baseline_packages(chart_name(STANDARD_APP)).items())[1]
    reg = start_registry()
    try:
        monkeypatch.setenv("REGISTRY_PLAIN_HTTP", "true")
        for var in ("REGISTRY_CA_FILE", "REGISTRY_USERNAME", "REGISTRY_PASSWORD"):
            monkeypatch.delenv(var, raising=False)
        fallback = previous_release(STANDARD_APP, helm4, registry=reg.url, repo=None, workdir=tmp_path)
        assert fallback.source.startswith("baseline"), fallback

        helm4.run(["push", str(baseline), reg.url, "--plain-http"])
        pulled = previous_release(STANDARD_APP, helm4, registry=reg.url, repo=None, workdir=tmp_path)
        assert pulled.source == f"registry {reg.url}/standard-app:{chart_version(baseline)}", pulled
        report = check_upgrade(pulled.chart, from_baseline(chart_name(STANDARD_APP), pulled.version), helm4, discover_cases(STANDARD_APP)[:1])
        assert report.findings == [], report.text()
        url = reg.url
    finally:
        reg.stop()
    with pytest.raises(PreviousReleaseError, match="is configured but"):
        previous_release(STANDARD_APP, helm4, registry=url, repo=None, workdir=tmp_path)

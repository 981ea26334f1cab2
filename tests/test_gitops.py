"""The GitOps examples in examples/gitops/ are valid, consistent, and deploy a working chart.

Each manifest is checked against a schema of the fields it uses (tests/gitops-schemas/:
the real CRD schemas are not available offline, so these are exact subsets with the
upstream types, enums and patterns, and unknown fields rejected). Then the values each
one embeds are rendered with standard-app, the way Flux and Argo CD will render them.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from chart_harness.helm import HelmVersion
from chart_harness.render import RenderResult, render_chart
from tests.support.tools import ROOT, STANDARD_APP

GITOPS_DIR = ROOT / "examples" / "gitops"
SCHEMA_DIR = Path(__file__).parent / "gitops-schemas"
CHART_VERSION = str(yaml.safe_load((STANDARD_APP / "Chart.yaml").read_text())["version"])


# --- loading ----------------------------------------------------------------------------


def load_manifests(root: Path = GITOPS_DIR) -> list[tuple[str, dict]]:
    """(file:index, document) for every document of every YAML file under root."""
    found = []
    for path in sorted(root.rglob("*.yaml")):
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
        for index, doc in enumerate(docs):
            where = path.relative_to(ROOT).as_posix() + (f"#{index}" if len(docs) > 1 else "")
            found.append((where, doc))
    return found


def load_schemas() -> tuple[Registry, dict[tuple[str, str], dict]]:
    """The schema registry and {(apiVersion, kind): schema} of tests/gitops-schemas/."""
    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMA_DIR.glob("*.json"))]
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)
    by_kind = {}
    for schema in schemas:
        props = schema.get("properties", {})
        if "apiVersion" in props and "kind" in props:
            by_kind[(props["apiVersion"]["const"], props["kind"]["const"])] = schema
    return registry, by_kind


REGISTRY, SCHEMAS = load_schemas()
MANIFESTS = load_manifests()


def schema_errors(doc: dict) -> list[str]:
    """Every schema violation of a manifest, as `field.path: message`; [] if valid."""
    key = (doc.get("apiVersion"), doc.get("kind"))
    if key not in SCHEMAS:
        known = ", ".join(f"{a} {k}" for a, k in sorted(SCHEMAS))
        return [f"no schema for apiVersion {key[0]!r} kind {key[1]!r}; tests/gitops-schemas/ has: {known}"]
    validator = Draft202012Validator(SCHEMAS[key], registry=REGISTRY)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{_path(e.absolute_path) or '(top level)'}: {e.message}" for e in errors]


def _path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def the(kind: str) -> tuple[str, dict]:
    found = [(where, doc) for where, doc in MANIFESTS if doc.get("kind") == kind]
    assert len(found) == 1, f"expected one {kind} under examples/gitops/, found {len(found)}"
    return found[0]


def duration_seconds(text: str) -> float:
    """A Kubernetes/Go duration such as '15m' or '1h30m' in seconds."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)", text)
    assert parts and "".join(n + u for n, u in parts) == text, f"not a duration: {text!r}"
    return sum(float(n) * units[u] for n, u in parts)


def render_values(values: dict, helm: HelmVersion, tmp_path: Path, *, release: str, namespace: str) -> RenderResult:
    values_file = tmp_path / "values.yaml"
    values_file.write_text(yaml.safe_dump(values, sort_keys=False), encoding="utf-8")
    return render_chart(STANDARD_APP, helm, values_files=[values_file], release=release, namespace=namespace)


# --- schema checks ----------------------------------------------------------------------


def test_examples_exist():
    kinds = sorted(doc.get("kind", "?") for _, doc in MANIFESTS)
    assert kinds == ["Application", "HelmRelease", "OCIRepository"], (
        f"examples/gitops/ should hold a Flux HelmRelease and OCIRepository and an Argo CD "
        f"Application; found {kinds}"
    )


@pytest.mark.parametrize("where,doc", MANIFESTS, ids=[w for w, _ in MANIFESTS])
def test_manifest_matches_its_schema(where, doc):
    errors = schema_errors(doc)
    assert not errors, f"{where}:\n  " + "\n  ".join(errors)


@pytest.mark.parametrize(
    "kind,mutate,expected",
    [
        # a typo in a field name: the API server would drop it silently, the schema does not
        ("HelmRelease", lambda d: d["spec"]["upgrade"]["remediation"].update(retry=3), "'retry' was unexpected"),
        ("HelmRelease", lambda d: d["spec"]["upgrade"]["remediation"].update(strategy="rolback"), "'rolback' is not one of"),
        ("HelmRelease", lambda d: d.update(apiVersion="helm.toolkit.fluxcd.io/v2beta1"), "no schema for apiVersion"),
        ("HelmRelease", lambda d: d["spec"].update(timeout="15 minutes"), "does not match"),
        ("OCIRepository", lambda d: d["spec"].update(url="https://registry.example.com/charts"), "does not match '^oci://"),
        ("OCIRepository", lambda d: d["spec"]["layerSelector"].update(operation="unpack"), "'unpack' is not one of"),
        ("Application", lambda d: d["spec"]["source"]["helm"].update(values_object={}), "'values_object' was unexpected"),
        ("Application", lambda d: d["spec"]["source"].update(repoURL="oci://registry.example.com/charts"), "does not match"),
        ("Application", lambda d: d["metadata"].pop("namespace"), "'namespace' is a required property"),
    ],
    ids=[
        "helmrelease-typo", "helmrelease-enum", "helmrelease-old-api", "helmrelease-duration",
        "ocirepository-url", "ocirepository-enum", "application-typo", "application-oci-scheme",
        "application-namespace",
    ],
)
def test_schema_rejects_broken_manifest(kind, mutate, expected):
    """The schemas are strict enough to catch the mistakes people make."""
    _, doc = the(kind)
    broken = copy.deepcopy(doc)
    mutate(broken)
    errors = schema_errors(broken)
    assert any(expected in e for e in errors), f"expected an error containing {expected!r}, got {errors}"


# --- Flux ---------------------------------------------------------------------------------


def test_flux_chart_source_is_the_pinned_oci_chart():
    where, release = the("HelmRelease")
    repo_where, repo = the("OCIRepository")
    ref = release["spec"]["chartRef"]
    assert ref["kind"] == "OCIRepository" and ref["name"] == repo["metadata"]["name"], (
        f"{where}: spec.chartRef must name the OCIRepository in {repo_where}"
    )
    assert ref.get("namespace", release["metadata"]["namespace"]) == repo["metadata"]["namespace"]
    assert repo["spec"]["url"].endswith("/standard-app"), f"{repo_where}: spec.url must end in /standard-app"
    assert repo["spec"]["ref"].get("tag") == CHART_VERSION, (
        f"{repo_where}: spec.ref.tag is {repo['spec']['ref'].get('tag')!r}; pin the current "
        f"chart version {CHART_VERSION}"
    )
    assert repo["spec"]["layerSelector"] == {
        "mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
        "operation": "copy",
    }, f"{repo_where}: a Helm chart is the chart-content layer, kept as is (operation: copy)"


def test_flux_remediates_failed_installs_and_upgrades():
    where, release = the("HelmRelease")
    spec = release["spec"]
    assert spec["install"]["remediation"]["retries"] > 0, f"{where}: install.remediation.retries"
    upgrade = spec["upgrade"]["remediation"]
    assert upgrade["retries"] > 0, f"{where}: upgrade.remediation.retries"
    assert upgrade["strategy"] == "rollback", f"{where}: a failed upgrade must roll back"
    assert upgrade["remediateLastFailure"] is True, f"{where}: roll back after the last retry too"


def test_flux_values_render(helm4, tmp_path):
    where, release = the("HelmRelease")
    spec = release["spec"]
    namespace = spec.get("targetNamespace", release["metadata"]["namespace"])
    result = render_values(spec["values"], helm4, tmp_path, release=spec["releaseName"], namespace=namespace)
    deployment = result.one("Deployment")
    assert deployment["metadata"]["name"] == "orders"
    assert deployment["metadata"]["namespace"] == namespace
    job = result.one("Job")
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade", f"{where}: the migration is a Helm hook"
    problems = timeout_problems(spec, job["spec"]["activeDeadlineSeconds"])
    assert not problems, f"{where}: " + "; ".join(problems)


def timeout_problems(spec: dict, deadline: int) -> list[str]:
    """Helm waits `timeout` for a hook; the migration Job may run `deadline` seconds."""
    problems = []
    for action in ("install", "upgrade"):
        timeout = spec.get(action, {}).get("timeout", spec.get("timeout", "5m"))  # Flux's default
        if duration_seconds(timeout) <= deadline:
            problems.append(
                f"{action} timeout {timeout} is not longer than the migration Job's "
                f"activeDeadlineSeconds ({deadline}s): Helm would fail the release while the Job still runs"
            )
    return problems


def test_timeout_check_catches_flux_default():
    """Without `timeout`, Flux waits 5m: shorter than the Job's 600 s deadline."""
    _, release = the("HelmRelease")
    spec = copy.deepcopy(release["spec"])
    spec.pop("timeout")
    assert len(timeout_problems(spec, 600)) == 2
    spec["upgrade"]["timeout"] = "1h"
    assert [p.split()[0] for p in timeout_problems(spec, 600)] == ["install"]


# --- Argo CD ------------------------------------------------------------------------------


def test_argocd_source_is_the_pinned_oci_chart():
    where, app = the("Application")
    source = app["spec"]["source"]
    assert source["chart"] == "standard-app", f"{where}: spec.source.chart"
    assert source["targetRevision"] == CHART_VERSION, (
        f"{where}: spec.source.targetRevision is {source['targetRevision']!r}; pin the current "
        f"chart version {CHART_VERSION}"
    )
    assert app["metadata"]["name"] == source["helm"]["releaseName"], (
        f"{where}: name the Application like the release: Argo CD's label tracking writes the "
        "Application name into app.kubernetes.io/instance, which is part of the Deployment selector"
    )


def test_argocd_values_render_with_sync_hooks(helm4, tmp_path):
    where, app = the("Application")
    source = app["spec"]["source"]
    result = render_values(
        source["helm"]["valuesObject"], helm4, tmp_path,
        release=source["helm"]["releaseName"], namespace=app["spec"]["destination"]["namespace"],
    )
    deployment = result.one("Deployment")
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector["app.kubernetes.io/instance"] == app["metadata"]["name"]
    annotations = result.one("Job")["metadata"]["annotations"]
    assert annotations["argocd.argoproj.io/hook"] == "PreSync", (
        f"{where}: the migration must run in Argo CD's PreSync phase, got {annotations}"
    )
    assert annotations["argocd.argoproj.io/hook-delete-policy"] == "BeforeHookCreation,HookSucceeded"
    assert annotations["argocd.argoproj.io/sync-wave"] == annotations["helm.sh/hook-weight"]

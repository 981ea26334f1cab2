"""Every document of every matrix case is valid, strictly, for every supported Kubernetes minor.

The sweep renders each (case, Kubernetes version) with Helm 4 and the matching
--kube-version, and validates each document against the strict OpenAPI schema of that
version (unknown fields rejected). Helm 3 renders the same documents (the snapshot tests
prove it), so sweeping it too would only double the cost. Custom resources are validated
against tests/openapi/*.json; a kind with no schema anywhere is a failure, never a skip.
See docs/validation.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chart_harness import gate_summary, openapi
from chart_harness.cases import Case, case_by_name, discover_cases
from chart_harness.findings import report
from chart_harness.helm import HelmError
from chart_harness.render import render_case, render_chart
from chart_harness.semver import satisfies
from tests.support.tools import STANDARD_APP
from tests.support.edits import edit

KUBE_VERSIONS = openapi.kube_versions(STANDARD_APP)
CASES = discover_cases(STANDARD_APP)


def test_sweep_covers_supported_versions() -> None:
    """From the oldest kubeVersion admits up to the newest with schemas offline, no gaps."""
    constraint = openapi.chart_kube_constraint(STANDARD_APP)
    offline = openapi.offline_minors()
    assert len(KUBE_VERSIONS) >= 3, (
        f"only {KUBE_VERSIONS} satisfy kubeVersion {constraint!r} and have schemas offline "
        f"({offline[0]}..{offline[-1]}): the sweep needs several minor versions"
    )
    minors = [tuple(int(p) for p in v.split(".")[:2]) for v in KUBE_VERSIONS]
    assert minors[-1] == offline[-1], "the newest offline schema version is not swept"
    assert minors == [(1, m) for m in range(minors[0][1], minors[-1][1] + 1)], f"gap in {minors}"
    older = [m for m in offline if m < minors[0]]
    assert not any(satisfies(constraint, (*m, 0)) for m in older)


def test_helm_agrees_where_support_starts(helm4) -> None:
    """Helm renders at the oldest swept version and refuses the minor below it."""
    oldest = KUBE_VERSIONS[0]
    major, minor_ = (int(p) for p in oldest.split(".")[:2])
    minimal = case_by_name("minimal")
    assert render_case(minimal, helm4, kube_version=oldest).docs
    with pytest.raises(HelmError) as refused:
        render_case(minimal, helm4, kube_version=f"{major}.{minor_ - 1}.0")
    assert "kubeVersion" in refused.value.stderr or "incompatible" in refused.value.stderr


from chart_harness.checks import test_openapi_strict  # noqa: E402, F401 - collected by pytest


def test_externalsecret_v1beta1_branch_is_valid(helm4) -> None:
    """On an operator that serves only v1beta1 the chart emits v1beta1; that branch is valid too."""
    full = case_by_name("full")
    result = render_case(full, helm4, api_versions=["external-secrets.io/v1beta1/ExternalSecret"])
    assert result.one("ExternalSecret")["apiVersion"] == "external-secrets.io/v1beta1"
    findings = openapi.validate_docs(result.docs, KUBE_VERSIONS[0], "full+v1beta1")
    assert not findings, report(findings, "the ExternalSecret v1beta1 branch is invalid")


def test_custom_resource_schemas_reject_unknown_fields() -> None:
    """Every object in tests/openapi/*.json is closed (additionalProperties false or a typed map)."""
    open_objects = []

    def walk(schema: object, where: str) -> None:
        if isinstance(schema, dict):
            if schema.get("type") == "object" and "additionalProperties" not in schema:
                open_objects.append(where)
            for key, value in schema.items():
                walk(value, f"{where}/{key}")
        elif isinstance(schema, list):
            for i, value in enumerate(schema):
                walk(value, f"{where}/{i}")

    schemas = openapi.custom_schemas()
    assert {kind for _, kind in schemas} == {"ServiceMonitor", "ExternalSecret", "HTTPRoute"}
    for (api_version, kind), schema in schemas.items():
        walk(schema, f"{api_version} {kind}#")
    assert not open_objects, "object schemas that accept unknown fields:\n  " + "\n  ".join(open_objects)


# --- the gate bites ---------------------------------------------------------------------


def test_gate_fails_on_unknown_field_in_a_template(chart_copy: Path, helm4) -> None:
    """startingDeadlineSeconds belongs to CronJob, not Job: the sweep names case, resource, field, rule."""
    edit(
        chart_copy.parent / "common-lib" / "templates" / "migration" / "_migration.tpl",
        "  backoffLimit: 0\n",
        "  backoffLimit: 0\n  startingDeadlineSeconds: 60\n",
    )
    full = case_by_name("full", chart_copy)
    docs = render_chart(chart_copy, helm4, values_files=[full.values_file], kube_version=KUBE_VERSIONS[0]).docs
    lines = [str(f) for f in openapi.validate_docs(docs, KUBE_VERSIONS[0], "full")]
    assert lines == [
        f"full @ k8s {openapi.minor(KUBE_VERSIONS[0])}: Job/orders-migrate spec.startingDeadlineSeconds: "
        f"[openapi] unknown field; allowed here: {lines[0].split('allowed here: ')[1]}"
    ], lines
    assert "activeDeadlineSeconds" in lines[0] and "(batch/v1 Job, kubernetes " in lines[0]


def test_gate_fails_on_wrong_type_and_unknown_container_field(helm4) -> None:
    full = case_by_name("full")
    docs = render_case(full, helm4).docs
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    app = deployment["spec"]["template"]["spec"]["containers"][0]
    app["ports"][0]["containerPort"] = "8080"
    app["securityContext"]["readOnlyRootFS"] = True
    lines = sorted(str(f) for f in openapi.validate_doc(deployment, KUBE_VERSIONS[-1], "full"))
    k8s = openapi.minor(KUBE_VERSIONS[-1])
    assert len(lines) == 2, lines
    assert lines[0].startswith(
        f"full @ k8s {k8s}: Deployment/orders spec.template.spec.containers[app].ports[http].containerPort: "
        f'[openapi] "8080" is not of type'
    ), lines
    assert lines[1].startswith(
        f"full @ k8s {k8s}: Deployment/orders spec.template.spec.containers[app].securityContext.readOnlyRootFS: "
        "[openapi] unknown field"
    ), lines


def test_gate_fails_on_invalid_custom_resources(helm4) -> None:
    docs = render_case(case_by_name("full"), helm4).docs
    monitor = next(d for d in docs if d["kind"] == "ServiceMonitor")
    monitor["spec"]["endpoints"][0]["intervall"] = "30s"
    monitor["spec"]["endpoints"][0]["interval"] = "1.5s"
    external = next(d for d in docs if d["kind"] == "ExternalSecret")
    external["spec"]["secretStoreRef"]["kind"] = "Vault"
    lines = sorted(str(f) for d in (monitor, external) for f in openapi.validate_doc(d, KUBE_VERSIONS[0], "full"))
    k8s = openapi.minor(KUBE_VERSIONS[0])
    assert [line.split(" [openapi] ")[0] for line in lines] == [
        f"full @ k8s {k8s}: ExternalSecret/orders spec.secretStoreRef.kind:",
        f"full @ k8s {k8s}: ServiceMonitor/orders spec.endpoints[0].interval:",
        f"full @ k8s {k8s}: ServiceMonitor/orders spec.endpoints[0].intervall:",
    ], lines


def test_gate_fails_on_invalid_httproute(helm4) -> None:
    """The HTTPRoute schema bites: a misspelt field, and a path the CRD's CEL rules refuse."""
    [route] = [d for d in render_case(case_by_name("httproute"), helm4).docs if d["kind"] == "HTTPRoute"]
    assert not openapi.validate_doc(route, KUBE_VERSIONS[-1], "httproute")
    route["spec"]["rules"][0]["backendRefs"][0]["prot"] = 80
    route["spec"]["rules"][0]["matches"][0]["path"]["value"] = "/api/../admin"
    lines = sorted(str(f) for f in openapi.validate_doc(route, KUBE_VERSIONS[-1], "httproute"))
    k8s = openapi.minor(KUBE_VERSIONS[-1])
    assert [line.split(" [openapi] ")[0] for line in lines] == [
        f"httproute @ k8s {k8s}: HTTPRoute/orders spec.rules[0].backendRefs[orders].prot:",
        f"httproute @ k8s {k8s}: HTTPRoute/orders spec.rules[0].matches[0].path.value:",
    ], lines
    assert "unknown field; allowed here: group, kind, name, port" in lines[0], lines


def test_kind_without_schema_fails_instead_of_skipping() -> None:
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    removed = {"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "metadata": {"name": "p"}}
    lines = [str(f) for d in (widget, removed) for f in openapi.validate_doc(d, KUBE_VERSIONS[-1], "minimal")]
    assert len(lines) == 2, lines
    assert lines[0].startswith("minimal @ k8s") and "Widget/w: [openapi] no schema for example.com/v1 Widget" in lines[0]
    assert "PodDisruptionBudget/p: [openapi] no schema for policy/v1beta1 PodDisruptionBudget" in lines[1]

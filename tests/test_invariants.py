"""Invariants over every matrix case and both Helm versions.

The checks live in src/chart_harness/invariants.py. This module runs each of them on
every (case, Helm version) render, proves that the matrix gives each check
something to look at, and proves that each check fires on a document broken in
exactly one place (tests/test_guards_bite.py does the same through the chart
templates).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

import pytest

from chart_harness import documents, invariants as inv
from chart_harness.cases import case_by_name, discover_cases
from chart_harness.findings import Finding
from chart_harness.helm import primary_helm
from chart_harness.render import render_case


@pytest.mark.parametrize("rule", sorted(inv.CHECKS))
def test_invariant_holds(case, helm_version, rendered, rule):
    violations = inv.CHECKS[rule](rendered, f"{case}[{helm_version.name}]")
    assert not violations, f"{len(violations)} violation(s):\n" + inv.format_violations(violations)


def test_check_all_runs_every_rule(rendered, case):
    # check_all is what other test modules import: it must agree with the rules one by one.
    assert inv.check_all(rendered, str(case)) == [
        v for rule in inv.CHECKS.values() for v in rule(rendered, str(case))
    ]


# --- the matrix exercises every check ------------------------------------------------


def _all_primary_docs() -> list[tuple[str, list[dict]]]:
    return [(c.name, render_case(c, primary_helm().ensure()).docs) for c in discover_cases()]


def test_matrix_gives_every_check_something_to_check():
    """Guard against vacuous passes: every kind of object a check inspects occurs."""
    seen: dict[str, int] = {}

    def count(what: str) -> None:
        seen[what] = seen.get(what, 0) + 1

    for _case, docs in _all_primary_docs():
        for doc in docs:
            kind = doc.get("kind")
            count(f"kind:{kind}")
            annotations = documents.get(doc, "metadata.annotations") or {}
            if "helm.sh/hook" in annotations:
                count("helm hook")
            if "argocd.argoproj.io/hook" in annotations:
                count("argocd hook")
            for pod in documents.pod_specs(doc):
                if pod.spec.get("topologySpreadConstraints"):
                    count("topology spread")
                for container in documents.containers(pod):
                    if kind == "Deployment" and container.name != "app":
                        count("sidecar")
                    if inv.parse_image(container.spec.get("image", "")).digest:
                        count("digest image")
                    if any("value" in e for e in container.spec.get("env") or []):
                        count("literal env")
    expected = [
        "kind:Deployment",
        "kind:Service",
        "kind:PodDisruptionBudget",
        "kind:NetworkPolicy",
        "kind:ServiceMonitor",
        "kind:ConfigMap",
        "kind:Job",
        "kind:Pod",
        "helm hook",
        "argocd hook",
        "topology spread",
        "sidecar",
        "digest image",
        "literal env",
    ]
    missing = [what for what in expected if not seen.get(what)]
    assert not missing, (
        f"no matrix case renders {missing}: the invariants would pass vacuously; "
        "add a charts/standard-app/ci/<case>-values.yaml that does"
    )


# --- each check fires on a document broken in one place -------------------------------


@pytest.fixture(scope="module")
def full_docs() -> list[dict]:
    """The `full` case (every feature on), rendered once by the primary Helm."""
    docs = render_case(case_by_name("full"), primary_helm().ensure()).docs
    assert inv.check_all(docs, "full") == [], "the full case must be clean to start from"
    return docs


def _one(docs: list[dict], kind: str) -> dict:
    found = [d for d in docs if d["kind"] == kind]
    assert found, f"no {kind} in the full case"
    return found[0]


def _pod(docs: list[dict], kind: str) -> dict:
    """The pod spec of the first `kind` document, to mutate in place."""
    (pod,) = documents.pod_specs(_one(docs, kind))
    return pod.spec


def _container(docs: list[dict], kind: str, index: int = 0) -> dict:
    return _pod(docs, kind)["containers"][index]


def _env(docs: list[dict], name: str, value: str) -> None:
    _container(docs, "Deployment")["env"].append({"name": name, "value": value})


def _config(docs: list[dict], key: str, value: str) -> None:
    _one(docs, "ConfigMap")["data"][key] = value


def _chart_version(docs: list[dict]) -> str:
    """The chart version, from the helm.sh/chart label ("standard-app-1.0.0" -> "1.0.0")."""
    chart = _one(docs, "Deployment")["metadata"]["labels"]["helm.sh/chart"]
    return re.match(r"^.+?-(\d+\.\d+\.\d+\S*)$", chart)[1]


def _label_selector_and_pods(docs: list[dict], key: str, value: str) -> None:
    """Add a label to the Deployment's selector and pod labels (so the subset still holds)."""
    spec = _one(docs, "Deployment")["spec"]
    spec["selector"]["matchLabels"][key] = value
    spec["template"]["metadata"]["labels"][key] = value


Mutation = Callable[[list[dict]], object]

# (id, mutation, rule expected, fragment the message must contain)
BREAKS: list[tuple[str, Mutation, str, str]] = [
    # selectors
    (
        "service-selects-other-component",
        lambda d: _one(d, "Service")["spec"]["selector"].update({"app.kubernetes.io/component": "web"}),
        inv.SELECTOR_SUBSET,
        "Service/orders spec.selector",
    ),
    (
        "pod-label-missing",
        lambda d: _one(d, "Deployment")["spec"]["template"]["metadata"]["labels"].pop("app.kubernetes.io/instance"),
        inv.SELECTOR_SUBSET,
        "Deployment/orders spec.selector",
    ),
    (
        "pdb-selector-empty",
        lambda d: _one(d, "PodDisruptionBudget")["spec"].update(selector={}),
        inv.SELECTOR_SUBSET,
        "selector is empty",
    ),
    (
        "networkpolicy-other-instance",
        lambda d: _one(d, "NetworkPolicy")["spec"]["podSelector"]["matchLabels"].update(
            {"app.kubernetes.io/instance": "payments"}
        ),
        inv.SELECTOR_SUBSET,
        "NetworkPolicy/orders spec.podSelector",
    ),
    (
        "topology-spread-other-name",
        lambda d: _pod(d, "Deployment")["topologySpreadConstraints"][0]["labelSelector"]["matchLabels"].update(
            {"app.kubernetes.io/name": "other"}
        ),
        inv.SELECTOR_SUBSET,
        "topologySpreadConstraints[0].labelSelector",
    ),
    (
        "servicemonitor-selects-no-service",
        lambda d: _one(d, "ServiceMonitor")["spec"]["selector"]["matchLabels"].update({"tier": "x"}),
        inv.SELECTOR_SUBSET,
        "ServiceMonitor/orders spec.selector",
    ),
    # versions
    ("chart-label-in-selector", lambda d: _label_selector_and_pods(d, "helm.sh/chart", "standard-app-1.0.0"),
     inv.NO_VERSION_IN_SELECTOR, "spec.selector.matchLabels.helm.sh/chart"),
    ("chart-version-value-in-selector", lambda d: _label_selector_and_pods(d, "example.com/rev", _chart_version(d)),
     inv.NO_VERSION_IN_SELECTOR, "example.com/rev="),
    (
        "image-tag-as-pod-label-value",
        lambda d: _one(d, "Deployment")["spec"]["template"]["metadata"]["labels"].update({"release": "1.4.2"}),
        inv.NO_VERSION_IN_SELECTOR,
        "spec.template.metadata.labels.release",
    ),
    (
        "app-version-on-job-pod",
        lambda d: _one(d, "Job")["spec"]["template"]["metadata"]["labels"].update(
            {"app.kubernetes.io/version": "1.4.2"}
        ),
        inv.NO_VERSION_IN_SELECTOR,
        "Job/orders-migrate spec.template.metadata.labels.app.kubernetes.io/version",
    ),
    # restricted security
    (
        "pod-runAsNonRoot-false",
        lambda d: _pod(d, "Deployment")["securityContext"].update(runAsNonRoot=False),
        inv.RESTRICTED_SECURITY,
        "spec.template.spec.securityContext.runAsNonRoot: [restricted-security] must not be false",
    ),
    (
        "pod-seccomp-unconfined",
        lambda d: _pod(d, "Job")["securityContext"].update(seccompProfile={"type": "Unconfined"}),
        inv.RESTRICTED_SECURITY,
        "Job/orders-migrate spec.template.spec.securityContext.seccompProfile.type",
    ),
    (
        "sidecar-privilege-escalation",
        lambda d: _container(d, "Deployment", 1)["securityContext"].update(allowPrivilegeEscalation=True),
        inv.RESTRICTED_SECURITY,
        "containers[log-shipper].securityContext.allowPrivilegeEscalation",
    ),
    (
        "capabilities-not-dropped",
        lambda d: _container(d, "Deployment")["securityContext"]["capabilities"].pop("drop"),
        inv.RESTRICTED_SECURITY,
        "containers[app].securityContext.capabilities.drop",
    ),
    (
        "capability-sys-admin-added",
        lambda d: _container(d, "Deployment")["securityContext"]["capabilities"].update(add=["SYS_ADMIN"]),
        inv.RESTRICTED_SECURITY,
        "capabilities.add",
    ),
    (
        "writable-root-on-test-pod",
        lambda d: _container(d, "Pod")["securityContext"].update(readOnlyRootFilesystem=False),
        inv.RESTRICTED_SECURITY,
        "Pod/orders-test spec.containers[test].securityContext.readOnlyRootFilesystem",
    ),
    (
        "runAsNonRoot-dropped-on-job-pod-and-container",
        lambda d: (_pod(d, "Job")["securityContext"].pop("runAsNonRoot"), _container(d, "Job")["securityContext"].pop("runAsNonRoot")),
        inv.RESTRICTED_SECURITY,
        "containers[migrate].securityContext.runAsNonRoot: [restricted-security] must be true here or at pod level",
    ),
    (
        "privileged-container",
        lambda d: _container(d, "Deployment")["securityContext"].update(privileged=True),
        inv.RESTRICTED_SECURITY,
        "securityContext.privileged",
    ),
    (
        "init-container-without-context",
        lambda d: _pod(d, "Deployment").update(
            initContainers=[
                {
                    "name": "wait",
                    "image": "busybox:1.37.0",
                    "resources": {"requests": {"cpu": "1m", "memory": "8Mi"}, "limits": {"memory": "8Mi"}},
                }
            ]
        ),
        inv.RESTRICTED_SECURITY,
        "initContainers[wait].securityContext",
    ),
    (
        "host-path-volume",
        lambda d: _pod(d, "Deployment")["volumes"].append({"name": "docker", "hostPath": {"path": "/var/run"}}),
        inv.RESTRICTED_SECURITY,
        "volumes[docker].hostPath",
    ),
    (
        "host-network",
        lambda d: _pod(d, "Deployment").update(hostNetwork=True),
        inv.RESTRICTED_SECURITY,
        "spec.template.spec.hostNetwork",
    ),
    # resources
    (
        "sidecar-memory-limit-dropped",
        lambda d: _container(d, "Deployment", 1)["resources"].pop("limits"),
        inv.RESOURCES,
        "containers[log-shipper].resources.limits.memory",
    ),
    (
        "job-cpu-request-dropped",
        lambda d: _container(d, "Job")["resources"]["requests"].pop("cpu"),
        inv.RESOURCES,
        "containers[migrate].resources.requests.cpu",
    ),
    (
        "test-pod-memory-request-dropped",
        lambda d: _container(d, "Pod")["resources"]["requests"].pop("memory"),
        inv.RESOURCES,
        "Pod/orders-test spec.containers[test].resources.requests.memory",
    ),
    # images
    (
        "latest-tag",
        lambda d: _container(d, "Deployment").update(image="registry.example.com/shop/orders:latest"),
        inv.IMAGE_TAG,
        ":latest",
    ),
    (
        "no-tag",
        lambda d: _container(d, "Deployment", 1).update(image="registry.example.com:5000/platform/log-shipper"),
        inv.IMAGE_TAG,
        "no tag",
    ),
    (
        "empty-tag",
        lambda d: _container(d, "Job").update(image="registry.example.com/shop/orders:"),
        inv.IMAGE_TAG,
        "tag is empty",
    ),
    (
        "malformed-digest",
        lambda d: _container(d, "Pod").update(image="busybox@sha256:abc"),
        inv.IMAGE_TAG,
        "digest must be",
    ),
    # probes
    (
        "readiness-probe-dropped",
        lambda d: _container(d, "Deployment").pop("readinessProbe"),
        inv.PROBES,
        "containers[app].readinessProbe",
    ),
    (
        "liveness-probe-dropped",
        lambda d: _container(d, "Deployment").pop("livenessProbe"),
        inv.PROBES,
        "containers[app].livenessProbe",
    ),
    (
        "probe-on-undeclared-port",
        lambda d: _container(d, "Deployment")["startupProbe"]["httpGet"].update(port="admin"),
        inv.PROBES,
        "startupProbe.httpGet.port",
    ),
    # plaintext secrets
    ("secret-name-in-configmap", lambda d: _config(d, "DB_PASSWORD", "hunter2"), inv.PLAINTEXT_SECRET, "data.DB_PASSWORD"),
    ("api-key-env", lambda d: _env(d, "PAYMENT_API_KEY", "abc"), inv.PLAINTEXT_SECRET, "env[PAYMENT_API_KEY].value"),
    (
        "pem-in-configmap",
        lambda d: _config(d, "TLS_KEY_PEM", "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"),
        inv.PLAINTEXT_SECRET,
        "PEM",
    ),
    (
        "credentials-in-url",
        lambda d: _env(d, "DATABASE_URL", "postgres://orders:s3cr3t@db.shop.svc:5432/orders"),
        inv.PLAINTEXT_SECRET,
        "user:password@",
    ),
    ("aws-access-key", lambda d: _config(d, "AWS_ID", "AKIAIOSFODNN7EXAMPLE"), inv.PLAINTEXT_SECRET, "access token"),
    (
        "base64-token",
        lambda d: _env(d, "UPSTREAM_AUTH", "dGhpcyBpcyBhIHZlcnkgc2VjcmV0IHZhbHVlIQ9xZk3L"),
        inv.PLAINTEXT_SECRET,
        "base64",
    ),
    (
        "hex-secret",
        lambda d: _config(d, "SIGNING", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        inv.PLAINTEXT_SECRET,
        "hex",
    ),
    # standard labels
    (
        "chart-label-missing",
        lambda d: _one(d, "ConfigMap")["metadata"]["labels"].pop("helm.sh/chart"),
        inv.STANDARD_LABELS,
        "ConfigMap/orders-config metadata.labels.helm.sh/chart",
    ),
    (
        "managed-by-missing-on-hook",
        lambda d: _one(d, "Job")["metadata"]["labels"].pop("app.kubernetes.io/managed-by"),
        inv.STANDARD_LABELS,
        "Job/orders-migrate metadata.labels.app.kubernetes.io/managed-by",
    ),
    (
        "invalid-label-value",
        lambda d: _one(d, "Service")["metadata"]["labels"].update({"app.kubernetes.io/name": "orders-"}),
        inv.STANDARD_LABELS,
        "not a valid label value",
    ),
    # hooks
    (
        "job-hook-without-delete-policy",
        lambda d: _one(d, "Job")["metadata"]["annotations"].pop("helm.sh/hook-delete-policy"),
        inv.HOOK_DELETE_POLICY,
        "Job/orders-migrate metadata.annotations.helm.sh/hook-delete-policy",
    ),
    (
        "test-hook-without-delete-policy",
        lambda d: _one(d, "Pod")["metadata"]["annotations"].pop("helm.sh/hook-delete-policy"),
        inv.HOOK_DELETE_POLICY,
        "Pod/orders-test",
    ),
    (
        "unknown-delete-policy",
        lambda d: _one(d, "Job")["metadata"]["annotations"].update({"helm.sh/hook-delete-policy": "never"}),
        inv.HOOK_DELETE_POLICY,
        "unknown delete policy",
    ),
    # route backends
    (
        "ingress-to-another-service",
        lambda d: _one(d, "Ingress")["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"].update({"name": "payments"}),
        inv.ROUTE_BACKENDS,
        "not a Service of this release (got 'payments')",
    ),
    (
        "ingress-to-a-missing-port",
        lambda d: _one(d, "Ingress")["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"].update({"port": {"name": "admin"}}),
        inv.ROUTE_BACKENDS,
        "not a port of Service orders (got 'admin')",
    ),
    (
        "argocd-hook-without-delete-policy",
        lambda d: _one(d, "Job")["metadata"]["annotations"].pop("argocd.argoproj.io/hook-delete-policy"),
        inv.HOOK_DELETE_POLICY,
        "argocd.argoproj.io/hook-delete-policy",
    ),
]


# What the restricted standard allows although the chart never renders it (id, mutation):
# the check has the standard's meaning, so none of these is a violation.
ALLOWED: list[tuple[str, Mutation]] = [
    ("runAsNonRoot-only-on-the-pod", lambda d: _container(d, "Job")["securityContext"].pop("runAsNonRoot")),
    ("runAsNonRoot-only-on-every-container", lambda d: _pod(d, "Deployment")["securityContext"].pop("runAsNonRoot")),
    ("seccomp-only-on-every-container", lambda d: _pod(d, "Deployment")["securityContext"].pop("seccompProfile")),
    ("seccomp-localhost", lambda d: _pod(d, "Job")["securityContext"].update(seccompProfile={"type": "Localhost", "localhostProfile": "p.json"})),
]


@pytest.mark.parametrize("mutation", [a[1] for a in ALLOWED], ids=[a[0] for a in ALLOWED])
def test_security_check_allows_what_the_standard_allows(full_docs, mutation):
    docs = copy.deepcopy(full_docs)
    mutation(docs)
    assert inv.check_security(docs, "full") == []


@pytest.mark.parametrize(("mutation", "rule", "fragment"), [b[1:] for b in BREAKS], ids=[b[0] for b in BREAKS])
def test_check_fires_on_one_broken_field(full_docs, mutation, rule, fragment):
    docs = copy.deepcopy(full_docs)
    mutation(docs)
    violations = inv.check_all(docs, "full")
    assert violations, "the broken document passed every check"
    assert any(v.rule == rule and fragment in str(v) for v in violations), (
        f"expected a [{rule}] violation mentioning {fragment!r}, got:\n" + inv.format_violations(violations)
    )
    for v in violations:
        line = str(v)
        assert "\n" not in line and line.startswith("full: "), f"not a one-line message naming the case: {line!r}"


# --- no false alarms on ordinary configuration ----------------------------------------

ORDINARY_VALUES = {
    "UPSTREAM_URL": "http://inventory.shop.svc:80",
    "DATABASE_HOST": "postgres://db.shop.svc:5432/orders",
    "LOG_LEVEL": "info",
    "GIT_COMMIT": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    "CONFIG_SHA256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "IMAGE_PATH": "registry.example.com/shop/orders/with/a/rather/long/path",
    "FEATURE_FLAGS": "checkout-v2,search-v3,payments-eu-west-1-rollout",
    "CACHE_DIR": "/var/lib/orders/cache/checkoutV2/sessions/2026/11",
}


@pytest.mark.parametrize(("name", "value"), sorted(ORDINARY_VALUES.items()), ids=sorted(ORDINARY_VALUES))
def test_ordinary_values_are_not_secrets(full_docs, name, value):
    docs = copy.deepcopy(full_docs)
    _config(docs, name, value)
    _env(docs, name, value)
    assert inv.check_plaintext_secrets(docs, "full") == []


def test_invariants_report_gate_findings_naming_case_resource_field_rule():
    doc = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "orders-config", "labels": {}}}
    found = inv.check_standard_labels([doc], "minimal")
    assert all(type(f) is Finding for f in found), found
    assert [f.field for f in found] == [f"metadata.labels.{key}" for key in inv.STANDARD_LABEL_KEYS]
    assert str(found[0]) == (
        "minimal: ConfigMap/orders-config metadata.labels.app.kubernetes.io/name: "
        "[standard-labels] every object needs this label (got missing)"
    )


@pytest.mark.parametrize(
    ("reference", "repository", "tag", "digest"),
    [
        ("busybox:1.37.0", "busybox", "1.37.0", None),
        ("registry.example.com:5000/shop/orders", "registry.example.com:5000/shop/orders", None, None),
        ("registry.example.com:5000/shop/orders:1.2", "registry.example.com:5000/shop/orders", "1.2", None),
        ("r.example.com/a@sha256:" + "0" * 64, "r.example.com/a", None, "sha256:" + "0" * 64),
        ("r.example.com/a:1.0@sha256:" + "0" * 64, "r.example.com/a", "1.0", "sha256:" + "0" * 64),
        ("orders:", "orders", "", None),
    ],
)
def test_parse_image(reference, repository, tag, digest):
    assert inv.parse_image(reference) == inv.ImageRef(repository, tag, digest)


@pytest.mark.parametrize(
    ("selector", "matches"),
    [
        ({"matchLabels": {"app": "orders"}}, True),
        ({"matchLabels": {"app": "orders", "tier": "db"}}, False),
        ({"matchExpressions": [{"key": "app", "operator": "In", "values": ["orders", "x"]}]}, True),
        ({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["orders"]}]}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}, True),
        ({"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["orders"]}]}, False),
    ],
)
def test_selector_matches(selector, matches):
    assert inv.selector_matches(selector, {"app": "orders", "component": "app"}) is matches

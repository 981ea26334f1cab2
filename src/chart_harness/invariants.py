"""Invariants every rendered release must keep, as pure functions over documents.

Each check takes the rendered documents of one release (a list of dicts, as
returned by render_chart) and returns a list of findings.Finding, the gate's one
finding type. A finding prints as one line that names the case, the resource, the
field path and the rule, e.g.

    minimal: Deployment/orders spec.template.spec.containers[app].securityContext.runAsNonRoot:
    [restricted-security] must be true here or at pod level (got missing) [pss:runAsNonRoot]

(on one line). The entry point for other tests is check_all(docs, case) ->
list[Finding]; CHECKS maps each rule to its check so a test can run one rule
on its own (tests/test_guards_bite.py does, to prove each rule fires).

The checks know nothing about standard-app's values: they work for any chart
that renders workloads, so a consumer chart of common-lib can use them too.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .documents import MISSING, WORKLOAD_KINDS, Container, Doc, PodSpec, containers, field_path, get, pod_specs, resource_id
from .findings import Finding
from .policy import pss_findings

# The rules, by name. The name appears in every message as "[rule]".
SELECTOR_SUBSET = "selector-subset"
NO_VERSION_IN_SELECTOR = "no-version-in-selector"
RESTRICTED_SECURITY = "restricted-security"
RESOURCES = "resources"
IMAGE_TAG = "image-tag"
PROBES = "probes"
PLAINTEXT_SECRET = "plaintext-secret"
STANDARD_LABELS = "standard-labels"
HOOK_DELETE_POLICY = "hook-delete-policy"
EGRESS_DNS = "egress-dns"
ROUTE_BACKENDS = "route-backends"

STANDARD_LABEL_KEYS = (
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/managed-by",
    "helm.sh/chart",
)
# Label keys that carry a version by definition; never in a selector or on a pod.
VERSION_LABEL_KEYS = ("helm.sh/chart", "app.kubernetes.io/version", "chart", "version")

# Long-running workloads whose main container must have probes.
PROBED_KINDS = WORKLOAD_KINDS
HOOK_DELETE_POLICIES = frozenset({"before-hook-creation", "hook-succeeded", "hook-failed"})


# ---------------------------------------------------------------------------
# Messages


def _got(value: Any) -> str:
    return "missing" if value is MISSING else repr(value)


def _violation(case: str, doc: Doc, path: str, rule: str, detail: str) -> Finding:
    return Finding(case, resource_id(doc), path, rule, detail)


# ---------------------------------------------------------------------------
# Label selectors


def selector_matches(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    """Kubernetes LabelSelector semantics (matchLabels and matchExpressions)."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        present = key in labels
        if op == "In" and not (present and labels[key] in values):
            return False
        if op == "NotIn" and present and labels[key] in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return False  # the API server would reject it; never count it as a match
    return True


def _selector_is_empty(selector: Mapping[str, Any]) -> bool:
    return not selector.get("matchLabels") and not selector.get("matchExpressions")


def _selectors(doc: Doc) -> Iterator[tuple[str, Mapping[str, Any], str]]:
    """(path, LabelSelector, target) of every pod selector in a document.

    target is "own-pods" for a selector over the document's own pod template
    (workload selector, topology spread), "pods" for a selector over the release's
    workload pods (Service, PDB, NetworkPolicy) and "services" for a ServiceMonitor.
    A Service selector is a plain map; it is returned as {"matchLabels": map}.
    """
    kind, spec = doc.get("kind"), doc.get("spec") or {}
    if kind in WORKLOAD_KINDS:
        yield "spec.selector", spec.get("selector") or {}, "own-pods"
    elif kind == "Service":
        if "selector" in spec:
            yield "spec.selector", {"matchLabels": spec.get("selector") or {}}, "pods"
    elif kind == "PodDisruptionBudget":
        yield "spec.selector", spec.get("selector") or {}, "pods"
    elif kind == "NetworkPolicy":
        yield "spec.podSelector", spec.get("podSelector") or {}, "pods"
    elif kind == "ServiceMonitor":
        yield "spec.selector", spec.get("selector") or {}, "services"
    for pod in pod_specs(doc):
        for index, constraint in enumerate(pod.spec.get("topologySpreadConstraints") or []):
            yield (
                f"{pod.path}.topologySpreadConstraints[{index}].labelSelector",
                constraint.get("labelSelector") or {},
                "own-pods",
            )


def check_selectors(docs: Iterable[Doc], case: str = "") -> list[Finding]:
    """Every selector is non-empty and selects the pods it is meant for.

    A workload's selector (and its topology spread selector) must be a subset of its
    own pod template labels; a Service, PDB or NetworkPolicy selector must select the
    pods of at least one workload in the release; a ServiceMonitor must select a
    Service of the release.
    """
    docs = list(docs)
    workload_pods = [
        (doc, pod)
        for doc in docs
        if doc.get("kind") in WORKLOAD_KINDS
        for pod in pod_specs(doc)
    ]
    services = [doc for doc in docs if doc.get("kind") == "Service"]
    found: list[Finding] = []
    for doc in docs:
        namespace = get(doc, "metadata.namespace")
        for path, selector, target in _selectors(doc):
            if _selector_is_empty(selector):
                found.append(
                    _violation(
                        case,
                        doc,
                        path,
                        SELECTOR_SUBSET,
                        "selector is empty and would select every pod in the namespace",
                    )
                )
                continue
            if target == "own-pods":
                own = next(pod_specs(doc))
                if not selector_matches(selector, own.labels):
                    found.append(
                        _violation(
                            case,
                            doc,
                            path,
                            SELECTOR_SUBSET,
                            f"selector {_compact(selector)} is not a subset of the pod "
                            f"labels at {own.labels_path} {_compact(own.labels)}",
                        )
                    )
            elif target == "pods":
                candidates = [
                    pod
                    for wdoc, pod in workload_pods
                    if get(wdoc, "metadata.namespace") == namespace
                ]
                if not any(selector_matches(selector, pod.labels) for pod in candidates):
                    targets = ", ".join(resource_id(p.doc) for p in candidates) or "none"
                    found.append(
                        _violation(
                            case,
                            doc,
                            path,
                            SELECTOR_SUBSET,
                            f"selector {_compact(selector)} selects the pods of no workload "
                            f"in the release (workloads: {targets})",
                        )
                    )
            elif target == "services":
                labels = [get(s, "metadata.labels") or {} for s in services]
                if not any(selector_matches(selector, ls) for ls in labels):
                    found.append(
                        _violation(
                            case,
                            doc,
                            path,
                            SELECTOR_SUBSET,
                            f"selector {_compact(selector)} selects no Service of the release",
                        )
                    )
    return found


def _compact(mapping: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(mapping.items(), key=str)) + "}"


# ---------------------------------------------------------------------------
# Versions in selectors and pod labels


_CHART_LABEL = re.compile(r"^(?P<name>.+?)-(?P<version>v?\d+\.\d+\.\d+\S*)$")


def release_versions(docs: Iterable[Doc]) -> set[str]:
    """Version strings of the release: chart versions, app versions and image tags.

    Taken from the documents themselves: the helm.sh/chart label (`<chart>-<version>`),
    app.kubernetes.io/version labels, and the tag of every container image.
    """
    versions: set[str] = set()
    for doc in docs:
        labels = get(doc, "metadata.labels") or {}
        chart = labels.get("helm.sh/chart")
        if isinstance(chart, str):
            versions.add(chart)
            match = _CHART_LABEL.match(chart)
            if match:
                versions.add(match["version"])
                versions.add(match["version"].replace("_", "+"))
        app_version = labels.get("app.kubernetes.io/version")
        if app_version not in (None, ""):
            versions.add(str(app_version))
        for pod in pod_specs(doc):
            for container in containers(pod):
                tag = parse_image(str(container.spec.get("image", ""))).tag
                if tag:
                    versions.add(tag)
    # Only strings that look like versions: a label value "0" or "api" equal to a
    # one-character tag or a plain-word tag is a coincidence, not a leaked version.
    return {v for v in versions if re.search(r"\d", v) and ("." in v or len(v) >= 5)}


def _version_problem(key: str, value: Any, versions: set[str]) -> str | None:
    text = "" if value is None else str(value)
    if key in VERSION_LABEL_KEYS or key.rsplit("/", 1)[-1] in ("version", "chart"):
        return f"label {key} carries a version ({text!r})"
    for version in versions:
        if text == version or (len(version) >= 5 and version in text):
            return f"label {key}={text!r} carries the release version {version!r}"
    return None


def check_versions(docs: Iterable[Doc], case: str = "") -> list[Finding]:
    """No chart version, app version or image tag in any selector or pod template label.

    Selectors are immutable on Deployments, and a version on the pod template would
    restart every pod on a chart bump alone.
    """
    docs = list(docs)
    versions = release_versions(docs)
    found: list[Finding] = []
    for doc in docs:
        for path, selector, _target in _selectors(doc):
            for key, value in (selector.get("matchLabels") or {}).items():
                problem = _version_problem(key, value, versions)
                if problem:
                    found.append(
                        _violation(
                            case,
                            doc,
                            f"{path}.matchLabels.{key}",
                            NO_VERSION_IN_SELECTOR,
                            f"{problem}; selectors must stay frozen across releases",
                        )
                    )
        if doc.get("kind") == "Pod":
            continue  # a bare Pod's labels are its metadata labels; only templates roll
        for pod in pod_specs(doc):
            for key, value in pod.labels.items():
                problem = _version_problem(key, value, versions)
                if problem:
                    found.append(
                        _violation(
                            case,
                            doc,
                            f"{pod.labels_path}.{key}",
                            NO_VERSION_IN_SELECTOR,
                            f"{problem}; pod template labels must not change on a chart "
                            "or app version bump",
                        )
                    )
    return found


# ---------------------------------------------------------------------------
# Restricted security context


def check_security(docs: Iterable[Doc], case: str = "") -> list[Finding]:
    """The restricted Pod Security Standard on every pod and every container (init,
    sidecar, Job and test pod included), with the standard's meaning: policy.pss_findings,
    the one implementation, plus its readOnlyRootFilesystem rule. The finding's own rule
    (pss:runAsNonRoot, ...) ends the detail."""
    return [
        Finding(f.case, f.resource, f.field, RESTRICTED_SECURITY, f"{f.detail} [{f.rule}]")
        for f in pss_findings(docs, case)
    ]


# ---------------------------------------------------------------------------
# Resources


def check_resources(docs: Iterable[Doc], case: str = "") -> list[Finding]:
    """Every container requests cpu and memory and has a memory limit."""
    found: list[Finding] = []
    for doc in docs:
        for pod in pod_specs(doc):
            for container in containers(pod):
                resources = container.spec.get("resources") or {}
                for field in ("requests.cpu", "requests.memory", "limits.memory"):
                    value = get(resources, field, MISSING)
                    if value is MISSING or value in (None, "", 0, "0"):
                        found.append(
                            _violation(
                                case,
                                doc,
                                f"{container.path}.resources.{field}",
                                RESOURCES,
                                f"every container needs {field.replace('.', ' ')} "
                                f"(got {_got(value)})",
                            )
                        )
    return found


# ---------------------------------------------------------------------------
# Image references


@dataclass(frozen=True)
class ImageRef:
    repository: str
    tag: str | None  # None when the reference has no ":tag"
    digest: str | None


def parse_image(reference: str) -> ImageRef:
    """Split `registry/repo:tag@digest` (a ":" before the last "/" is a registry port)."""
    name, _, digest = reference.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        return ImageRef(name[:colon], name[colon + 1 :], digest or None)
    return ImageRef(name, None, digest or None)


_DIGEST = re.compile(r"^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$")


def check_images(docs: Iterable[Doc], case: str = "") -> list[Finding]:
    """Every image is pinned: a digest, or a tag that is neither empty nor `latest`."""
    found: list[Finding] = []
    for doc in docs:
        for pod in pod_specs(doc):
            for container in containers(pod):
                raw = container.spec.get("image")
                path = f"{container.path}.image"
                ref = parse_image(str(raw or ""))
                problem = None
                if not raw or not ref.repository:
                    problem = f"image has no repository (got {raw!r})"
                elif ref.digest is not None:
                    if not _DIGEST.match(ref.digest):
                        problem = f"digest must be sha256:<64 hex> or sha512:<128 hex> (got {ref.digest!r})"
                elif ref.tag is None:
                    problem = f"image has no tag, which means :latest (got {raw!r})"
                elif ref.tag == "":
                    problem = f"image tag is empty (got {raw!r})"
                elif ref.tag == "latest":
                    problem = f"the tag :latest is not allowed (got {raw!r}); pin a version or a digest"
                if problem:
                    found.append(_violation(case, doc, path, IMAGE_TAG, problem))
    return found


# ---------------------------------------------------------------------------
# Probes


def main_container(pod: PodSpec) -> Container | None:
    """The application container: the one named `app`, else the first one."""
    regular = [c for c in containers(pod) if c.field == "containers"]
    for container in regular:
        if container.name == "app":
            return container
    return regular[0] if regular else None


def check_probes(docs: Iterable[Doc], case: str = "") -> list[Finding]:
    """The app container of every long-running workload has liveness and readiness
    probes (a startup probe is optional), and each probe's port is a declared port."""
    found: list[Finding] = []
    for doc in docs:
        if doc.get("kind") not in PROBED_KINDS:
            continue
        for pod in pod_specs(doc):
            container = main_container(pod)
            if container is None:
                found.append(_violation(case, doc, f"{pod.path}.containers", PROBES, "no containers"))
                continue
            port_names = {p.get("name") for p in container.spec.get("ports") or [] if p.get("name")}
            port_numbers = {p.get("containerPort") for p in container.spec.get("ports") or []}
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                spec = container.spec.get(probe)
                path = f"{container.path}.{probe}"
                if not spec:
                    if probe != "startupProbe":
                        found.append(_violation(case, doc, path, PROBES, "the app container needs this probe"))
                    continue
                for handler in ("httpGet", "tcpSocket", "grpc"):
                    port = get(spec, f"{handler}.port", MISSING)
                    if port is MISSING:
                        continue
                    known = port in port_names if isinstance(port, str) else port in port_numbers
                    if not known:
                        found.append(
                            _violation(
                                case,
                                doc,
                                f"{path}.{handler}.port",
                                PROBES,
                                f"port {port!r} is not a port of the container "
                                f"(ports: {sorted(map(str, port_names | port_numbers))})",
                            )
                        )
    return found


# ---------------------------------------------------------------------------
# Plaintext secret material


SECRET_NAME = re.compile(r"(?i)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)")
# Names whose long hex values are expected (hashes, commits), not secrets.
HASH_NAME = re.compile(r"(?i)(SHA|HASH|CHECKSUM|DIGEST|COMMIT|REVISION)")
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]+-----")
_URL_CREDENTIALS = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE)
_KNOWN_TOKENS = re.compile(
    r"(AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}"
    r"|sk_(live|test)_[A-Za-z0-9]{16,}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.)"
)
_HEX = re.compile(r"^[A-Fa-f0-9]{32,}$")
_BASE64ISH = re.compile(r"^[A-Za-z0-9+/_-]{32,}={0,2}$")


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def secret_value_problem(value: str, name: str = "") -> str | None:
    """Why a literal value looks like secret material, or None."""
    if _PEM.search(value):
        return "value contains a PEM block (-----BEGIN ...-----)"
    if _URL_CREDENTIALS.search(value):
        return "value is a URL with a user:password@ part"
    if _KNOWN_TOKENS.search(value):
        return "value looks like a well-known access token"
    stripped = value.strip()
    if _HEX.match(stripped) and not HASH_NAME.search(name):
        return f"value looks like a hex secret ({len(stripped)} hex characters)"
    if (
        _BASE64ISH.match(stripped)
        and not stripped.startswith(("/", "./"))  # a file path, not a token
        and not _HEX.match(stripped)
        and re.search(r"[a-z]", stripped)
        and re.search(r"[A-Z]", stripped)
        and re.search(r"[0-9]", stripped)
        and _entropy(stripped) >= 4.0
    ):
        return f"value looks like a base64 token ({len(stripped)} characters, high entropy)"
    return None


def _literal_problem(name: str, value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    if SECRET_NAME.search(name) and text.strip():
        return (
            f"{name} looks like a secret but has a literal value; reference an existing "
            "Secret (secretKeyRef) or an ExternalSecret instead"
        )
    problem = secret_value_problem(text, name)
    if problem:
        return f"{problem}; secrets must come from a Secret reference"
    return None


def check_plaintext_secrets(docs: Iterable[Doc], case: str = "") -> list[Finding]:
    """No secret material in any ConfigMap (data, binaryData) or literal env value."""
    found: list[Finding] = []
    for doc in docs:
        if doc.get("kind") == "ConfigMap":
            for field in ("data", "binaryData"):
                for key, value in (doc.get(field) or {}).items():
                    problem = _literal_problem(key, value)
                    if problem:
                        found.append(_violation(case, doc, f"{field}.{key}", PLAINTEXT_SECRET, problem))
        for pod in pod_specs(doc):
            for container in containers(pod):
                for index, var in enumerate(container.spec.get("env") or []):
                    if "value" not in var:
                        continue
                    problem = _literal_problem(str(var.get("name", index)), var.get("value"))
                    if problem:
                        path = field_path(doc, (*container.keys, "env", index, "value"))
                        found.append(_violation(case, doc, path, PLAINTEXT_SECRET, problem))
    return found


# ---------------------------------------------------------------------------
# Standard labels


_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def check_standard_labels(docs: Iterable[Doc], case: str = "") -> list[Finding]:
    """Every object carries app.kubernetes.io/name, instance, managed-by and
    helm.sh/chart, each a valid non-empty label value."""
    found: list[Finding] = []
    for doc in docs:
        labels = get(doc, "metadata.labels") or {}
        for key in STANDARD_LABEL_KEYS:
            value = labels.get(key)
            path = f"metadata.labels.{key}"
            if value in (None, ""):
                found.append(_violation(case, doc, path, STANDARD_LABELS, "every object needs this label (got missing)"))
            elif not isinstance(value, str) or len(value) > 63 or not _LABEL_VALUE.match(value):
                found.append(
                    _violation(
                        case,
                        doc,
                        path,
                        STANDARD_LABELS,
                        f"not a valid label value (got {value!r}); at most 63 characters of "
                        "[A-Za-z0-9_.-], starting and ending alphanumeric",
                    )
                )
    return found


# ---------------------------------------------------------------------------
# Hooks


def check_hooks(docs: Iterable[Doc], case: str = "") -> list[Finding]:
    """Every Helm hook has a valid helm.sh/hook-delete-policy (and every Argo CD hook an
    argocd.argoproj.io/hook-delete-policy), so hook objects never pile up or block the
    next run."""
    found: list[Finding] = []
    for doc in docs:
        annotations = get(doc, "metadata.annotations") or {}
        if annotations.get("helm.sh/hook"):
            path = "metadata.annotations.helm.sh/hook-delete-policy"
            policy = str(annotations.get("helm.sh/hook-delete-policy") or "")
            values = [p.strip() for p in policy.split(",") if p.strip()]
            if not values:
                found.append(
                    _violation(
                        case,
                        doc,
                        path,
                        HOOK_DELETE_POLICY,
                        f"hook {annotations['helm.sh/hook']!r} has no delete policy; "
                        "set before-hook-creation (and hook-succeeded)",
                    )
                )
            else:
                unknown = sorted(set(values) - HOOK_DELETE_POLICIES)
                if unknown:
                    found.append(
                        _violation(
                            case,
                            doc,
                            path,
                            HOOK_DELETE_POLICY,
                            f"unknown delete policy {unknown} (allowed: {sorted(HOOK_DELETE_POLICIES)})",
                        )
                    )
        if annotations.get("argocd.argoproj.io/hook") and not annotations.get(
            "argocd.argoproj.io/hook-delete-policy"
        ):
            found.append(
                _violation(
                    case,
                    doc,
                    "metadata.annotations.argocd.argoproj.io/hook-delete-policy",
                    HOOK_DELETE_POLICY,
                    "Argo CD hook has no delete policy; set BeforeHookCreation",
                )
            )
    return found


# ---------------------------------------------------------------------------
# Egress


def _allows_dns(rule: Any) -> bool:
    ports = rule.get("ports") if isinstance(rule, Mapping) else None
    found = {(p.get("port"), p.get("protocol") or "TCP") for p in ports or [] if isinstance(p, Mapping)}
    return {(53, "UDP"), (53, "TCP")} <= found


def check_egress_dns(docs: Iterable[Doc], case: str = "") -> list[Finding]:
    """A NetworkPolicy that restricts egress has a rule for DNS on UDP and TCP 53: without
    it every name lookup of the pods times out."""
    found: list[Finding] = []
    for doc in docs:
        if doc.get("kind") != "NetworkPolicy" or "Egress" not in (get(doc, "spec.policyTypes") or []):
            continue
        rules = get(doc, "spec.egress")
        if not any(_allows_dns(r) for r in (rules if isinstance(rules, list) else [])):
            found.append(_violation(case, doc, "spec.egress", EGRESS_DNS,
                                    "restricts egress but no rule allows DNS on UDP and TCP port 53 "
                                    f"(got {_got(rules)}); every name lookup would time out"))
    return found


# Route backends


def _route_backends(doc: Doc) -> Iterator[tuple[str, Any, Any]]:
    """(field path, Service name, port name or number) of each Service an Ingress or an
    HTTPRoute sends traffic to."""
    if doc.get("kind") == "Ingress":
        for i, rule in enumerate(get(doc, "spec.rules") or []):
            for j, path in enumerate(get(rule, "http.paths") or []):
                service = get(path, "backend.service") or {}
                port = service.get("port") or {}
                yield (f"spec.rules[{i}].http.paths[{j}].backend.service", service.get("name"),
                       port.get("name", port.get("number")))
    elif doc.get("kind") == "HTTPRoute":
        for i, rule in enumerate(get(doc, "spec.rules") or []):
            for j, ref in enumerate(rule.get("backendRefs") or []):
                if ref.get("group", "") == "" and ref.get("kind", "Service") == "Service":
                    yield f"spec.rules[{i}].backendRefs[{j}]", ref.get("name"), ref.get("port")


def check_route_backends(docs: Iterable[Doc], case: str = "") -> list[Finding]:
    """Every Ingress and HTTPRoute backend is a Service of the same release, on one of
    its ports: a route never reaches another team's Service, nor a port that is not there."""
    docs = list(docs)
    ports = {
        (get(d, "metadata.name"), key)
        for d in docs if d.get("kind") == "Service"
        for p in get(d, "spec.ports") or []
        for key in (p.get("name"), p.get("port"))
    }
    services = {name for name, _ in ports}
    found: list[Finding] = []
    for doc in docs:
        for path, name, port in _route_backends(doc):
            if name not in services:
                found.append(_violation(case, doc, f"{path}.name", ROUTE_BACKENDS,
                                        f"not a Service of this release (got {name!r}); want one of {sorted(services)}"))
            elif (name, port) not in ports:
                found.append(_violation(case, doc, f"{path}.port", ROUTE_BACKENDS,
                                        f"not a port of Service {name} (got {port!r})"))
    return found


# ---------------------------------------------------------------------------
# Entry points

Check = Callable[[Iterable[Doc], str], list[Finding]]

CHECKS: dict[str, Check] = {
    SELECTOR_SUBSET: check_selectors,
    NO_VERSION_IN_SELECTOR: check_versions,
    RESTRICTED_SECURITY: check_security,
    RESOURCES: check_resources,
    IMAGE_TAG: check_images,
    PROBES: check_probes,
    PLAINTEXT_SECRET: check_plaintext_secrets,
    STANDARD_LABELS: check_standard_labels,
    HOOK_DELETE_POLICY: check_hooks,
    EGRESS_DNS: check_egress_dns,
    ROUTE_BACKENDS: check_route_backends,
}


def check_all(docs: Iterable[Doc], case: str = "") -> list[Finding]:
    """Every invariant over the documents of one release; [] when all hold."""
    docs = [d for d in docs if isinstance(d, Mapping)]
    found: list[Finding] = []
    for check in CHECKS.values():
        found.extend(check(docs, case))
    return found


def format_violations(violations: Iterable[Finding]) -> str:
    """One line per violation, for assertion messages."""
    return "\n".join(str(v) for v in violations)

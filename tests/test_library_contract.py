"""common-lib's contract, tested through a consumer chart with a values layout of its own.

tests/consumer-chart/ depends on charts/common-lib (file://), maps its own, smaller values
layout onto the library's App input (templates/_app.tpl) and calls every helper:
templates/helpers.yaml records helper outputs as `HelperOutput` documents (a kind
that exists only here), the other templates call the base templates with the
consumer's own overrides, and templates/_consumer.tpl redefines helpers under the
consumer's prefix and without any prefix. Inputs come from --set and
tests/consumer-chart/scenarios/*.yaml. Everything is rendered under Helm 4 and
Helm 3 through the shared render cache.

Helm semantics this relies on (checked below, not assumed): a chart and all its
subcharts share ONE template namespace, and when two charts define the same name
the parent's definition wins, also inside the library. Only the `common-lib.`
prefix keeps a consumer's helpers from replacing the library's.
"""

from __future__ import annotations

import functools
import tarfile
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from chart_harness import documents, invariants as inv
from chart_harness.helm import HelmError, HelmVersion
from chart_harness.render import RenderResult, render_chart
from tests.support.tools import COMMON_LIB, ROOT, STANDARD_APP

CONSUMER = ROOT / "tests" / "consumer-chart"
SCENARIOS = CONSUMER / "scenarios"
HELPER_KIND = "HelperOutput"
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
DIGEST = "sha256:4b825dc642cb6eb9a060e54bf8d69288fbee4904ab6e2ba1a1b2c3d4e5f60718"
SELECTOR_KEYS = {"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component"}


def render_consumer(
    helm: HelmVersion,
    *,
    scenario: str | None = None,
    set_values: tuple[str, ...] = (),
    release: str = "orders",
    chart: Path = CONSUMER,
) -> RenderResult:
    """The consumer chart rendered with a scenario file and/or --set values.

    Memoised per process on top of the render cache: most tests here read the same
    few renders, and even a cache hit re-hashes the chart. Callers only read.
    """
    return _render_consumer(helm, scenario, tuple(set_values), release, chart)


@functools.cache
def _render_consumer(
    helm: HelmVersion, scenario: str | None, set_values: tuple[str, ...], release: str, chart: Path
) -> RenderResult:
    values = [SCENARIOS / f"{scenario}.yaml"] if scenario else []
    return render_chart(chart, helm, values_files=values, set_values=set_values, release=release)


def outputs(result: RenderResult) -> dict[str, Any]:
    """HelperOutput documents by name -> their spec."""
    return {d["metadata"]["name"]: d["spec"] for d in result.docs if d["kind"] == HELPER_KIND}


def objects(result: RenderResult) -> list[dict]:
    """The real Kubernetes objects (everything but the HelperOutput probes)."""
    return [d for d in result.docs if d["kind"] != HELPER_KIND]


# --- names ------------------------------------------------------------------------------

LONG_RELEASE = "shop-payments-eu-west-1-canary-20261124-blue-green-v2"  # 53, Helm's maximum
assert len(LONG_RELEASE) == 53

# (id, release, --set, expected name, expected fullname)
NAME_CASES = [
    ("chart-name", "orders", (), "consumer", "orders-consumer"),
    ("name-override", "orders", ("title=payments",), "payments", "orders-payments"),
    ("release-contains-name", "orders-blue", ("title=orders",), "orders", "orders-blue"),
    ("fullname-override", "orders", ("fixedName=checkout",), "consumer", "checkout"),
    (
        # 53 + "-" + "checkout-orchestrator" is cut at 63, right after "checkout-": the
        # dangling "-" goes too.
        "long-release",
        LONG_RELEASE,
        ("title=checkout-orchestrator",),
        "checkout-orchestrator",
        f"{LONG_RELEASE}-checkout",
    ),
    (
        "long-name-override",
        "orders",
        ("title=" + "n" * 62 + "-tail-end",),
        "n" * 62,
        "orders-" + "n" * 56,
    ),
    (
        "long-fullname-override",
        "orders",
        ("fixedName=" + "x" * 62 + "-yyyy",),
        "consumer",
        "x" * 62,
    ),
    (
        "long-fullname-override-double-hyphen",
        "orders",
        ("fixedName=" + "x" * 61 + "--yyy",),
        "consumer",
        "x" * 61,
    ),
]


@pytest.mark.parametrize(
    ("release", "set_values", "name", "fullname"),
    [c[1:] for c in NAME_CASES],
    ids=[c[0] for c in NAME_CASES],
)
def test_names(helm_version, release, set_values, name, fullname):
    result = render_consumer(helm_version, release=release, set_values=set_values)
    names = outputs(result)["names"]
    assert names["name"] == name
    assert names["fullname"] == fullname
    for value in (names["name"], names["fullname"]):
        assert len(value) <= 63 and DNS_LABEL.match(value), f"{value!r} is not a DNS-1123 label"
    # Every object is named after the full name (or the full name plus a suffix).
    for doc in objects(result):
        assert doc["metadata"]["name"].startswith(fullname[:40]), documents.resource_id(doc)
    assert names["serviceAccount"] == fullname


@pytest.mark.parametrize(
    ("release", "set_values", "fullname"),
    [(c[1], c[2], c[4]) for c in NAME_CASES],
    ids=[c[0] for c in NAME_CASES],
)
def test_suffixed_names_stay_valid_and_keep_the_suffix(helm_version, release, set_values, fullname):
    suffixes = ("config", "migrate", "external", "test", "exactly-thirty-characters-long")
    result = render_consumer(
        helm_version,
        release=release,
        set_values=(*set_values, "probe.suffixes={" + ",".join(suffixes) + "}"),
    )
    suffixed = outputs(result)["names"]["suffixed"]
    assert set(suffixed) == set(suffixes)
    for suffix, value in suffixed.items():
        assert value.endswith(f"-{suffix}"), f"suffix {suffix!r} lost: {value!r}"
        assert len(value) <= 63 and DNS_LABEL.match(value), f"{value!r} is not a DNS-1123 label"
        base = value[: -len(suffix) - 1]
        assert fullname.startswith(base), f"{value!r} does not start with the full name {fullname!r}"
        if len(fullname) + 1 + len(suffix) <= 63:
            assert base == fullname, "a name that fits must not be cut"


def test_suffix_at_the_limit_keeps_the_name_full_length(helm_version):
    result = render_consumer(helm_version, set_values=("fixedName=" + "x" * 62 + "-yyyy",))
    assert outputs(result)["names"]["suffixed"]["migrate"] == "x" * 55 + "-migrate"


def test_suffix_too_long_for_any_name_is_refused(helm_version):
    """A suffix that leaves no room for the name must fail with a message naming it,
    never yield an invalid name (it would only fail later, at install)."""
    suffix = "s" * 62
    try:
        result = render_consumer(helm_version, set_values=(f"probe.suffixes={{{suffix}}}",))
    except HelmError as err:
        assert suffix in err.stderr, err.stderr
        return
    value = outputs(result)["names"]["suffixed"][suffix]
    assert len(value) <= 63 and DNS_LABEL.match(value), (
        f"common-lib.names.suffixed returned the invalid name {value!r} for a {len(suffix)}-character suffix"
    )


def test_chart_label_replaces_plus(helm_version):
    # tests/consumer-chart/Chart.yaml has version 0.3.0+build.7; "+" is not allowed in labels.
    assert outputs(render_consumer(helm_version))["names"]["chart"] == "consumer-0.3.0_build.7"


# --- labels -----------------------------------------------------------------------------


def test_labels_standard_selector_pod(helm_version):
    labels = outputs(render_consumer(helm_version))["labels"]
    selector = {
        "app.kubernetes.io/name": "consumer",
        "app.kubernetes.io/instance": "orders",
        "app.kubernetes.io/component": "app",
    }
    assert labels["selector"] == selector
    assert labels["pod"] == selector, "pod labels are the selector plus podLabels, nothing else"
    assert labels["standard"] == {
        **selector,
        "app.kubernetes.io/managed-by": "Helm",
        "app.kubernetes.io/version": "2.0.1",
        "helm.sh/chart": "consumer-0.3.0_build.7",
    }
    assert labels["migrationSelector"] == {**selector, "app.kubernetes.io/component": "migration"}


def test_labels_extra_labels_never_change_the_selector(helm_version):
    labels = outputs(render_consumer(helm_version, scenario="overrides"))["labels"]
    selector = {
        "app.kubernetes.io/name": "orders",
        "app.kubernetes.io/instance": "orders",
        "app.kubernetes.io/component": "app",
    }
    assert labels["selector"] == selector
    assert set(labels["selector"]) == SELECTOR_KEYS
    assert labels["pod"] == {**selector, "example.com/tier": "backend"}
    assert labels["standard"] == {
        **selector,
        "example.com/team": "shop",
        "app.kubernetes.io/managed-by": "Helm",
        "app.kubernetes.io/version": "1.4.2_build.9",
        "helm.sh/chart": "consumer-0.3.0_build.7",
    }


def test_labels_that_would_take_the_selector_or_chart_labels_are_refused(helm_version):
    """commonLabels and podLabels cannot set the selector, version or managed-by labels."""
    with pytest.raises(HelmError) as failed:
        render_consumer(helm_version, set_values=(
            "tags.app\\.kubernetes\\.io/name=hijacked",
            "tags.app\\.kubernetes\\.io/managed-by=me",
            "podTags.app\\.kubernetes\\.io/instance=hijacked",
        ))
    for key in ("commonLabels.app.kubernetes.io/name", "commonLabels.app.kubernetes.io/managed-by",
                "podLabels.app.kubernetes.io/instance"):
        assert f"  - {key}: is reserved for the chart" in failed.value.stderr, failed.value.stderr


def test_a_tag_that_no_registry_accepts_is_refused(helm_version):
    """SemVer build metadata ("+") is not allowed in an OCI tag: the image could never be pulled."""
    with pytest.raises(HelmError) as failed:
        render_consumer(helm_version, set_values=("workload.image.tag=1.0.0+build.5",))
    assert '  - image.tag: is not an image tag (got "1.0.0+build.5")' in failed.value.stderr


@pytest.mark.parametrize(
    "tag",
    ["v1.2.3-rc.1", "1.0.", "_1.0_", "2026.11.1-" + "a" * 110],
    ids=["pre-release", "trailing-dot", "underscores", "128-characters"],
)
def test_version_label_is_a_valid_label_value_for_any_tag(helm_version, tag):
    standard = outputs(render_consumer(helm_version, set_values=(f"workload.image.tag={tag}",)))["labels"]["standard"]
    version = standard["app.kubernetes.io/version"]
    assert len(version) <= 63 and LABEL_VALUE.match(version), (
        f"image.tag {tag!r} gives the invalid label value {version!r}"
    )


def test_digest_only_image_has_no_version_label(helm_version):
    result = render_consumer(helm_version, set_values=("workload.image.tag=", f"workload.image.digest={DIGEST}"))
    assert "app.kubernetes.io/version" not in outputs(result)["labels"]["standard"]


# --- images -----------------------------------------------------------------------------


def test_image_references(helm_version):
    images = outputs(render_consumer(helm_version, scenario="helpers"))["images"]
    repo = "registry.example.com/shop/orders"
    assert images == {
        "tag": f"{repo}:1.4.2",
        "digest-wins": f"{repo}@{DIGEST}",
        "digest-only": f"{repo}@{DIGEST}",
        "registry-port": "registry.example.com:5000/shop/orders:1.4.2",
        "integer-tag": f"{repo}:42",
        "empty-digest": f"{repo}:1.4.2",
    }


def test_digest_wins_in_the_workloads(helm_version):
    result = render_consumer(helm_version, scenario="overrides")
    for doc in objects(result):
        for pod in documents.pod_specs(doc):
            for container in documents.containers(pod):
                if container.name in ("app", "migrate"):
                    assert container.spec["image"] == f"registry.example.com/shop/orders@{DIGEST}"


# --- util.merge ---------------------------------------------------------------------------

MERGES = {
    "false-overrides-true": {"enabled": False, "other": 1},
    "zero-overrides-number": {"replicas": 0},
    "empty-string-overrides": {"name": ""},
    "null-removes-key": {"keep": 1},
    "nested-null-removes-key": {"outer": {"keep": 1}},
    "nested-maps-merge": {"outer": {"a": 1, "b": 3, "c": 4, "inner": {"x": 1, "z": 2}}},
    "lists-replace": {"items": [9], "drop": ["ALL"]},
    "empty-list-replaces": {"items": []},
    "scalar-replaces-map": {"outer": "replaced"},
    "map-replaces-scalar": {"outer": {"a": 1}},
    "empty-source": {"a": 1},
    "new-key-added": {"a": 1, "b": {"c": 2}},
}


@pytest.mark.parametrize(("merge_id", "expected"), sorted(MERGES.items()))
def test_util_merge(helm_version, merge_id, expected):
    merges = outputs(render_consumer(helm_version, scenario="helpers"))["merges"]
    assert merges[merge_id] == expected


def test_every_merge_input_is_asserted(helm_version):
    assert set(outputs(render_consumer(helm_version, scenario="helpers"))["merges"]) == set(MERGES)


# --- security contexts ------------------------------------------------------------------

RESTRICTED_POD = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
RESTRICTED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "privileged": False,
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def _security() -> dict[str, tuple[dict, dict]]:
    return {
        "default": (RESTRICTED_POD, RESTRICTED_CONTAINER),
        "add-capability": (
            RESTRICTED_POD,
            {**RESTRICTED_CONTAINER, "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}},
        ),
        "writable-root": (RESTRICTED_POD, {**RESTRICTED_CONTAINER, "readOnlyRootFilesystem": False}),
        "fixed-uid": (
            {**RESTRICTED_POD, "runAsUser": 10001, "fsGroup": 10001},
            {**RESTRICTED_CONTAINER, "runAsUser": 10001},
        ),
        "drop-seccomp": (
            {"runAsNonRoot": True},
            {k: v for k, v in RESTRICTED_CONTAINER.items() if k != "seccompProfile"},
        ),
        "localhost-seccomp": (
            {"runAsNonRoot": True, "seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/app.json"}},
            RESTRICTED_CONTAINER,
        ),
    }


@pytest.mark.parametrize("override", sorted(_security()))
def test_security_contexts_are_restricted_and_overridable_by_merge(helm_version, override):
    security = outputs(render_consumer(helm_version, scenario="helpers"))["security"]
    pod, container = _security()[override]
    assert security[override] == {"pod": pod, "container": container}


def test_no_uid_is_hard_coded(helm_version):
    # OpenShift's restricted SCC assigns the UID; a fixed one would be rejected.
    security = outputs(render_consumer(helm_version))["security"]["default"]
    for context in security.values():
        assert not {"runAsUser", "runAsGroup", "fsGroup"} & set(context)


# --- env, resources, probes -------------------------------------------------------------


def test_env_vars_secret_references_then_plain_values_after_what_they_use(helm_version):
    """Secret references first, then plain values by name, each after the plain variables
    it uses: Kubernetes expands $(NAME) only from variables listed earlier."""
    env = outputs(render_consumer(helm_version, scenario="helpers"))["env"]
    assert env["secret-then-plain-by-use"] == [
        {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "orders-api", "key": "token"}}},
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "orders-db", "key": "password"}}},
        {"name": "ALPHA", "value": "first"},
        {"name": "BIG", "value": "1000000"},
        {"name": "DEBUG", "value": "true"},
        {"name": "PORT", "value": "8080"},
        {"name": "RATIO", "value": "0.25"},
        {"name": "ZED", "value": "last"},
        {"name": "DSN", "value": "db://u:$(DB_PASSWORD)@$(ZED)"},
    ]
    assert env["only-secret"] == [
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "orders-db", "key": "password"}}}
    ]


def test_numbers_and_booleans_in_env_and_config_must_be_quoted(helm_version):
    """YAML has already turned an unquoted 0022 into 18 and NO into false before a template
    runs, so the text as written is lost: every such value is refused with "quote it"."""
    with pytest.raises(HelmError) as failed:
        render_consumer(helm_version, scenario="numbers")
    stderr = failed.value.stderr
    for key, kind in (("config.MAX_BYTES", "number"), ("config.RATIO", "number"),
                      ("config.ENABLED", "boolean"), ("env.BATCH_SIZE", "number"),
                      ("env.TIMEOUT_MS", "number")):
        assert f"  - {key}: is a YAML {kind}, not text" in stderr and "quote it" in stderr, stderr
    assert "config.NAME" not in stderr


def test_resources(helm_version):
    resources = outputs(render_consumer(helm_version, scenario="helpers"))["resources"]
    assert resources["default"] == {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}
    assert resources["own"] == {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"memory": "32Mi"}}


def test_probes_http_and_tcp(helm_version):
    probes = outputs(render_consumer(helm_version))["probes"]
    assert probes["livenessProbe"] == {
        "httpGet": {"path": "/healthz", "port": "http"},
        "periodSeconds": 10,
        "timeoutSeconds": 2,
        "failureThreshold": 3,
    }
    assert probes["startupProbe"]["failureThreshold"] == 30
    tcp = outputs(render_consumer(helm_version, scenario="overrides"))["probes"]
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert tcp[probe]["tcpSocket"] == {"port": "http"} and "httpGet" not in tcp[probe]


# --- base templates -----------------------------------------------------------------------


def test_disabled_features_render_nothing(helm_version):
    kinds = sorted(d["kind"] for d in objects(render_consumer(helm_version)))
    assert kinds == ["Deployment", "NetworkPolicy", "PodDisruptionBudget", "Service", "ServiceAccount"]


def test_base_templates_take_overrides_by_merge(helm_version):
    result = render_consumer(helm_version, scenario="overrides")
    deployment = result.one("Deployment")
    assert deployment["metadata"]["annotations"] == {"example.com/override": "yes"}
    assert deployment["spec"]["revisionHistoryLimit"] == 3
    assert "strategy" not in deployment["spec"], "a null override removes the key"
    pod = deployment["spec"]["template"]["spec"]
    assert pod["priorityClassName"] == "high" and pod["terminationGracePeriodSeconds"] == 5
    # everything the override did not touch is still there
    assert deployment["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] == "app"
    assert pod["securityContext"] == RESTRICTED_POD
    assert pod["serviceAccountName"] == "shared-runner"
    assert [c["name"] for c in pod["containers"]] == ["app", "log-shipper"]

    service = result.one("Service")
    assert service["spec"]["type"] == "NodePort" and service["spec"]["sessionAffinity"] == "ClientIP"
    assert service["metadata"]["annotations"] == {"example.com/lb": "internal"}
    assert [p["name"] for p in service["spec"]["ports"]] == ["http", "metrics"]

    job = result.one("Job")
    assert job["spec"]["activeDeadlineSeconds"] == 120 and job["spec"]["ttlSecondsAfterFinished"] == 3600
    assert job["spec"]["backoffLimit"] == 0
    assert job["metadata"]["annotations"]["helm.sh/hook-delete-policy"] == "before-hook-creation,hook-succeeded"
    cronjob = result.one("CronJob")
    assert cronjob["spec"]["suspend"] is True and cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    assert not result.of_kind("ServiceAccount"), "serviceAccount.create=false renders no ServiceAccount"


def test_httproute_defaults_in_a_consumer(helm_version):
    """A consumer that names only a Gateway gets every path (PathPrefix /) of every host,
    to its own Service on the Service's port."""
    result = render_consumer(helm_version, scenario="overrides")
    route, service = result.one("HTTPRoute"), result.one("Service")
    assert route["spec"]["parentRefs"] == [{"name": "shared-gateway"}] and "hostnames" not in route["spec"]
    [rule] = route["spec"]["rules"]
    assert rule["matches"] == [{"path": {"type": "PathPrefix", "value": "/"}}]
    assert rule["backendRefs"] == [{"group": "", "kind": "Service", "name": service["metadata"]["name"],
                                    "port": service["spec"]["ports"][0]["port"]}]


@pytest.mark.parametrize("scenario", [None, "overrides"])
def test_library_objects_keep_every_invariant_in_a_consumer(helm_version, scenario):
    result = render_consumer(helm_version, scenario=scenario)
    violations = inv.check_all(objects(result), f"consumer[{scenario or 'defaults'}]")
    assert not violations, inv.format_violations(violations)


def _empty_blocks(node: Any, path: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{path}.{key}" if path else str(key)
            if value is None or value == {} or value == []:
                yield child
            else:
                yield from _empty_blocks(value, child)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _empty_blocks(value, f"{path}[{index}]")


def test_no_empty_optional_blocks(helm_version):
    """Unset optional values leave no `annotations: {}`, `env: []` or `key: null` behind."""
    problems = [
        f"{documents.resource_id(doc)} {path}"
        for doc in objects(render_consumer(helm_version))
        for path in _empty_blocks(doc)
    ]
    assert not problems, "empty blocks rendered:\n" + "\n".join(problems)


def test_no_empty_optional_blocks_in_the_standard_app_matrix(case, rendered):
    problems = [f"{case}: {documents.resource_id(doc)} {path}" for doc in rendered for path in _empty_blocks(doc)]
    assert not problems, "empty blocks rendered:\n" + "\n".join(problems)


def test_validation_fails_once_with_the_consumers_name(helm_version):
    with pytest.raises(HelmError) as excinfo:
        render_consumer(
            helm_version,
            set_values=("workload.image.tag=latest", "scaling.enabled=true", "scaling.min=5"),
        )
    stderr = excinfo.value.stderr
    assert "consumer: invalid values:" in stderr
    assert '  - image.tag: "latest" is not allowed' in stderr
    assert "  - autoscaling.minReplicas: must be at most autoscaling.maxReplicas (got minReplicas=5, maxReplicas=4)" in stderr


# --- prefixing protects the library's names ----------------------------------------------

CONSUMER_OWN = {
    "consumer.names.fullname": "consumer-own-fullname",
    "consumer.names.name": "consumer-own-name",
    "consumer.labels.standard": {"app.kubernetes.io/name": "consumer-own-labels"},
    "consumer.fullname": "consumer-own-scaffold-fullname",
    "names.fullname": "shadowed-names-fullname",
    "fullname": "shadowed-fullname",
    "labels": {"app.kubernetes.io/name": "shadowed-labels"},
}
SHADOW_MARK = re.compile(r"(shadowed-[a-z-]+|consumer-own[a-z-]*|util-merge|security-(pod|container))")


def shadowing(result: RenderResult) -> list[str]:
    """Places where a value of one of the consumer's own helpers leaked into
    common-lib's output, each naming the object, the field and the consumer helper."""
    found = []

    def walk(node: Any, path: str, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(key, f"{path}.<key>", where)
                walk(value, f"{path}.{key}" if path else str(key), where)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]", where)
        elif isinstance(node, str) and SHADOW_MARK.search(node):
            found.append(f"{where} {path}: {node!r} comes from a consumer helper")

    for doc in result.docs:
        if doc["kind"] == HELPER_KIND and doc["metadata"]["name"] == "consumer-own":
            continue
        walk(doc, "", documents.resource_id(doc))
    return found


def test_consumer_helpers_do_not_shadow_the_library(helm_version):
    result = render_consumer(helm_version, scenario="overrides")
    # The consumer's own helpers are live (they render their values)...
    assert outputs(result)["consumer-own"] == CONSUMER_OWN
    # ...and none of their values reaches anything common-lib renders.
    assert shadowing(result) == []


def test_an_unprefixed_library_helper_would_be_shadowed(helm_version, consumer_copy):
    """The check above can fail: strip the prefix from one library helper in a copy,
    and the consumer's same-named helper takes over the library's output."""
    consumer, library = consumer_copy
    # As if common-lib had named the helper "names.fullname": its define and every
    # call (the library's and the consumer's) use the bare name; _consumer.tpl
    # still defines its own "names.fullname".
    calls = [*(library / "templates").rglob("_*.tpl"), *(consumer / "templates").glob("*.yaml")]
    for tpl in calls:
        text = tpl.read_text(encoding="utf-8")
        tpl.write_text(text.replace('"common-lib.names.fullname"', '"names.fullname"'), encoding="utf-8")
    problems = shadowing(render_consumer(helm_version, scenario="overrides", chart=consumer))
    assert any("Deployment/shadowed-names-fullname metadata.name" in p for p in problems), problems


def test_a_parent_define_with_the_library_name_wins(helm_version, consumer_copy):
    """Helm's rule, demonstrated: a consumer defining a `common-lib.*` name replaces the
    library's helper everywhere (here helm.sh/chart on every object). Hence the rule
    that only common-lib defines `common-lib.*` names (next test)."""
    consumer, _library = consumer_copy
    (consumer / "templates" / "_hijack.tpl").write_text(
        '{{- define "common-lib.names.chart" -}}hijacked-chart{{- end -}}\n', encoding="utf-8"
    )
    result = render_consumer(helm_version, chart=consumer)
    assert {d["metadata"]["labels"]["helm.sh/chart"] for d in objects(result)} == {"hijacked-chart"}


DEFINE = re.compile(r'{{-?\s*define\s+"([^"]+)"')


def _defines(directory: Path) -> dict[str, str]:
    """define name -> file, for every template file under directory."""
    found = {}
    for path in sorted(directory.rglob("*")):
        if path.suffix in (".tpl", ".yaml", ".txt") and "charts" not in path.relative_to(directory).parts[:-1]:
            for name in DEFINE.findall(path.read_text(encoding="utf-8")):
                found[name] = str(path.relative_to(ROOT))
    return found


def test_only_common_lib_defines_common_lib_names():
    outside = {
        name: where
        for directory in (STANDARD_APP / "templates", ROOT / "examples", CONSUMER / "templates")
        if directory.exists()
        for name, where in _defines(directory).items()
        if name.startswith("common-lib.")
    }
    assert not outside, f"only charts/common-lib may define common-lib.* names: {outside}"


# --- the library's own shape ----------------------------------------------------------------


def test_library_templates_are_helpers_only():
    # (define prefixes and the ban on `template` are hygiene rules: tests/test_hygiene.py)
    files = sorted(p.name for p in (COMMON_LIB / "templates").rglob("*") if p.is_file())
    assert files and all(f.startswith("_") and f.endswith(".tpl") for f in files), files


def _public_helpers() -> dict[str, Path]:
    return {
        name: ROOT / where
        for name, where in _defines(COMMON_LIB / "templates").items()
        if not name.endswith(".base")
    }


def _all_helpers() -> set[str]:
    return set(_defines(COMMON_LIB / "templates"))


def test_every_public_helper_has_a_usage_comment():
    missing = []
    for name, path in _public_helpers().items():
        comments = " ".join(re.findall(r"{{/\*(.*?)\*/}}", path.read_text(encoding="utf-8"), re.DOTALL))
        short = name.rsplit(".", 1)[-1]
        if "Usage" not in comments or (name not in comments and short not in comments):
            missing.append(name)
    assert not missing, f"helpers without a usage comment naming them: {missing}"


_COMMENT = re.compile(r"{{-?\s*/\*.*?\*/\s*-?}}", re.DOTALL)
_INCLUDE = re.compile(r'include\s+"([^"]+)"')
_REFERENCE = re.compile(r'"(common-lib\.[^"]+)"')  # include "x", or a template name passed to util.object
_DYNAMIC_VALIDATE = 'include (printf "common-lib.%s.validate"'


def _call_graph() -> dict[str, set[str]]:
    """define -> the helpers its body refers to (comments stripped, so usage examples
    do not count). Entry points reach their `.base` through util.object's "template"
    argument; validate.app calls each kind's `<kind>.validate` through printf."""
    graph: dict[str, set[str]] = {}
    for path in sorted((COMMON_LIB / "templates").rglob("_*.tpl")):
        text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
        starts = [(m.start(), m.group(1)) for m in DEFINE.finditer(text)]
        for index, (start, name) in enumerate(starts):
            end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
            body = text[start:end]
            graph[name] = set(_REFERENCE.findall(body)) - {name}
            if _DYNAMIC_VALIDATE in body:
                graph[name] |= {n for n in _public_helpers() if n.endswith(".validate")}
    return graph


def test_every_public_helper_is_exercised_by_the_consumer():
    """Each helper is called by tests/consumer-chart, directly or through another helper."""
    consumer_text = _COMMENT.sub(
        "", " ".join(p.read_text(encoding="utf-8") for p in (CONSUMER / "templates").glob("*"))
    )
    graph = _call_graph()
    reached: set[str] = set()
    todo = [n for n in _INCLUDE.findall(consumer_text) if n.startswith("common-lib.")]
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(graph.get(name, ()))
    unreached = sorted(_all_helpers() - reached)
    assert not unreached, (
        f"common-lib helpers the consumer chart never reaches: {unreached}; call them in "
        "tests/consumer-chart/templates with edge-case inputs"
    )


# --- the README's helper table ------------------------------------------------------------

_TABLE_ROW = re.compile(r"^\|\s*`(common-lib\.[^`]+)`(?:\s*\(body `(common-lib\.[^`]+)`\))?\s*\|", re.MULTILINE)


def helper_table_gaps(library: Path) -> tuple[list[str], list[str]]:
    """(defines missing from README.md's helper tables, table rows naming no define)."""
    listed = {name for row in _TABLE_ROW.findall((library / "README.md").read_text(encoding="utf-8")) for name in row if name}
    defined = {name for path in (library / "templates").rglob("_*.tpl") for name in DEFINE.findall(path.read_text(encoding="utf-8"))}
    return sorted(defined - listed), sorted(listed - defined)


def test_readme_lists_every_helper():
    missing, stale = helper_table_gaps(COMMON_LIB)
    assert not missing, f"charts/common-lib/README.md has no table row for: {missing}"
    assert not stale, f"charts/common-lib/README.md lists helpers that do not exist: {stale}"


def test_readme_check_notices_a_new_define(tmp_path):
    library = tmp_path / "common-lib"
    shutil.copytree(COMMON_LIB, library)
    (library / "templates" / "_extra.tpl").write_text('{{- define "common-lib.extra.thing" -}}{{- end -}}\n', encoding="utf-8")
    assert helper_table_gaps(library) == (["common-lib.extra.thing"], [])


def test_readme_is_packaged_with_the_library(helm4, tmp_path):
    helm4.run(["package", str(COMMON_LIB), "--destination", str(tmp_path)])
    (archive,) = tmp_path.glob("common-lib-*.tgz")
    with tarfile.open(archive) as tar:
        assert "common-lib/README.md" in tar.getnames()


def test_pod_spec_builds_init_containers_like_containers(helm_version):
    """Init containers go through the same container spec: restricted, with /tmp on request,
    and the pod gets the /tmp volume when any of its containers asks for it."""
    pod = outputs(render_consumer(helm_version))["pod-spec"]
    (init,) = pod["initContainers"]
    (main,) = pod["containers"]
    assert init["securityContext"] == main["securityContext"] == RESTRICTED_CONTAINER
    assert init["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}] and "volumeMounts" not in main
    assert pod["volumes"] == [{"name": "tmp", "emptyDir": {"sizeLimit": "16Mi"}}]
    assert init["args"] == ["--for", "db"] and main["image"] == "registry.example.com/test/consumer:2.0.1"
    assert pod["securityContext"] == RESTRICTED_POD and pod["restartPolicy"] == "Never"


# --- consumer mistakes the library catches --------------------------------------------------


def test_a_feature_turned_on_without_its_settings_is_named(helm_version):
    """Over common-lib.app.defaults, a consumer that turns a feature on but forgets the
    settings it needs gets a message, not a silently dropped hook or an image "<nil>"."""
    with pytest.raises(HelmError) as failed:
        render_consumer(
            helm_version,
            set_values=(
                "workload.listenPort=null",
                "extras.migration.enabled=true",
                "extras.migration.command={./migrate}",
                "extras.tests.enabled=true",
                "workload.helpers[0].name=shipper",
                "workload.helpers[0].image.repository=registry.example.com/shipper",
                "workload.helpers[0].env.SHIP_TOKEN=hunter2",
                "workload.helpers[0].resources.requests.cpu=10m",
            ),
        )
    stderr = failed.value.stderr
    assert "  - containerPort: must be a port number from 1 to 65535 (got null)" in stderr
    assert '  - migration.hooks: must list Helm hook phases when migration.enabled is true (got "")' in stderr
    assert '  - tests.image.repository: is not an image repository (got "")' in stderr
    assert "  - tests.image.tag: is required unless tests.image.digest is set (got empty)" in stderr
    assert "  - sidecars[0].image.tag: is required unless sidecars[0].image.digest is set" in stderr
    assert "  - sidecars[0].resources.limits.memory: is required" in stderr
    assert "  - sidecars[0].env.SHIP_TOKEN: looks like a secret and must not be written into values; reference it with sidecars[0].secretEnv.SHIP_TOKEN" in stderr
    assert stderr.count("consumer: invalid values:") == 1


def test_an_entry_point_called_the_1x_way_says_what_it_needs(helm4, consumer_copy):
    consumer, _library = consumer_copy
    (consumer / "templates" / "service.yaml").write_text('{{- include "common-lib.service" (dict "context" .) | nindent 0 }}\n')
    with pytest.raises(HelmError) as failed:
        render_consumer(helm4, chart=consumer)
    assert 'common-lib: an entry point needs (dict "context" $ "app" <the App>)' in failed.value.stderr


MANY_APPS = 150


def test_every_app_built_in_its_own_template_is_validated_and_labelled(helm_version, consumer_copy, monkeypatch):
    """Validation and labels are remembered per render. An App built anew in each
    template is a map that the garbage collector may free once that template is done;
    a later App can then get the same address. With a GC that runs all the time, every
    App must still be checked and labelled as itself."""
    _consumer, library = consumer_copy
    chart = library.parent.parent / "tests" / "many-apps"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(
        "apiVersion: v2\nname: many\nversion: 0.1.0\ndependencies:\n"
        "  - name: common-lib\n    version: " + yaml.safe_load((library / "Chart.yaml").read_text())["version"]
        + "\n    repository: file://../../charts/common-lib\n"
    )
    template = (
        '{{{{- $app := include "common-lib.app.defaults" . | fromYaml }}}}\n'
        '{{{{- $_ := include "common-lib.util.merge" (list $app (dict "nameOverride" "app-{i}" "containerPort" 8080'
        ' "service" (dict "port" 80) "image" (dict "repository" "registry.example.com/app" "tag" "{tag}")'
        ' "resources" (dict "requests" (dict "cpu" "10m" "memory" "16Mi") "limits" (dict "memory" "32Mi")))) }}}}\n'
        '{{{{- include "common-lib.service" (dict "context" . "app" $app) | nindent 0 }}}}\n'
    )
    for i in range(MANY_APPS):
        (chart / "templates" / f"s{i:03}.yaml").write_text(template.format(i=i, tag=f"1.{i}.0"))
    monkeypatch.setenv("GOGC", "5")
    services = render_chart(chart, helm_version).docs
    assert len(services) == MANY_APPS
    for doc in services:
        name = doc["spec"]["selector"]["app.kubernetes.io/name"]
        assert doc["metadata"]["labels"]["app.kubernetes.io/name"] == name, documents.resource_id(doc)
        assert doc["metadata"]["labels"]["app.kubernetes.io/version"] == "1." + name.split("-")[1] + ".0"
    # the last template Helm renders (s000) holds a bad App: it must still be checked
    (chart / "templates" / "s000.yaml").write_text(template.format(i=0, tag="latest"))
    with pytest.raises(HelmError) as failed:
        render_chart(chart, helm_version)
    assert 'image.tag: "latest" is not allowed' in failed.value.stderr

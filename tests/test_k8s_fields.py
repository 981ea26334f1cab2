"""common-lib.fields.check: Kubernetes objects from values are checked field by field.

* templates/fields/_types.tpl is what scripts/gen_k8s_fields.py generates today, and
  holds only fields that every minor from 1.29 to 1.37 has;
* the walker, called from a throwaway chart that depends on a copy of common-lib, names
  each unknown field and each value of the wrong shape, with its key path, and prints
  nothing for correct objects of every root type (objects that kubernetes-validate,
  strict, accepts for 1.29 and 1.37; the bad ones it refuses);
* the check can fail: drop a field from the tree, and a correct object is reported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from chart_harness.helm import HelmError, HelmVersion
from chart_harness.render import render_chart
from tests.support.tools import COMMON_LIB, ROOT, load_script

TYPES_TPL = COMMON_LIB / "templates" / "fields" / "_types.tpl"
KUBE_VERSIONS = ("1.29.0", "1.37.0")


gen = load_script("gen_k8s_fields")
ROOT_TYPES = [gen.short(r) for r in gen.ROOTS]


# --- the generated tree ---------------------------------------------------------------------


def test_the_committed_tree_is_what_the_generator_writes():
    assert TYPES_TPL.read_text(encoding="utf-8") == gen.generate(), (
        f"{TYPES_TPL.relative_to(ROOT)} is stale: run `{gen.COMMAND}` and commit it"
    )


def test_the_tree_has_only_fields_every_supported_minor_has():
    tree = gen.tree()
    assert set(ROOT_TYPES) <= set(tree)
    newest = gen.load(gen.schema_dir(), "1.37")
    # Added after 1.29: in the 1.37 schema, not in the tree.
    for type_name, field in [("Volume", "image"), ("Lifecycle", "stopSignal"), ("EnvVarSource", "fileKeyRef")]:
        assert field in newest[gen.CORE + type_name]["properties"], (type_name, field)
        assert field not in tree[type_name], f"{type_name}.{field} is newer than 1.29"
    assert tree["LifecycleHandler"]["sleep"] == ("object", "SleepAction")
    assert tree["PersistentVolumeClaimTemplate"]["metadata"] == ("map", None)  # ObjectMeta: the user's keys
    assert tree["LabelSelector"] == {"matchExpressions": ("list", "LabelSelectorRequirement"), "matchLabels": ("map", None)}
    # Required fields: in any minor, among the fields every minor has.
    assert tree["KeyToPath"][gen.REQUIRED] == ("required", "key,path")
    assert tree["VolumeMount"][gen.REQUIRED] == ("required", "mountPath,name")
    assert gen.REQUIRED not in tree["Toleration"]
    # Every referenced type is in the tree.
    assert {ref for fields in tree.values() for kind, ref in fields.values() if kind in ("object", "list")} <= set(tree)
    # Scalars keep their kind, where the schemas give one.
    assert tree["ExecAction"]["command"] == ("scalars", "string")
    assert tree["SleepAction"]["seconds"] == ("scalar", "integer")
    assert tree["HTTPGetAction"]["port"] == ("scalar", None)  # IntOrString
    assert tree["VolumeMount"]["readOnly"] == ("scalar", "boolean")


def _scalar(spec: Any) -> str | None:
    """The kind of a scalar's encoding (0 and False are equal in Python: compare types)."""
    kinds = {type(None): None, str: "string", int: "integer", bool: "boolean"}
    assert spec in (None, "", 0), spec
    return kinds[type(spec)]


def _decode(field: str, spec: Any) -> tuple[str, str | None]:
    if field == gen.REQUIRED:
        return ("required", ",".join(spec))
    if isinstance(spec, str) and spec:
        return ("object", spec)
    if isinstance(spec, list):
        if spec and isinstance(spec[0], str) and spec[0]:
            return ("list", spec[0])
        return ("scalars", _scalar(spec[0]) if spec else None)
    if isinstance(spec, dict):
        assert spec == {}, spec
        return ("map", None)
    return ("scalar", _scalar(spec))


def test_the_encoding_reads_back_as_the_tree():
    text = TYPES_TPL.read_text(encoding="utf-8")
    body = text.split('{{- define "common-lib.fields.types" -}}\n', 1)[1].rsplit("{{- end -}}", 1)[0]
    parsed = json.loads(body)
    assert {name: {f: _decode(f, s) for f, s in fields.items()} for name, fields in parsed.items()} == gen.tree()


# --- the walker, through a consumer of a copy of common-lib ---------------------------------

# (name, key, type, value): correct objects, one or more of every root type.
GOOD: list[tuple[str, str, str, Any]] = [
    ("volume-configmap", "extraVolumes[0]", "Volume", {
        "name": "config",
        "configMap": {"name": "orders-config", "defaultMode": 0o440, "optional": True,
                      "items": [{"key": "app.yaml", "path": "app.yaml", "mode": 0o400}]},
    }),
    ("volume-projected", "extraVolumes[1]", "Volume", {
        "name": "bundle",
        "projected": {"defaultMode": 0o444, "sources": [
            {"serviceAccountToken": {"audience": "vault", "expirationSeconds": 3600, "path": "token"}},
            {"configMap": {"name": "ca", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"secret": {"name": "tls", "optional": False}},
            {"downwardAPI": {"items": [
                {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
                {"path": "cpu", "resourceFieldRef": {"containerName": "app", "resource": "limits.cpu", "divisor": "1m"}},
            ]}},
        ]},
    }),
    ("volume-csi", "extraVolumes[2]", "Volume", {
        "name": "secrets-store",
        "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": True,
                "volumeAttributes": {"secretProviderClass": "orders"}, "nodePublishSecretRef": {"name": "creds"}},
    }),
    ("volume-ephemeral", "extraVolumes[3]", "Volume", {
        "name": "scratch",
        "ephemeral": {"volumeClaimTemplate": {
            "metadata": {"labels": {"app.kubernetes.io/name": "orders"}},
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast",
                     "resources": {"requests": {"storage": "1Gi"}}},
        }},
    }),
    ("volume-emptydir", "extraVolumes[4]", "Volume", {"name": "cache", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}),
    ("volume-mount", "extraVolumeMounts[0]", "VolumeMount", {"name": "config", "mountPath": "/etc/orders", "subPath": "app.yaml", "readOnly": True}),
    ("toleration", "tolerations[0]", "Toleration", {
        "key": "dedicated", "operator": "Equal", "value": "orders", "effect": "NoExecute", "tolerationSeconds": 300,
    }),
    ("affinity", "affinity", "Affinity", {
        "podAntiAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {
                "topologyKey": "kubernetes.io/hostname",
                "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "orders"},
                                  "matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]},
            }}],
            "requiredDuringSchedulingIgnoredDuringExecution": [{
                "topologyKey": "topology.kubernetes.io/zone", "namespaces": ["shop"],
                "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "orders"}},
            }],
        },
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64", "arm64"]}]},
            ]},
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 1, "preference": {"matchExpressions": [{"key": "pool", "operator": "In", "values": ["spot"]}]}},
            ],
        },
    }),
    ("container-port", "sidecars[0].ports[0]", "ContainerPort", {"name": "metrics", "containerPort": 9090, "protocol": "TCP"}),
    ("env-fieldref", "sidecars[0].env[0]", "EnvVar", {
        "name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}},
    }),
    ("env-secret", "sidecars[0].env[1]", "EnvVar", {
        "name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password", "optional": False}},
    }),
    ("env-value", "sidecars[0].env[2]", "EnvVar", {"name": "MODE", "value": "fast"}),
    ("env-from", "sidecars[0].envFrom[0]", "EnvFromSource", {"prefix": "DB_", "configMapRef": {"name": "db", "optional": True}}),
    ("probe-http", "sidecars[0].livenessProbe", "Probe", {
        "httpGet": {"path": "/healthz", "port": 8081, "scheme": "HTTP", "httpHeaders": [{"name": "X-Probe", "value": "kubelet"}]},
        "initialDelaySeconds": 5, "periodSeconds": 10, "timeoutSeconds": 2, "failureThreshold": 3, "successThreshold": 1,
    }),
    ("probe-exec", "sidecars[0].readinessProbe", "Probe", {"exec": {"command": ["cat", "/tmp/ready"]}, "periodSeconds": 5}),
    ("lifecycle", "sidecars[0].lifecycle", "Lifecycle", {
        "preStop": {"sleep": {"seconds": 5}},
        "postStart": {"exec": {"command": ["sh", "-c", "echo started"]}},
    }),
    ("peer-ipblock", "networkPolicy.from[0]", "NetworkPolicyPeer", {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}),
    ("peer-selectors", "networkPolicy.from[1]", "NetworkPolicyPeer", {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
        "podSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["prometheus"]}]},
    }),
    ("egress-rule", "networkPolicy.egress.rules[0]", "NetworkPolicyEgressRule", {
        "to": [{"ipBlock": {"cidr": "10.20.0.0/16"}}], "ports": [{"port": 5671, "endPort": 5672, "protocol": "TCP"}],
    }),
]

LONG = "x" * 80
# (name, key, type, value, expected output)
BAD: list[tuple[str, str, str, Any, str]] = [
    ("unknown-top-level", "extraVolumes[0]", "Volume", {"name": "x", "emptydir": {}},
     "\nextraVolumes[0].emptydir: is not a field of Volume (got {}); allowed: " + ", ".join(sorted(set(gen.tree()["Volume"]) - {gen.REQUIRED}))),
    ("required-missing", "extraVolumes[3]", "Volume", {"name": "config", "configMap": {"name": "orders", "items": [{"path": "app.yaml"}]}},
     "\nextraVolumes[3].configMap.items[0].key: is required (got null); KeyToPath needs key, path"),
    ("required-null", "extraVolumeMounts[0]", "VolumeMount", {"name": "config", "mountPath": None},
     "\nextraVolumeMounts[0].mountPath: is required (got null); VolumeMount needs mountPath, name"),
    ("number-for-text", "sidecars[0].lifecycle", "Lifecycle", {"preStop": {"exec": {"command": ["sleep", 5]}}},
     '\nsidecars[0].lifecycle.preStop.exec.command[1]: must be text (got 5); quote it, e.g. "5"'),
    ("text-for-a-number", "sidecars[1].lifecycle", "Lifecycle", {"preStop": {"sleep": {"seconds": "5"}}},
     '\nsidecars[1].lifecycle.preStop.sleep.seconds: must be a whole number (got "5"); write it without quotes'),
    ("fraction-for-a-number", "tolerations[2]", "Toleration", {"operator": "Exists", "tolerationSeconds": 1.5},
     "\ntolerations[2].tolerationSeconds: must be a whole number (got 1.5)"),
    ("text-for-a-boolean", "extraVolumeMounts[1]", "VolumeMount", {"name": "config", "mountPath": "/config", "readOnly": "yes"},
     '\nextraVolumeMounts[1].readOnly: must be true or false (got "yes")'),
    ("the-required-key-is-no-field", "tolerations[1]", "Toleration", {"!": ["key"], "operator": "Exists"},
     '\ntolerations[1].!: is not a field of Toleration (got ["key"]); allowed: effect, key, operator, tolerationSeconds, value'),
    ("unknown-nested", "affinity", "Affinity",
     {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
         {"matchExpresions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]}}},
     "\naffinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpresions:"
     ' is not a field of NodeSelectorTerm (got [{"key":"zone","operator":"In","values":["a"]}]);'
     " allowed: matchExpressions, matchFields"),
    ("unknown-root-field", "affinity", "Affinity", {"nodeAfinity": {}},
     "\naffinity.nodeAfinity: is not a field of Affinity (got {}); allowed: nodeAffinity, podAffinity, podAntiAffinity"),
    ("not-a-map", "extraVolumes[1]", "Volume", {"name": "config", "configMap": "orders-config"},
     '\nextraVolumes[1].configMap: must be a map (got "orders-config")'),
    ("root-not-a-map", "tolerations[0]", "Toleration", "NoSchedule",
     '\ntolerations[0]: must be a map (got "NoSchedule")'),
    ("free-map-not-a-map", "networkPolicy.from[0]", "NetworkPolicyPeer", {"podSelector": {"matchLabels": "app=orders"}},
     '\nnetworkPolicy.from[0].podSelector.matchLabels: must be a map (got "app=orders")'),
    ("not-a-list", "affinity", "Affinity",
     {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"topologyKey": "kubernetes.io/hostname"}}},
     '\naffinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution: must be a list (got {"topologyKey":"kubernetes.io/hostname"})'),
    ("scalars-not-a-list", "sidecars[0].livenessProbe", "Probe", {"exec": {"command": "cat /tmp/ready"}},
     '\nsidecars[0].livenessProbe.exec.command: must be a list (got "cat /tmp/ready")'),
    ("not-a-scalar", "sidecars[0].ports[0]", "ContainerPort", {"containerPort": {"value": 8080}},
     '\nsidecars[0].ports[0].containerPort: must be a scalar (got {"value":8080})'),
    ("newer-than-1.29", "extraVolumes[2]", "Volume", {"name": "model", "image": {"reference": "registry.example.com/model:1"}},
     '\nextraVolumes[2].image: is not a field of Volume (got {"reference":"registry.example.com/model:1"}); allowed: '
     + ", ".join(sorted(set(gen.tree()["Volume"]) - {gen.REQUIRED}))),
    ("several-and-truncated", "sidecars[0].env[0]", "EnvVar", {"name": "A", "valuFrom": {"x": LONG}, "valueFrom": {"fieldRef": {"path": "x"}}},
     "\nsidecars[0].env[0].valuFrom: is not a field of EnvVar (got "
     + json.dumps({"x": LONG}, separators=(",", ":"))[:57] + "...); allowed: name, value, valueFrom"
     "\nsidecars[0].env[0].valueFrom.fieldRef.fieldPath: is required (got null); ObjectFieldSelector needs fieldPath"
     '\nsidecars[0].env[0].valueFrom.fieldRef.path: is not a field of ObjectFieldSelector (got "x"); allowed: apiVersion, fieldPath'),
]

CHECKS_TEMPLATE = """\
{{- range .Values.cases }}
---
apiVersion: fields.test/v1
kind: FieldCheck
metadata:
  name: {{ .name }}
spec:
  out: {{ include "common-lib.fields.check" (dict "context" $ "key" .key "value" .value "type" .type) | toJson }}
{{- end }}
"""


def fields_chart(library: Path, template: str, values: dict[str, Any]) -> Path:
    """A throwaway chart beside the library copy (tests/fields-check), depending on it."""
    chart = library.parent.parent / "tests" / "fields-check"
    (chart / "templates").mkdir(parents=True, exist_ok=True)
    version = yaml.safe_load((library / "Chart.yaml").read_text(encoding="utf-8"))["version"]
    (chart / "Chart.yaml").write_text(
        "apiVersion: v2\nname: fields-check\nversion: 0.1.0\ndependencies:\n"
        f"  - name: common-lib\n    version: {version}\n    repository: file://../../charts/common-lib\n",
        encoding="utf-8",
    )
    (chart / "templates" / "checks.yaml").write_text(template, encoding="utf-8")
    (chart / "values.yaml").write_text(json.dumps(values), encoding="utf-8")
    return chart


def check(helm: HelmVersion, library: Path, cases: list[tuple]) -> dict[str, str]:
    """Each case's name -> what common-lib.fields.check printed for it."""
    values = {"cases": [{"name": c[0], "key": c[1], "type": c[2], "value": c[3]} for c in cases]}
    result = render_chart(fields_chart(library, CHECKS_TEMPLATE, values), helm)
    return {d["metadata"]["name"]: d["spec"]["out"] for d in result.docs}


def test_correct_objects_of_every_root_type_pass(helm_version, consumer_copy):
    _consumer, library = consumer_copy
    assert {c[2] for c in GOOD} == set(ROOT_TYPES)
    assert check(helm_version, library, GOOD) == {c[0]: "" for c in GOOD}


def test_problems_are_named_with_their_key_path(helm_version, consumer_copy):
    _consumer, library = consumer_copy
    assert check(helm_version, library, [c[:4] for c in BAD]) == {c[0]: c[4] for c in BAD}


def test_a_field_dropped_from_the_tree_is_reported(helm_version, consumer_copy):
    """The check can fail: without `sleep` in the tree, a correct preStop sleep is refused."""
    _consumer, library = consumer_copy
    types = library / "templates" / "fields" / "_types.tpl"
    text = types.read_text(encoding="utf-8")
    assert '"sleep":"SleepAction",' in text
    types.write_text(text.replace('"sleep":"SleepAction",', ""), encoding="utf-8")
    lifecycle = [c for c in GOOD if c[0] == "lifecycle"]
    assert check(helm_version, library, lifecycle) == {
        "lifecycle": "\nsidecars[0].lifecycle.preStop.sleep: is not a field of LifecycleHandler (got"
        ' {"seconds":5}); allowed: exec, httpGet, tcpSocket'
    }


def test_the_tree_is_parsed_once_per_render(helm4, consumer_copy):
    """The parsed tree is kept on the root context: a tree put there first is the one used."""
    _consumer, library = consumer_copy
    template = (
        '{{- $_ := set $ "common-lib.fields" (dict "Volume" (dict "only" nil)) }}\n'
        'out: {{ include "common-lib.fields.check" (dict "context" $ "key" "v" "value" (dict "name" "x") "type" "Volume") | toJson }}\n'
    )
    (doc,) = render_chart(fields_chart(library, template, {}), helm4).docs
    assert doc == {"out": '\nv.name: is not a field of Volume (got "x"); allowed: only'}


def test_an_unknown_type_fails_the_render(helm4, consumer_copy):
    _consumer, library = consumer_copy
    template = '{{ include "common-lib.fields.check" (dict "context" $ "key" "v" "value" dict "type" "Volumes") }}\n'
    with pytest.raises(HelmError) as failed:
        render_chart(fields_chart(library, template, {}), helm4)
    assert 'common-lib.fields.check: no type "Volumes"; the types are AWSElasticBlockStoreVolumeSource, ' in failed.value.stderr


# --- the examples are what Kubernetes says ------------------------------------------------------


def _objects(cases: list[tuple]) -> list[dict]:
    """The cases placed where they belong in a Pod and a NetworkPolicy."""
    container: dict[str, Any] = {"name": "app", "image": "registry.example.com/app:1.0.0"}
    pod_spec: dict[str, Any] = {"containers": [container]}
    peers: list[Any] = []
    policy_spec: dict[str, Any] = {"podSelector": {}, "ingress": [{"from": peers}]}
    for _name, _key, type_name, value, *_ in cases:
        target, field, many = {
            "Volume": (pod_spec, "volumes", True),
            "Toleration": (pod_spec, "tolerations", True),
            "Affinity": (pod_spec, "affinity", False),
            "VolumeMount": (container, "volumeMounts", True),
            "ContainerPort": (container, "ports", True),
            "EnvVar": (container, "env", True),
            "EnvFromSource": (container, "envFrom", True),
            "Probe": (container, "livenessProbe", False),
            "Lifecycle": (container, "lifecycle", False),
            "NetworkPolicyPeer": (None, "from", True),
            "NetworkPolicyEgressRule": (policy_spec, "egress", True),
        }[type_name]
        if target is None:
            peers.append(value)
        elif many:
            target.setdefault(field, []).append(value)
        else:
            target[field] = value
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": pod_spec}
    policy = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "n"},
              "spec": policy_spec}
    return [pod, policy]


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
def test_the_correct_objects_are_valid_kubernetes(kube_version):
    for obj in _objects(GOOD):
        kubernetes_validate.validate(obj, kube_version, strict=True)


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_the_bad_objects_are_refused_by_kubernetes_1_29(case):
    pod, policy = _objects([case])
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(policy if case[2] == "NetworkPolicyPeer" else pod, KUBE_VERSIONS[0], strict=True)

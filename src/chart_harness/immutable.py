"""Immutable fields and delete/recreate: what `helm upgrade` does to a live release.

`helm upgrade` patches every object of the release in place. Kubernetes refuses a
patch to an immutable field ("field is immutable"), and Helm deletes every object
that is no longer rendered under the same (group, kind, namespace, name) and
creates the new one. compare_releases() names every such change between two
renders of one release.

    compare_releases(case, old_docs, new_docs)   -> [findings.Finding], breaking and notices
    change(case, resource, field, old, new, ...) one change as a Finding (rule upgrade:<impact>)
    RECREATE, DOWNTIME, MANUAL, NO_INTERRUPTION  what a finding means for a live release
    leaf_changes(old, new)                       'path: old -> new' per differing leaf
    resource_name(key)                           'Kind/name' of an object key (documents.object_key)
    quantity("10Gi")                             a Kubernetes quantity as a number
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .documents import get, hook_delete_policies, hook_events, object_key, resource_id
from .findings import Finding
from .settings import active


# (group, kind, namespace, name): how Helm matches the objects of two revisions
# (pkg/kube/resource.go isMatchingInfo: name, namespace and GroupKind; the API
# version may change without a delete).
Key = tuple[str, str, str, str]

RECREATE = "recreate"
DOWNTIME = "downtime"
MANUAL = "manual step"
NO_INTERRUPTION = "no interruption"

# Fields of a StatefulSet spec that the API server lets an update change; every
# other spec field is immutable (apps/validation ValidateStatefulSetUpdate).
STATEFULSET_MUTABLE = frozenset(
    {
        "replicas",
        "ordinals",
        "template",
        "updateStrategy",
        "persistentVolumeClaimRetentionPolicy",
        "minReadySeconds",
        "revisionHistoryLimit",
    }
)
PATCHABLE_SERVICE_TYPES = frozenset({"ClusterIP", "NodePort", "LoadBalancer"})


def change(
    case: str,
    resource: str,
    field: str,
    old: Any,
    new: Any,
    impact: str,
    consequence: str,
    *,
    breaking: bool = True,
    details: tuple[str, ...] = (),
) -> Finding:
    """One change a live release would feel, as a Finding with the rule "upgrade:<impact>".

    breaking   the upgrade fails or objects are deleted/recreated (needs a major bump);
               False makes it a notice (patchable, but worth knowing before rollout)
    impact     RECREATE, DOWNTIME, MANUAL or NO_INTERRUPTION: what it means for a live release
    details    changed leaves ("<path>: old -> new"); they replace "old -> new" on the first line
    """
    return Finding(
        case,
        resource,
        field,
        f"upgrade:{impact.replace(' ', '-')}",
        "changed:" if details else f"{_short(old)} -> {_short(new)}",
        notes=(*details, f"live release ({impact}): {consequence}"),
        notice=not breaking,
    )


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


ABSENT = _Absent()


def _compact(value: Any) -> str:
    """One-line YAML-ish rendering: {a: 1, b: [x, y]}."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_compact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_compact(v) for v in value) + "]"
    if isinstance(value, str) and value and not re.search(r"[\s:,{}\[\]'\"#]", value):
        return value
    return repr(value)


def _short(value: Any, limit: int = 160) -> str:
    text = "(absent)" if value is ABSENT else _compact(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def leaf_changes(old: Any, new: Any, path: str = "", limit: int = 8) -> list[str]:
    """'path: old -> new' for each differing leaf (maps recursively, lists by index)."""
    out: list[str] = []

    def walk(a: Any, b: Any, p: str) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b), key=str):
                walk(a.get(k, ABSENT), b.get(k, ABSENT), f"{p}.{k}" if p else str(k))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{p}[{i}]")
        elif a != b:
            out.append(f"{p or '(value)'}: {_short(a, 100)} -> {_short(b, 100)}")

    walk(old, new, path)
    if len(out) > limit:
        out = out[:limit] + [f"... and {len(out) - limit} more"]
    return out


def resource_name(key: Key) -> str:
    """'Kind/name' of an object key, as documents.resource_id names a document."""
    return resource_id({"kind": key[1], "metadata": {"name": key[3]}})


def _get(doc: Mapping, dotted: str) -> Any:
    return get(doc, dotted, ABSENT)


def _immutable(case: str, key: Key, old: Mapping, new: Mapping, dotted: str, impact: str, consequence: str) -> list[Finding]:
    a, b = _get(old, dotted), _get(new, dotted)
    if a == b:
        return []
    return [
        change(
            case,
            resource_name(key),
            dotted,
            a,
            b,
            impact,
            consequence,
            details=tuple(leaf_changes(a, b, dotted)) if isinstance(a, dict) and isinstance(b, dict) else (),
        )
    ]


def _workload_selector_consequence(kind: str, name: str, namespace: str) -> str:
    return (
        f'the API server rejects the patch ("field is immutable"), so helm upgrade fails and the '
        f"release stays on the old revision. Manual step: kubectl -n {namespace} delete "
        f"{kind.lower()} {name} --cascade=orphan, then upgrade; the orphaned old pods keep running "
        f"(and serving while a Service still selects them): delete them once the new pods are "
        f"Ready. Without --cascade=orphan every pod goes at once (downtime)"
    )


def _service_type(spec: Mapping) -> str:
    return str(spec.get("type") or "ClusterIP")


def _compare_service(case: str, key: Key, old: Mapping, new: Mapping) -> list[Finding]:
    found: list[Finding] = []
    name, namespace = key[3], key[2]
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    old_type, new_type = _service_type(old_spec), _service_type(new_spec)
    recreate = (
        f"the API server rejects the patch, so helm upgrade fails. Manual step: kubectl -n {namespace} "
        f"delete service {name}, then upgrade: the Service gets a new ClusterIP and callers that "
        f"cached the old address (or the headless DNS records) fail until they re-resolve (downtime)"
    )
    for dotted in ("spec.clusterIP", "spec.clusterIPs"):
        a, b = _get(old, dotted), _get(new, dotted)
        if a != b:
            # Rendering no clusterIP keeps the allocated one; any explicit change,
            # "None" (headless) <-> allocated included, is immutable.
            found.append(change(case, resource_name(key), dotted, a, b, MANUAL, recreate))
    if old_type != new_type:
        if {old_type, new_type} <= PATCHABLE_SERVICE_TYPES:
            lost = {
                "LoadBalancer": "the cloud load balancer and its external address are released",
                "NodePort": "the node ports are released",
            }
            consequence = "patched in place"
            if old_type in lost and not (old_type == "NodePort" and new_type == "LoadBalancer"):
                consequence += f"; {lost[old_type]}, so clients outside the cluster lose access"
            elif new_type == "LoadBalancer":
                consequence += "; a cloud load balancer is provisioned (a new external address)"
            found.append(
                change(case, resource_name(key), "spec.type", old_type, new_type, DOWNTIME if old_type in lost and "lose access" in consequence else NO_INTERRUPTION, consequence, breaking=False)
            )
        else:
            found.append(
                change(
                    case,
                    resource_name(key),
                    "spec.type",
                    old_type,
                    new_type,
                    MANUAL,
                    f"a change to or from ExternalName needs clusterIP allocated or cleared, which "
                    f"Helm's patch does not do: the upgrade fails. {recreate.split('. ', 1)[1]}",
                )
            )
    return found


def _pvc_storage(doc: Mapping) -> Any:
    return _get(doc, "spec.resources.requests.storage")


_QUANTITY = re.compile(r"^([0-9.]+)([A-Za-z]*)$")
_SUFFIX = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
           "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60, "m": 1e-3}


def quantity(value: Any) -> float | None:
    match = _QUANTITY.match(str(value))
    if not match or match.group(2) not in _SUFFIX:
        return None
    return float(match.group(1)) * _SUFFIX[match.group(2)]


def _compare_object(case: str, key: Key, old: Mapping, new: Mapping) -> list[Finding]:
    group, kind, namespace, name = key
    found: list[Finding] = []
    if kind in ("Deployment", "DaemonSet", "ReplicaSet") and group == "apps":
        found += _immutable(case, key, old, new, "spec.selector", MANUAL, _workload_selector_consequence(kind, name, namespace))
    elif kind == "StatefulSet" and group == "apps":
        old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
        for field_name in sorted((set(old_spec) | set(new_spec)) - STATEFULSET_MUTABLE):
            found += _immutable(
                case,
                key,
                old,
                new,
                f"spec.{field_name}",
                MANUAL,
                _workload_selector_consequence(kind, name, namespace)
                + "; the PersistentVolumeClaims stay and are adopted by name",
            )
    elif kind == "Job" and group == "batch":
        consequence = (
            f"the API server rejects the patch (a Job's template and selector are immutable), so "
            f"helm upgrade fails. Manual step: kubectl -n {namespace} delete job {name} before the "
            f"upgrade (it runs again), or make it a hook with before-hook-creation"
        )
        for dotted in ("spec.selector", "spec.template", "spec.completions", "spec.completionMode"):
            found += _immutable(case, key, old, new, dotted, MANUAL, consequence)
    elif kind == "Service" and group == "":
        found += _compare_service(case, key, old, new)
    elif kind == "PersistentVolumeClaim" and group == "":
        consequence = (
            "the API server rejects the patch, so helm upgrade fails. Manual step: a new claim and a "
            "data migration; deleting the claim deletes the data unless the volume's reclaim policy is Retain"
        )
        for dotted in ("spec.storageClassName", "spec.accessModes", "spec.volumeMode", "spec.volumeName", "spec.selector", "spec.dataSource"):
            found += _immutable(case, key, old, new, dotted, MANUAL, consequence)
        a, b = _pvc_storage(old), _pvc_storage(new)
        if a is not ABSENT and b is not ABSENT and quantity(a) is not None and quantity(b) is not None and quantity(b) < quantity(a):
            found.append(
                change(case, resource_name(key), "spec.resources.requests.storage", a, b, MANUAL,
                        "a claim can only grow: the API server rejects the shrink and helm upgrade fails")
            )
    elif kind in ("ConfigMap", "Secret") and group == "" and old.get("immutable") is True:
        consequence = (
            f"an immutable {kind} cannot change: the upgrade fails. Manual step: delete it first "
            f"(pods that mount it keep the old content until restarted); better, put a content hash in its name"
        )
        for dotted in ("immutable", "data", "stringData", "binaryData"):
            found += _immutable(case, key, old, new, dotted, MANUAL, consequence)
    elif kind in ("RoleBinding", "ClusterRoleBinding") and group == "rbac.authorization.k8s.io":
        found += _immutable(
            case, key, old, new, "roleRef", MANUAL,
            f"roleRef is immutable: the upgrade fails. Manual step: kubectl delete {kind.lower()} {name} first "
            "(the subjects lose the permissions until the upgrade recreates it)",
        )
    return found


_DELETE_CONSEQUENCE = {
    "Deployment": "every old pod is terminated while the new Deployment starts its own: downtime",
    "StatefulSet": "every old pod is terminated; the new StatefulSet's claims have new names, so the data stays behind",
    "DaemonSet": "every node loses its pod until the new DaemonSet's pod starts: downtime",
    "Service": "the old DNS name stops resolving and the new Service gets a new ClusterIP: callers break (downtime)",
    "PersistentVolumeClaim": "the claim is deleted: its data is lost unless the volume's reclaim policy is Retain",
    "ServiceAccount": "pods still running as the old account lose its token; workload-identity bindings tied to the old name break",
    "ConfigMap": "pods that still reference it fail to start (e.g. on a restart) until the rollout completes",
    "Secret": "pods that still reference it fail to start (e.g. on a restart) until the rollout completes",
    "Ingress": "the route disappears and comes back under a new name (a gap in traffic; controllers may re-issue certificates)",
    "PodDisruptionBudget": "a window without disruption protection",
    "HorizontalPodAutoscaler": "scaling state is lost; the Deployment falls back to its replica count in between",
    "NetworkPolicy": "a window without the policy",
}


def compare_releases(
    case: str, old_docs: Iterable[Mapping], new_docs: Iterable[Mapping], namespace: str | None = None
) -> list[Finding]:
    """Every change between two renders of one release that a live upgrade would feel."""
    namespace = namespace or active().namespace
    old_objects: dict[Key, Mapping] = {}
    new_objects: dict[Key, Mapping] = {}
    old_hooks: dict[Key, Mapping] = {}
    new_hooks: dict[Key, Mapping] = {}
    for docs, objects, hooks in ((old_docs, old_objects, old_hooks), (new_docs, new_objects, new_hooks)):
        for doc in docs:
            events = hook_events(doc)
            if "test" in events:
                continue  # helm test resources are not part of an upgrade
            (hooks if events else objects)[object_key(doc, namespace)] = doc

    found: list[Finding] = []
    for key in sorted(old_objects.keys() & new_objects.keys()):
        found += _compare_object(case, key, old_objects[key], new_objects[key])

    # Helm deletes what is no longer rendered under the same (group, kind, namespace, name).
    removed = sorted(old_objects.keys() - new_objects.keys())
    added = sorted(new_objects.keys() - old_objects.keys())
    for key in removed:
        kind = key[1]
        effect = _DELETE_CONSEQUENCE.get(kind, "anything that refers to it by name breaks")
        regrouped = [k for k in added if k[1:] == key[1:]]
        same_kind = [k for k in added if k[:3] == key[:3]]
        if regrouped:
            old_api = str(old_objects[key].get("apiVersion"))
            new_api = str(new_objects[regrouped[0]].get("apiVersion"))
            found.append(
                change(case, resource_name(key), "apiVersion", old_api, new_api, RECREATE,
                        f"the API group changed, so Helm sees another object: it applies {new_api} {resource_name(key)} "
                        f"and then deletes the {old_api} one. Where both groups serve the same object the "
                        f"object ends up deleted; otherwise it is recreated. {effect}")
            )
        elif len(same_kind) == 1:
            new_key = same_kind[0]
            found.append(
                change(case, resource_name(key), "metadata.name", key[3], new_key[3], RECREATE,
                        f"renamed: Helm deletes {resource_name(key)} and creates {resource_name(new_key)}; {effect}")
            )
        else:
            moved = " (it is now a hook)" if key in new_hooks else ""
            found.append(
                change(case, resource_name(key), "(object)", "rendered", ABSENT, RECREATE,
                        f"removed{moved}: Helm deletes {resource_name(key)} on upgrade; {effect}")
            )

    # Hooks are never patched: Helm creates them on every run. A hook that Helm deletes
    # before creating it again (before-hook-creation, the default) may change freely.
    for key in sorted(old_hooks.keys() & new_hooks.keys()):
        if "before-hook-creation" in hook_delete_policies(new_hooks[key]):
            continue
        if key[1] == "Job" and key[0] == "batch":
            for dotted in ("spec.selector", "spec.template"):
                a, b = _get(old_hooks[key], dotted), _get(new_hooks[key], dotted)
                if a != b:
                    found.append(
                        change(
                            case, resource_name(key), dotted, a, b, MANUAL,
                            "a hook Job without before-hook-creation is created, never patched: a Job kept "
                            "from the previous run (failed, or not deleted by its policy) makes the hook fail "
                            f"with \"already exists\". Manual step: kubectl -n {key[2]} delete job {key[3]}; "
                            "better, add before-hook-creation",
                            details=tuple(leaf_changes(a, b, dotted)) if isinstance(a, dict) and isinstance(b, dict) else (),
                        )
                    )
    return found


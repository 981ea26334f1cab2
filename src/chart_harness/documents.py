"""The Kubernetes document model every check shares: names, keys, paths, pods, containers.

A document is a rendered manifest as a mapping (yamlio / render_chart output). Usage:

    resource_id(doc)                          # "Deployment/orders"
    object_key(doc, "shop")                   # ("apps", "Deployment", "shop", "orders")
    created_objects(doc, "shop")              # its key, and the Secret an ExternalSecret writes
    hook_events(doc), hook_delete_policies(doc)  # its helm.sh/hook annotations, parsed
    get(doc, "spec.template.spec")            # dotted path, None (or default) when absent
    get(doc, ("spec", "containers", 0))       # sequence path: list indexes are ints
    field_path(doc, ("spec", "containers", 0, "image"))  # "spec.containers[app].image"
    for pod in pod_specs(doc):                # Pods, workload and Job templates, CronJobs
        for container in containers(pod):     # init, regular and ephemeral containers
            print(container.path)             # "spec.template.spec.containers[app]"

Every check reports a field by field_path, so the same field reads the same in every
message: list items by their `name` when they have one, else by position.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Doc = Mapping[str, Any]

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")
POD_TEMPLATE_KINDS = (*WORKLOAD_KINDS, "Job")  # kinds with spec.template
CONTAINER_FIELDS = ("initContainers", "containers", "ephemeralContainers")


class _Missing:
    def __repr__(self) -> str:
        return "missing"


MISSING: Any = _Missing()  # a default for get() that tells "absent" from an explicit null


# --- names and keys -----------------------------------------------------------------------


def resource_id(doc: Doc, *, with_namespace: bool = False) -> str:
    """'Kind/name' (or 'Kind/namespace/name') of a document; '?' for what it lacks."""
    meta = doc.get("metadata") or {}
    name = meta.get("name") or meta.get("generateName") or "?"
    kind = doc.get("kind") or "?"
    if with_namespace and meta.get("namespace"):
        return f"{kind}/{meta['namespace']}/{name}"
    return f"{kind}/{name}"


def object_key(doc: Doc, namespace: str = "") -> tuple[str, str, str, str]:
    """(API group, kind, namespace, name): what makes an object the same object in a cluster.

    `namespace` is the release namespace, for documents that do not name their own.
    """
    meta = doc.get("metadata") or {}
    api = str(doc.get("apiVersion", ""))
    group = api.split("/", 1)[0] if "/" in api else ""
    return (group, str(doc.get("kind")), str(meta.get("namespace") or namespace), str(meta.get("name")))


def created_objects(doc: Doc, namespace: str = "") -> Iterator[tuple[tuple[str, str, str, str], str]]:
    """(object key, origin) of every object a document makes the cluster hold: itself
    ("rendered"), and for an ExternalSecret the Secret its operator writes."""
    key = object_key(doc, namespace)
    yield key, "rendered"
    if doc.get("kind") == "ExternalSecret":
        _group, _kind, ns, name = key
        yield ("", "Secret", ns, str(get(doc, "spec.target.name") or name)), f"written by ExternalSecret/{name}"


# --- Helm hooks ------------------------------------------------------------------------


def hook_events(doc: Doc) -> list[str]:
    """The Helm hook events of a document ("pre-install", "test", ...); [] for a regular object."""
    annotations = (doc.get("metadata") or {}).get("annotations") or {}
    return [e.strip() for e in str(annotations.get("helm.sh/hook", "")).split(",") if e.strip()]


def hook_delete_policies(doc: Doc) -> list[str]:
    """The delete policies Helm applies: before-hook-creation when none is set."""
    annotations = (doc.get("metadata") or {}).get("annotations") or {}
    policies = [p.strip() for p in str(annotations.get("helm.sh/hook-delete-policy", "")).split(",") if p.strip()]
    return policies or ["before-hook-creation"]


# --- paths --------------------------------------------------------------------------------


def get(root: Any, path: str | Sequence[Any], default: Any = None) -> Any:
    """The value at a dotted path ("spec.template") or a sequence path (("spec", "ports", 0)).

    An int in a sequence path indexes a list; anything else is a mapping key. A path that
    leaves the document (an absent key, an index past the end, a key into a scalar)
    gives `default`; an explicit null gives None.
    """
    parts = path.split(".") if isinstance(path, str) else path
    current = root
    for part in parts:
        if isinstance(current, Mapping):
            if part not in current:
                return default
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        else:
            return default
    return current


def field_path(doc: Any, path: Sequence[Any]) -> str:
    """A readable field path: 'spec.template.spec.containers[app].ports[http].containerPort'.

    A list index becomes the item's `name` when it has one (containers, ports, env,
    volumes...), because names survive reordering and are what a reviewer searches for.
    """
    out = ""
    current = doc
    for part in path:
        if isinstance(part, int):
            label: Any = part
            if isinstance(current, list) and 0 <= part < len(current):
                item = current[part]
                if isinstance(item, Mapping) and isinstance(item.get("name"), str):
                    label = item["name"]
                current = item
            else:
                current = None
            out += f"[{label}]"
        else:
            out += f".{part}" if out else str(part)
            current = current.get(part) if isinstance(current, Mapping) else None
    return out


# --- pods and containers ------------------------------------------------------------------


@dataclass(frozen=True)
class PodSpec:
    """A pod spec found inside a document, with the keys that lead to it."""

    doc: Doc
    keys: tuple[Any, ...]  # to the pod spec, e.g. ("spec", "template", "spec")
    metadata_keys: tuple[Any, ...]  # to its pod metadata, e.g. ("spec", "template", "metadata")

    @property
    def spec(self) -> Mapping[str, Any]:
        value = get(self.doc, self.keys)
        return value if isinstance(value, Mapping) else {}

    @property
    def labels(self) -> Mapping[str, Any]:
        return get(self.doc, (*self.metadata_keys, "labels")) or {}

    @property
    def annotations(self) -> Mapping[str, Any]:
        return get(self.doc, (*self.metadata_keys, "annotations")) or {}

    @property
    def path(self) -> str:
        """e.g. "spec.template.spec"."""
        return field_path(self.doc, self.keys)

    @property
    def labels_path(self) -> str:
        """Where its labels live, e.g. "spec.template.metadata.labels"."""
        return field_path(self.doc, (*self.metadata_keys, "labels"))


def pod_specs(doc: Doc) -> Iterator[PodSpec]:
    """Every pod spec in a document: Pods, workload templates, Jobs and CronJobs."""
    kind = doc.get("kind")
    if kind == "Pod":
        yield PodSpec(doc, ("spec",), ("metadata",))
    elif kind in POD_TEMPLATE_KINDS:
        yield PodSpec(doc, ("spec", "template", "spec"), ("spec", "template", "metadata"))
    elif kind == "CronJob":
        template = ("spec", "jobTemplate", "spec", "template")
        yield PodSpec(doc, (*template, "spec"), (*template, "metadata"))


@dataclass(frozen=True)
class Container:
    """One container of a pod spec: `field` is containers, initContainers or ephemeralContainers."""

    pod: PodSpec
    field: str
    index: int
    spec: Mapping[str, Any]

    @property
    def keys(self) -> tuple[Any, ...]:
        return (*self.pod.keys, self.field, self.index)

    @property
    def path(self) -> str:
        """e.g. "spec.template.spec.initContainers[migrate]"."""
        return field_path(self.pod.doc, self.keys)

    @property
    def init(self) -> bool:
        return self.field == "initContainers"

    @property
    def name(self) -> str:
        return str(self.spec.get("name", "?"))


def containers(pod: PodSpec) -> Iterator[Container]:
    """Every container of a pod spec: init containers, containers, ephemeral containers."""
    for container_field in CONTAINER_FIELDS:
        for index, spec in enumerate(pod.spec.get(container_field) or []):
            if isinstance(spec, Mapping):
                yield Container(pod, container_field, index, spec)

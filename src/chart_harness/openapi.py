"""Strict OpenAPI validation of rendered documents, for several Kubernetes minor versions.

Schemas:
  * Kubernetes built-in kinds: the JSON schemas that ship inside the kubernetes-validate
    package (in .tools/venv, so offline), `v<minor>.0-local-strict` flavour: every object
    has additionalProperties: false, so an unknown or misspelt field is an error, exactly
    as `kubectl apply --validate=strict` / server-side field validation rejects it.
  * Custom resources we emit (ServiceMonitor, ExternalSecret, HTTPRoute): the small schemas in
    the chart_crd_schemas directory (*.json), which cover the fields the chart can emit, with
    additionalProperties: false at every level. Each names the kind it validates in
    `x-kubernetes-group-version-kind`.
  * Anything else has no schema and is reported as a finding ("no schema"): nothing is
    ever skipped silently.

Validation runs in-process with jsonschema (Draft 2020-12), one compiled validator per
(Kubernetes version, kind), so a document costs about a millisecond. kubeconform is not
used: it expects "standalone" schemas (every $ref inlined) and would resolve
kubernetes-validate's shared `_definitions.json` over the network.

Which versions: every minor version that both (a) satisfies `kubeVersion` in the chart's
Chart.yaml and (b) has schemas offline. The newest offline version is the newest
kubernetes-validate ships; `kubeVersion` gives the oldest.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .documents import field_path, resource_id
from .findings import Finding
from .semver import satisfies
from .errors import ConfigError, ToolMissing
from .chart_version import chart_metadata
from .settings import active

RULE = "openapi"

# --- Kubernetes versions ---------------------------------------------------------------


@functools.cache
def schema_root() -> Path:
    """The kubernetes-json-schema directory inside the installed kubernetes-validate."""
    try:
        import kubernetes_validate  # noqa: PLC0415 - only the gate needs it
    except ImportError:
        raise ToolMissing(
            "kubernetes-validate is not installed in this Python environment "
            "(it ships the Kubernetes OpenAPI schemas): install the plugin's dependencies "
            "into the environment that runs pytest"
        ) from None
    root = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    if not root.is_dir():
        raise ToolMissing(f"{root} is missing: reinstall kubernetes-validate")
    return root


def offline_minors() -> list[tuple[int, int]]:
    """Minor versions with strict schemas offline, oldest first, e.g. [(1, 25), ..., (1, 37)]."""
    found = set()
    for entry in schema_root().iterdir():
        m = re.fullmatch(r"v(\d+)\.(\d+)\.\d+-local-strict", entry.name)
        if m and entry.is_dir():
            found.add((int(m.group(1)), int(m.group(2))))
    return sorted(found)


def chart_kube_constraint(chart_dir: Path) -> str:
    """The chart's kubeVersion; ConfigError if it has none."""
    meta = yaml.safe_load((chart_dir / "Chart.yaml").read_text(encoding="utf-8")) or {}
    constraint = meta.get("kubeVersion")
    if not constraint:
        raise ConfigError(
            f"{chart_dir.name}/Chart.yaml has no kubeVersion: the OpenAPI sweep needs it to "
            f"know the oldest Kubernetes version the chart supports"
        )
    return str(constraint)


def _kube_constraints(chart_dir: Path) -> list[str]:
    """The chart's kubeVersion, or, when it has none, those of its packaged dependencies
    (charts/*.tgz): a product chart supports what the platform chart it wraps supports."""
    try:
        return [chart_kube_constraint(chart_dir)]
    except ConfigError:
        found = []
        for archive in sorted((chart_dir / "charts").glob("*.tgz")):
            meta = chart_metadata(archive)
            if meta.get("kubeVersion"):
                found.append(str(meta["kubeVersion"]))
        if not found:
            meta = yaml.safe_load((chart_dir / "Chart.yaml").read_text(encoding="utf-8")) or {}
            if isinstance(meta, dict) and meta.get("dependencies"):
                raise ConfigError(
                    f"{chart_dir.name}: its dependencies are not built (no charts/*.tgz), so their kubeVersion "
                    f"is unknown: run `helm dependency build {active().shown(chart_dir)}` first"
                ) from None
            raise
        return found


def kube_versions(chart_dir: Path) -> list[str]:
    """The Kubernetes versions to validate against, e.g. ['1.29.0', ..., '1.37.0']:
    chart_kube_versions if set, else every offline minor the chart's kubeVersion (or its
    dependencies' kubeVersions) allows."""
    if active().kube_versions:
        return list(active().kube_versions)
    constraints = _kube_constraints(Path(chart_dir))
    return [
        f"{a}.{b}.0" for a, b in offline_minors() if all(satisfies(c, (a, b, 0)) for c in constraints)
    ]


def minor(kube_version: str) -> str:
    return ".".join(kube_version.split(".")[:2])


# --- schemas ----------------------------------------------------------------------------


def _api_file_part(api_version: str) -> str:
    """kubernetes-validate's file naming: apps/v1 -> apps-v1, networking.k8s.io/v1 -> networking-v1, v1 -> v1."""
    return re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)


@functools.cache
def _k8s_registry(kube_version: str):
    from referencing import Registry, Resource  # noqa: PLC0415

    directory = schema_root() / f"v{minor(kube_version)}.0-local-strict"
    if not directory.is_dir():
        raise AssertionError(f"no strict schemas for Kubernetes {minor(kube_version)} in {schema_root()}")
    definitions = json.loads((directory / "_definitions.json").read_text(encoding="utf-8"))
    return directory, Resource.from_contents(definitions) @ Registry()


@functools.cache
def custom_schemas() -> dict[tuple[str, str], dict]:
    """(apiVersion, kind) -> schema, from <chart_crd_schemas>/*.json."""
    schemas: dict[tuple[str, str], dict] = {}
    directory = active().crd_schemas
    for path in sorted(directory.glob("*.json")) if directory else []:
        schema = json.loads(path.read_text(encoding="utf-8"))
        gvks = schema.get("x-kubernetes-group-version-kind")
        if not gvks:
            raise AssertionError(f"{active().shown(path)}: needs x-kubernetes-group-version-kind")
        for gvk in gvks:
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            schemas[(api_version, gvk["kind"])] = schema
    return schemas


@dataclass(frozen=True)
class SchemaRef:
    source: str  # "kubernetes 1.29" or the chart_crd_schemas directory
    validator: Any | None  # jsonschema validator, None if there is no schema


@functools.cache
def _validator(kube_version: str, api_version: str, kind: str) -> SchemaRef:
    from jsonschema import Draft202012Validator  # noqa: PLC0415

    custom = custom_schemas().get((api_version, kind))
    if custom is not None:
        Draft202012Validator.check_schema(custom)
        return SchemaRef(active().shown(active().crd_schemas) if active().crd_schemas else "chart_crd_schemas", Draft202012Validator(custom))
    directory, registry = _k8s_registry(kube_version)
    path = directory / f"{kind.lower()}-{_api_file_part(api_version)}.json"
    if not path.is_file():
        return SchemaRef(f"kubernetes {minor(kube_version)}", None)
    schema = json.loads(path.read_text(encoding="utf-8"))
    # kubernetes-validate matches the file by kind name only; make sure the group matches too
    # (extensions/v1beta1 Ingress and networking.k8s.io/v1 Ingress share a file prefix).
    gvks = schema.get("x-kubernetes-group-version-kind") or []
    if gvks and not any(
        (f"{g['group']}/{g['version']}" if g["group"] else g["version"]) == api_version and g["kind"] == kind
        for g in gvks
    ):
        return SchemaRef(f"kubernetes {minor(kube_version)}", None)
    return SchemaRef(f"kubernetes {minor(kube_version)}", Draft202012Validator(schema, registry=registry))


# --- validation -------------------------------------------------------------------------


def _leaf_errors(error) -> list:
    """The most specific errors of a oneOf/anyOf failure (the branch that got furthest)."""
    if not error.context:
        return [error]
    deepest = max(len(e.absolute_path) for e in error.context)
    if deepest <= len(error.absolute_path):
        return [error]
    return [e for e in error.context if len(e.absolute_path) == deepest]


def _describe(error, doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field path, problem) pairs for one jsonschema error."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = sorted((error.schema.get("properties") or {}).keys())
        extra = sorted(set((error.instance or {}).keys()) - set(allowed)) if isinstance(error.instance, Mapping) else []
        hint = f"; allowed here: {', '.join(allowed)}" if allowed and len(allowed) <= 40 else ""
        return [(field_path(doc, [*path, key]), f"unknown field{hint}") for key in extra] or [
            (field_path(doc, path), error.message)
        ]
    if error.validator == "required":
        return [(field_path(doc, path), f"missing required field: {error.message}")]
    got = json.dumps(error.instance)[:80]
    if error.validator == "enum":
        return [(field_path(doc, path), f"{got} is not one of {error.validator_value}")]
    if error.validator == "type":
        return [(field_path(doc, path), f"{got} is not of type {error.validator_value}")]
    return [(field_path(doc, path), f"{error.message[:160]}")]


def validate_doc(doc: Mapping[str, Any], kube_version: str, case: str) -> list[Finding]:
    """Strict schema findings for one document (empty when it is valid)."""
    where = f"{case} @ k8s {minor(kube_version)}"
    api_version, kind = doc.get("apiVersion"), doc.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return [Finding(where, resource_id(doc), "", RULE, "document has no apiVersion/kind")]
    ref = _validator(kube_version, api_version, kind)
    if ref.validator is None:
        return [
            Finding(
                where,
                resource_id(doc),
                "",
                RULE,
                f"no schema for {api_version} {kind} in {ref.source} (the API does not exist "
                f"there) nor in chart_crd_schemas ({active().shown(active().crd_schemas) if active().crd_schemas else 'not set'}): "
                "add a schema covering the fields the chart emits",
            )
        ]
    findings = []
    for error in ref.validator.iter_errors(doc):
        for leaf in _leaf_errors(error):
            for field, problem in _describe(leaf, doc):
                findings.append(
                    Finding(where, resource_id(doc), field, RULE, f"{problem} ({api_version} {kind}, {ref.source})")
                )
    return findings


def validate_docs(docs: Iterable[Mapping[str, Any]], kube_version: str, case: str) -> list[Finding]:
    return [f for doc in docs for f in validate_doc(doc, kube_version, case)]

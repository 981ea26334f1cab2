"""Server-side admission checks against the throwaway control plane (tests/support/cluster.py):
a strict server-side dry run of rendered documents, and of a Pod made from every pod
template, collecting rejections and warnings (Pod Security's `warn` mode reports a
workload whose pods the `enforce` mode would reject). Used by tests/test_drills.py and
tests/test_adversarial_corpus.py.
"""

from __future__ import annotations

import yaml

from chart_harness.documents import pod_specs, resource_id
from .cluster import CRDS_DIR, ApiError, ControlPlane


def crd_api_versions() -> list[str]:
    """group/version/Kind of every CRD the control plane serves (what Helm's
    .Capabilities.APIVersions would list after `helm install` asked the cluster)."""
    out = []
    for path in sorted(CRDS_DIR.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") == "CustomResourceDefinition":
                spec = doc["spec"]
                out += [f"{spec['group']}/{v['name']}/{spec['names']['kind']}"
                        for v in spec["versions"] if v.get("served")]
    return out


def admission_problems(plane: ControlPlane, docs: list[dict], namespace: str) -> list[str]:
    """Server-side dry-run (dryRun=All, fieldValidation=Strict) of every document, then of
    a Pod made from every pod template: errors, and warnings (Pod Security's `warn` mode
    reports a workload whose pods the `enforce` mode would reject)."""
    candidates = [(resource_id(doc), doc) for doc in docs]
    pods = []
    for rid, doc in candidates:
        if doc["kind"] == "Pod":
            continue  # dry-run as it is, above
        for template in pod_specs(doc):
            pods.append((f"{rid} pod template", {
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": dry_run_pod_name(doc["metadata"]["name"]), "namespace": namespace,
                             "labels": dict(template.labels)},
                "spec": template.spec}))
    problems = dry_run(plane, candidates)
    # Pods are admitted only if their ServiceAccount exists; the chart's own account was
    # just dry-run, and a hook's account must exist before install (ci/migration).
    for what, pod in pods:
        try:
            ensure_service_account(plane, namespace, pod["spec"].get("serviceAccountName"))
        except ApiError as err:  # an invalid account name: the pod can never be admitted
            problems.append(f"{what}: its ServiceAccount is rejected: {err.message}")
    return problems + dry_run(plane, pods)


def dry_run_pod_name(workload: str) -> str:
    """A name for the pod made from a workload's template, at most 63 characters (a pod
    name is its hostname; the ReplicaSet controller keeps real pod names that short)."""
    return f"{workload[:54].rstrip('-.')}-dry-run"


def dry_run(plane: ControlPlane, candidates: list[tuple[str, dict]]) -> list[str]:
    problems = []
    for what, obj in candidates:
        try:
            response = plane.api.create(obj, dry_run=True)
        except ApiError as err:
            problems.append(f"{what}: rejected: {err.message}")
            continue
        problems += [f"{what}: warning: {w}" for w in response.warnings]
    return problems


def ensure_service_account(plane: ControlPlane, namespace: str, name: str | None) -> None:
    """The chart's own ServiceAccount is only dry-run, and hooks' accounts must exist
    before install: create the account a pod runs as, as a product team would."""
    if name and plane.api.get_or_none("v1", "ServiceAccount", name, namespace) is None:
        plane.api.create({"apiVersion": "v1", "kind": "ServiceAccount",
                          "metadata": {"name": name, "namespace": namespace}})

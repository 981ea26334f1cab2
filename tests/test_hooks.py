"""The migration hook contract, over the rendered Job of every matrix case that enables it.

A pre-install/pre-upgrade hook runs before Helm creates or patches anything else of
the release, so the Job must stand on its own: annotations on the Job (Helm reads
them there, never from the pod template), an order after any "prepare" hook, one
attempt only, failed Jobs kept for debugging, credentials only from Secrets that
exist before install, and nothing the release itself creates. Argo CD, which ignores
helm.sh/hook once its own annotation is present, gets the same phases.
"""

from __future__ import annotations

import copy

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import yaml

from chart_harness.cases import Case, discover_cases
from chart_harness.documents import containers, created_objects, get, pod_specs
from chart_harness.helm import HelmError, HelmVersion
from chart_harness.render import render_case
from tests.support.tools import STANDARD_APP

DEFAULTS = yaml.safe_load((STANDARD_APP / "values.yaml").read_text(encoding="utf-8"))
HOOK = "helm.sh/hook"
WEIGHT = "helm.sh/hook-weight"
DELETE_POLICY = "helm.sh/hook-delete-policy"
ARGO_HOOK = "argocd.argoproj.io/hook"
ARGO_DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy"
ARGO_WAVE = "argocd.argoproj.io/sync-wave"


def _values(case: Case) -> dict:
    return yaml.safe_load(case.values_file.read_text(encoding="utf-8")) or {}


def _migration_setting(case: Case, key: str) -> Any:
    """The effective migration.<key> of a case: its values file over values.yaml."""
    return {**DEFAULTS["migration"], **(_values(case).get("migration") or {})}[key]


MIGRATION_CASES = [c for c in discover_cases() if (_values(c).get("migration") or {}).get("enabled")]


def test_the_matrix_has_migration_cases() -> None:
    """Without a case that enables the hook, every test below would test nothing."""
    assert MIGRATION_CASES, "no ci/*-values.yaml enables migration; the hook contract needs one"


@pytest.fixture(params=MIGRATION_CASES, ids=[c.name for c in MIGRATION_CASES])
def migration_case(request: pytest.FixtureRequest) -> Case:
    return request.param


def _jobs(docs: list[dict]) -> list[dict]:
    return [d for d in docs if d.get("kind") == "Job" and HOOK in _annotations(d)]


def migration_job(case: Case, helm: HelmVersion, set_values: tuple[str, ...] = ()) -> tuple[dict, list[dict]]:
    docs = render_case(case, helm, set_values=set_values).docs
    jobs = _jobs(docs)
    assert len(jobs) == 1, f"{case.name}: expected one hook Job, rendered {[d['metadata']['name'] for d in jobs]}"
    return jobs[0], docs


def _annotations(doc: Mapping) -> dict:
    return dict(get(doc, "metadata.annotations") or {})


# --- Helm's hook execution order -------------------------------------------------------

# Helm 4 pkg/release/v1/util/kind_sorter.go InstallOrder (Helm 3's list is the same minus
# PriorityClass, SecretList, IngressClass and the webhook configurations): hooks of equal
# weight run in this kind order, unknown kinds last, then by name (pkg/action/hooks.go hookByWeight).
INSTALL_ORDER = [
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
    "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
    "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
    "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
    "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
]


def helm_hook_order(hooks: list[Mapping]) -> list[str]:
    """'Kind/name' of hooks in the order Helm runs them: weight, then kind, then name."""

    def key(doc: Mapping) -> tuple:
        weight = int(str(_annotations(doc).get(WEIGHT, "0")))
        kind = str(doc.get("kind"))
        known = kind in INSTALL_ORDER
        return (weight, 0 if known else 1, INSTALL_ORDER.index(kind) if known else 0, kind, doc["metadata"]["name"])

    return [f"{d['kind']}/{d['metadata']['name']}" for d in sorted(hooks, key=key)]


def _hook_doc(kind: str, name: str, weight: int) -> dict:
    return {"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "annotations": {HOOK: "pre-install,pre-upgrade", WEIGHT: str(weight)}}}


def test_helm_hook_order_follows_helm() -> None:
    """The sort used below, checked on Helm's documented tie-breaks."""
    hooks = [_hook_doc("Job", "b", 0), _hook_doc("Job", "a", 0), _hook_doc("Secret", "z", 0), _hook_doc("Job", "c", -1), _hook_doc("Widget", "w", 0)]
    assert helm_hook_order(hooks) == ["Job/c", "Secret/z", "Job/a", "Job/b", "Widget/w"]


# --- the contract ----------------------------------------------------------------------


def test_hook_annotations_are_on_the_job_not_the_pod(migration_case: Case, helm4: HelmVersion) -> None:
    job, _ = migration_job(migration_case, helm4)
    annotations = _annotations(job)
    assert annotations.get(HOOK) == _migration_setting(migration_case, "hooks"), annotations
    assert {WEIGHT, DELETE_POLICY} <= annotations.keys(), annotations
    pod_annotations = (job["spec"]["template"].get("metadata") or {}).get("annotations") or {}
    misplaced = sorted(k for k in pod_annotations if k.startswith(("helm.sh/", "argocd.argoproj.io/")))
    assert not misplaced, f"{migration_case.name}: hook annotations on the pod template are ignored: {misplaced}"


@pytest.mark.parametrize("weight", [None, -5, 3])
def test_hook_weight_is_the_configured_one_and_runs_after_prepare_hooks(migration_case: Case, helm4: HelmVersion, weight: int | None) -> None:
    """A "prepare" hook (e.g. a database-user Job) at a lower weight always runs first."""
    set_values = () if weight is None else (f"migration.hookWeight={weight}",)
    job, _ = migration_job(migration_case, helm4, set_values)
    configured = _migration_setting(migration_case, "hookWeight") if weight is None else weight
    assert _annotations(job)[WEIGHT] == str(configured)
    name = job["metadata"]["name"]
    # Lower weight wins over kind and name: a prepare Job named to sort last still runs first.
    prepare = [_hook_doc("Job", "zz-prepare-db-user", configured - 1), _hook_doc("Secret", "zz-prepare-secret", configured - 1)]
    order = helm_hook_order([job, *prepare])
    assert order[-1] == f"Job/{name}", f"the migration must run after every prepare hook: {order}"
    # At equal weight, the kind order decides: a Secret hook would run first, a Job by name.
    same = _hook_doc("Secret", "zz-same-weight", configured)
    assert helm_hook_order([job, same])[0] == "Secret/zz-same-weight"


def test_delete_policy_keeps_failed_jobs(migration_case: Case, helm4: HelmVersion) -> None:
    job, _ = migration_job(migration_case, helm4)
    policies = _annotations(job)[DELETE_POLICY].split(",")
    assert policies == ["before-hook-creation", "hook-succeeded"], (
        f"{migration_case.name}: {DELETE_POLICY} is {policies}; it must be exactly before-hook-creation,"
        "hook-succeeded (replace the old Job on the next run, delete it on success, keep a failed one for its logs)"
    )


def test_job_runs_once_and_is_bounded(migration_case: Case, helm4: HelmVersion) -> None:
    job, _ = migration_job(migration_case, helm4)
    spec = job["spec"]
    assert spec.get("backoffLimit") == 0, "a failed migration must not be retried by the Job controller"
    assert spec["template"]["spec"].get("restartPolicy") == "Never", "a failed container must not restart in place"
    assert spec.get("activeDeadlineSeconds") == _migration_setting(migration_case, "activeDeadlineSeconds")


def _pod_references(job: Mapping) -> Iterator[tuple[str, str, str]]:
    """(kind, name, where) of every object the Job's pod refers to by name."""
    (template,) = pod_specs(job)
    pod = template.spec
    yield "ServiceAccount", pod.get("serviceAccountName") or "default", "serviceAccountName"
    for i, ref in enumerate(pod.get("imagePullSecrets") or []):
        yield "Secret", ref["name"], f"imagePullSecrets[{i}]"
    for i, volume in enumerate(pod.get("volumes") or []):
        for field, kind, key in (("secret", "Secret", "secretName"), ("configMap", "ConfigMap", "name"), ("persistentVolumeClaim", "PersistentVolumeClaim", "claimName")):
            if field in volume:
                yield kind, volume[field][key], f"volumes[{i}].{field}"
    for each in containers(template):
        container, where = each.spec, f"{each.field}[{each.name}]"
        for i, source in enumerate(container.get("envFrom") or []):
            if "secretRef" in source:
                yield "Secret", source["secretRef"]["name"], f"{where}.envFrom[{i}]"
            if "configMapRef" in source:
                yield "ConfigMap", source["configMapRef"]["name"], f"{where}.envFrom[{i}]"
        for var in container.get("env") or []:
            value_from = var.get("valueFrom") or {}
            if "secretKeyRef" in value_from:
                yield "Secret", value_from["secretKeyRef"]["name"], f"{where}.env[{var['name']}]"
            if "configMapKeyRef" in value_from:
                yield "ConfigMap", value_from["configMapKeyRef"]["name"], f"{where}.env[{var['name']}]"


def _created_by_release(docs: list[dict]) -> set[tuple[str, str]]:
    """(kind, name) of what the release creates, including Secrets an ExternalSecret makes."""
    return {
        (kind, name)
        for doc in docs
        if HOOK not in _annotations(doc)
        for (_group, kind, _namespace, name), _origin in created_objects(doc)
    }


def pre_hook_dependency_problems(job: Mapping, docs: list[dict]) -> list[str]:
    """What a pre-* hook Job refers to that does not exist yet when it runs."""
    if not any(e.strip().startswith("pre-") for e in _annotations(job).get(HOOK, "").split(",")):
        return []  # post-* hooks run after the release's objects exist
    created = _created_by_release(docs)
    return [
        f"Job/{job['metadata']['name']} {where}: refers to {kind}/{name}, which this release creates "
        f"after its pre-* hooks ran, so the first install fails; use an object that exists before install"
        for kind, name, where in _pod_references(job)
        if (kind, name) in created
    ]


def test_secrets_are_referenced_only_and_exist_before_install(migration_case: Case, helm4: HelmVersion) -> None:
    job, docs = migration_job(migration_case, helm4)
    secrets = [d["metadata"]["name"] for d in docs if d.get("kind") == "Secret"]
    assert not secrets, f"{migration_case.name}: the chart must not create Secrets (found {secrets})"
    container = job["spec"]["template"]["spec"]["containers"][0]
    expected = {name: (ref["secretName"], ref["key"]) for name, ref in (_migration_setting(migration_case, "secretEnv") or {}).items()}
    referenced = {
        var["name"]: (var["valueFrom"]["secretKeyRef"]["name"], var["valueFrom"]["secretKeyRef"]["key"])
        for var in container.get("env") or []
        if "secretKeyRef" in (var.get("valueFrom") or {})
    }
    assert referenced == expected, f"{migration_case.name}: migration.secretEnv must become secretKeyRef env vars"
    assert pre_hook_dependency_problems(job, docs) == []


def test_pre_hook_dependency_check_bites(helm4: HelmVersion) -> None:
    """Point the Job at the ServiceAccount the chart creates: the chart refuses it for a
    pre-install hook (hooks run first), the contract check flags it, and a post-install
    hook may use it because the account exists by then."""
    case = next(c for c in MIGRATION_CASES if "serviceAccount" not in _values(c) or _values(c)["serviceAccount"].get("create", True))
    job, docs = migration_job(case, helm4)
    chart_account = next(d["metadata"]["name"] for d in docs if d["kind"] == "ServiceAccount")
    with pytest.raises(HelmError) as refused:
        migration_job(case, helm4, (f"migration.serviceAccountName={chart_account}",))
    assert "migration.serviceAccountName: names the ServiceAccount this chart creates" in refused.value.stderr
    # the contract check itself, on the Job as it would render without the chart's rule
    broken = copy.deepcopy(job)
    broken["spec"]["template"]["spec"]["serviceAccountName"] = chart_account
    problems = pre_hook_dependency_problems(broken, docs)
    assert problems and f"refers to ServiceAccount/{chart_account}" in problems[0], problems
    # the same Job as a post-install/post-upgrade hook may use it: the account exists by then
    job, docs = migration_job(case, helm4, (f"migration.serviceAccountName={chart_account}", "migration.hooks=post-install\\,post-upgrade"))
    assert pre_hook_dependency_problems(job, docs) == []


# --- Argo CD ---------------------------------------------------------------------------

# Argo CD's own reading of Helm hooks (docs/user-guide/helm.md "Helm Hooks"): the
# migration Job's argocd.argoproj.io annotations must say the same (phases on both sides
# are refused: tests/adversarial-corpus/hook-migration-argocd-mixed-phases.yaml).
ARGO_PHASE = {"pre-install": "PreSync", "pre-upgrade": "PreSync", "post-install": "PostSync", "post-upgrade": "PostSync"}
ARGO_POLICY = {"before-hook-creation": "BeforeHookCreation", "hook-succeeded": "HookSucceeded", "hook-failed": "HookFailed"}


@pytest.mark.parametrize("hooks", [None, "post-install,post-upgrade", "post-upgrade", "pre-upgrade"])
def test_argocd_annotations_map_to_the_same_phases(migration_case: Case, helm4: HelmVersion, hooks: str | None) -> None:
    set_values = ["migration.argocd=true"]
    if hooks:
        set_values.append("migration.hooks=" + hooks.replace(",", "\\,"))
    job, _ = migration_job(migration_case, helm4, tuple(set_values))
    annotations = _annotations(job)
    helm_phases = [p.strip() for p in annotations[HOOK].split(",")]
    assert helm_phases == (hooks or _migration_setting(migration_case, "hooks")).split(",")
    expected = list(dict.fromkeys(ARGO_PHASE[p] for p in helm_phases))
    assert annotations.get(ARGO_HOOK, "").split(",") == expected, annotations
    assert annotations.get(ARGO_DELETE_POLICY, "").split(",") == [ARGO_POLICY[p] for p in annotations[DELETE_POLICY].split(",")]
    assert annotations.get(ARGO_WAVE) == annotations[WEIGHT], "the sync wave must order Argo CD hooks like the Helm weight"


def test_argocd_annotations_only_when_asked(migration_case: Case, helm4: HelmVersion) -> None:
    job, _ = migration_job(migration_case, helm4, ("migration.argocd=false",))
    argo = sorted(k for k in _annotations(job) if k.startswith("argocd.argoproj.io/"))
    assert not argo, f"Argo CD annotations without migration.argocd: {argo}"

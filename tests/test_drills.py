"""Release drills: the whole release lifecycle against a real Kubernetes API server.

"If you've never run rollback in staging, you don't know if it works." Each drill
installs the packaged standard-app with Helm 4 and with Helm 3 (each its own test,
its own namespace) into a throwaway control plane on 127.0.0.1
(tests/support/cluster.py): etcd, kube-apiserver, kube-controller-manager and
kube-scheduler built from pinned modules, kwok playing the kubelet. What is real:
admission (Pod Security "restricted" is enforced on every drill namespace),
validation, server-side apply, the Deployment/ReplicaSet/Job controllers, the
scheduler, Helm's release storage, hooks and waits. What kwok simulates: containers
(pods become Ready; Job and `helm test` pods exit 0, or 1 when their command is
`false`). docs/drills.md explains what each drill proves.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest
import yaml

from tests.support.admission import (  # noqa: F401 - re-exported for older imports
    admission_problems,
    crd_api_versions,
    dry_run,
    ensure_service_account,
)
from chart_harness.cases import Case
from tests.support.cluster import (  # noqa: F401 - control_plane is a fixture
    ControlPlane,
    KubeAPI,
    control_plane,
    wait_for,
)
from chart_harness.helm import helm_matrix, primary_helm, HelmVersion
from chart_harness.render import ensure_dependencies, render_case, render_chart
from tests.support.tools import STANDARD_APP
from chart_harness.immutable import compare_releases

pytestmark = pytest.mark.cluster


def per_helm(versions: tuple[HelmVersion, ...] | list[HelmVersion] = helm_matrix()) -> list:
    """Parameters over Helm versions, each in its own pytest-xdist group: with
    `--dist loadgroup` the Helm 4 and the Helm 3 drills run on two workers, each
    with its own control plane (the drills mostly wait, so they overlap well)."""
    return [pytest.param(v, id=v.name, marks=pytest.mark.xdist_group(f"cluster-{v.name}"))
            for v in versions]

RELEASE = "orders"
OLD_IMAGE = "registry.example.com/shop/orders:1.0.0"
NEW_IMAGE = "registry.example.com/shop/orders:1.1.0"
# The product team's values file (ci/minimal-values.yaml): names become `orders`.
BASE_VALUES: dict[str, Any] = {
    "nameOverride": "orders",
    "image": {"repository": "registry.example.com/shop/orders", "tag": "1.0.0"},
    "containerPort": 8080,
}
NEW_TAG = {"image": {"tag": "1.1.0"}}
MIGRATION = {"migration": {"enabled": True, "command": ["/app/orders", "migrate"]}}
# kwok's stage pod-exit-failure (scripts/cluster/kwok-stages.yaml): command `false` exits 1.
FAILING_MIGRATION = {"migration": {"enabled": True, "command": ["false"]}}
DEPLOYMENT = "orders"
MIGRATION_JOB = "orders-migrate"
TEST_POD = "orders-test"
HELM_TIMEOUT = "60s"


def merged(*parts: dict) -> dict:
    """Deep merge of values dicts, later wins (what `-f a -f b` does)."""
    out: dict = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = merged(out[key], value)
            else:
                out[key] = copy.deepcopy(value)
    return out


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def chart_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """standard-app packaged once (with common-lib inside), as a product team receives it."""
    helm = primary_helm().ensure()
    ensure_dependencies(STANDARD_APP, helm)
    out = tmp_path_factory.mktemp("package")
    helm.run(["package", str(STANDARD_APP), "--destination", str(out)])
    (package,) = out.glob("standard-app-*.tgz")
    return package


@pytest.fixture(params=per_helm())
def drill(request: pytest.FixtureRequest, control_plane: ControlPlane, chart_package: Path,
          tmp_path: Path) -> Drill:
    """A fresh namespace (Pod Security "restricted" enforced) and a Helm version."""
    helm: HelmVersion = request.param.ensure()
    drill_name = request.node.originalname.removeprefix("test_").replace("_", "-")
    namespace = f"{drill_name}-{helm.name}"[:63].rstrip("-")
    control_plane.create_namespace(namespace)
    return Drill(helm=helm, plane=control_plane, namespace=namespace, chart=chart_package,
                 workdir=tmp_path)


@dataclass
class Drill:
    """One Helm version driving release `orders` in its own namespace."""

    helm: HelmVersion
    plane: ControlPlane
    namespace: str
    chart: Path
    workdir: Path

    @property
    def api(self) -> KubeAPI:
        return self.plane.api

    # -- helm ----------------------------------------------------------------------

    def helm_run(self, *args: str, check: bool = True, timeout: float = 120) -> CompletedProcess[str]:
        proc = self.helm.run(
            [*args, "--namespace", self.namespace, "--kubeconfig", str(self.plane.kubeconfig)],
            check=False, timeout=timeout,
        )
        if check and proc.returncode != 0:
            pytest.fail(f"{self.helm.label}: helm {' '.join(args[:2])} failed in namespace "
                        f"{self.namespace}:\n{proc.stderr}\n{self.events_text()}", pytrace=False)
        return proc

    def values_file(self, values: dict) -> Path:
        path = self.workdir / f"values-{len(list(self.workdir.glob('values-*.yaml')))}.yaml"
        path.write_text(yaml.safe_dump(values, sort_keys=False))
        return path

    def install(self, *values: dict, check: bool = True) -> CompletedProcess[str]:
        file = self.values_file(merged(BASE_VALUES, *values))
        return self.helm_run("install", RELEASE, str(self.chart), "-f", str(file), "--wait",
                             "--timeout", HELM_TIMEOUT, check=check)

    def upgrade(self, *values: dict, check: bool = True,
                extra: tuple[str, ...] = ()) -> CompletedProcess[str]:
        file = self.values_file(merged(BASE_VALUES, *values))
        return self.helm_run("upgrade", RELEASE, str(self.chart), "-f", str(file), "--wait",
                             "--timeout", HELM_TIMEOUT, *extra, check=check)

    def history(self) -> list[dict]:
        return json.loads(self.helm_run("history", RELEASE, "--output", "json").stdout)

    def manifest(self, revision: int) -> str:
        return self.helm_run("get", "manifest", RELEASE, "--revision", str(revision)).stdout

    # -- cluster -------------------------------------------------------------------

    def deployment(self) -> dict:
        return self.api.get("apps/v1", "Deployment", DEPLOYMENT, self.namespace)

    def image(self) -> str:
        return self.deployment()["spec"]["template"]["spec"]["containers"][0]["image"]

    def job(self) -> dict | None:
        return self.api.get_or_none("batch/v1", "Job", MIGRATION_JOB, self.namespace)

    def job_pods(self, job: dict) -> list[dict]:
        selector = f"batch.kubernetes.io/controller-uid={job['metadata']['uid']}"
        return self.api.list("v1", "Pod", self.namespace, selector)

    def events(self, reason: str | None = None, uid: str | None = None) -> list[dict]:
        return [
            e for e in self.api.events(self.namespace)
            if (reason is None or e.get("reason") == reason)
            and (uid is None or e["involvedObject"].get("uid") == uid)
        ]

    def events_text(self) -> str:
        lines = [f"  {e['involvedObject']['kind']}/{e['involvedObject']['name']}: "
                 f"{e.get('reason')}: {e.get('message', '')}" for e in self.api.events(self.namespace)]
        return "events in the namespace:\n" + ("\n".join(lines[-30:]) or "  (none)")


def is_ready(deployment: dict) -> bool:
    spec, status = deployment["spec"], deployment.get("status") or {}
    return (status.get("observedGeneration") == deployment["metadata"]["generation"]
            and status.get("updatedReplicas") == spec["replicas"]
            and status.get("availableReplicas") == spec["replicas"]
            and status.get("replicas") == spec["replicas"])


def condition(obj: dict, kind: str) -> dict | None:
    return next((c for c in (obj.get("status") or {}).get("conditions") or []
                 if c["type"] == kind and c["status"] == "True"), None)


# --------------------------------------------------------------------------- install


def test_install(drill: Drill) -> None:
    """install --wait: the release is stored as a Secret in its namespace and `helm test` passes."""
    drill.install()

    secrets = drill.api.list("v1", "Secret", drill.namespace, f"owner=helm,name={RELEASE}")
    assert [(s["metadata"]["name"], s["type"], s["metadata"]["labels"]["status"]) for s in secrets] \
        == [(f"sh.helm.release.v1.{RELEASE}.v1", "helm.sh/release.v1", "deployed")]
    assert not drill.api.list("v1", "Secret", "default", f"owner=helm,name={RELEASE}"), \
        "release storage leaked into the default namespace"
    deployment = drill.deployment()
    assert is_ready(deployment), f"--wait returned before the Deployment was ready: {deployment['status']}"
    pods = drill.api.list("v1", "Pod", drill.namespace, "app.kubernetes.io/component=app")
    assert len(pods) == 2 and all(p["status"]["phase"] == "Running" for p in pods)

    test = drill.helm_run("test", RELEASE)
    assert TEST_POD in test.stdout and "Succeeded" in test.stdout, test.stdout
    # hook-delete-policy hook-succeeded: the passed test pod is gone.
    assert drill.api.get_or_none("v1", "Pod", TEST_POD, drill.namespace) is None
    assert drill.events("Scheduled") and not drill.events("FailedCreate"), drill.events_text()


def test_install_worker(drill: Drill) -> None:
    """install --wait of a worker (ci/worker-values.yaml's shape): its pods run with exec
    probes, and the release has no Service, no test pod, and a NetworkPolicy that admits
    only the metrics port."""
    worker = yaml.safe_load((STANDARD_APP / "ci" / "worker-values.yaml").read_text(encoding="utf-8"))
    drill.install({key: worker[key] for key in ("shape", "probes", "metrics")})

    deployment = drill.deployment()
    assert is_ready(deployment), f"--wait returned before the Deployment was ready: {deployment['status']}"
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert [p["name"] for p in container["ports"]] == ["metrics"]
    assert container["livenessProbe"]["exec"]["command"] == worker["probes"]["command"]
    pods = drill.api.list("v1", "Pod", drill.namespace, "app.kubernetes.io/component=app")
    assert len(pods) == 2 and all(p["status"]["phase"] == "Running" for p in pods)
    assert drill.api.list("v1", "Service", drill.namespace) == []
    [policy] = drill.api.list("networking.k8s.io/v1", "NetworkPolicy", drill.namespace)
    assert policy["spec"]["ingress"] == [{"ports": [{"port": "metrics", "protocol": "TCP"}]}]

    test = drill.helm_run("test", RELEASE)
    assert TEST_POD not in test.stdout, test.stdout
    assert drill.api.get_or_none("v1", "Pod", TEST_POD, drill.namespace) is None


def test_install_init_containers(drill: Drill) -> None:
    """install --wait of ci/init-values.yaml's init container and native sidecar: the API
    server keeps the sidecar's restartPolicy (it is an init container), Pod Security
    "restricted" admits both, and the pods run."""
    example = yaml.safe_load((STANDARD_APP / "ci" / "init-values.yaml").read_text(encoding="utf-8"))
    drill.install({key: example[key] for key in ("initContainers", "sidecars")})

    deployment = drill.deployment()
    assert is_ready(deployment), f"--wait returned before the Deployment was ready: {deployment['status']}"
    spec = deployment["spec"]["template"]["spec"]
    assert [(c["name"], c.get("restartPolicy")) for c in spec["initContainers"]] \
        == [("proxy", "Always"), ("wait-for-schema", None)]
    assert [c["name"] for c in spec["containers"]] == ["app"]
    pods = drill.api.list("v1", "Pod", drill.namespace, "app.kubernetes.io/component=app")
    assert len(pods) == 2 and all(p["status"]["phase"] == "Running" for p in pods)


def test_install_mesh(drill: Drill) -> None:
    """install --wait of ci/mesh-values.yaml (mesh: istio, with a migration): the app pods
    carry the injection label and wait for the proxy; the migration hook Job's pods stay
    out of the mesh, so the hook completes and the install goes on."""
    example = yaml.safe_load((STANDARD_APP / "ci" / "mesh-values.yaml").read_text(encoding="utf-8"))
    drill.install({key: example[key] for key in ("mesh", "migration")})

    template = drill.deployment()["spec"]["template"]
    assert template["metadata"]["labels"]["sidecar.istio.io/inject"] == "true"
    # the app waits for the proxy, and the proxy outlives the drain (drainSeconds 5) by 5 s
    proxy = "holdApplicationUntilProxyStarts: true\nterminationDrainDuration: 10s"
    assert template["metadata"]["annotations"]["proxy.istio.io/config"] == proxy
    pods = drill.api.list("v1", "Pod", drill.namespace, "app.kubernetes.io/component=app")
    assert len(pods) == 2 and all(p["metadata"]["labels"]["sidecar.istio.io/inject"] == "true" for p in pods)
    # The hook succeeded (install --wait returned) and was deleted; Helm keeps its manifest.
    hooks = [d for d in yaml.safe_load_all(drill.helm_run("get", "hooks", RELEASE).stdout) if d]
    [job] = [d for d in hooks if d["kind"] == "Job"]
    assert job["spec"]["template"]["metadata"]["labels"]["sidecar.istio.io/inject"] == "false"


def test_install_env(drill: Drill) -> None:
    """install --wait of ci/env-values.yaml next to the ConfigMap and Secret it names: the
    server stores envFrom in order, the downward-API variables and the config files'
    volume, the chart's ConfigMap holds the file, and the pods become ready."""
    example = yaml.safe_load((STANDARD_APP / "ci" / "env-values.yaml").read_text(encoding="utf-8"))
    for kind, name, data in (("ConfigMap", "orders-settings", {"LOG_LEVEL": "info"}),
                             ("Secret", "orders-db", {"PASSWORD": "c2VjcmV0"})):
        drill.api.create({"apiVersion": "v1", "kind": kind, "data": data,
                          "metadata": {"name": name, "namespace": drill.namespace}})
    drill.install({key: example[key] for key in ("envFrom", "downwardEnv", "config", "configMountPath")})

    spec = drill.deployment()["spec"]["template"]["spec"]
    [app] = spec["containers"]
    assert app["envFrom"] == [{"configMapRef": {"name": "orders-settings"}},
                              {"prefix": "DB_", "secretRef": {"name": "orders-db"}}]
    fields = {v["name"]: v["valueFrom"]["fieldRef"]["fieldPath"] for v in app["env"] if "valueFrom" in v}
    assert fields == {"NODE_NAME": "spec.nodeName", "POD_NAME": "metadata.name"}
    assert {"name": "config", "mountPath": "/etc/orders", "readOnly": True} in app["volumeMounts"]
    [volume] = [v for v in spec["volumes"] if v["name"] == "config"]
    assert volume["configMap"]["name"] == "orders-config"
    config = drill.api.get("v1", "ConfigMap", "orders-config", drill.namespace)
    assert config["data"] == {"application.yaml": "server:\n  port: 8080\n"}
    assert is_ready(drill.deployment())


def test_install_ports(drill: Drill) -> None:
    """install --wait of ci/ports-values.yaml (grpc and admin besides http): the server
    stores a Service port, a container port and a NetworkPolicy port for each name, the
    EndpointSlice carries them, and the liveness probe checks the admin port."""
    example = yaml.safe_load((STANDARD_APP / "ci" / "ports-values.yaml").read_text(encoding="utf-8"))
    drill.install({key: example[key] for key in ("ports", "probes")}, {"networkPolicy": {"enabled": True}})

    service = drill.api.get("v1", "Service", DEPLOYMENT, drill.namespace)
    assert [(p["name"], p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [
        ("http", 80, "http"), ("grpc", 9090, "grpc"), ("admin", 9901, "admin")]
    assert service["spec"]["ports"][1]["appProtocol"] == "grpc"
    [app] = drill.deployment()["spec"]["template"]["spec"]["containers"]
    assert [(p["name"], p["containerPort"]) for p in app["ports"]] == [("http", 8080), ("grpc", 9090), ("admin", 9901)]
    assert app["livenessProbe"]["httpGet"]["port"] == "admin" and app["readinessProbe"]["httpGet"]["port"] == "http"
    policy = drill.api.get("networking.k8s.io/v1", "NetworkPolicy", DEPLOYMENT, drill.namespace)
    assert [p["port"] for p in policy["spec"]["ingress"][0]["ports"]] == ["http", "grpc", "admin"]
    slices = wait_for(lambda: [s for s in drill.api.list("discovery.k8s.io/v1", "EndpointSlice", drill.namespace,
                                                         f"kubernetes.io/service-name={DEPLOYMENT}")
                               if len(s.get("endpoints") or []) == 2],
                      timeout=30, what="an EndpointSlice with both pods")
    assert sorted(p["name"] for p in slices[0]["ports"]) == ["admin", "grpc", "http"]


def test_install_egress(drill: Drill) -> None:
    """install --wait of ci/egress-values.yaml (egress restricted) with a migration: the
    NetworkPolicy the API server stored has policyTypes Ingress and Egress, DNS on UDP and
    TCP 53 first, the test pod's rule to the app pods and the declared rules; the hook
    completes and `helm test` passes."""
    example = yaml.safe_load((STANDARD_APP / "ci" / "egress-values.yaml").read_text(encoding="utf-8"))
    drill.install({"networkPolicy": example["networkPolicy"]}, MIGRATION)

    [policy] = drill.api.list("networking.k8s.io/v1", "NetworkPolicy", drill.namespace)
    spec = policy["spec"]
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    dns, test_pod, *declared = spec["egress"]
    assert dns["ports"] == [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]
    assert dns["to"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                          "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}]
    assert test_pod["ports"] == [{"port": "http", "protocol": "TCP"}]
    assert test_pod["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "app"
    assert [r["to"] for r in declared] == [r["to"] for r in example["networkPolicy"]["egress"]["rules"]]
    assert declared[1]["ports"] == [{"port": 5671, "endPort": 5672, "protocol": "TCP"}]
    assert is_ready(drill.deployment())

    test = drill.helm_run("test", RELEASE)
    assert TEST_POD in test.stdout and "Succeeded" in test.stdout, test.stdout
    hooks = [d for d in yaml.safe_load_all(drill.helm_run("get", "hooks", RELEASE).stdout) if d]
    assert {d["kind"] for d in hooks} == {"Job", "Pod"}


def test_install_cronjobs(drill: Drill) -> None:
    """install --wait of ci/cronjobs-values.yaml: the API server stores the CronJob as
    rendered (schedule, time zone, Forbid, the restricted contexts under Pod Security
    "restricted"), and its pod template is selected by neither the Service nor the PDB
    nor the Deployment. No run is awaited."""
    example = yaml.safe_load((STANDARD_APP / "ci" / "cronjobs-values.yaml").read_text(encoding="utf-8"))
    drill.install({"cronJobs": example["cronJobs"]})

    cronjob = drill.api.get("batch/v1", "CronJob", "orders-nightly-report", drill.namespace)
    spec = cronjob["spec"]
    assert (spec["schedule"], spec["timeZone"], spec["concurrencyPolicy"]) == ("0 3 * * *", "Europe/Berlin", "Forbid")
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"], spec["suspend"]) == (3, 1, False)
    job = spec["jobTemplate"]["spec"]
    assert (job["backoffLimit"], job["activeDeadlineSeconds"]) == (2, 3600)
    template = job["template"]
    pod = template["spec"]
    assert pod["restartPolicy"] == "Never" and pod["automountServiceAccountToken"] is False
    assert pod["securityContext"] == {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
    [container] = pod["containers"]
    assert container["command"] == ["/app/orders", "report", "--yesterday"] and "ports" not in container
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    labels = template["metadata"]["labels"]
    assert labels["app.kubernetes.io/component"] == "cronjob"
    selectors = {
        "Service": drill.api.get("v1", "Service", DEPLOYMENT, drill.namespace)["spec"]["selector"],
        "PodDisruptionBudget": drill.api.get("policy/v1", "PodDisruptionBudget", DEPLOYMENT, drill.namespace)["spec"]["selector"]["matchLabels"],
        "Deployment": drill.deployment()["spec"]["selector"]["matchLabels"],
    }
    selected = [kind for kind, selector in selectors.items() if selector.items() <= labels.items()]
    assert not selected, f"the CronJob's pods are selected by {selected}"


def test_install_httproute(drill: Drill) -> None:
    """install --wait of ci/httproute-values.yaml: the API server (with the upstream Gateway
    API CRD and its CEL rules) stores the HTTPRoute, attached to the shared Gateway's https
    listener, for the host, to the chart's Service on its port. No Gateway controller runs."""
    example = yaml.safe_load((STANDARD_APP / "ci" / "httproute-values.yaml").read_text(encoding="utf-8"))
    drill.install({"httpRoute": example["httpRoute"]})

    service = drill.api.get("v1", "Service", DEPLOYMENT, drill.namespace)
    route = drill.api.get("gateway.networking.k8s.io/v1", "HTTPRoute", DEPLOYMENT, drill.namespace)
    assert route["metadata"]["labels"]["app.kubernetes.io/instance"] == RELEASE
    spec = route["spec"]
    assert [{k: p[k] for k in ("name", "namespace", "sectionName")} for p in spec["parentRefs"]] == [
        {"name": "shared-gateway", "namespace": "gateway-system", "sectionName": "https"}]
    assert spec["hostnames"] == ["orders.example.com"]
    [rule] = spec["rules"]
    assert rule["matches"] == [{"path": {"type": "PathPrefix", "value": "/"}}]
    [backend] = rule["backendRefs"]
    assert (backend["kind"], backend["group"], backend["name"]) == ("Service", "", service["metadata"]["name"])
    assert backend["port"] == service["spec"]["ports"][0]["port"]


# --------------------------------------------------------------------------- upgrade + hook


@dataclass
class Observation:
    job_uid: str | None
    job_finished: bool
    image: str
    generation: int


def watch_upgrade(drill: Drill, *values: dict) -> tuple[Any, list[Observation]]:
    """Run `helm upgrade` in a thread and sample the migration Job and the Deployment
    every 50 ms until Helm exits. kwok lets a Job pod run for 1 s before it exits."""
    result: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: result.setdefault("proc", drill.upgrade(*values, check=False)))
    observations: list[Observation] = []
    thread.start()
    while thread.is_alive():
        job = drill.job()
        deployment = drill.deployment()
        observations.append(Observation(
            job_uid=job["metadata"]["uid"] if job else None,
            job_finished=bool(job and (condition(job, "Complete") or condition(job, "Failed"))),
            image=deployment["spec"]["template"]["spec"]["containers"][0]["image"],
            generation=deployment["metadata"]["generation"],
        ))
        time.sleep(0.05)
    thread.join()
    return result["proc"], observations


def ordering_violations(observations: list[Observation], old_image: str) -> list[str]:
    """Moments when the Deployment had changed while the migration had not finished."""
    return [
        f"sample {i}: Deployment runs {o.image} (generation {o.generation}) while the "
        f"migration Job {o.job_uid} is still running"
        for i, o in enumerate(observations)
        if o.job_uid and not o.job_finished and o.image != old_image
    ] + [
        f"sample {i}: Deployment changed to {o.image} before the migration Job existed"
        for i, o in enumerate(observations)
        if o.image != old_image and not any(p.job_uid for p in observations[:i])
    ]


def test_upgrade_runs_migration_first(drill: Drill) -> None:
    """upgrade with a new image: the pre-upgrade migration Job runs to completion before
    the Deployment changes, and is deleted on success (hook-succeeded)."""
    drill.install(MIGRATION)
    assert drill.job() is None, "the pre-install migration Job was not deleted on success"
    generation = drill.deployment()["metadata"]["generation"]

    proc, observations = watch_upgrade(drill, MIGRATION, NEW_TAG)

    assert proc.returncode == 0, proc.stderr
    running = [o for o in observations if o.job_uid and not o.job_finished]
    assert running, f"never saw the migration Job running in {len(observations)} samples"
    assert all(o.image == OLD_IMAGE and o.generation == generation for o in running)
    assert ordering_violations(observations, OLD_IMAGE) == []
    job_uid = running[0].job_uid
    assert drill.events("Completed", uid=job_uid), f"the Job did not complete\n{drill.events_text()}"
    assert drill.job() is None, "hook-succeeded: the finished migration Job must be deleted"
    assert drill.image() == NEW_IMAGE and is_ready(drill.deployment())


@pytest.mark.parametrize("drill", per_helm([primary_helm()]), indirect=True)
def test_ordering_check_catches_post_upgrade_hook(drill: Drill) -> None:
    """The ordering check can fail: as a post-upgrade hook the migration runs after the
    Deployment changed, and ordering_violations() names the moment."""
    post = {"migration": {"hooks": "post-install,post-upgrade"}}
    drill.install(MIGRATION, post)
    proc, observations = watch_upgrade(drill, MIGRATION, post, NEW_TAG)
    assert proc.returncode == 0, proc.stderr
    assert ordering_violations(observations, OLD_IMAGE), (
        "a post-upgrade migration went unnoticed:\n"
        + "\n".join(map(str, observations)))


# --------------------------------------------------------------------------- failed migration


def test_failed_migration(drill: Drill) -> None:
    """The migration exits 1: the upgrade fails, the Job stays for debugging, the
    Deployment keeps the old image, and nothing is retried (backoffLimit 0: one pod)."""
    drill.install(MIGRATION)
    deployment = drill.deployment()

    proc = drill.upgrade(FAILING_MIGRATION, NEW_TAG, check=False)

    assert proc.returncode != 0, "the upgrade succeeded although its migration failed"
    assert "pre-upgrade hooks failed" in proc.stderr and MIGRATION_JOB in proc.stderr, proc.stderr
    job = drill.job()
    assert job is not None, "the failed migration Job was deleted: nothing left to debug"
    failed = condition(job, "Failed")
    assert failed and failed["reason"] == "BackoffLimitExceeded", job.get("status")
    assert job["spec"]["backoffLimit"] == 0 and job["status"].get("failed") == 1
    pods = drill.job_pods(job)
    assert len(pods) == 1, f"expected exactly one attempt, got {[p['metadata']['name'] for p in pods]}"
    (terminated,) = [s["state"]["terminated"] for s in pods[0]["status"]["containerStatuses"]]
    assert pods[0]["status"]["phase"] == "Failed" and terminated["exitCode"] == 1
    assert pods[0]["spec"]["containers"][0]["image"] == NEW_IMAGE, "migrations run the new code"

    after = drill.deployment()
    assert after["metadata"]["generation"] == deployment["metadata"]["generation"]
    assert drill.image() == OLD_IMAGE and is_ready(after)
    assert len(drill.api.list("apps/v1", "ReplicaSet", drill.namespace)) == 1
    history = drill.history()
    assert [(h["revision"], h["status"]) for h in history][-1] == (2, "failed")


# --------------------------------------------------------------------------- rollback


def test_rollback(drill: Drill) -> None:
    """rollback creates revision N+1 with the old manifest; history keeps every revision;
    the migration hook does not run backwards."""
    drill.install(MIGRATION)
    drill.upgrade(MIGRATION, NEW_TAG)
    assert drill.image() == NEW_IMAGE
    jobs_before = [e for e in drill.events("SuccessfulCreate") if e["involvedObject"]["kind"] == "Job"]

    drill.helm_run("rollback", RELEASE, "1", "--wait", "--timeout", HELM_TIMEOUT)

    history = drill.history()
    assert [(h["revision"], h["status"]) for h in history] == [
        (1, "superseded"), (2, "superseded"), (3, "deployed")]
    assert history[2]["description"] == "Rollback to 1"
    assert drill.manifest(3) == drill.manifest(1)
    assert drill.manifest(2) != drill.manifest(1)
    secrets = drill.api.list("v1", "Secret", drill.namespace, f"owner=helm,name={RELEASE}")
    assert sorted(int(s["metadata"]["labels"]["version"]) for s in secrets) == [1, 2, 3]
    assert drill.image() == OLD_IMAGE and is_ready(drill.deployment())
    jobs_after = [e for e in drill.events("SuccessfulCreate") if e["involvedObject"]["kind"] == "Job"]
    assert len(jobs_after) == len(jobs_before) == 2, "the migration ran on rollback"


# --------------------------------------------------------------------------- immutable change


def test_immutable_selector_change(drill: Drill) -> None:
    """A selector change: the upgrade guard flags it from the renders, and the API server
    rejects the live upgrade with "field is immutable"."""
    old = merged(BASE_VALUES, {"fullnameOverride": "orders"})
    new = merged(old, {"nameOverride": "checkout"})  # name label -> selector; names stay

    renders = [
        render_chart(STANDARD_APP, drill.helm, values_files=[drill.values_file(v)],
                     namespace=drill.namespace, kube_version=drill.plane.version)
        for v in (old, new)
    ]
    findings = compare_releases("drill", renders[0].docs, renders[1].docs, drill.namespace)
    flagged = [f for f in findings if (f.resource, f.field) == (f"Deployment/{DEPLOYMENT}", "spec.selector")]
    assert flagged and not flagged[0].notice, [str(f) for f in findings]

    drill.install({"fullnameOverride": "orders"})
    selector = drill.deployment()["spec"]["selector"]
    proc = drill.upgrade({"fullnameOverride": "orders", "nameOverride": "checkout"}, check=False)

    assert proc.returncode != 0, "the API server accepted a selector change"
    assert "field is immutable" in proc.stderr and "spec.selector" in proc.stderr, proc.stderr
    assert drill.deployment()["spec"]["selector"] == selector
    assert drill.history()[-1]["status"] == "failed"


# --------------------------------------------------------------------------- live state


LIVE_ANNOTATION = "ops.example.com/paged-by"
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"


def test_live_state_preserved(drill: Drill) -> None:
    """Fields another manager set on the live Deployment (an annotation, and the pod
    template's restartedAt of `kubectl rollout restart`) survive an upgrade under both
    Helm 3's three-way merge (an Update) and Helm 4's server-side apply (an Apply)."""
    drill.install()
    drill.api.patch("apps/v1", "Deployment", DEPLOYMENT, drill.namespace, {
        "metadata": {"annotations": {LIVE_ANNOTATION: "oncall"}},
        "spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: "2026-01-01T00:00:00Z"}}}},
    }, field_manager="ops-controller")

    drill.upgrade(NEW_TAG)

    deployment = drill.deployment()
    assert deployment["metadata"]["annotations"].get(LIVE_ANNOTATION) == "oncall"
    assert deployment["spec"]["template"]["metadata"]["annotations"].get(RESTARTED_AT) \
        == "2026-01-01T00:00:00Z"
    assert drill.image() == NEW_IMAGE
    managers = {m["manager"]: m["operation"] for m in deployment["metadata"]["managedFields"]
                if not m.get("subresource")}
    helm_operation = "Update" if drill.helm.version.startswith("v3.") else "Apply"
    assert managers.get("helm") == helm_operation and managers.get("ops-controller") == "Update", managers


def test_chart_field_changed_live(drill: Drill) -> None:
    """A field the chart sets (spec.replicas), changed live by another manager (a
    `kubectl scale`): Helm 3's three-way merge silently resets it to the chart's value;
    Helm 4's server-side apply refuses the upgrade with a conflict naming the other
    manager, until --force-conflicts takes the field back. docs/drills.md records this."""
    drill.install()
    drill.api.patch("apps/v1", "Deployment", DEPLOYMENT, drill.namespace, {"spec": {"replicas": 4}},
                    field_manager="kubectl-scale", subresource="scale")

    proc = drill.upgrade(NEW_TAG, check=False)

    if drill.helm.version.startswith("v3."):
        assert proc.returncode == 0, proc.stderr
        assert drill.deployment()["spec"]["replicas"] == 2, "Helm 3 kept the live replica count"
        assert drill.image() == NEW_IMAGE
        return
    assert proc.returncode != 0, "Helm 4 overwrote a field another manager owns without --force-conflicts"
    assert "conflict" in proc.stderr and "kubectl-scale" in proc.stderr and ".spec.replicas" in proc.stderr
    assert drill.deployment()["spec"]["replicas"] == 4 and drill.image() == OLD_IMAGE

    drill.upgrade(NEW_TAG, extra=("--force-conflicts",))
    assert drill.deployment()["spec"]["replicas"] == 2 and drill.image() == NEW_IMAGE


# --------------------------------------------------------------------------- server-side dry-run


# admission_problems, crd_api_versions, dry_run, ensure_service_account:
# tests/support/admission.py (shared with tests/test_adversarial_corpus.py).


@pytest.mark.parametrize("helm", per_helm())
def test_server_side_dry_run(case: Case, helm: HelmVersion, control_plane: ControlPlane) -> None:
    """Every matrix case, rendered for this cluster, is admitted by the API server under
    restricted Pod Security: no rejection, no warning, strict field validation."""
    helm.ensure()
    namespace = f"dry-run-{case.name}-{helm.name}"
    control_plane.create_namespace(namespace)
    result = render_case(case, helm, namespace=namespace,
                         kube_version=control_plane.version, api_versions=crd_api_versions())
    assert result.docs
    assert admission_problems(control_plane, result.docs, namespace) == []

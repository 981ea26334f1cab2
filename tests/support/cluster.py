"""A throwaway Kubernetes control plane on 127.0.0.1 for the release drills.

    etcd  ->  kube-apiserver  ->  kube-controller-manager, kube-scheduler, kwok

Every binary is built from the Go modules pinned in scripts/cluster/go.mod and
scripts/cluster/kwok/go.mod (by scripts/cluster/build.sh) into
.tools/cluster/<kubernetes-version>/bin by `make tools`. Nothing here fakes the
API server: admission (Pod Security "restricted"), validation ("field is
immutable"), server-side apply and the Deployment/ReplicaSet/Job controllers
are the real ones. Only the kubelet is simulated: kwok moves Pods through their
lifecycle with the Stages in scripts/cluster/kwok-stages.yaml (a container
whose command is `false` exits 1, every other Job or test pod exits 0).

Certificates come from the openssl CLI (a throwaway CA, a serving certificate
for 127.0.0.1, one client certificate in system:masters, a service-account
signing key). Every process listens on 127.0.0.1 with free ports; state lives
in a temporary directory; `start_control_plane()` is a context manager that
stops every process it started, also when start-up fails.

KubeAPI is a small REST client (urllib + the client certificate): the drills
need get/create/patch/delete, server-side dry-run and API warnings, which a
kubectl binary would only give as text.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from .tools import ROOT, TOOLS_DIR

CLUSTER_MODULE = ROOT / "scripts" / "cluster"
KWOK_STAGES = CLUSTER_MODULE / "kwok-stages.yaml"
CRDS_DIR = ROOT / "tests" / "cluster-crds"
BUILD_INPUTS = ("go.mod", "go.sum", "kwok/go.mod", "kwok/go.sum", "build.sh")
BINARIES = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok")
SERVICE_CIDR = "10.96.0.0/16"
POD_CIDR = "10.244.0.0/16"
NODE_LABEL = "kwok.x-k8s.io/node"  # nodes with this label are played by kwok
NODE_COUNT = 3
# Kube-controller-manager runs only what the drills exercise: workloads, garbage
# collection, namespaces, service accounts, and node lifecycle (it lifts the
# node.kubernetes.io/not-ready taint once kwok reports a node Ready). No cloud,
# node IPAM or volume controllers.
CONTROLLERS = (
    "node-lifecycle-controller",
    "deployment-controller",
    "replicaset-controller",
    "job-controller",
    "garbage-collector-controller",
    "namespace-controller",
    "serviceaccount-controller",
    "serviceaccount-token-controller",
    "root-ca-certificate-publisher-controller",
    "disruption-controller",
    "endpointslice-controller",
    "ttl-after-finished-controller",
    "pod-garbage-collector-controller",
)
START_TIMEOUT = 90.0


class ClusterError(RuntimeError):
    """The control plane failed to start or answered unexpectedly."""


# --------------------------------------------------------------------------- binaries


def kubernetes_version() -> str:
    """The k8s.io/kubernetes version pinned by scripts/cluster/go.mod, e.g. 'v1.37.2'."""
    text = (CLUSTER_MODULE / "go.mod").read_text()
    match = re.search(r"^\s*k8s\.io/kubernetes\s+(v\S+)", text, re.MULTILINE)
    if not match:
        raise ClusterError(f"{CLUSTER_MODULE / 'go.mod'}: no k8s.io/kubernetes requirement")
    return match.group(1)


def cluster_bin_dir() -> Path:
    return TOOLS_DIR / "cluster" / kubernetes_version() / "bin"


def require_cluster_binaries() -> dict[str, Path]:
    """Paths of the control-plane binaries; fails the test with the fix if any is missing.

    scripts/cluster/build.sh writes `.stamp` last, after every binary, and keys it
    by the content of its inputs (go.mod/go.sum pairs, build.sh): a stale or half-built
    cache counts as missing.
    """
    bin_dir = cluster_bin_dir()
    stamp = bin_dir.parent / ".stamp"
    missing = [name for name in BINARIES if not os.access(bin_dir / name, os.X_OK)]
    expected = build_inputs_digest()
    actual = stamp.read_text().strip() if stamp.is_file() else ""
    if missing or actual != expected:
        why = (
            f"missing {', '.join(missing)}"
            if missing
            else "built from other inputs than scripts/cluster/ holds now"
        )
        pytest.fail(
            f"the control plane in {bin_dir.relative_to(ROOT)} is not usable ({why}): "
            "run `make tools`",
            pytrace=False,
        )
    return {name: bin_dir / name for name in BINARIES}


def build_inputs_digest() -> str:
    """Same digest as scripts/cluster/build.sh: sha256 over the concatenated inputs."""
    digest = hashlib.sha256()
    for name in BUILD_INPUTS:
        digest.update((CLUSTER_MODULE / name).read_bytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------- certificates


def _openssl(*args: str, cwd: Path) -> None:
    proc = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ClusterError(f"openssl {' '.join(args)} failed:\n{proc.stderr}")


def _key(cwd: Path, name: str) -> None:
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-out", f"{name}.key", cwd=cwd)


def _signed_cert(cwd: Path, name: str, subject: str, extensions: list[str]) -> None:
    _key(cwd, name)
    ext = [item for e in extensions for item in ("-addext", e)]
    _openssl("req", "-new", "-x509", "-key", f"{name}.key", "-subj", subject,
             "-CA", "ca.crt", "-CAkey", "ca.key", "-days", "2", *ext,
             "-out", f"{name}.crt", cwd=cwd)


def generate_pki(pki: Path) -> None:
    """A CA, the API server's serving certificate, an admin client certificate
    (group system:masters) and the service-account signing key pair."""
    pki.mkdir(parents=True, exist_ok=True)
    _key(pki, "ca")
    _openssl("req", "-new", "-x509", "-key", "ca.key", "-subj", "/CN=release-drills-ca",
             "-days", "2", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.crt", cwd=pki)
    sans = ",".join([
        "IP:127.0.0.1", "IP:10.96.0.1", "DNS:localhost", "DNS:kubernetes",
        "DNS:kubernetes.default", "DNS:kubernetes.default.svc",
        "DNS:kubernetes.default.svc.cluster.local",
    ])
    _signed_cert(pki, "apiserver", "/CN=kube-apiserver", [
        f"subjectAltName={sans}", "extendedKeyUsage=serverAuth",
        "keyUsage=critical,digitalSignature", "basicConstraints=critical,CA:FALSE",
    ])
    _signed_cert(pki, "admin", "/O=system:masters/CN=release-drills-admin", [
        "extendedKeyUsage=clientAuth", "keyUsage=critical,digitalSignature",
        "basicConstraints=critical,CA:FALSE",
    ])
    _key(pki, "sa")
    _openssl("pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub", cwd=pki)


def write_kubeconfig(path: Path, server: str, pki: Path) -> None:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "drills", "cluster": {
            "server": server, "certificate-authority": str(pki / "ca.crt")}}],
        "users": [{"name": "admin", "user": {
            "client-certificate": str(pki / "admin.crt"),
            "client-key": str(pki / "admin.key")}}],
        "contexts": [{"name": "drills", "context": {"cluster": "drills", "user": "admin"}}],
        "current-context": "drills",
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    path.chmod(0o600)


# --------------------------------------------------------------------------- REST client


class ApiError(Exception):
    """A non-2xx answer of the API server (status, reason and message of the Status)."""

    def __init__(self, method: str, path: str, status: int, body: dict | str) -> None:
        self.status = status
        self.body = body
        self.reason = body.get("reason", "") if isinstance(body, dict) else ""
        self.message = body.get("message", "") if isinstance(body, dict) else str(body)
        super().__init__(f"{method} {path}: HTTP {status} {self.reason}: {self.message}")


@dataclass
class Response:
    status: int
    body: Any
    warnings: list[str]


@dataclass
class KubeAPI:
    """A minimal client of the Kubernetes REST API, authenticated by client certificate."""

    server: str
    pki: Path
    _resources: dict[tuple[str, str], tuple[str, bool]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ctx = ssl.create_default_context(cafile=str(self.pki / "ca.crt"))
        ctx.load_cert_chain(str(self.pki / "admin.crt"), str(self.pki / "admin.key"))
        self._ssl = ctx

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: dict[str, str] | None = None,
        content_type: str = "application/json",
        timeout: float = 30,
    ) -> Response:
        url = self.server + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, context=self._ssl, timeout=timeout) as resp:
                raw = resp.read()
                warnings = _warnings(resp.headers.get_all("Warning") or [])
                return Response(resp.status, _json(raw), warnings)
        except urllib.error.HTTPError as err:
            raise ApiError(method, path, err.code, _json(err.read())) from None

    # -- paths ---------------------------------------------------------------------

    def resource(self, api_version: str, kind: str) -> tuple[str, bool]:
        """(plural, namespaced) of a kind, from API discovery (cached)."""
        key = (api_version, kind)
        if key not in self._resources:
            base = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
            listing = self.request("GET", base).body
            for res in listing.get("resources", []):
                if "/" not in res["name"]:
                    self._resources[(api_version, res["kind"])] = (res["name"], res["namespaced"])
            if key not in self._resources:
                raise ClusterError(f"the API server does not serve {kind} in {api_version}")
        return self._resources[key]

    def path(self, api_version: str, kind: str, namespace: str | None = None,
             name: str | None = None) -> str:
        plural, namespaced = self.resource(api_version, kind)
        base = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
        if namespaced:
            if not namespace:
                raise ValueError(f"{kind} is namespaced: give a namespace")
            base += f"/namespaces/{namespace}"
        base += f"/{plural}"
        return f"{base}/{name}" if name else base

    # -- verbs ---------------------------------------------------------------------

    def get(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> dict:
        return self.request("GET", self.path(api_version, kind, namespace, name)).body

    def get_or_none(self, api_version: str, kind: str, name: str,
                    namespace: str | None = None) -> dict | None:
        try:
            return self.get(api_version, kind, name, namespace)
        except ApiError as err:
            if err.status == 404:
                return None
            raise

    def list(self, api_version: str, kind: str, namespace: str | None = None,
             selector: str | None = None) -> list[dict]:
        params = {"labelSelector": selector} if selector else None
        path = self.path(api_version, kind, namespace)
        return self.request("GET", path, params=params).body.get("items", [])

    def create(self, obj: dict, *, dry_run: bool = False, field_manager: str = "release-drills",
               strict: bool = True) -> Response:
        """POST an object; dry_run=True asks the server to admit it without persisting
        (dryRun=All: defaulting, validation and every admission plugin run)."""
        meta = obj.get("metadata", {})
        path = self.path(obj["apiVersion"], obj["kind"], meta.get("namespace"))
        params = {"fieldManager": field_manager,
                  "fieldValidation": "Strict" if strict else "Warn"}
        if dry_run:
            params["dryRun"] = "All"
        return self.request("POST", path, obj, params=params)

    def patch(self, api_version: str, kind: str, name: str, namespace: str | None,
              patch: dict, *, field_manager: str, subresource: str = "") -> Response:
        """A JSON merge patch (an Update operation of `field_manager`)."""
        path = self.path(api_version, kind, namespace, name) + (f"/{subresource}" if subresource else "")
        return self.request("PATCH", path, patch, params={"fieldManager": field_manager},
                            content_type="application/merge-patch+json")

    def apply(self, obj: dict, *, field_manager: str, force: bool = False) -> Response:
        """Server-side apply of a whole object."""
        meta = obj["metadata"]
        path = self.path(obj["apiVersion"], obj["kind"], meta.get("namespace"), meta["name"])
        params = {"fieldManager": field_manager, "force": "true" if force else "false"}
        return self.request("PATCH", path, obj, params=params,
                            content_type="application/apply-patch+yaml")

    def delete(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> None:
        with contextlib.suppress(ApiError):
            self.request("DELETE", self.path(api_version, kind, namespace, name),
                         {"propagationPolicy": "Background"})

    def events(self, namespace: str) -> list[dict]:
        return self.list("v1", "Event", namespace)


def _json(raw: bytes) -> Any:
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def _warnings(headers: list[str]) -> list[str]:
    # RFC 7234 warning: `299 - "text"`
    out = []
    for header in headers:
        match = re.match(r'\s*\d{3}\s+\S+\s+"(.*)"\s*$', header)
        out.append(match.group(1).replace('\\"', '"') if match else header)
    return out


def wait_for(predicate: Callable[[], Any], *, timeout: float, what: str,
             interval: float = 0.1) -> Any:
    """Poll `predicate` until it returns something truthy; fail with `what` on timeout."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except (ApiError, OSError) as err:  # the server may still be starting
            last_error, result = err, None
        if result:
            return result
        time.sleep(interval)
    suffix = f" (last error: {last_error})" if last_error else ""
    raise ClusterError(f"timed out after {timeout:.0f}s waiting for {what}{suffix}")


# --------------------------------------------------------------------------- processes


def free_ports(count: int) -> list[int]:
    """Distinct free TCP ports on 127.0.0.1 (sockets held open until all are chosen)."""
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [s.getsockname()[1] for s in socks]
    finally:
        for sock in socks:
            sock.close()


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, lines: int = 25) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(text[-lines:])

    def stop(self, grace: float = 10.0) -> None:
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=grace)


@dataclass
class ControlPlane:
    """A running control plane. `api` talks to it; `kubeconfig` is for Helm."""

    workdir: Path
    server: str
    kubeconfig: Path
    api: KubeAPI
    version: str
    processes: list[Process] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def check_alive(self) -> None:
        dead = [p for p in self.processes if not p.alive()]
        if dead:
            raise ClusterError("control-plane process exited:\n" + "\n".join(
                f"--- {p.name} (exit {p.popen.returncode}), {p.log}:\n{p.tail()}" for p in dead))

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ({p.log}):\n{p.tail()}" for p in self.processes)

    # -- namespaces ----------------------------------------------------------------

    def create_namespace(self, name: str, *, pod_security: str = "restricted") -> dict:
        """A namespace that enforces (and warns and audits) a Pod Security level, once its
        `default` ServiceAccount exists (pods using it are rejected until then)."""
        labels = {
            f"pod-security.kubernetes.io/{mode}": pod_security
            for mode in ("enforce", "warn", "audit")
        }
        labels |= {f"pod-security.kubernetes.io/{mode}-version": "latest"
                   for mode in ("enforce", "warn", "audit")}
        ns = {"apiVersion": "v1", "kind": "Namespace",
              "metadata": {"name": name, "labels": labels}}
        self.api.create(ns)
        wait_for(lambda: self.api.get_or_none("v1", "ServiceAccount", "default", name),
                 timeout=30, what=f"ServiceAccount default in namespace {name}")
        return ns

    def apply_file(self, path: Path, field_manager: str = "release-drills") -> list[dict]:
        docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
        for doc in docs:
            self.api.apply(doc, field_manager=field_manager, force=True)
        return docs


def _die_with_parent() -> None:
    """In the child, before exec: get SIGKILL when the Python process that started it dies,
    so even a killed pytest worker leaves no control plane behind (Linux prctl). SIGKILL,
    not SIGTERM: a kube-apiserver whose etcd is gone can take minutes to shut down."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_PR_SET_PDEATHSIG = 1


def _spawn(name: str, argv: list[str], workdir: Path, env: dict[str, str] | None = None) -> Process:
    log = workdir / "logs" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    fh = open(log, "wb")  # noqa: SIM115 - the child owns it
    try:
        popen = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT,
            cwd=workdir, env={**os.environ, **(env or {})}, start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
    finally:
        fh.close()
    return Process(name, popen, log)


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except (OSError, urllib.error.URLError):
        return False


@contextlib.contextmanager
def start_control_plane(workdir: Path, binaries: dict[str, Path]) -> Iterator[ControlPlane]:
    """Start etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok with
    fake nodes; yield the ControlPlane; stop everything (in reverse order) on exit."""
    workdir.mkdir(parents=True, exist_ok=True)
    pki = workdir / "pki"
    started = time.perf_counter()
    generate_pki(pki)
    etcd_client, etcd_peer, api_port = free_ports(3)
    server = f"https://127.0.0.1:{api_port}"
    kubeconfig = workdir / "kubeconfig"
    write_kubeconfig(kubeconfig, server, pki)
    api = KubeAPI(server, pki)
    plane = ControlPlane(workdir=workdir, server=server, kubeconfig=kubeconfig, api=api,
                         version=kubernetes_version())
    quiet = ["--v=1"]

    def started_ok(proc: Process) -> Process:
        plane.processes.append(proc)
        return proc

    try:
        plane.timings["pki"] = time.perf_counter() - started
        etcd_url = f"http://127.0.0.1:{etcd_client}"
        started_ok(_spawn("etcd", [
            str(binaries["etcd"]), "--name", "drills", "--data-dir", str(workdir / "etcd"),
            "--listen-client-urls", etcd_url, "--advertise-client-urls", etcd_url,
            "--listen-peer-urls", f"http://127.0.0.1:{etcd_peer}",
            "--initial-advertise-peer-urls", f"http://127.0.0.1:{etcd_peer}",
            "--initial-cluster", f"drills=http://127.0.0.1:{etcd_peer}",
            # A throwaway store: skipping fsync keeps the 2-core CI machine responsive.
            "--unsafe-no-fsync", "--log-level", "warn",
        ], workdir))
        wait_for(lambda: plane.check_alive() or _http_ok(f"{etcd_url}/health"),
                 timeout=START_TIMEOUT, what="etcd /health")
        plane.timings["etcd"] = time.perf_counter() - started

        started_ok(_spawn("kube-apiserver", [
            str(binaries["kube-apiserver"]),
            "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
            f"--secure-port={api_port}", f"--etcd-servers={etcd_url}",
            f"--cert-dir={workdir / 'apiserver'}",
            f"--tls-cert-file={pki / 'apiserver.crt'}",
            f"--tls-private-key-file={pki / 'apiserver.key'}",
            f"--client-ca-file={pki / 'ca.crt'}",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            f"--service-account-key-file={pki / 'sa.pub'}",
            f"--service-account-signing-key-file={pki / 'sa.key'}",
            f"--service-cluster-ip-range={SERVICE_CIDR}",
            "--authorization-mode=Node,RBAC",
            # The `kubernetes` Service's endpoint would be 127.0.0.1, which endpoint
            # validation rejects ("may not be in the loopback range"); no drill needs it.
            "--endpoint-reconciler-type=none",
            "--profiling=false", *quiet,
        ], workdir))
        wait_for(lambda: plane.check_alive() or api.request("GET", "/readyz").status == 200,
                 timeout=START_TIMEOUT, what="kube-apiserver /readyz", interval=0.25)
        plane.timings["kube-apiserver"] = time.perf_counter() - started

        started_ok(_spawn("kube-controller-manager", [
            str(binaries["kube-controller-manager"]), f"--kubeconfig={kubeconfig}",
            "--bind-address=127.0.0.1", "--secure-port=0", "--leader-elect=false",
            f"--controllers={','.join(CONTROLLERS)}",
            f"--root-ca-file={pki / 'ca.crt'}",
            f"--service-account-private-key-file={pki / 'sa.key'}",
            "--use-service-account-credentials=false", *quiet,
        ], workdir))
        started_ok(_spawn("kube-scheduler", [
            str(binaries["kube-scheduler"]), f"--kubeconfig={kubeconfig}",
            "--bind-address=127.0.0.1", "--secure-port=0", "--leader-elect=false", *quiet,
        ], workdir))
        started_ok(_spawn("kwok", [
            str(binaries["kwok"]), f"--kubeconfig={kubeconfig}", f"--config={KWOK_STAGES}",
            "--manage-all-nodes=false", f"--manage-nodes-with-label-selector={NODE_LABEL}=fake",
            f"--cidr={POD_CIDR}", "--node-lease-duration-seconds=40",
        ], workdir, env={"HOME": str(workdir)}))  # kwok would read ~/.kwok/kwok.yaml

        for i in range(NODE_COUNT):
            api.create(_node(f"kwok-node-{i}"))
        # The controller manager works once it has given `default` its ServiceAccount and
        # lifted the not-ready taint of every node kwok reports Ready.
        wait_for(lambda: plane.check_alive() or api.get_or_none("v1", "ServiceAccount", "default",
                                                                 "default"),
                 timeout=START_TIMEOUT, what="kube-controller-manager (ServiceAccount default)")
        wait_for(lambda: plane.check_alive() or sum(map(_node_ready, api.list("v1", "Node")))
                 == NODE_COUNT, timeout=START_TIMEOUT,
                 what=f"{NODE_COUNT} kwok nodes Ready and untainted")
        for crd in sorted(CRDS_DIR.glob("*.yaml")):
            plane.apply_file(crd)
        for crd in sorted(CRDS_DIR.glob("*.yaml")):
            for doc in yaml.safe_load_all(crd.read_text()):
                if doc and doc.get("kind") == "CustomResourceDefinition":
                    wait_for(lambda d=doc: _crd_established(api, d["metadata"]["name"]),
                             timeout=30, what=f"CRD {doc['metadata']['name']} Established")
        plane.check_alive()
        plane.timings["ready"] = time.perf_counter() - started
    except BaseException as err:
        logs = plane.logs()
        for proc in reversed(plane.processes):
            proc.stop()
        if isinstance(err, ClusterError):
            raise ClusterError(f"{err}\n{logs}") from None
        raise
    try:
        yield plane
    finally:
        for proc in reversed(plane.processes):
            proc.stop()


def _node(name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {
                NODE_LABEL: "fake",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "node.kubernetes.io/instance-type": "kwok",
                "topology.kubernetes.io/zone": f"zone-{'abc'[int(name[-1]) % 3]}",
            },
            "annotations": {"node.alpha.kubernetes.io/ttl": "0"},
        },
        "spec": {},
    }


def _node_ready(node: dict) -> bool:
    """Ready, and schedulable: the not-ready taint the API server puts on new nodes is gone."""
    conditions = (node.get("status") or {}).get("conditions") or []
    ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)
    taints = (node.get("spec") or {}).get("taints") or []
    return ready and not any(t.get("key", "").startswith("node.kubernetes.io/") for t in taints)


def _crd_established(api: KubeAPI, name: str) -> bool:
    crd = api.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", name)
    conditions = (crd.get("status") or {}).get("conditions") or []
    return any(c["type"] == "Established" and c["status"] == "True" for c in conditions)


# --------------------------------------------------------------------------- pytest fixture


@pytest.fixture(scope="session")
def control_plane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlPlane]:
    """One control plane per test session (per pytest-xdist worker; the drills share the
    xdist_group "cluster", so `--dist loadgroup` runs them all on one worker).
    Missing binaries fail the test with "run `make tools`"."""
    binaries = require_cluster_binaries()
    if not shutil.which("openssl"):
        pytest.fail("the openssl CLI is required for the control plane's certificates "
                    "(Debian: apt-get install openssl)", pytrace=False)
    with contextlib.ExitStack() as stack:
        for attempt in (1, 2):
            try:
                plane = stack.enter_context(
                    start_control_plane(tmp_path_factory.mktemp("control-plane"), binaries))
                break
            except ClusterError as err:
                # A free port can be taken by another process before etcd or the API
                # server binds it; one more try with new ports.
                if attempt == 2 or "address already in use" not in str(err):
                    raise
        yield plane

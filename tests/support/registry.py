"""Support for the distribution tests: a real OCI registry, isolated Helm homes, keys.

    registry   scripts/registry.py's Registry (docker-registry on 127.0.0.1, free port,
               temporary data, optional htpasswd and TLS with a throwaway CA)
    HelmHome   HELM_CONFIG_HOME / HELM_CACHE_HOME / HELM_DATA_HOME (and DOCKER_CONFIG for
               cosign) in a temporary directory: registry logins never touch the user's
               or the suite's shared Helm config
    SigningKeys / make_signing_keys()
               a throwaway GPG key (legacy secring.gpg + pubring.gpg for Helm) and a
               cosign key pair, generated offline in milliseconds
    run_publish()  scripts/publish.sh as `make publish` runs it, in a HelmHome
    FaultProxy     an HTTP proxy in front of a registry that refuses chosen pushes, to
               break a publish half-way on purpose

Nothing here skips: a missing tool fails the test with "run `make tools`".
"""

from __future__ import annotations

import hashlib
import http.client
import http.server
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from chart_harness import stats
from chart_harness.helm import HelmVersion
from .tools import ROOT, STANDARD_APP, require_tool

PUBLISH_SH = ROOT / "scripts" / "publish.sh"
DEMO_SH = ROOT / "scripts" / "demo.sh"
EXAMPLE = ROOT / "examples" / "orders"
CHART_MEDIA_TYPE = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
PROV_MEDIA_TYPE = "application/vnd.cncf.helm.chart.provenance.v1.prov"
CONFIG_MEDIA_TYPE = "application/vnd.cncf.helm.config.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
PUSHED_RE = re.compile(r"^publish: pushed (oci://\S+)/([a-z0-9-]+):(\S+) digest (sha256:[0-9a-f]{64})$", re.M)


def _load_registry_module():
    """scripts/registry.py, the one implementation shared with `make demo`."""
    path = ROOT / "scripts" / "registry.py"
    spec = importlib.util.spec_from_file_location("platform_registry", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("platform_registry", module)
    spec.loader.exec_module(module)
    return module


_registry = _load_registry_module()
Registry = _registry.Registry
RegistryError = _registry.RegistryError


def require_system_tool(cmd: str, package: str) -> str:
    """A tool scripts/tools.sh installs from Debian (docker-registry, gpg, htpasswd, openssl)."""
    found = shutil.which(cmd)
    if not found:
        pytest.fail(f"`{cmd}` (Debian package {package}) is not installed: run `make tools`",
                    pytrace=False)
    return found


def start_registry(**kwargs) -> Registry:
    """A started Registry; fails the test with the reason if it cannot start."""
    require_system_tool("docker-registry", "docker-registry")
    if kwargs.get("users"):
        require_system_tool("htpasswd", "apache2-utils")
    if kwargs.get("tls"):
        require_system_tool("openssl", "openssl")
    reg = Registry(**kwargs)
    try:
        return reg.start()
    except RegistryError as exc:
        reg.stop()
        pytest.fail(f"cannot start docker-registry: {exc}", pytrace=False)


# ---------------------------------------------------------------------- Helm homes
_DROPPED_ENV = ("HELM_", "REGISTRY", "COSIGN_", "DOCKER_CONFIG", "KUBECONFIG", "GNUPGHOME",
                "SOURCE_DATE_EPOCH")


class HelmHome:
    """An isolated set of Helm homes; every Helm, cosign and publish process of a test runs here."""

    def __init__(self, directory: Path):
        self.dir = Path(directory)
        for sub in ("config", "cache", "data", "docker"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)

    @property
    def registry_config(self) -> Path:
        return self.dir / "config" / "registry" / "config.json"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED_ENV)}
        env.update(
            HELM_CONFIG_HOME=str(self.dir / "config"),
            HELM_CACHE_HOME=str(self.dir / "cache"),
            HELM_DATA_HOME=str(self.dir / "data"),
            # cosign reads Docker's config.json; Helm writes that format to its registry config.
            DOCKER_CONFIG=str(self.registry_config.parent),
            KUBECONFIG=str(self.dir / "no-kubeconfig"),
        )
        env.update(extra)
        return env

    def helm(self, helm: HelmVersion, *args: str, input: str | None = None,
             check: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess:
        binary = helm.ensure().binary
        started = time.perf_counter()
        proc = self._run([str(binary), *args], input=input, check=False, cwd=cwd, what=helm.label)
        words = [a for a in args[:2] if not a.startswith("-")]
        stats.record_call(stats.HelmCall(
            helm=helm.name, version=helm.version, returncode=proc.returncode,
            subcommand=" ".join(words[:2]) if words[:1] in (["dependency"], ["registry"]) else words[0],
            seconds=time.perf_counter() - started))
        if check and proc.returncode != 0:
            pytest.fail(f"{helm.label} failed ({proc.returncode}): {binary} {' '.join(args)}\n"
                        f"{proc.stderr.strip()}\n{proc.stdout.strip()}", pytrace=False)
        return proc

    def cosign(self, *args: str, check: bool = True, **extra_env: str) -> subprocess.CompletedProcess:
        binary = require_tool("cosign")
        return self._run([str(binary), *args], check=check, what="cosign", env=self.env(**extra_env))

    def _run(self, cmd: list[str], *, input: str | None = None, check: bool, what: str,
             cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        proc = subprocess.run(cmd, env=env or self.env(), capture_output=True, text=True,
                              input=input, cwd=cwd, timeout=120,
                              stdin=None if input is not None else subprocess.DEVNULL)
        if check and proc.returncode != 0:
            pytest.fail(f"{what} failed ({proc.returncode}): {' '.join(cmd)}\n"
                        f"{proc.stderr.strip()}\n{proc.stdout.strip()}", pytrace=False)
        return proc


# ---------------------------------------------------------------------- keys
@dataclass(frozen=True)
class SigningKeys:
    name: str              # the uid; `--key` takes it (or a part of it)
    fingerprint: str
    secring: Path          # legacy secret keyring, what `helm package --sign --keyring` reads
    pubring: Path          # public keyring, what consumers pass to `--verify --keyring`
    cosign_key: Path
    cosign_pub: Path
    cosign_password: str

    def publish_env(self) -> dict[str, str]:
        return {"HELM_SIGNING_KEY": self.name, "HELM_SIGNING_KEYRING": str(self.secring),
                "COSIGN_KEY": str(self.cosign_key), "COSIGN_PASSWORD": self.cosign_password}


def make_signing_keys(directory: Path, name: str = "Platform Charts Test",
                      gpg_passphrase: str = "") -> SigningKeys:
    """A throwaway ed25519 GPG key (no passphrase unless given) and an encrypted cosign key pair."""
    gpg = require_system_tool("gpg", "gnupg")
    cosign = require_tool("cosign")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    # Short on purpose: gpg-agent's socket lives in GNUPGHOME (Unix socket paths max out
    # at 107 bytes, and pytest-xdist's tmp paths are long). Removed once the keys are exported.
    home = Path(tempfile.mkdtemp(prefix="gpg.", dir="/tmp"))
    # A fixed S2K count: otherwise gpg-agent calibrates it first, seconds on a busy machine.
    (home / "gpg-agent.conf").write_text("s2k-count 65536\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED_ENV)}
    env["GNUPGHOME"] = str(home)
    uid = f"{name} <{name.lower().replace(' ', '-')}@example.invalid>"

    def gpg_run(*args: str) -> bytes:
        return subprocess.run([gpg, "--batch", "--quiet", *args], env=env, check=True,
                              capture_output=True).stdout

    secret = ["--pinentry-mode", "loopback", "--passphrase", gpg_passphrase]
    secring, pubring = directory / "secring.gpg", directory / "pubring.gpg"
    try:
        gpg_run(*secret, "--quick-gen-key", uid, "ed25519", "sign", "1d")
        fingerprint = next(line.split(":")[9] for line in gpg_run("--with-colons", "--list-keys").decode().splitlines()
                           if line.startswith("fpr:"))
        # GnuPG >= 2.1 keeps keys in a keybox Helm cannot read: export the legacy format.
        secring.write_bytes(gpg_run(*secret, "--export-secret-keys"))
        pubring.write_bytes(gpg_run("--export"))
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"gpg could not make a throwaway key: {exc.stderr.decode().strip()}", pytrace=False)
    finally:
        gpgconf = shutil.which("gpgconf")
        if gpgconf:  # stop the agent gpg started for this home, then drop the home
            subprocess.run([gpgconf, "--kill", "gpg-agent"], env=env, check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)
    password = hashlib.sha256(fingerprint.encode()).hexdigest()[:16]
    subprocess.run([cosign, "generate-key-pair", "--output-key-prefix", "cosign"], cwd=directory,
                   env={**env, "COSIGN_PASSWORD": password}, check=True, capture_output=True)
    return SigningKeys(name, fingerprint, secring, pubring, directory / "cosign.key",
                       directory / "cosign.pub", password)


# ---------------------------------------------------------------------- publish
@dataclass
class PublishRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def pushed(self) -> dict[str, tuple[str, str]]:
        """chart name -> (version, manifest digest), from the `publish: pushed` lines."""
        return {m.group(2): (m.group(3), m.group(4)) for m in PUSHED_RE.finditer(self.stdout)}

    @property
    def errors(self) -> list[str]:
        return [ln for ln in self.stderr.splitlines() if ln.startswith("publish: error: ")]

    def __str__(self) -> str:
        return f"exit {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def run_publish(home: HelmHome, keys: SigningKeys | None, *args: str, **env: str) -> PublishRun:
    """scripts/publish.sh ARGS with the keys in the environment, as CI would run it."""
    require_tool("helm")
    full_env = home.env(**{**(keys.publish_env() if keys else {}), **env})
    proc = subprocess.run([str(PUBLISH_SH), *args], env=full_env, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)
    return PublishRun(proc.returncode, proc.stdout, proc.stderr)


def registry_args(reg: Registry) -> list[str]:
    return ["--registry", reg.url, *reg.helm_tls_args()]


# ---------------------------------------------------------------------- inspection
def manifest(reg: Registry, repository: str, reference: str) -> tuple[str, dict]:
    """(digest, manifest) of repository:reference, read straight from the registry API."""
    user = next(iter(reg.users), None)
    status, headers, body = reg.api(f"/v2/{repository}/manifests/{reference}", user=user,
                                    accept=OCI_MANIFEST)
    assert status == 200, f"GET manifest {repository}:{reference}: HTTP {status} {body[:200]!r}"
    return headers.get("Docker-Content-Digest", ""), json.loads(body)


def sha256_file(path: Path) -> str:
    return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()


def vendored_example_copy(destination: Path, helm: HelmVersion) -> Path:
    """examples/orders copied to destination with charts/standard-app-<version>.tgz packaged
    from this checkout: what `helm dependency build` fetches from the registry, without one."""
    from chart_harness.render import ensure_dependencies

    shutil.copytree(EXAMPLE, destination, ignore=shutil.ignore_patterns("charts", "tmpcharts*", ".cache", "__pycache__"))
    ensure_dependencies(STANDARD_APP, helm)
    helm.run(["package", str(STANDARD_APP), "--destination", str(destination / "charts")])
    return destination


def example_copy(destination: Path, registry_url: str) -> Path:
    """examples/orders copied to destination with its oci:// repository pointing at registry_url.

    Mirrors what `make demo` does: the committed example names the canonical URL.
    """
    shutil.copytree(EXAMPLE, destination, ignore=shutil.ignore_patterns("charts", "tmpcharts*"))
    chart_yaml = destination / "Chart.yaml"
    text, n = re.subn(r"(?m)^(\s*repository:\s*)oci://\S+", lambda m: m.group(1) + registry_url,
                      chart_yaml.read_text())
    assert n == 1, f"expected one oci:// repository in {chart_yaml}, found {n}"
    chart_yaml.write_text(text)
    (destination / "Chart.lock").unlink(missing_ok=True)
    return destination


# ---------------------------------------------------------------------- fault proxy
class FaultProxy:
    """A plain-HTTP reverse proxy to a registry that answers 403 to writes matching `deny`.

    Used to make a publish fail half-way (e.g. standard-app's upload) on purpose.
    """

    def __init__(self, upstream: Registry, deny: str):
        self.upstream = upstream
        self.deny = re.compile(deny)
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if self.command in ("POST", "PUT", "PATCH") and proxy.deny.search(self.path):
                    payload = json.dumps({"errors": [{"code": "DENIED",
                                                      "message": "requested access to the resource is denied"}]}).encode()
                    self.send_response(403)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                conn = http.client.HTTPConnection("127.0.0.1", proxy.upstream.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for key, value in resp.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"oci://127.0.0.1:{self.port}/{self.upstream.path}"

    def __enter__(self) -> "FaultProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

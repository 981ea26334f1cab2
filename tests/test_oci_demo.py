"""`make demo`, the main job, run for real: embedded registry -> publish -> consume -> render.

The demo runs once for the module (about 3 s); the tests read its output and check
that it cleaned up after itself. A second run points REGISTRY at a dead port and
must fail with one clear line and start no registry.
"""

from __future__ import annotations

import re
import socket
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.registry import DEMO_SH, EXAMPLE, HelmHome
from tests.support.tools import CHARTS_DIR, require_tool

pytestmark = [pytest.mark.registry, pytest.mark.xdist_group("oci-demo")]


def run_demo(home: HelmHome, **env: str) -> subprocess.CompletedProcess:
    require_tool("helm")
    require_tool("cosign")
    return subprocess.run([str(DEMO_SH)], env=home.env(TMPDIR=str(home.dir), **env),
                          capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)


def steps(stdout: str) -> list[str]:
    return [line[4:] for line in stdout.splitlines() if line.startswith("==> ")]


def processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in args:
            found.append(args.strip())
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    home = HelmHome(tmp_path_factory.mktemp("oci-demo"))
    example_before = {p: p.read_bytes() for p in EXAMPLE.rglob("*") if p.is_file()}
    proc = run_demo(home)
    assert proc.returncode == 0, f"make demo failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc, home, example_before


def test_demo_reports_each_step_with_where_it_happened(demo):
    proc, _, _ = demo
    lines = steps(proc.stdout)
    expected = [
        r"embedded registry: docker-registry \S+ on 127\.0\.0\.1:\d+ \(plain HTTP\), data in /\S+,",
        r"throwaway GPG key generated for the \.prov signatures: [0-9A-F]{40} \(keyring /\S+\)",
        r"throwaway cosign key pair generated: /\S+/cosign\.key",
        r"publishing charts/common-lib and charts/standard-app to oci://127\.0\.0\.1:\d+/charts",
        r"product-team example copied to /\S+; its repository oci://\S+ now reads oci://127\.0\.0\.1:\d+/charts",
        r"helm dependency update: resolving standard-app from oci://127\.0\.0\.1:\d+/charts \(checking its \.prov",
        r"Chart\.lock written \(/\S+/Chart\.lock\); it pins:",
        r"cosign verified 127\.0\.0\.1:\d+/charts/standard-app@sha256:[0-9a-f]{64} against /\S+",
        r"helm template orders /\S+ --namespace shop --kube-version \S+",
        r"rendered release orders in namespace shop from standard-app via oci://127\.0\.0\.1:\d+/charts: .*Deployment x1",
        r"embedded registry stopped; its data directory is removed",
    ]
    assert len(lines) == len(expected), "\n".join(lines)
    for line, pattern in zip(lines, expected):
        assert re.match(pattern, line), f"{line!r} does not match {pattern!r}"


def test_demo_publishes_with_the_publish_script_and_prints_digests(demo):
    proc, _, _ = demo
    pushed = re.findall(r"^publish: pushed oci://\S+/(\S+):(\S+) digest (sha256:[0-9a-f]{64})$",
                        proc.stdout, re.M)
    versions = {n: str(yaml.safe_load((CHARTS_DIR / n / "Chart.yaml").read_text())["version"])
                for n in ("common-lib", "standard-app")}
    assert [(n, v) for n, v, _ in pushed] == list(versions.items())


def test_demo_prints_the_lock_and_the_rendered_manifests(demo):
    proc, _, _ = demo
    out = proc.stdout
    lock_text = out.split("it pins:\n", 1)[1].split("\n==> ", 1)[0]
    lock = yaml.safe_load(lock_text)
    assert lock["dependencies"][0]["name"] == "standard-app"
    assert re.fullmatch(r"oci://127\.0\.0\.1:\d+/charts", lock["dependencies"][0]["repository"])
    manifests = out.split("--kube-version", 1)[1].split("\n", 1)[1].split("\n==> ", 1)[0]
    docs = [d for d in yaml.safe_load_all(manifests) if d]
    kinds = {d["kind"] for d in docs}
    assert {"Deployment", "Service", "ServiceAccount", "PodDisruptionBudget", "NetworkPolicy"} <= kinds
    assert {d["metadata"].get("namespace") for d in docs} == {"shop"}
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    assert deployment["metadata"]["name"] == "orders"
    assert deployment["metadata"]["labels"]["helm.sh/chart"].startswith("standard-app-")


def test_demo_cleans_up_and_leaves_the_example_untouched(demo):
    proc, home, example_before = demo
    data_dir = re.search(r"data in (/\S+),", proc.stdout).group(1)
    assert not Path(data_dir).exists(), f"registry data left behind: {data_dir}"
    work = re.search(r"throwaway cosign key pair generated: (/\S+)/cosign\.key", proc.stdout).group(1)
    assert not Path(work).exists(), f"demo work dir left behind: {work}"
    assert processes_mentioning(str(Path(data_dir).parent)) == []
    example_after = {p: p.read_bytes() for p in EXAMPLE.rglob("*") if p.is_file()}
    assert example_after == example_before


def test_demo_with_an_unreachable_registry_fails_clearly(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = run_demo(HelmHome(tmp_path / "helm"), REGISTRY=f"oci://127.0.0.1:{port}/charts",
                    REGISTRY_PLAIN_HTTP="true")
    assert proc.returncode != 0
    assert f"==> using the registry from REGISTRY=oci://127.0.0.1:{port}/charts" in proc.stdout
    assert "embedded registry" not in proc.stdout
    errors = [ln for ln in proc.stderr.splitlines() if "error:" in ln]
    assert errors == [f"publish: error: registry 127.0.0.1:{port} is unreachable: connection refused "
                      "(is it running, is the port right?); nothing was pushed"], proc.stderr
    assert not list(Path(tmp_path / "helm").glob("demo.*")), "demo work dir left behind"

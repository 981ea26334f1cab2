"""examples/orders tests itself with the chart_harness plugin, as a product team's repository.

Each test runs pytest inside a private copy of examples/orders (its own pyproject.toml,
tests/ and snapshots), the way the team runs it, with the plugin this repository installs:
  * unchanged, the example's own checks pass (snapshots, OpenAPI, no dependency bump);
  * a changed value fails its snapshot with the field-level explanation;
  * a standard-app bump in Chart.lock (real registry, real `helm dependency update`) is
    reported field by field, and fails when it changes an immutable field.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chart_harness.helm import HelmVersion
from chart_harness.render import ensure_dependencies
from tests.support.edits import add_selector_label, edit, set_chart_version
from tests.support.registry import example_copy, vendored_example_copy
from tests.support.tools import CHARTS_DIR, TOOLS_BIN

pytestmark = pytest.mark.xdist_group("example-selftest")  # one worker: each test runs pytest itself

STANDARD_VERSION = "2.0.0"  # what examples/orders/Chart.yaml pins


def _pytest(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    drop = ("CI", "HARNESS_SNAPSHOT_UPDATE", "HARNESS_CACHE_DIR", "PYTEST_ADDOPTS", "PYTHONPATH")
    base = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PYTEST_XDIST")}
    base["PATH"] = f"{TOOLS_BIN}{os.pathsep}{base.get('PATH', '')}"  # `helm` is Helm 4
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--color=no", "-rs", *args],
        cwd=project, env=base | (env or {}), capture_output=True, text=True, timeout=300, check=False,
    )


def _update_snapshots(project: Path) -> None:
    proc = _pytest(project, "-p", "no:xdist", "--snapshot-update", "-k", "snapshot", env={"HARNESS_SNAPSHOT_UPDATE": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _package(chart: Path, helm: HelmVersion, destination: Path) -> Path:
    ensure_dependencies(chart, helm)
    helm.run(["package", str(chart), "--destination", str(destination)])
    (package,) = destination.glob(f"{chart.name}-*.tgz")
    return package


@pytest.fixture
def vendored_example(tmp_path: Path, helm4: HelmVersion) -> Path:
    """examples/orders with standard-app packaged from this checkout (the OCI tests cover
    fetching it from a registry)."""
    return vendored_example_copy(tmp_path / "orders", helm4)


def test_the_example_passes_its_own_checks(vendored_example: Path) -> None:
    proc = _pytest(vendored_example)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "2 snapshots passed." in out  # staging and prod, from values-*.yaml
    assert "OpenAPI (strict): " in out and "2 cases" in out
    assert "no dependency bump" in out  # not a git repository: nothing to compare with
    # The cache lives inside the chart (.cache): hashing it into the chart's key would
    # make every render of the next run a miss.
    again = _pytest(vendored_example)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "render cache: 0 rendered, " in again.stdout, again.stdout


def test_a_changed_value_fails_with_the_field_level_explanation(vendored_example: Path) -> None:
    edit(vendored_example / "values-prod.yaml", "maxReplicas: 20", "maxReplicas: 25")
    proc = _pytest(vendored_example)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "HorizontalPodAutoscaler/orders: spec.maxReplicas 20 -> 25" in out
    assert "tests/snapshots/prod.yaml does not match what orders renders for case 'prod'" in out
    assert "1 failed" in out, out  # staging is untouched


# --- a bump of standard-app in Chart.lock, against a real registry -------------------------


def _git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(project), *args],
        check=True, capture_output=True,
    )


def _publish(chart: Path, version: str, helm: HelmVersion, registry, workdir: Path) -> None:  # noqa: ANN001
    set_chart_version(chart, version)
    package = _package(chart, helm, workdir / f"dist-{version}")
    helm.run(["push", str(package), registry.url, *registry.helm_tls_args()])


def _bump(project: Path, version: str, helm: HelmVersion, registry) -> None:  # noqa: ANN001
    edit(project / "Chart.yaml", f"version: {STANDARD_VERSION}", f"version: {version}")
    helm.run(["dependency", "update", str(project), *registry.helm_tls_args()])


@pytest.fixture
def locked_example(tmp_path: Path, helm4: HelmVersion, registry):  # noqa: ANN001, ANN201
    """examples/orders resolved from a real registry at standard-app 2.0.0 and committed to
    git (the team's main branch); yields (project, registry, a private copy of charts/)."""
    charts = tmp_path / "charts"
    shutil.copytree(CHARTS_DIR, charts, ignore=shutil.ignore_patterns("charts"))
    _publish(charts / "standard-app", STANDARD_VERSION, helm4, registry, tmp_path)
    project = example_copy(tmp_path / "orders", registry.url)
    with (project / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write('chart_dependency_args = ["--plain-http"]  # the test registry speaks plain HTTP\n')
    helm4.run(["dependency", "update", str(project), *registry.helm_tls_args()])
    _git(project, "init", "-q")
    (project / ".gitignore").write_text("charts/\n.cache/\n", encoding="utf-8")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "orders on standard-app 2.0.0")
    return project, registry, charts


@pytest.mark.registry
def test_a_standard_app_bump_is_reported_field_by_field(locked_example, helm4: HelmVersion) -> None:  # noqa: ANN001
    project, registry, charts = locked_example
    edit(charts / "standard-app" / "values.yaml", "periodSeconds: 10", "periodSeconds: 15")
    _publish(charts / "standard-app", "2.0.1", helm4, registry, project.parent)
    _bump(project, "2.0.1", helm4, registry)
    before = _pytest(project, "-k", "snapshot")
    assert before.returncode == 1, before.stdout  # the team sees the change in its snapshots
    _update_snapshots(project)
    proc = _pytest(project)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "standard-app 2.0.0 -> 2.0.1 (Chart.lock against HEAD), case 'prod'" in out
    assert "spec.template.spec.containers[app].livenessProbe.periodSeconds 10 -> 15" in out
    assert "Breaking for a live release" not in out


@pytest.mark.registry
def test_a_standard_app_bump_that_changes_a_selector_fails(locked_example, helm4: HelmVersion) -> None:  # noqa: ANN001
    project, registry, charts = locked_example
    add_selector_label(charts / "standard-app")
    _publish(charts / "standard-app", "2.0.1", helm4, registry, project.parent)
    _bump(project, "2.0.1", helm4, registry)
    _update_snapshots(project)  # even with reviewed snapshots, the bump stays refused
    proc = _pytest(project, "-k", "dependency_bump")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "Breaking for a live release" in out
    assert "Deployment/orders spec.selector: [upgrade:manual-step] changed:" in out
    assert "spec.selector.matchLabels.app.kubernetes.io/part-of: (absent) -> shop" in out
    assert "2 failed" in out  # staging and prod

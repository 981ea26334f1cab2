"""Shared fixtures and hooks of the suite (the harness itself is tests/harness/).

Fixtures
    helm4, helm3       the pinned Helm versions (fail with "run `make tools`" if absent)
    helm_version       parametrized over both (ids: helm4, helm3)
    case               parametrized over the matrix, charts/standard-app/ci/<case>-values.yaml
    rendered           documents of (case, helm_version), from the render cache
    rendered_result    the full RenderResult of (case, helm_version)
    chart_copy         charts/ copied to tmp_path; returns the copied standard-app
    consumer_copy      tests/consumer-chart and common-lib copied to tmp_path; (consumer, library)
    manifest_snapshot  syrupy's `snapshot` with the one-file-per-case YAML extension

Hooks
    * refuse snapshot updates unless run by `make snapshots` (serially, outside CI)
    * print how many Helm processes ran, per version, and the render-cache traffic,
      summed over all pytest-xdist workers
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytest_plugins = ["tests.harness.gate_summary"]

from tests.harness import stats
from tests.harness.cases import Case, discover_cases
from tests.harness.helm import HELM_VERSIONS, PRIMARY_HELM, HelmVersion
from tests.harness.render import RenderResult, ensure_dependencies, render_case
from tests.harness.snapshot import ManifestSnapshotExtension, update_refusal
from tests.harness.tools import CHARTS_DIR, COMMON_LIB, ROOT, STANDARD_APP

CONSUMER_CHART = ROOT / "tests" / "consumer-chart"

_WORKER_STATS = pytest.StashKey[list]()


# --- options ------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fleet", default=None, metavar="DIR",
        help="fleet directory for tests/test_fleet.py::test_fleet_gate (default tests/fleet)",
    )


# --- snapshot update guard --------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    updating = bool(
        getattr(config.option, "update_snapshots", False)
        or getattr(config.option, "update_new_snapshots_only", False)
    )
    parallel = bool(getattr(config.option, "numprocesses", None)) or hasattr(config, "workerinput")
    reason = update_refusal(updating=updating, env=os.environ, parallel=parallel)
    if reason:
        raise pytest.UsageError(reason)
    config.stash[_WORKER_STATS] = []


# --- parametrization --------------------------------------------------------------------


def _directly_parametrized(metafunc: pytest.Metafunc, name: str) -> bool:
    for marker in metafunc.definition.iter_markers("parametrize"):
        argnames = marker.args[0] if marker.args else marker.kwargs.get("argnames", "")
        names = argnames.split(",") if isinstance(argnames, str) else list(argnames)
        if name in (n.strip() for n in names):
            return True
    return False


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames and not _directly_parametrized(metafunc, "case"):
        cases = discover_cases(STANDARD_APP)
        if not cases:
            raise pytest.UsageError(
                f"no matrix cases: {STANDARD_APP.relative_to(CHARTS_DIR.parent)}/ci/ holds no "
                "<case>-values.yaml file"
            )
        metafunc.parametrize("case", cases, ids=[c.name for c in cases])


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def helm4() -> HelmVersion:
    """Helm 4, the primary version (its output is what the snapshots record)."""
    return PRIMARY_HELM.ensure()


@pytest.fixture(scope="session")
def helm3() -> HelmVersion:
    """Helm 3, the compatibility version (must render the same documents)."""
    return next(v for v in HELM_VERSIONS if v.name == "helm3").ensure()


@pytest.fixture(params=HELM_VERSIONS, ids=[v.name for v in HELM_VERSIONS])
def helm_version(request: pytest.FixtureRequest) -> HelmVersion:
    """Each Helm version of the matrix in turn."""
    return request.param.ensure()


@pytest.fixture
def rendered_result(case: Case, helm_version: HelmVersion) -> RenderResult:
    """The cached render of (case, helm_version)."""
    return render_case(case, helm_version)


@pytest.fixture
def rendered(rendered_result: RenderResult) -> list[dict]:
    """The documents of (case, helm_version); a fresh copy, safe to modify."""
    return rendered_result.docs


@pytest.fixture
def consumer_copy(tmp_path: Path) -> tuple[Path, Path]:
    """Private copies of tests/consumer-chart and charts/common-lib, with the same relative
    layout (so its file:// dependency resolves); returns (consumer, library)."""
    library = tmp_path / "charts" / "common-lib"
    consumer = tmp_path / "tests" / "consumer-chart"
    shutil.copytree(COMMON_LIB, library)
    shutil.copytree(CONSUMER_CHART, consumer, ignore=shutil.ignore_patterns("charts"))
    return consumer, library


@pytest.fixture
def chart_copy(tmp_path: Path) -> Path:
    """A private copy of charts/ (so file://../common-lib resolves); returns standard-app.

    The copy includes charts/standard-app/charts/, brought up to date first, so an
    unmodified copy renders from the cache without rebuilding dependencies.
    """
    ensure_dependencies(STANDARD_APP, PRIMARY_HELM.ensure())
    destination = tmp_path / "charts"
    shutil.copytree(CHARTS_DIR, destination, symlinks=True)
    return destination / STANDARD_APP.name


@pytest.fixture
def manifest_snapshot(snapshot):  # noqa: ANN001, ANN201 - syrupy's fixture
    """syrupy's snapshot fixture writing tests/snapshots/<case>.yaml."""
    return snapshot.use_extension(ManifestSnapshotExtension)


# --- Helm process accounting ------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: send this process's records home
        workeroutput["harness_stats"] = stats.export()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # noqa: ANN001 - xdist hook
    exported = getattr(node, "workeroutput", {}).get("harness_stats")
    if exported is not None:
        node.config.stash[_WORKER_STATS].append(exported)


def pytest_terminal_summary(
    terminalreporter, exitstatus, config: pytest.Config
) -> None:  # noqa: ANN001
    if hasattr(config, "workerinput"):
        return
    exports = [stats.export(), *config.stash.get(_WORKER_STATS, [])]
    terminalreporter.write_sep("-", "helm processes")
    for line in stats.summary_lines(exports):
        terminalreporter.write_line(line)

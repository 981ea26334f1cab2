"""This repository's fixtures. The generic ones (helm_version, case, rendered,
manifest_snapshot, ...) and the hooks come from the chart_harness plugin
(src/chart_harness/plugin.py), configured by the chart_* options in pyproject.toml.

Fixtures
    helm4, helm3       the two entries of the Helm matrix, by name
    chart_copy         charts/ copied to tmp_path; returns the copied standard-app
    chart_copy_at_previous
                       chart_copy with Chart.yaml at the previous release's version; the
                       module defines `previous` (its PreviousRelease)
    consumer_copy      tests/consumer-chart and common-lib copied to tmp_path; (consumer, library)
    workdir, keys, registry, registry_settings, home
                       the registry tests' fixtures: tests/support/oci_fixtures.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chart_harness.helm import HelmVersion, helm_matrix, primary_helm
from chart_harness.previous_release import PreviousRelease
from chart_harness.render import ensure_dependencies
from tests.support.edits import set_chart_version
from tests.support.tools import CHARTS_DIR, COMMON_LIB, ROOT, STANDARD_APP

pytest_plugins = ["tests.support.oci_fixtures"]

CONSUMER_CHART = ROOT / "tests" / "consumer-chart"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fleet", default=None, metavar="DIR",
        help="fleet directory for tests/test_fleet.py::test_fleet_gate (default tests/fleet)",
    )


def _matrix_entry(name: str) -> HelmVersion:
    return next(helm for helm in helm_matrix() if helm.name == name).ensure()


@pytest.fixture(scope="session")
def helm4() -> HelmVersion:
    """Helm 4, the primary version (its output is what the snapshots record)."""
    return _matrix_entry("helm4")


@pytest.fixture(scope="session")
def helm3() -> HelmVersion:
    """Helm 3, the compatibility version (must render the same documents)."""
    return _matrix_entry("helm3")


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
    ensure_dependencies(STANDARD_APP, primary_helm().ensure())
    destination = tmp_path / "charts"
    shutil.copytree(CHARTS_DIR, destination, symlinks=True)
    return destination / STANDARD_APP.name


@pytest.fixture
def chart_copy_at_previous(chart_copy: Path, previous: PreviousRelease) -> Path:
    """chart_copy at the previous release's version: a test's edit is then the one change
    between the two, made without a version bump."""
    set_chart_version(chart_copy, str(previous.version))
    return chart_copy

"""Fixtures shared by the registry tests (tests/test_oci_*.py), registered by tests/conftest.py.

    workdir         a directory for the whole module, named after it (oci-distribution, ...)
    keys            throwaway GPG and cosign keys for the module (SigningKeys)
    registry        a docker-registry for the module, started with registry_settings
    registry_settings  Registry(...) keyword arguments: none (plain HTTP, no login); a
                    module overrides it, e.g. {"users": {USER: PASSWORD}, "tls": True}
    home            a fresh isolated Helm home for one test (HelmHome)

Each module keeps its own xdist_group marker, so its registry lives in one worker.
tests/support/registry.py (and with it scripts/registry.py) is imported only when a test
asks for one of these fixtures: conftest registers this module for every run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .registry import HelmHome, Registry, SigningKeys


@pytest.fixture(scope="module")
def workdir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    module = request.module.__name__.rpartition(".")[2]
    return tmp_path_factory.mktemp(module.removeprefix("test_").replace("_", "-"))


@pytest.fixture(scope="module")
def keys(workdir: Path) -> SigningKeys:
    from .registry import make_signing_keys

    return make_signing_keys(workdir / "keys")


@pytest.fixture(scope="module")
def registry_settings() -> dict:
    return {}


@pytest.fixture(scope="module")
def registry(registry_settings: dict) -> Iterator[Registry]:
    from .registry import start_registry

    reg = start_registry(**registry_settings)
    yield reg
    reg.stop()


@pytest.fixture
def home(tmp_path: Path) -> HelmHome:
    from .registry import HelmHome

    return HelmHome(tmp_path / "helm")

"""This repository's layout: where the pinned tools live, and the chart directories.

Every binary comes from `make tools` (scripts/tools.sh) and lives in .tools/bin;
the suite never falls back to whatever happens to be on PATH, so a test run
always uses the versions pinned in scripts/versions.env.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from chart_harness.errors import ToolMissing
from chart_harness.settings import active

ROOT = Path(__file__).resolve().parents[2]
TOOLS_DIR = ROOT / ".tools"
TOOLS_BIN = TOOLS_DIR / "bin"
VENV_BIN = TOOLS_DIR / "venv" / "bin"
VERSIONS_ENV = ROOT / "scripts" / "versions.env"
CHARTS_DIR = ROOT / "charts"
STANDARD_APP = CHARTS_DIR / "standard-app"
COMMON_LIB = CHARTS_DIR / "common-lib"


def cache_dir() -> Path:
    """The harness's cache (chart_cache_dir; HARNESS_CACHE_DIR moves it, as the benchmark
    does to measure a cold cache without disturbing the shared one)."""
    return active().cache_dir


def tool_path(name: str) -> Path:
    """Path of a tool in .tools/bin (it may not exist yet)."""
    return TOOLS_BIN / name


def require_tool(name: str) -> Path:
    """Path of an installed, executable tool; ToolMissing, with the fix, if absent."""
    path = tool_path(name)
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise ToolMissing(f"{name} is not installed at {path.relative_to(ROOT)}: run `make tools`")
    return path


@cache
def pinned_versions() -> dict[str, str]:
    """KEY=VALUE pairs of scripts/versions.env (the single source of tool versions)."""
    versions: dict[str, str] = {}
    for number, raw in enumerate(VERSIONS_ENV.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"{VERSIONS_ENV}:{number}: expected KEY=VALUE, got {raw!r}")
        versions[key.strip()] = value.strip().strip("'\"")
    return versions


def load_script(name: str):
    """A module of scripts/ (e.g. "gen_values_doc"), imported once, for tests of a generator."""
    import importlib.util
    import sys

    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]

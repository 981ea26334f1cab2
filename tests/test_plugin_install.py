"""The plugin installs from this repository into a fresh venv, as a product team installs it.

The install command of docs/quickstart.md (`pip install "pytest-chart-harness @
git+https://...@<tag>"`, pointed at a local git repository of this checkout) builds the
wheel with the pinned build backend and installs the plugin's own dependencies only
(versions pinned by scripts/constraints/main.txt). pytest then finds the plugin through its pytest11 entry point,
with nothing of this checkout on sys.path, and examples/orders passes its own checks.
pip reads packages from its cache, which `make tools` filled, or from PyPI.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from chart_harness.helm import HelmVersion
from tests.support.registry import vendored_example_copy
from tests.support.tools import ROOT, TOOLS_BIN

pytestmark = [pytest.mark.install, pytest.mark.xdist_group("plugin-install")]

CONSTRAINTS = ROOT / "scripts" / "constraints" / "main.txt"
QUICKSTART = ROOT / "docs" / "quickstart.md"
ENTRY_POINT = ("pytest11", "chart_harness", "chart_harness.plugin")
SUITE_ONLY = ("pytest-xdist", "hypothesis", "hypothesis-jsonschema", "yamllint", "yamale")


def _run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS", "CI", "HARNESS_CACHE_DIR")}
    clean = {k: v for k, v in clean.items() if not k.startswith("PYTEST_XDIST")}
    return subprocess.run([str(a) for a in args], cwd=cwd, env=clean | (env or {}), capture_output=True,
                          text=True, timeout=600, check=False)


def _source_copy(destination: Path) -> Path:
    """What pip builds from: the project files a clone has (no .tools, caches or charts/)."""
    shutil.copytree(ROOT, destination, ignore=shutil.ignore_patterns(
        ".git", ".tools", ".cache", "__pycache__", "*.egg-info", "charts", "examples", "tests", "docs"))
    return destination


def _wheel(source: Path, out: Path) -> Path:
    proc = _run(sys.executable, "-m", "pip", "wheel", "--disable-pip-version-check", "--no-deps",
                "-c", CONSTRAINTS, "-w", out, source)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (wheel,) = out.glob("pytest_chart_harness-*.whl")
    return wheel


def wheel_problems(wheel: Path) -> list[str]:
    """What keeps pytest from loading the plugin out of this wheel: a missing entry point
    or a module of src/chart_harness that is not packaged."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next((archive.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt")), "")
    problems = []
    group, name, target = ENTRY_POINT
    parser = configparser.ConfigParser(delimiters=("=",))
    parser.optionxform = str  # entry point names are case-sensitive
    parser.read_string(entry_points)
    if not parser.has_section(group) or parser[group].get(name, "").strip() != target:
        problems.append(f"no [{group}] entry point {name} = {target} in {wheel.name}")
    for module in sorted((ROOT / "src" / "chart_harness").glob("*.py")):
        if f"chart_harness/{module.name}" not in names:
            problems.append(f"chart_harness/{module.name} is not in {wheel.name}")
    return problems


def documented_requirement() -> tuple[str, str]:
    """(requirement, platform repository URL) of the install command in docs/quickstart.md."""
    text = QUICKSTART.read_text(encoding="utf-8")
    match = re.search(r'pip install "(?P<req>pytest-chart-harness @ git\+(?P<url>https://[^@"]+)@[^"]+)"', text)
    assert match, "docs/quickstart.md has no `pip install \"pytest-chart-harness @ git+https://...@<tag>\"` line"
    return match.group("req"), match.group("url")


def _git(repo: Path, *args: str) -> None:
    proc = _run("git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", repo, *args)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv with the plugin installed by the quickstart's command, its platform
    repository replaced by a local git repository of this checkout's sources, tagged
    the way a release is."""
    work = tmp_path_factory.mktemp("plugin-install")
    requirement, url = documented_requirement()
    repo = _source_copy(work / "platform")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "platform")
    _git(repo, "tag", requirement.rsplit("@", 1)[1])
    venv = work / "venv"
    base_python = getattr(sys, "_base_executable", sys.executable)
    proc = _run(base_python, "-m", "venv", venv)
    assert proc.returncode == 0, proc.stderr
    proc = _run(venv / "bin" / "pip", "install", "--disable-pip-version-check", "--progress-bar", "off",
                "-c", CONSTRAINTS, requirement.replace(url, f"file://localhost{repo}"))  # PEP 508 wants a host
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return venv


def test_the_wheel_declares_the_entry_point_and_packages_every_module(tmp_path: Path) -> None:
    assert wheel_problems(_wheel(_source_copy(tmp_path / "source"), tmp_path / "dist")) == []


def test_the_wheel_check_catches_a_missing_entry_point(tmp_path: Path) -> None:
    source = _source_copy(tmp_path / "source")
    pyproject = source / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert text.count('chart_harness = "chart_harness.plugin"') == 1
    pyproject.write_text(text.replace('chart_harness = "chart_harness.plugin"', ""), encoding="utf-8")
    problems = wheel_problems(_wheel(source, tmp_path / "dist"))
    assert problems == ["no [pytest11] entry point chart_harness = chart_harness.plugin in "
                        f"{next((tmp_path / 'dist').glob('*.whl')).name}"], problems


def test_a_fresh_venv_gets_the_plugin_and_only_its_dependencies(fresh_venv: Path) -> None:
    proc = _run(fresh_venv / "bin" / "python", "-c",
                "import chart_harness, importlib.metadata as m; print(chart_harness.__file__); "
                "print('\\n'.join(sorted(d.metadata['Name'].lower() for d in m.distributions())))")
    assert proc.returncode == 0, proc.stderr
    location, *installed = proc.stdout.splitlines()
    assert Path(location).is_relative_to(fresh_venv), f"chart_harness imported from {location}, not the venv"
    assert "pytest-chart-harness" in installed and "kubernetes-validate" in installed, installed
    assert not [d for d in SUITE_ONLY if d in installed], f"suite-only packages installed: {installed}"
    check = _run(fresh_venv / "bin" / "pip", "check", "--disable-pip-version-check")
    assert check.returncode == 0, check.stdout


def test_the_example_passes_its_checks_with_the_installed_plugin(fresh_venv: Path, tmp_path: Path, helm4: HelmVersion) -> None:
    project = vendored_example_copy(tmp_path / "orders", helm4)
    env = {"PATH": f"{fresh_venv / 'bin'}{os.pathsep}{TOOLS_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = _run(fresh_venv / "bin" / "pytest", "-p", "no:cacheprovider", "--color=no", cwd=project, env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "2 snapshots passed." in out and "OpenAPI (strict): " in out, out

"""The harness's configuration: which charts, cases, release, namespace, Kubernetes
versions and Helm binaries; read from the ini file, with command-line overrides.

A chart repository configures the plugin in pyproject.toml (or pytest.ini), e.g.

    [tool.pytest.ini_options]
    chart_paths = ["charts/standard-app"]
    chart_release = "orders"
    chart_namespace = "shop"
    chart_kube_version = "1.34.0"
    chart_helm = ["helm4=.tools/bin/helm", "helm3=.tools/bin/helm3"]

Every option is in OPTIONS below, with its default; relative paths are relative to
the directory of the ini file (pytest's rootdir). The plugin calls configure() once
per process; code outside pytest (benchmarks, report scripts) calls load(), which
reads the same [tool.pytest.ini_options] table, so both always agree.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError


@dataclass(frozen=True)
class Option:
    """One ini option: its name, pytest's ini type, default and help line."""

    name: str
    kind: str  # "string" or "linelist", as pytest's parser.addini takes them
    default: str | tuple[str, ...]
    help: str


OPTIONS: tuple[Option, ...] = (
    Option("chart_paths", "linelist", (".",), "chart directories under test (their cases form the matrix)"),
    Option("chart_cases", "string", "ci/*-values.yaml", "glob, relative to each chart, of the values files that are the cases"),
    Option("chart_release", "string", "", "release name for every render (default: the name in the chart's Chart.yaml)"),
    Option("chart_namespace", "string", "default", "namespace for every render"),
    Option("chart_kube_version", "string", "1.34.0", "the Kubernetes version every render uses (--kube-version)"),
    Option("chart_kube_versions", "linelist", (), "versions to validate against (default: every minor the chart's kubeVersion allows that has schemas offline)"),
    Option("chart_helm", "linelist", ("helm=helm",), "the Helm matrix, NAME=PATH; the first is primary (its output is the snapshot)"),
    Option("chart_snapshot_dir", "string", "tests/snapshots", "directory of the <case>.yaml snapshots"),
    Option("chart_snapshot_update", "string", "HARNESS_SNAPSHOT_UPDATE=1 pytest -p no:xdist --snapshot-update", "the command that rewrites snapshots (named in messages)"),
    Option("chart_cache_dir", "string", ".cache", "render cache and isolated Helm homes (env HARNESS_CACHE_DIR overrides)"),
    Option("chart_crd_schemas", "string", "", "directory of extra JSON schemas for custom resources (x-kubernetes-group-version-kind)"),
    Option("chart_dependency_args", "linelist", (), "extra flags for `helm dependency build`, e.g. --plain-http"),
    Option("chart_dependency_base", "string", "HEAD", "git ref whose Chart.lock a dependency bump is measured against"),
    Option("chart_baselines", "string", "", "directory of packaged previous releases for the upgrade guard"),
)

_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
KUBE_VERSION = re.compile(r"^v?\d+\.\d+(\.\d+)?$")  # what --kube-version accepts


@dataclass(frozen=True)
class HelmBinary:
    """One entry of the Helm matrix."""

    name: str  # pytest id, e.g. "helm4"
    path: Path
    primary: bool


@dataclass(frozen=True)
class Settings:
    """The resolved configuration (absolute paths)."""

    rootdir: Path
    charts: tuple[Path, ...]
    cases: str
    release: str
    namespace: str
    kube_version: str
    kube_versions: tuple[str, ...]
    helm: tuple[HelmBinary, ...]
    snapshot_dir: Path
    snapshot_update: str
    cache_dir: Path
    crd_schemas: Path | None = None
    baselines: Path | None = None
    dependency_args: tuple[str, ...] = ()
    dependency_base: str = "HEAD"
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    def release_for(self, chart_dir: Path) -> str:
        return self.release or chart_name(chart_dir)

    def shown(self, path: str | os.PathLike[str]) -> str:
        """A path as a person reads it: relative to the rootdir when inside it."""
        resolved = Path(path).resolve()
        return str(resolved.relative_to(self.rootdir)) if resolved.is_relative_to(self.rootdir) else str(path)


def chart_name(chart_dir: str | os.PathLike[str]) -> str:
    """The `name` in a chart's Chart.yaml, or its directory's name without one: the same on
    every checkout, whatever the directory the repository was cloned into."""
    import yaml  # only here: the settings module stays importable without it

    try:
        data = yaml.safe_load((Path(chart_dir) / "Chart.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        data = None
    name = data.get("name") if isinstance(data, dict) else None
    return str(name) if name else Path(chart_dir).resolve().name


def resolve(rootdir: Path, get: Callable[[str], str | Sequence[str]]) -> Settings:
    """Settings from raw option values (`get(name)` returns the ini value or the default)."""
    rootdir = Path(rootdir).resolve()

    def path(value: str) -> Path:
        return (rootdir / os.path.expandvars(value)).resolve()

    def lines(name: str) -> list[str]:
        value = get(name)
        items = value.split() if isinstance(value, str) else list(value)
        return [item.strip() for item in items if item.strip()]

    charts = tuple(path(p) for p in lines("chart_paths"))
    if not charts:
        raise ConfigError("chart_paths: name at least one chart directory")
    kube_version = str(get("chart_kube_version"))
    kube_versions = tuple(lines("chart_kube_versions"))
    bad = [v for v in (kube_version, *kube_versions) if not KUBE_VERSION.match(v)]
    if bad:
        raise ConfigError(f"chart_kube_version(s): versions look like 1.34.0, got {', '.join(map(repr, bad))}")
    helm = []
    for index, entry in enumerate(lines("chart_helm")):
        name, sep, location = entry.partition("=")
        if not sep or not _NAME.match(name) or not location:
            raise ConfigError(f"chart_helm: entries look like helm4=.tools/bin/helm, got {entry!r}")
        binary = Path(location)
        if len(binary.parts) > 1:
            binary = path(location)
        helm.append(HelmBinary(name=name, path=binary, primary=index == 0))
    if not helm or len({h.name for h in helm}) != len(helm):
        raise ConfigError(f"chart_helm: needs one or more entries with distinct names, got {lines('chart_helm')!r}")
    cache = os.environ.get("HARNESS_CACHE_DIR") or str(get("chart_cache_dir"))
    optional = {name: (path(str(get(name))) if str(get(name)) else None) for name in ("chart_crd_schemas", "chart_baselines")}
    return Settings(
        rootdir=rootdir,
        charts=charts,
        cases=str(get("chart_cases")),
        release=str(get("chart_release")),
        namespace=str(get("chart_namespace")),
        kube_version=kube_version,
        kube_versions=kube_versions,
        helm=tuple(helm),
        snapshot_dir=path(str(get("chart_snapshot_dir"))),
        snapshot_update=str(get("chart_snapshot_update")),
        cache_dir=path(cache),
        crd_schemas=optional["chart_crd_schemas"],
        baselines=optional["chart_baselines"],
        dependency_args=tuple(lines("chart_dependency_args")),
        dependency_base=str(get("chart_dependency_base")) or "HEAD",
    )


def load(start: Path | None = None) -> Settings:
    """Settings from the nearest pyproject.toml's [tool.pytest.ini_options] (outside pytest)."""
    here = Path(start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            with open(pyproject, "rb") as fh:
                table = tomllib.load(fh).get("tool", {}).get("pytest", {}).get("ini_options", {})
            defaults = {o.name: o.default for o in OPTIONS}
            return resolve(directory, lambda name: table.get(name, defaults[name]))
    raise ConfigError(f"no pyproject.toml in {here} or above: cannot read the chart_* options")


_ACTIVE: list[Settings] = []


def configure(settings: Settings) -> None:
    """Make `settings` the process's configuration (the plugin does this at start-up)."""
    _ACTIVE[:] = [settings]


def active() -> Settings:
    """The process's configuration; loaded from pyproject.toml on first use outside pytest."""
    if not _ACTIVE:
        _ACTIVE.append(load())
    return _ACTIVE[0]

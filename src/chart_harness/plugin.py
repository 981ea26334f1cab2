"""The pytest plugin (entry point `chart_harness`): options, fixtures and hooks.

Installed with the package, it loads in every pytest run of that environment. It reads
the chart_* ini options (settings.py) once per process, with these overrides:

    --chart PATH            chart under test (repeatable; replaces chart_paths)
    --chart-release NAME    --chart-namespace NAME
    --chart-kube-version V  the render's Kubernetes version
    --chart-helm NAME=PATH  (repeatable; replaces chart_helm)
    --chart-dependency-base REF  the git ref a Chart.lock bump is measured against

Fixtures
    chart_settings     the resolved Settings
    helm_primary       the primary Helm of the matrix
    helm_version       parametrized over the Helm matrix (ids: the chart_helm names)
    helm_compat        parametrized over the matrix without the primary
    case               parametrized over every chart's cases (unless a test parametrizes it)
    rendered_result    the cached RenderResult of (case, helm_version)
    rendered           its documents (a fresh copy, safe to modify)
    manifest_snapshot  syrupy's `snapshot` with the one-file-per-case YAML extension

Hooks
    * a failure raised as HarnessError, or Helm's refusal (HelmError), prints its message
      only, without a traceback
    * snapshot updates are refused under CI, in parallel, or without chart_snapshot_update
    * the terminal summary counts Helm processes and render-cache traffic over all workers
"""

from __future__ import annotations

import difflib
import os

import pytest

from . import settings as settings_module
from . import stats
from .cases import Case, matrix_cases
from .errors import HarnessError
from .helm import HelmError, HelmVersion, compat_helms, helm_matrix, primary_helm
from .openapi import kube_versions, minor
from .render import RenderResult, render_case
from .settings import OPTIONS, Settings
from .snapshot import ManifestSnapshotExtension, update_refusal

pytest_plugins = ["chart_harness.gate_summary"]

_WORKER_STATS = pytest.StashKey[list]()
_OVERRIDES = {
    "chart_paths": "chart",
    "chart_release": "chart_release",
    "chart_namespace": "chart_namespace",
    "chart_kube_version": "chart_kube_version",
    "chart_helm": "chart_helm",
    "chart_dependency_base": "chart_dependency_base",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    for option in OPTIONS:
        parser.addini(option.name, option.help, type=option.kind, default=option.default)
    group = parser.getgroup("chart-harness", "Helm chart harness (chart_* ini options)")
    group.addoption("--chart", action="append", metavar="PATH", help="chart under test (repeatable)")
    group.addoption("--chart-release", metavar="NAME", help="release name for every render")
    group.addoption("--chart-namespace", metavar="NAME", help="namespace for every render")
    group.addoption("--chart-kube-version", metavar="V", help="the Kubernetes version every render uses")
    group.addoption("--chart-helm", action="append", metavar="NAME=PATH", help="Helm binary of the matrix (repeatable)")
    group.addoption("--chart-dependency-base", metavar="REF", help="git ref a Chart.lock bump is measured against")


def _unknown_options(config: pytest.Config) -> str | None:
    """A usage error for a chart_* ini key no option has (a typo would otherwise leave the
    option at its default, and show up later as a confusing failure)."""
    known = [option.name for option in settings_module.OPTIONS]
    unknown = sorted(key for key in getattr(config, "inicfg", {}) if key.startswith("chart_") and key not in known)
    if not unknown:
        return None
    hints = [f"{key} (did you mean {close[0]}?)" if (close := difflib.get_close_matches(key, known, n=1)) else key
             for key in unknown]
    return f"unknown chart_harness option in {config.inipath}: {', '.join(hints)}; the options: {', '.join(known)}"


def _settings(config: pytest.Config) -> Settings:
    def get(name: str):  # noqa: ANN202 - str or list, as the option's kind
        override = _OVERRIDES.get(name)
        value = config.getoption(override) if override else None
        return value if value else config.getini(name)

    ini_dir = config.inipath.parent if config.inipath else config.rootpath
    return settings_module.resolve(ini_dir, get)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if unknown := _unknown_options(config):
        raise pytest.UsageError(unknown)
    try:
        settings_module.configure(_settings(config))
        updating = bool(
            getattr(config.option, "update_snapshots", False)
            or getattr(config.option, "update_new_snapshots_only", False)
        )
        parallel = bool(getattr(config.option, "numprocesses", None)) or hasattr(config, "workerinput")
        reason = update_refusal(updating=updating, env=os.environ, parallel=parallel) or _matrix_problem(config)
    except HarnessError as err:
        raise pytest.UsageError(str(err)) from None
    if reason:
        raise pytest.UsageError(reason)
    config.stash[_WORKER_STATS] = []


# --- parametrization ----------------------------------------------------------------------


def _directly_parametrized(metafunc: pytest.Metafunc, name: str) -> bool:
    for marker in metafunc.definition.iter_markers("parametrize"):
        argnames = marker.args[0] if marker.args else marker.kwargs.get("argnames", "")
        names = argnames.split(",") if isinstance(argnames, str) else list(argnames)
        if name in (n.strip() for n in names):
            return True
    return False


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames and not _directly_parametrized(metafunc, "case"):
        _parametrize_cases(metafunc)
    if "helm_version" in metafunc.fixturenames and not _directly_parametrized(metafunc, "helm_version"):
        matrix = helm_matrix()
        metafunc.parametrize("helm_version", matrix, ids=[helm.name for helm in matrix])
    if "helm_compat" in metafunc.fixturenames and not _directly_parametrized(metafunc, "helm_compat"):
        others = compat_helms()
        metafunc.parametrize("helm_compat", others, ids=[helm.name for helm in others])


def _matrix_problem(config: pytest.Config) -> str | None:
    """Why the configured charts make no usable matrix, or None: a chart path without a
    Chart.yaml, no case at all, a chart without cases (it would silently drop out), or two
    charts' cases of one name (they would overwrite each other's snapshot file). Only for a
    project that configures the plugin (a chart_* option or --chart): the plugin is
    installed in environments that run other projects' tests too."""
    if not (any(key.startswith("chart_") for key in getattr(config, "inicfg", {})) or config.getoption("chart", None)):
        return None
    settings = settings_module.active()
    not_charts = [chart for chart in settings.charts if not (chart / "Chart.yaml").is_file()]
    if not_charts:
        return (f"chart_paths (or --chart): {', '.join(repr(settings.shown(c)) for c in not_charts)} is not a chart "
                "directory (no Chart.yaml); name the directory that holds the chart's Chart.yaml")
    cases = matrix_cases()
    if not cases:
        return (f"no matrix cases: no file matches {settings.cases} in "
                + ", ".join(settings.shown(chart) for chart in settings.charts))
    idle = [chart for chart in settings.charts if not any(c.chart_dir == chart for c in cases)]
    if idle:
        return (f"no matrix cases for {', '.join(settings.shown(chart) for chart in idle)}: no file matches "
                f"{settings.cases} there; add a case file, or leave the chart out of chart_paths")
    by_name: dict[str, list[Case]] = {}
    for case in cases:
        by_name.setdefault(case.name, []).append(case)
    for name, found in sorted(by_name.items()):
        if len(found) > 1:
            return (f"matrix case {name!r} of {' and '.join(settings.shown(c.values_file) for c in found)}: cases of "
                    f"different charts would share one snapshot file in {settings.shown(settings.snapshot_dir)}; rename one")
    return None


def _parametrize_cases(metafunc: pytest.Metafunc) -> None:
    """`case`, or (`case`, `kube_version`) pairs when the test takes both: each case with
    every Kubernetes version its chart is validated against (openapi.kube_versions)."""
    cases = matrix_cases()
    settings = settings_module.active()
    if not cases:  # a project that does not configure the plugin (pytest_configure checks the others)
        raise pytest.UsageError(
            f"no matrix cases: no file matches {settings.cases} in "
            + ", ".join(settings.shown(chart) for chart in settings.charts)
        )
    several = len(settings.charts) > 1
    ids = [f"{c.chart_dir.name}-{c.name}" if several else c.name for c in cases]
    if "kube_version" not in metafunc.fixturenames or _directly_parametrized(metafunc, "kube_version"):
        metafunc.parametrize("case", cases, ids=ids)
        return
    pairs, pair_ids = [], []
    for case, case_id in zip(cases, ids, strict=True):
        try:
            versions = kube_versions(case.chart_dir)
        except HarnessError as err:  # e.g. dependencies not built: say so, without a traceback
            pytest.fail(str(err), pytrace=False)
        for version in versions:
            pairs.append((case, version))
            pair_ids.append(f"{case_id}-k8s{minor(version)}")
    metafunc.parametrize("case,kube_version", pairs, ids=pair_ids)


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chart_settings() -> Settings:
    """The resolved chart_* configuration."""
    return settings_module.active()


@pytest.fixture(scope="session")
def helm_primary() -> HelmVersion:
    """The primary Helm (its output is what the snapshots record)."""
    return primary_helm().ensure()


@pytest.fixture
def rendered_result(case: Case, helm_version: HelmVersion) -> RenderResult:
    """The cached render of (case, helm_version)."""
    return render_case(case, helm_version)


@pytest.fixture
def rendered(rendered_result: RenderResult) -> list[dict]:
    """The documents of (case, helm_version); a fresh copy, safe to modify."""
    return rendered_result.docs


@pytest.fixture
def manifest_snapshot(snapshot):  # noqa: ANN001, ANN201 - syrupy's fixture
    """syrupy's snapshot fixture writing <chart_snapshot_dir>/<case>.yaml."""
    return snapshot.use_extension(ManifestSnapshotExtension)


# --- reporting ----------------------------------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # noqa: ANN201
    outcome = yield
    report = outcome.get_result()
    # Helm's own refusal says what is wrong (the command and its message): the harness's
    # frames under it would only bury it.
    if call.excinfo is not None and isinstance(call.excinfo.value, (HarnessError, HelmError)) and report.failed:
        report.longrepr = str(call.excinfo.value)


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


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:  # noqa: ANN001
    if hasattr(config, "workerinput"):
        return
    exports = [stats.export(), *config.stash.get(_WORKER_STATS, [])]
    terminalreporter.write_sep("-", "helm processes")
    for line in stats.summary_lines(exports):
        terminalreporter.write_line(line)

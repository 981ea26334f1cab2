"""Rendering a fleet: every service with each version of standard-app, in parallel.

Everything goes through the shared render cache (render_chart), so a warm run
renders nothing. Both versions are rendered as an upgrade (`--is-upgrade`): a
long-lived release was last deployed by an upgrade, and a template that differs
between install and upgrade must not look like a change of the chart.

A product chart is rendered whole, its own templates and other dependencies
included, from a copy whose charts/ holds the standard-app version under test as a
packaged archive, and whose Chart.yaml pins that version (Helm applies an `alias`
only when the packaged version satisfies the constraint) -- what
`helm dependency update` leaves behind after pulling that version.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tarfile
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from chart_harness.deps import chart_digest
from chart_harness.files import file_lock
from .fleet_discovery import STANDARD_APP_NAME, FleetError, Service, load_yaml, shown_path
from chart_harness.helm import HelmError, HelmVersion
from chart_harness.render import ensure_dependencies, render_chart
from .tools import cache_dir
from chart_harness.semver import SemVer

FLEET_CACHE = cache_dir() / "fleet"
# Bump when product_variant() builds its copies differently: old copies are then not reused.
VARIANT_FORMAT = 3


@dataclass(frozen=True)
class Side:
    """One version of standard-app: the previous release or the chart under review."""

    chart: Path
    version: SemVer
    label: str  # "1.0.0 (baseline tests/baselines/standard-app-1.0.0.tgz)"


@dataclass(frozen=True)
class Outcome:
    """One render: the documents, or the chart's refusal."""

    docs: list[dict] | None
    error: str = ""
    cached: bool = False


def _package(chart: Path, helm: HelmVersion) -> Path:
    """`helm package` of a chart, content-addressed in .cache/fleet/packages/<digest>/."""
    ensure_dependencies(chart, helm)
    target = FLEET_CACHE / "packages" / chart_digest(chart)[:24]
    if target.is_dir() and any(target.glob("*.tgz")):
        return sorted(target.glob("*.tgz"))[0]
    target.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(target.parent / f"{target.name}.lock"):
        if not (target.is_dir() and any(target.glob("*.tgz"))):
            staging = Path(tempfile.mkdtemp(prefix=".package-", dir=target.parent))
            try:
                helm.run(["package", str(chart), "--destination", str(staging)])
                staging.rename(target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    return sorted(target.glob("*.tgz"))[0]


def _is_standard_app(entry: Path) -> bool:
    if entry.is_dir():
        meta = entry / "Chart.yaml"
        return meta.is_file() and (load_yaml(meta) or {}).get("name") == STANDARD_APP_NAME
    return re.fullmatch(rf"{re.escape(STANDARD_APP_NAME)}-\d+\.\d+\.\d+.*\.tgz", entry.name) is not None


def _archive(chart_dir: Path) -> None:
    """Replace an unpacked chart directory by the archive Helm would have vendored."""
    meta = load_yaml(chart_dir / "Chart.yaml") or {}
    target = chart_dir.parent / f"{meta.get('name', chart_dir.name)}-{meta.get('version', '0.0.0')}.tgz"
    with tarfile.open(target, "w:gz") as tar:
        tar.add(chart_dir, arcname=str(meta.get("name", chart_dir.name)))
    shutil.rmtree(chart_dir)


def product_variant(product: Path, package: Path, version: SemVer) -> Path:
    """A copy of a product chart with `package` (standard-app `version`) as its dependency.

    Its other dependencies stay as they are in charts/. Content-addressed in
    .cache/fleet/variants/, so the render cache sees the same bytes on every run.
    """
    package_sha = hashlib.sha256(package.read_bytes()).hexdigest()
    h = hashlib.sha256(f"{VARIANT_FORMAT}\0{chart_digest(product)}\0{package_sha}\0{version}".encode())
    target = FLEET_CACHE / "variants" / h.hexdigest()[:24]
    chart = target / product.name
    if (chart / "Chart.yaml").is_file():
        return chart
    target.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(target.parent / f"{target.name}.lock"):
        if (chart / "Chart.yaml").is_file():
            return chart
        staging = Path(tempfile.mkdtemp(prefix=".variant-", dir=target.parent))
        try:
            copy = staging / product.name
            shutil.copytree(product, copy, symlinks=False,
                            ignore=lambda d, names: ["Chart.lock"] if Path(d) == product else [])
            charts = copy / "charts"
            charts.mkdir(exist_ok=True)
            for entry in list(charts.iterdir()):
                if _is_standard_app(entry):
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
                elif entry.is_dir() and (entry / "Chart.yaml").is_file():
                    _archive(entry)  # the render cache checks dependencies as archives
            shutil.copyfile(package, charts / package.name)
            meta = load_yaml(copy / "Chart.yaml")
            for dep in meta.get("dependencies") or []:
                if not isinstance(dep, dict):
                    continue
                repository = str(dep.get("repository") or "")
                if dep.get("name") == STANDARD_APP_NAME:
                    dep["version"] = str(version)
                    if repository.startswith("file://"):
                        dep["repository"] = ""  # a monorepo path: the archive in charts/ replaces it
                elif repository.startswith("file://") and not repository.startswith("file:///"):
                    dep["repository"] = f"file://{(product / repository[len('file://'):]).resolve()}"
            (copy / "Chart.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return chart


def render_fleet(
    services: Sequence[Service], sides: Sequence[Side], helm: HelmVersion, *, jobs: int = 2
) -> dict[tuple[str, int], Outcome]:
    """Every service with every side, in `jobs` parallel Helm processes: {(service, side index): Outcome}.

    FleetError when a chart cannot be prepared (a product chart's other dependencies
    missing, say): that is the fleet's fault, not a verdict on the values.
    """
    helm.ensure()
    packages: dict[int, Path] = {}
    for i, side in enumerate(sides):
        ensure_dependencies(side.chart, helm)
        if any(s.product_chart for s in services):
            packages[i] = _package(side.chart, helm)
    tasks: list[tuple[Service, int, Path]] = []
    prepared: set[Path] = set()
    for service in services:
        for i, side in enumerate(sides):
            chart = side.chart
            if service.product_chart:
                chart = product_variant(service.product_chart, packages[i], side.version)
                if chart not in prepared:
                    try:
                        ensure_dependencies(chart, helm)
                    except (HelmError, FileNotFoundError) as err:
                        reason = err.stderr if isinstance(err, HelmError) else str(err)
                        raise FleetError(
                            f"{shown_path(service.product_chart)}: its dependencies cannot be prepared "
                            f"({' '.join(reason.split())[:300]}); vendor every dependency other than "
                            f"{STANDARD_APP_NAME} into its charts/ directory"
                        ) from err
                    prepared.add(chart)
            tasks.append((service, i, chart))

    def run(task: tuple[Service, int, Path]) -> Outcome:
        service, _, chart = task
        try:
            result = render_chart(chart, helm, values_files=service.values, release=service.release,
                                  namespace=service.namespace, is_upgrade=True)
        except HelmError as err:
            if err.returncode != 1:
                raise
            return Outcome(None, error=chart_message(err.stderr))
        return Outcome(result.docs, cached=result.cached)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outcomes = list(pool.map(run, tasks))
    return {(service.name, i): outcome for (service, i, _), outcome in zip(tasks, outcomes, strict=True)}


def chart_message(stderr: str) -> str:
    """The chart's own words from Helm's stderr, on one line: the schema's or the template's message."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    bullets = [line[2:].strip() for line in lines if line.startswith("- ")]
    if bullets:  # "values don't meet the specifications of the schema(s) ...:" / "standard-app:" / "- at ..."
        chart = next((line[:-1] for line in lines if line.endswith(":") and " " not in line), "")
        return (f"{chart} schema: " if chart else "") + "; ".join(bullets)
    text = re.sub(r"^Error: ", "", " ".join(lines))
    # "execution error at (standard-app/templates/x.yaml:1:4): <message>"
    return re.sub(r"^.*?execution error at \([^)]*\): ", "", text)

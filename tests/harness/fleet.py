"""Fleet impact: what a change to standard-app does to every service that uses it.

A fleet is a directory of the product teams' services:

    <name>.yaml             a values file for standard-app: release <name>, namespace "default"
    <team>/<name>.yaml      the same in namespace <team> (directories nest: the first one
                            is the namespace)
    <dir>/Chart.yaml        a product chart that depends on standard-app: one service for
                            its values.yaml, and one more per values-<env>.yaml (layered on
                            values.yaml, as `helm template -f values-<env>.yaml` does)
    fleet.yaml              optional: `include:` more services kept elsewhere, each
                            `{path: <values file or product chart>, namespace: <ns>}` with
                            the path relative to the fleet directory

Every service is rendered twice through the shared render cache, in parallel: with
the previous release (an install) and with the chart under review (an upgrade). A
product chart gets each standard-app packaged into its charts/, exactly as
`helm dependency build` would leave it after pulling from the registry.

Each service then gets one verdict, the most severe that applies:

    now rejected              the previous release renders it, this chart refuses the values
    immutable-field break     an upgrade patch the API server refuses (selectors, ...)
    rolling restart           a workload's pod template changed: every pod is replaced
    changed without restart   objects change, pods stay
    unchanged
    new in this version       only the chart under review accepts the values
    rejected by both          neither version accepts the values

and, beside its verdict, the objects it newly renders or no longer renders.
analyse_fleet() returns a FleetReport; .markdown() is sized for a pull-request
comment, .as_json() is for tooling, .problems() says why the change may not ship.
"""

from __future__ import annotations

import hashlib
import json
import re
import resource
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .deps import chart_digest
from .explain import field_changes, index_documents
from .files import file_lock
from .helm import HelmError, HelmVersion
from .render import RenderResult, ensure_dependencies, render_chart
from .tools import CACHE_DIR, ROOT
from .upgrade import (
    CHART_NAME,
    PreviousRelease,
    SemVer,
    chart_metadata,
    chart_version,
    compare_releases,
    hook_events,
)
from .yamlio import KubeLoader

FLEET_CACHE = CACHE_DIR / "fleet"
FLEET_FILE = "fleet.yaml"
DEFAULT_NAMESPACE = "default"
_RELEASE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$")  # Helm: DNS-1123 label, 53 chars
_ENV_VALUES = re.compile(r"^values-([a-z0-9][a-z0-9-]*)\.ya?ml$")
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")

NOW_REJECTED = "now rejected"
IMMUTABLE = "immutable-field break"
RESTART = "rolling restart"
CHANGED = "changed without restart"
UNCHANGED = "unchanged"
NEW_SERVICE = "new in this version"
REJECTED_BOTH = "rejected by both"
# Most severe first: the order of the report's counts and of its per-service sections.
VERDICTS = (NOW_REJECTED, IMMUTABLE, RESTART, CHANGED, UNCHANGED, NEW_SERVICE, REJECTED_BOTH)
# The fields that are renames and removals, not patches: reported as objects added or removed.
_OBJECT_FIELDS = {"(object)", "metadata.name", "apiVersion"}


class FleetError(ValueError):
    """The fleet directory is malformed; the message names the file and the fix."""


@dataclass(frozen=True)
class Service:
    """One deployed service: a release of standard-app, directly or through a product chart.

    name           unique in the fleet: "payments/ledger", "orders@prod"
    values         values files in order (for a product chart: its values-<env>.yaml, if any)
    product_chart  the product chart that depends on standard-app, else None
    """

    name: str
    release: str
    namespace: str
    values: tuple[Path, ...]
    product_chart: Path | None = None

    @property
    def source(self) -> Path:
        """The file that defines it: its values file, else the product chart."""
        return self.values[0] if self.values else self.product_chart  # type: ignore[return-value]


# --- discovery -----------------------------------------------------------------------------


def discover_fleet(root: Path) -> list[Service]:
    """Every service of a fleet directory, sorted by name. FleetError if malformed."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise FleetError(f"fleet {root}: not a directory")
    services = _scan(root, root)
    manifest = root / FLEET_FILE
    if manifest.is_file():
        services += _included(root, manifest)
    if not services:
        raise FleetError(
            f"fleet {root}: no services; put standard-app values files (<name>.yaml) or product "
            "charts (<dir>/Chart.yaml) in it"
        )
    seen: dict[str, Service] = {}
    for service in services:
        if service.name in seen:
            raise FleetError(
                f"fleet {root}: two services are called {service.name!r} "
                f"({shown_path(seen[service.name].source)} and {shown_path(service.source)}); rename one"
            )
        seen[service.name] = service
    return sorted(seen.values(), key=lambda s: s.name)


def _scan(root: Path, directory: Path) -> list[Service]:
    if (directory / "Chart.yaml").is_file():
        parts = directory.relative_to(root).parts
        namespace = parts[0] if len(parts) > 1 else DEFAULT_NAMESPACE
        return product_services(directory, namespace)
    found: list[Service] = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            found += _scan(root, path)
        elif path.suffix in (".yaml", ".yml") and not (directory == root and path.name == FLEET_FILE):
            parts = path.relative_to(root).parts
            namespace = parts[0] if len(parts) > 1 else DEFAULT_NAMESPACE
            found.append(values_service(path, namespace, name="/".join((*parts[:-1], path.stem))))
    return found


def values_service(path: Path, namespace: str, name: str | None = None) -> Service:
    """A standard-app values file: the release is the file's stem."""
    release = path.stem
    _check_release(release, path)
    _check_release(namespace, path, what="namespace")
    return Service(name or release, release, namespace, (path.resolve(),))


def product_services(chart: Path, namespace: str) -> list[Service]:
    """A product chart: one service for values.yaml, one per values-<env>.yaml."""
    meta = chart_metadata(chart)
    if not any(isinstance(d, dict) and d.get("name") == CHART_NAME for d in meta.get("dependencies") or []):
        raise FleetError(
            f"{shown_path(chart / 'Chart.yaml')}: a product chart in a fleet depends on {CHART_NAME}; "
            f"this one does not (add it under dependencies:)"
        )
    release = str(meta.get("name") or chart.name)
    _check_release(release, chart / "Chart.yaml")
    _check_release(namespace, chart / "Chart.yaml", what="namespace")
    chart = chart.resolve()
    services = [Service(release, release, namespace, (), chart)]
    for path in sorted(chart.iterdir()):
        match = _ENV_VALUES.match(path.name)
        if match and path.is_file():
            services.append(Service(f"{release}@{match.group(1)}", release, namespace, (path,), chart))
    return services


def _included(root: Path, manifest: Path) -> list[Service]:
    data = yaml.load(manifest.read_text(encoding="utf-8"), Loader=KubeLoader) or {}
    entries = data.get("include") if isinstance(data, dict) else None
    if not isinstance(entries, list) or set(data) - {"include"}:
        raise FleetError(f"{shown_path(manifest)}: expected `include: [{{path: ..., namespace: ...}}, ...]`, got {data!r}")
    services: list[Service] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or set(entry) - {"path", "namespace"}:
            raise FleetError(f"{shown_path(manifest)}: include[{i}] must be {{path: <str>, namespace: <str>}}, got {entry!r}")
        path = (root / entry["path"]).resolve()
        namespace = str(entry.get("namespace") or DEFAULT_NAMESPACE)
        if (path / "Chart.yaml").is_file():
            services += product_services(path, namespace)
        elif path.is_file():
            services.append(values_service(path, namespace))
        else:
            raise FleetError(
                f"{shown_path(manifest)}: include[{i}].path {entry['path']!r} is neither a values file "
                f"nor a product chart directory ({path} does not exist or has no Chart.yaml)"
            )
    return services


def _check_release(name: str, where: Path, what: str = "release name") -> None:
    if not _RELEASE.match(name):
        raise FleetError(
            f"{shown_path(where)}: {what} {name!r} is not a DNS-1123 label of at most 53 characters "
            "(lowercase letters, digits and '-'); rename the file or directory"
        )


def shown_path(path: Path | None) -> str:
    """A path relative to the repository when it is inside it."""
    if path is None:
        return "?"
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# --- rendering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One version of standard-app: the previous release or the chart under review."""

    chart: Path
    version: SemVer
    label: str  # "1.0.0 (baseline tests/baselines/standard-app-1.0.0.tgz)"
    upgrade: bool  # rendered as an upgrade (the chart under review) or an install


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
    done = sorted(target.glob("*.tgz")) if target.is_dir() else []
    if done:
        return done[0]
    target.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(target.parent / f"{target.name}.lock"):
        done = sorted(target.glob("*.tgz")) if target.is_dir() else []
        if done:
            return done[0]
        staging = Path(tempfile.mkdtemp(prefix=".package-", dir=target.parent))
        try:
            helm.run(["package", str(chart), "--destination", str(staging)])
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return sorted(target.glob("*.tgz"))[0]


def product_variant(product: Path, package: Path) -> Path:
    """A copy of a product chart whose charts/ holds exactly `package` (standard-app).

    Content-addressed in .cache/fleet/variants/, so the render cache sees the same
    chart bytes on every run.
    """
    h = hashlib.sha256()
    h.update(chart_digest(product).encode())
    h.update(hashlib.sha256(package.read_bytes()).hexdigest().encode())
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
            shutil.copytree(product, copy, ignore=lambda d, names: ["charts"] if Path(d) == product else [])
            (copy / "charts").mkdir()
            shutil.copyfile(package, copy / "charts" / package.name)
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return chart


def render_fleet(
    services: Sequence[Service], sides: Sequence[Side], helm: HelmVersion, *, jobs: int = 2
) -> dict[tuple[str, int], Outcome]:
    """Every service with every side, in `jobs` parallel Helm processes: {(service, side index): Outcome}."""
    helm.ensure()
    packages: dict[int, Path] = {}
    for i, side in enumerate(sides):
        ensure_dependencies(side.chart, helm)
        if any(s.product_chart for s in services):
            packages[i] = _package(side.chart, helm)
    tasks: list[tuple[Service, int, Path]] = []
    for service in services:
        for i, side in enumerate(sides):
            chart = product_variant(service.product_chart, packages[i]) if service.product_chart else side.chart
            tasks.append((service, i, chart))

    def run(task: tuple[Service, int, Path]) -> Outcome:
        service, i, chart = task
        try:
            result: RenderResult = render_chart(
                chart, helm, values_files=service.values, release=service.release,
                namespace=service.namespace, is_upgrade=sides[i].upgrade,
            )
        except HelmError as err:
            if err.returncode != 1:
                raise
            return Outcome(None, error=chart_message(err.stderr))
        return Outcome(result.docs, cached=result.cached)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outcomes = list(pool.map(run, tasks))
    return {(service.name, i): outcome for (service, i, _), outcome in zip(tasks, outcomes, strict=True)}


def chart_message(stderr: str) -> str:
    """The chart's own words from Helm's stderr, one line: the schema's or the template's message."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    bullets = [line.lstrip("- ").strip() for line in lines if line.startswith("- ")]
    if bullets:
        return "; ".join(bullets)
    text = " ".join(lines)
    text = re.sub(r"^Error: ", "", text)
    # "execution error at (standard-app/templates/x.yaml:1:4): <message>"
    return re.sub(r"^.*?execution error at \([^)]*\): ", "", text)


# --- analysis ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One changed field (or an object added or removed) of one service."""

    resource: str  # "Deployment/ledger"
    kind: str
    path: str  # "spec.replicas"; "(object added)" / "(object removed)"
    text: str  # "2 -> 3"


@dataclass
class ServiceImpact:
    service: Service
    verdict: str
    changes: list[Change] = field(default_factory=list)
    breaks: list[str] = field(default_factory=list)  # immutable-field findings, rendered
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restarts: list[str] = field(default_factory=list)  # workloads whose pod template changed
    message: str = ""  # why a version refuses the values

    def as_json(self) -> dict:
        s = self.service
        return {
            "service": s.name,
            "release": s.release,
            "namespace": s.namespace,
            "source": shown_path(s.source),
            "product_chart": shown_path(s.product_chart) if s.product_chart else None,
            "verdict": self.verdict,
            "restarts": self.restarts,
            "added": self.added,
            "removed": self.removed,
            "immutable": self.breaks,
            "message": self.message,
            "changes": [
                {"resource": c.resource, "kind": c.kind, "path": c.path, "change": c.text} for c in self.changes
            ],
        }


def analyse_service(service: Service, old: Outcome, new: Outcome) -> ServiceImpact:
    """The verdict of one service from its two renders."""
    if old.docs is None and new.docs is None:
        return ServiceImpact(service, REJECTED_BOTH, message=new.error)
    if old.docs is None:
        return ServiceImpact(service, NEW_SERVICE, message=old.error)
    if new.docs is None:
        return ServiceImpact(service, NOW_REJECTED, message=new.error)
    impact = ServiceImpact(service, UNCHANGED)
    before, after = index_documents(old.docs), index_documents(new.docs)
    for rid in dict.fromkeys([*before, *after]):
        a, b = before.get(rid), after.get(rid)
        kind = rid.split("/", 1)[0]
        if a is None:
            impact.added.append(rid)
            impact.changes.append(Change(rid, kind, "(object added)", "rendered"))
        elif b is None:
            impact.removed.append(rid)
            impact.changes.append(Change(rid, kind, "(object removed)", "no longer rendered"))
        elif a != b:
            for path, line in field_changes(a, b):
                impact.changes.append(Change(rid, kind, path, line[len(path):].strip()))
            if kind in WORKLOADS and not hook_events(b) and (a.get("spec") or {}).get("template") != (b.get("spec") or {}).get("template"):
                impact.restarts.append(rid)
    findings = compare_releases(service.name, old.docs, new.docs, service.namespace)
    impact.breaks = [f.render() for f in findings if f.breaking and f.field not in _OBJECT_FIELDS]
    if impact.breaks:
        impact.verdict = IMMUTABLE
    elif impact.restarts:
        impact.verdict = RESTART
    elif impact.changes:
        impact.verdict = CHANGED
    return impact


@dataclass
class FieldGroup:
    """Every service whose objects change one (kind, field path)."""

    kind: str
    path: str
    services: list[str] = field(default_factory=list)
    changes: Counter = field(default_factory=Counter)  # "2 -> 3" -> how many services


@dataclass
class FleetReport:
    fleet: Path
    previous: Side
    current: Side
    helm: str
    impacts: list[ServiceImpact]
    seconds: float = 0.0
    renders: int = 0
    cached: int = 0

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(i.verdict for i in self.impacts)
        return {v: found.get(v, 0) for v in VERDICTS}

    def by_verdict(self, verdict: str) -> list[ServiceImpact]:
        return [i for i in self.impacts if i.verdict == verdict]

    def services(self, verdict: str) -> list[str]:
        return [i.service.name for i in self.by_verdict(verdict)]

    @property
    def with_objects_changed(self) -> list[ServiceImpact]:
        return [i for i in self.impacts if i.added or i.removed]

    @property
    def major_bump(self) -> bool:
        return self.current.version.breaking_allowed_after(self.previous.version)

    def groups(self) -> list[FieldGroup]:
        """Changes grouped by (kind, field path): most services first, then by kind and path."""
        grouped: dict[tuple[str, str], FieldGroup] = {}
        for impact in self.impacts:
            seen: set[tuple[str, str]] = set()
            for change in impact.changes:
                key = (change.kind, change.path)
                group = grouped.setdefault(key, FieldGroup(*key))
                if key not in seen:
                    seen.add(key)
                    group.services.append(impact.service.name)
                    group.changes[change.text] += 1
        return sorted(grouped.values(), key=lambda g: (-len(g.services), g.kind, g.path))

    def problems(self) -> list[str]:
        """Why this change may not ship as it is; [] when it may."""
        if self.current.version < self.previous.version:
            return [f"Chart.yaml version {self.current.version} is lower than the previous release {self.previous.version}"]
        if self.major_bump:
            return []
        found = []
        for verdict in (NOW_REJECTED, IMMUTABLE):
            names = self.services(verdict)
            if names:
                found.append(
                    f"{len(names)} service(s) {verdict} without a major version bump "
                    f"({self.previous.version} -> {self.current.version}): {', '.join(names[:10])}"
                    + (f" and {len(names) - 10} more" if len(names) > 10 else "")
                )
        return found

    def as_json(self) -> dict:
        return {
            "fleet": shown_path(self.fleet),
            "previous": {"version": str(self.previous.version), "source": self.previous.label},
            "current": {"version": str(self.current.version), "source": self.current.label},
            "helm": self.helm,
            "major_bump": self.major_bump,
            "problems": self.problems(),
            "counts": self.counts,
            "objects_added_or_removed": len(self.with_objects_changed),
            "seconds": round(self.seconds, 2),
            "renders": self.renders,
            "cached_renders": self.cached,
            "memory_mib": _peak_memory(),
            "groups": [
                {"kind": g.kind, "path": g.path, "count": len(g.services), "services": g.services,
                 "changes": dict(g.changes.most_common())}
                for g in self.groups()
            ],
            "services": [i.as_json() for i in self.impacts],
        }

    def markdown(self, *, limit: int = 60_000) -> str:
        """The pull-request comment: counts, then changes by field, then each service."""
        from .fleet_markdown import render_markdown

        return render_markdown(self, limit=limit)


def analyse_fleet(
    fleet: Path,
    previous: PreviousRelease,
    current_chart: Path,
    helm: HelmVersion,
    *,
    jobs: int = 2,
    services: Sequence[Service] | None = None,
) -> FleetReport:
    """Render every service of the fleet with both versions and judge each one."""
    started = time.perf_counter()
    services = list(services) if services is not None else discover_fleet(fleet)
    sides = (
        Side(previous.chart, previous.version, f"{previous.version} ({previous.source})", upgrade=False),
        Side(Path(current_chart), chart_version(Path(current_chart)),
             f"{chart_version(Path(current_chart))} ({shown_path(Path(current_chart))})", upgrade=True),
    )
    outcomes = render_fleet(services, sides, helm, jobs=jobs)
    impacts = [analyse_service(s, outcomes[(s.name, 0)], outcomes[(s.name, 1)]) for s in services]
    return FleetReport(
        fleet=Path(fleet), previous=sides[0], current=sides[1], helm=helm.label, impacts=impacts,
        seconds=time.perf_counter() - started, renders=len(outcomes),
        cached=sum(1 for o in outcomes.values() if o.cached),
    )


def _peak_memory() -> dict[str, float]:
    """Peak resident memory so far: this process, and the largest Helm process it ran."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    helm = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"python": round(own, 1), "largest_helm": round(helm, 1)}


def write_reports(report: FleetReport, markdown: Path, json_path: Path) -> None:
    markdown.parent.mkdir(parents=True, exist_ok=True)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    markdown.write_text(report.markdown(), encoding="utf-8")
    json_path.write_text(json.dumps(report.as_json(), indent=2, sort_keys=False) + "\n", encoding="utf-8")


__all__ = [
    "FleetError", "FleetReport", "Service", "ServiceImpact", "VERDICTS",
    "analyse_fleet", "analyse_service", "discover_fleet", "render_fleet", "write_reports",
]

"""Fleet impact: what a change to standard-app does to every service that uses it.

Every service of a fleet (tests/support/fleet_discovery.py says what a fleet holds) is
rendered with the previous release and with the chart under review
(tests/support/fleet_render.py). Each service then gets one verdict, the most severe
that applies:

    now rejected              the previous release renders it, this chart refuses the values
    immutable-field break     an upgrade patch the API server refuses (selectors, ...)
    object deleted or recreated
                              Helm deletes an object: removed, renamed, or moved to another
                              API group (what `make check-upgrade` calls a recreate)
    rolling restart           a workload's pod template changed, or a workload is recreated:
                              every pod is replaced
    changed without restart   objects change, pods stay
    unchanged
    new in this version       only the chart under review accepts the values
    rejected by both          neither version accepts the values

Beside the verdict: the objects it newly renders or no longer renders, the notices of
the upgrade rules (a change a live release feels, such as a Service type change), and
warnings about the new render that no single object shows: a Service or PDB selector
that matches no pod template, a Service targetPort no container declares, a Deployment
replica count under an HPA. `helm test` hooks are left out: upgrades never apply them.

The first three verdicts block the change (FleetReport.problems()) unless Chart.yaml
carries a major version bump, as for `make check-upgrade`. analyse_fleet() returns a
FleetReport; .markdown() is sized for a pull-request comment, .as_json() is for tooling.
"""

from __future__ import annotations

import json
import resource
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from chart_harness.explain import field_changes, index_documents
from .fleet_discovery import FleetError, Service, discover_fleet, shown_path
from .fleet_render import FLEET_CACHE, Outcome, Side, render_fleet
from chart_harness.helm import HelmVersion
from chart_harness.chart_version import chart_version
from chart_harness.documents import containers, hook_events, pod_specs, resource_id
from chart_harness.immutable import compare_releases
from chart_harness.previous_release import PreviousRelease

NOW_REJECTED = "now rejected"
IMMUTABLE = "immutable-field break"
RECREATED = "object deleted or recreated"
RESTART = "rolling restart"
CHANGED = "changed without restart"
UNCHANGED = "unchanged"
NEW_SERVICE = "new in this version"
REJECTED_BOTH = "rejected by both"
# Most severe first: the order of the report's counts and of its per-service sections.
VERDICTS = (NOW_REJECTED, IMMUTABLE, RECREATED, RESTART, CHANGED, UNCHANGED, NEW_SERVICE, REJECTED_BOTH)
BLOCKING = (NOW_REJECTED, IMMUTABLE, RECREATED)
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")
# The upgrade rules' findings that are deletions, not refused patches.
_DELETIONS = {"(object)", "metadata.name", "apiVersion"}


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
    deletions: list[str] = field(default_factory=list)  # objects Helm deletes, rendered
    notices: list[str] = field(default_factory=list)  # patchable changes a live release feels
    warnings: list[str] = field(default_factory=list)  # new inconsistencies of the new render
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    restarts: list[str] = field(default_factory=list)  # workloads whose pods are replaced
    message: str = ""  # why the chart under review refuses the values (or the previous one, if only it does)
    previous_message: str = ""  # why the previous release refuses them

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
            "deleted": self.deletions,
            "notices": self.notices,
            "warnings": self.warnings,
            "message": self.message,
            "previous_message": self.previous_message,
            "changes": [
                {"resource": c.resource, "kind": c.kind, "path": c.path, "change": c.text} for c in self.changes
            ],
        }


def _upgraded(docs: list[dict]) -> list[dict]:
    """The documents an upgrade applies: `helm test` hooks are never part of one."""
    return [d for d in docs if "test" not in hook_events(d)]


def analyse_service(service: Service, old: Outcome, new: Outcome) -> ServiceImpact:
    """The verdict of one service from its two renders."""
    if old.docs is None and new.docs is None:
        return ServiceImpact(service, REJECTED_BOTH, message=new.error, previous_message=old.error)
    if old.docs is None:
        return ServiceImpact(service, NEW_SERVICE, previous_message=old.error)
    if new.docs is None:
        return ServiceImpact(service, NOW_REJECTED, message=new.error)
    old_docs, new_docs = _upgraded(old.docs), _upgraded(new.docs)
    impact = ServiceImpact(service, UNCHANGED)
    before, after = index_documents(old_docs), index_documents(new_docs)
    for rid in dict.fromkeys([*before, *after]):
        a, b = before.get(rid), after.get(rid)
        kind = rid.split("/", 1)[0]
        if a is None:
            impact.added.append(rid)
            impact.changes.append(Change(rid, kind, "(object added)", "rendered"))
        elif b is None:
            impact.removed.append(rid)
            impact.changes.append(Change(rid, kind, "(object removed)", "no longer rendered"))
            if kind in WORKLOADS and not hook_events(a):
                impact.restarts.append(rid)
        elif a != b:
            for path, line in field_changes(a, b):
                impact.changes.append(Change(rid, kind, path, line[len(path):].strip()))
            if kind in WORKLOADS and not hook_events(b) and (a.get("spec") or {}).get("template") != (b.get("spec") or {}).get("template"):
                impact.restarts.append(rid)
    for finding in compare_releases(service.name, old_docs, new_docs, service.namespace):
        text = str(finding).split(": ", 1)[1]  # without the leading "<service>: "
        if finding.notice:
            impact.notices.append(text)
        elif finding.field in _DELETIONS:
            impact.deletions.append(text)
        else:
            impact.breaks.append(text)
    known = set(consistency_warnings(old_docs))
    impact.warnings = [w for w in consistency_warnings(new_docs) if w not in known]
    for verdict, applies in ((IMMUTABLE, impact.breaks), (RECREATED, impact.deletions),
                             (RESTART, impact.restarts), (CHANGED, impact.changes)):
        if applies:
            impact.verdict = verdict
            break
    return impact


def consistency_warnings(docs: list[dict]) -> list[str]:
    """What no single object shows: selectors that match no pod, ports no container has,
    a replica count an HPA also sets."""
    pods = []  # (workload id, pod labels, container port names)
    for doc in docs:
        if doc.get("kind") in WORKLOADS and not hook_events(doc):
            for pod in pod_specs(doc):
                ports = {p.get("name") for c in containers(pod) if c.field == "containers" for p in c.spec.get("ports") or []}
                pods.append((resource_id(doc), pod.labels, ports))
    if not pods:
        return []
    found = []
    for doc in docs:
        kind, name, spec = doc.get("kind"), (doc.get("metadata") or {}).get("name"), doc.get("spec") or {}
        selector = spec.get("selector") if kind == "Service" else (spec.get("selector") or {}).get("matchLabels") if kind == "PodDisruptionBudget" else None
        if selector:
            matching = [p for p in pods if all(p[1].get(k) == v for k, v in selector.items())]
            if not matching:
                found.append(f"{kind}/{name} selects {json.dumps(selector, sort_keys=True)}, which no pod template of the release carries")
            elif kind == "Service":
                for port in spec.get("ports") or []:
                    target = port.get("targetPort")
                    if isinstance(target, str) and not any(target in p[2] for p in matching):
                        found.append(f"Service/{name} port {port.get('name') or port.get('port')} targets {target!r}, a port name no selected container declares")
        if kind == "HorizontalPodAutoscaler":
            target = spec.get("scaleTargetRef") or {}
            for other in docs:
                if (other.get("kind"), (other.get("metadata") or {}).get("name")) == (target.get("kind"), target.get("name")) and "replicas" in (other.get("spec") or {}):
                    found.append(f"{target.get('kind')}/{target.get('name')} sets spec.replicas while HorizontalPodAutoscaler/{name} scales it: every upgrade resets the replica count")
    return found


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
    def with_warnings(self) -> list[ServiceImpact]:
        return [i for i in self.impacts if i.warnings]

    @property
    def with_notices(self) -> list[ServiceImpact]:
        return [i for i in self.impacts if i.notices]

    @property
    def major_bump(self) -> bool:
        return self.current.version.breaking_allowed_after(self.previous.version)

    def groups(self) -> list[FieldGroup]:
        """Changes grouped by (kind, field path): most services first, then by kind and path."""
        grouped: dict[tuple[str, str], FieldGroup] = {}
        for impact in self.impacts:
            seen: set[tuple[str, str, str]] = set()
            for change in impact.changes:
                key = (change.kind, change.path)
                group = grouped.setdefault(key, FieldGroup(*key))
                if not group.services or group.services[-1] != impact.service.name:
                    group.services.append(impact.service.name)
                if (*key, change.text) not in seen:  # each distinct change once per service
                    seen.add((*key, change.text))
                    group.changes[change.text] += 1
        return sorted(grouped.values(), key=lambda g: (-len(g.services), g.kind, g.path))

    def problems(self) -> list[str]:
        """Why this change may not ship as it is; [] when it may."""
        if self.current.version < self.previous.version:
            return [f"Chart.yaml version {self.current.version} is lower than the previous release {self.previous.version}"]
        if self.major_bump:
            return []
        found = []
        for verdict in BLOCKING:
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
            "with_warnings": len(self.with_warnings),
            "with_notices": len(self.with_notices),
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
    current = chart_version(Path(current_chart))
    sides = (
        Side(previous.chart, previous.version, f"{previous.version} ({previous.source})"),
        Side(Path(current_chart), current, f"{current} ({shown_path(Path(current_chart))})"),
    )
    outcomes = render_fleet(services, sides, helm, jobs=jobs)
    impacts = [analyse_service(s, outcomes[(s.name, 0)], outcomes[(s.name, 1)]) for s in services]
    return FleetReport(
        fleet=Path(fleet), previous=sides[0], current=sides[1], helm=helm.label, impacts=impacts,
        seconds=time.perf_counter() - started, renders=len(outcomes),
        cached=sum(1 for o in outcomes.values() if o.cached),
    )


def _peak_memory() -> dict[str, float]:
    """Peak resident memory so far: this process, and the largest child it ran (a Helm
    process, or this process forked to start one)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"python": round(own, 1), "largest_child": round(child, 1)}


def write_reports(report: FleetReport, markdown: Path, json_path: Path) -> None:
    markdown.parent.mkdir(parents=True, exist_ok=True)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    markdown.write_text(report.markdown(), encoding="utf-8")
    json_path.write_text(json.dumps(report.as_json(), indent=2, sort_keys=False) + "\n", encoding="utf-8")


__all__ = [
    "BLOCKING", "FLEET_CACHE", "FleetError", "FleetReport", "Service", "ServiceImpact", "VERDICTS",
    "analyse_fleet", "analyse_service", "consistency_warnings", "discover_fleet", "render_fleet",
    "shown_path", "write_reports",
]

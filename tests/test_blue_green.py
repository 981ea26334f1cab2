"""Blue-green: a second release of standard-app runs beside the first in the same namespace.

A team installs `<service>-green` next to `<service>-blue`, shifts traffic (DNS, Ingress
weights or a mesh), then uninstalls the old release. That works only if every object
name derives from the release name (no two objects of the two releases share kind,
namespace and name -- Helm would refuse to adopt the other release's object, or worse,
one uninstall would delete the other's) and if neither release's selectors select the
other's pods (a Service, PDB or NetworkPolicy spanning both colours would send traffic
to, or block evictions of, the wrong pods).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from chart_harness.cases import Case, case_by_name
from chart_harness.helm import HelmVersion
from chart_harness.settings import active
from chart_harness.documents import created_objects, pod_specs, resource_id
from chart_harness.invariants import selector_matches
from chart_harness.render import render_case, render_chart

# Two releases of the same service, as a team would name them.
RELEASES = ("orders-blue", "orders-green")


def object_keys(docs: list[dict], namespace: str | None = None) -> Iterator[tuple[tuple[str, str, str, str], str]]:
    """(object key, origin) of every object a release creates, directly or not: the
    rendered objects (hooks and test pods too: they are real objects while they exist)
    and the Secret an ExternalSecret makes the operator write."""
    for doc in docs:
        yield from created_objects(doc, namespace or active().namespace)


def collisions(first: list[dict], second: list[dict]) -> list[str]:
    seen = dict(object_keys(first))
    found = []
    for key, origin in object_keys(second):
        if key in seen:
            _group, kind, ns, name = key
            found.append(
                f"{kind}/{name} in namespace {ns}: created by both releases "
                f"({seen[key]} by {RELEASES[0]}, {origin} by {RELEASES[1]})"
            )
    return found


def _pod_selectors(doc: Mapping) -> Iterator[tuple[str, Mapping]]:
    """(where, LabelSelector) of every selector in a document that selects pods."""
    kind, spec = doc.get("kind"), doc.get("spec") or {}
    name = resource_id(doc)
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "PodDisruptionBudget"):
        yield f"{name} spec.selector", spec.get("selector") or {}
    elif kind == "Service" and spec.get("selector"):
        yield f"{name} spec.selector", {"matchLabels": spec["selector"]}
    elif kind == "NetworkPolicy":
        yield f"{name} spec.podSelector", spec.get("podSelector") or {}
    for pod in pod_specs(doc):
        for i, constraint in enumerate(pod.spec.get("topologySpreadConstraints") or []):
            yield f"{name} {pod.path}.topologySpreadConstraints[{i}].labelSelector", constraint.get("labelSelector") or {}


def cross_selections(selecting: list[dict], selected: list[dict]) -> list[str]:
    """Selectors of one release that match pods (or, for a ServiceMonitor, Services) of the other."""
    pods = [(resource_id(d), p.labels) for d in selected for p in pod_specs(d)]
    services = [(f"Service/{d['metadata']['name']}", d["metadata"].get("labels") or {}) for d in selected if d["kind"] == "Service"]
    found = []
    for doc in selecting:
        for where, selector in _pod_selectors(doc):
            found += [f"{where} selects the pods of {owner}" for owner, labels in pods if selector_matches(selector, labels)]
        if doc["kind"] == "ServiceMonitor":
            selector = (doc.get("spec") or {}).get("selector") or {}
            found += [f"ServiceMonitor/{doc['metadata']['name']} selects {svc}" for svc, labels in services if selector_matches(selector, labels)]
    return found


def _render_pair(case: Case, helm: HelmVersion, set_values: tuple[str, ...] = ()) -> tuple[list[dict], list[dict]]:
    blue, green = RELEASES
    return (
        render_case(case, helm, release=blue, set_values=set_values).docs,
        render_case(case, helm, release=green, set_values=set_values).docs,
    )


def test_two_releases_share_no_object(case: Case, helm4: HelmVersion) -> None:
    blue, green = _render_pair(case, helm4)
    assert blue and green
    problems = collisions(blue, green)
    assert not problems, f"{case.name}: releases {' and '.join(RELEASES)} collide:\n" + "\n".join(problems)


def test_selectors_stay_within_their_release(case: Case, helm4: HelmVersion) -> None:
    blue, green = _render_pair(case, helm4)
    # each release's selectors do select its own pods (else the check below proves nothing)
    assert any(cross_selections(blue, blue)), f"{case.name}: no selector of the blue release selects its own pods"
    problems = cross_selections(blue, green) + cross_selections(green, blue)
    assert not problems, f"{case.name}: one colour selects the other's pods:\n" + "\n".join(problems)


def test_collision_check_bites(helm4: HelmVersion) -> None:
    """fullnameOverride pins every name: two releases with it collide, and the check says where."""
    case = case_by_name("full")
    blue, green = _render_pair(case, helm4, ("fullnameOverride=orders",))
    problems = collisions(blue, green)
    kinds = {p.split("/")[0] for p in problems}
    assert {"Deployment", "Service", "Job", "Secret"} <= kinds, problems
    assert any("written by ExternalSecret/orders" in p for p in problems), problems


def test_selector_check_bites(chart_copy: Path, helm4: HelmVersion) -> None:
    """Drop the release (instance) label from the selector: blue's Service then selects green's pods."""
    labels = chart_copy.parent / "common-lib" / "templates" / "_labels.tpl"
    text, count = re.subn(r"^app\.kubernetes\.io/instance: .*\n", "", labels.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE)
    assert count == 1, f"{labels}: the instance selector label moved; update this test"
    labels.write_text(text, encoding="utf-8")
    values = case_by_name("minimal").values_file
    blue, green = (
        render_chart(chart_copy, helm4, values_files=[values], release=release).docs for release in RELEASES
    )
    problems = cross_selections(blue, green)
    assert any(p.startswith("Service/orders-blue spec.selector selects the pods of Deployment/orders-green") for p in problems), problems

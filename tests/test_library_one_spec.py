"""One pod spec and one container spec: every workload of common-lib follows them.

Each concern (security contexts, resources, env, /tmp and other mounts, volumes, pull
secrets) is assembled in exactly one helper. These tests change that one helper in a
temporary copy of the library and render the consumer chart (tests/consumer-chart, its
own values layout), with every workload on: the Deployment's app container and sidecar,
the migration Job, a CronJob and the `helm test` pod. Every pod and container must show the change;
a workload that assembled the concern on its own would not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chart_harness import documents
from chart_harness.render import render_chart
from tests.support.tools import ROOT, STANDARD_APP

CONSUMER = ROOT / "tests" / "consumer-chart"
SCENARIO = CONSUMER / "scenarios" / "overrides.yaml"
MARK = "one-place-marker"
# Every workload of the overrides scenario, as (pod owner, container) pairs.
WORKLOADS = {
    ("Deployment/orders", "app"),
    ("Deployment/orders", "log-shipper"),
    ("Job/orders-migrate", "migrate"),
    ("CronJob/orders-report", "report"),
    ("Pod/orders-test", "test"),
}
# Extra values: env and pull secrets on the workloads that carry them.
SET = ("workload.variables.MODE=fast", "extras.migration.env.MODE=fast", "workload.pullSecrets={registry-credentials}")


@dataclass(frozen=True)
class Mutation:
    id: str
    file: str  # under charts/common-lib/templates
    old: str
    new: str
    # (pod spec, container spec) -> does this container show the change?
    shows: Callable[[dict[str, Any], dict[str, Any]], bool]
    # which (owner, container) pairs must show it
    expected: frozenset[tuple[str, str]] = frozenset(WORKLOADS)


MUTATIONS = [
    Mutation(
        "container-security-context",
        "_security.tpl",
        "privileged: false\n",
        # (a value the floor allows: the chart itself never sets procMount)
        "privileged: false\nprocMount: Default\n",
        lambda pod, c: c["securityContext"].get("procMount") == "Default",
    ),
    Mutation(
        "pod-security-context",
        "_security.tpl",
        "runAsNonRoot: true\nseccompProfile:\n  type: RuntimeDefault\n{{- end -}}\n\n{{- define \"common-lib.security.restrictedContainer\"",
        f"runAsNonRoot: true\nsupplementalGroups: [{MARK}]\nseccompProfile:\n  type: RuntimeDefault\n{{{{- end -}}}}\n\n{{{{- define \"common-lib.security.restrictedContainer\"",
        lambda pod, c: pod["securityContext"].get("supplementalGroups") == [MARK],
    ),
    Mutation(
        "resources",
        "_resources.tpl",
        "{{- toYaml (.resources | default .fallback | default dict) -}}",
        f'{{{{- toYaml (merge (dict "claims" (list (dict "name" "{MARK}"))) (.resources | default .fallback | default dict)) -}}}}',
        lambda pod, c: c["resources"].get("claims") == [{"name": MARK}],
    ),
    Mutation(
        "env",
        "_env.tpl",
        "{{- $vars := list -}}",
        f'{{{{- $vars := list (dict "name" "{MARK}" "value" "1") -}}}}',
        lambda pod, c: {"name": MARK, "value": "1"} in (c.get("env") or []),
        # the sidecar brings its env list as given; the test pod has no env
        frozenset({("Deployment/orders", "app"), ("Job/orders-migrate", "migrate"), ("CronJob/orders-report", "report")}),
    ),
    Mutation(
        "tmp-mount",
        "_security.tpl",
        "  mountPath: /tmp\n",
        f"  mountPath: /tmp\n  subPath: {MARK}\n",
        lambda pod, c: any(m.get("subPath") == MARK for m in c.get("volumeMounts") or []),
        frozenset({("Deployment/orders", "app"), ("Job/orders-migrate", "migrate"), ("CronJob/orders-report", "report")}),
    ),
    Mutation(
        "tmp-volume",
        "_security.tpl",
        "  emptyDir:\n",
        f"  emptyDir:\n    medium: {MARK}\n",
        lambda pod, c: any((v.get("emptyDir") or {}).get("medium") == MARK for v in pod.get("volumes") or []),
        frozenset({("Deployment/orders", "app"), ("Deployment/orders", "log-shipper"), ("Job/orders-migrate", "migrate"),
                   ("CronJob/orders-report", "report")}),
    ),
    Mutation(
        "pull-secrets",
        "pod/_pod.tpl",
        '  - name: {{ index (ternary . (dict "name" .) (kindIs "map" .)) "name" | quote }}\n',
        f'  - name: {{{{ printf "%s-{MARK}" (index (ternary . (dict "name" .) (kindIs "map" .)) "name") | quote }}}}\n',
        lambda pod, c: [s["name"] for s in pod.get("imagePullSecrets") or []] == [f"registry-credentials-{MARK}"],
        # the test pod's public image needs no pull secret
        frozenset({("Deployment/orders", "app"), ("Deployment/orders", "log-shipper"), ("Job/orders-migrate", "migrate"),
                   ("CronJob/orders-report", "report")}),
    ),
    Mutation(
        "every-container",
        "container/_container.tpl",
        'name: {{ .name | quote }}\n',
        f'name: {{{{ .name | quote }}}}\nterminationMessagePath: /dev/{MARK}\n',
        lambda pod, c: c.get("terminationMessagePath") == f"/dev/{MARK}",
    ),
    Mutation(
        "every-pod",
        "pod/_pod.tpl",
        "enableServiceLinks: false\n",
        f"enableServiceLinks: false\nsubdomain: {MARK}\n",
        lambda pod, c: pod.get("subdomain") == MARK,
    ),
]


def workloads(docs: list[dict]) -> dict[tuple[str, str], tuple[dict, dict]]:
    """(owner, container name) -> (pod spec, container spec), for every container."""
    return {
        (documents.resource_id(doc), container.name): (pod.spec, container.spec)
        for doc in docs
        for pod in documents.pod_specs(doc)
        for container in documents.containers(pod)
    }


def test_the_scenario_renders_every_workload(helm4):
    found = workloads(render_chart(CONSUMER, helm4, values_files=[SCENARIO], set_values=SET).docs)
    assert set(found) == WORKLOADS


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.id for m in MUTATIONS])
def test_every_workload_follows_the_one_place(helm4, consumer_copy, mutation: Mutation):
    consumer, library = consumer_copy
    before = workloads(render_chart(CONSUMER, helm4, values_files=[SCENARIO], set_values=SET).docs)
    assert not any(mutation.shows(pod, c) for pod, c in before.values()), "the marker must be new"

    path = library / "templates" / mutation.file
    text = path.read_text(encoding="utf-8")
    assert text.count(mutation.old) == 1, f"{mutation.file}: {mutation.old!r} moved; update this test"
    path.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")

    after = workloads(render_chart(consumer, helm4, values_files=[SCENARIO], set_values=SET).docs)
    assert set(after) == WORKLOADS
    followed = {key for key, (pod, c) in after.items() if mutation.shows(pod, c)}
    assert followed == mutation.expected, (
        f"changing {mutation.file} ({mutation.id}) reached {sorted(followed)}, "
        f"expected {sorted(mutation.expected)}"
    )


def test_an_app_wide_input_reaches_every_app_workload(helm4):
    """The same holds for values: one pod-security override reaches the app, the
    migration and the CronJob pods, and one container override every container that inherits it."""
    extra = ("workload.podHardening.fsGroup=2000", "workload.hardening.runAsUser=3000")
    found = workloads(render_chart(CONSUMER, helm4, values_files=[SCENARIO], set_values=SET + extra).docs)
    pods = {key for key, (pod, _c) in found.items() if pod["securityContext"].get("fsGroup") == 2000}
    assert pods == {("Deployment/orders", "app"), ("Deployment/orders", "log-shipper"), ("Job/orders-migrate", "migrate"),
                    ("CronJob/orders-report", "report")}
    containers = {key for key, (_pod, c) in found.items() if c["securityContext"].get("runAsUser") == 3000}
    assert containers == {("Deployment/orders", "app"), ("Job/orders-migrate", "migrate"), ("CronJob/orders-report", "report")}


def test_pull_secrets_as_names_or_kubernetes_maps_render_alike(helm_version):
    """`imagePullSecrets` takes a Secret name or the pod spec's own {name: ...} form; both
    render as the same reference, in the order written."""
    minimal = STANDARD_APP / "ci" / "minimal-values.yaml"
    docs = render_chart(STANDARD_APP, helm_version, values_files=[minimal], set_values=[
        "imagePullSecrets[0].name=registry-credentials", "imagePullSecrets[1]=mirror-pull",
    ]).docs
    [deployment] = [d for d in docs if d["kind"] == "Deployment"]
    pull = deployment["spec"]["template"]["spec"]["imagePullSecrets"]
    assert pull == [{"name": "registry-credentials"}, {"name": "mirror-pull"}]

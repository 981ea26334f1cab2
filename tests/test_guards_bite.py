"""Proof that the guards bite.

Each test copies charts/ to a temporary directory (the `chart_copy` fixture),
breaks exactly one guarded property in the copy -- in common-lib's templates or in
standard-app's defaults -- renders the copy, and asserts that the invariant check
that guards the property (the same function tests/test_invariants.py runs over the
matrix) reports a violation whose message names the property. The originals are
never touched.

The renders use Helm 4 only: tests/test_invariants.py already runs every check
under both versions, and the snapshot tests prove the versions render the same
documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from chart_harness import invariants as inv
from chart_harness.cases import case_by_name
from chart_harness.helm import HelmError
from tests.support.edits import edit
from chart_harness.render import render_case, render_chart


@dataclass(frozen=True)
class Break:
    id: str
    file: str  # relative to the copied charts/ directory
    old: str
    new: str
    case: str  # matrix case to render
    rule: str  # the invariant that must fire
    names: tuple[str, ...]  # fragments one violation message must contain
    count: int = 1
    # The chart's own render-time check that refuses the broken render first, disabled in
    # the copy too (file, old, new): the invariant must still catch what slips past it.
    disable: tuple[tuple[str, str, str], ...] = ()


SELECTOR_DEFINE_END = "app.kubernetes.io/component: {{ .component | quote }}\n{{- end -}}"

BREAKS = [
    Break(
        "httproute-backend-on-the-container-port",
        "common-lib/templates/httproute/_httproute.tpl",
        "  port: {{ .app.service.port }}",
        "  port: {{ .app.containerPort }}",
        "httproute",
        inv.ROUTE_BACKENDS,
        ("HTTPRoute/orders", "spec.rules[0].backendRefs[0].port", "not a port of Service orders (got 8080)"),
    ),
    Break(
        "chart-label-in-selector",
        "common-lib/templates/_labels.tpl",
        SELECTOR_DEFINE_END,
        "app.kubernetes.io/component: {{ .component | quote }}\n"
        'helm.sh/chart: {{ include "common-lib.names.chart" . }}\n{{- end -}}',
        "minimal",
        inv.NO_VERSION_IN_SELECTOR,
        ("Deployment/orders", "spec.selector.matchLabels.helm.sh/chart", "carries a version"),
    ),
    Break(
        "chart-version-value-in-selector",
        "common-lib/templates/_labels.tpl",
        SELECTOR_DEFINE_END,
        "app.kubernetes.io/component: {{ .component | quote }}\n"
        "example.com/revision: {{ .context.Chart.Version | quote }}\n{{- end -}}",
        "minimal",
        inv.NO_VERSION_IN_SELECTOR,
        ("spec.selector.matchLabels.example.com/revision", "carries the release version"),
    ),
    Break(
        "app-version-on-pod-labels",
        "common-lib/templates/_labels.tpl",
        "{{- $labels := deepCopy (.app.podLabels | default dict) -}}",
        "{{- $labels := deepCopy (.app.podLabels | default dict) -}}\n"
        '{{- $_ := set $labels "app.kubernetes.io/version" .app.image.tag -}}',
        "minimal",
        inv.NO_VERSION_IN_SELECTOR,
        ("spec.template.metadata.labels.app.kubernetes.io/version",),
    ),
    Break(
        "pod-runAsNonRoot-false",
        "common-lib/templates/_security.tpl",
        "{{- define \"common-lib.security.restrictedPod\" -}}\nrunAsNonRoot: true\n",
        "{{- define \"common-lib.security.restrictedPod\" -}}\nrunAsNonRoot: false\n",
        "minimal",
        inv.RESTRICTED_SECURITY,
        ("Deployment/orders", "spec.template.spec.securityContext.runAsNonRoot", "must not be false"),
        disable=(("common-lib/templates/floor/_pod.tpl", '{{- if eq (toString $p.runAsNonRoot) "false" }}', "{{- if false }}"),),
    ),
    Break(
        # The standard accepts runAsNonRoot on the pod or on every container; gone from both, it is a violation.
        "runAsNonRoot-dropped-from-pod-and-containers",
        "common-lib/templates/_security.tpl",
        "readOnlyRootFilesystem: true\nrunAsNonRoot: true\n",
        "readOnlyRootFilesystem: true\n",
        "migration",
        inv.RESTRICTED_SECURITY,
        ("Job/orders-billing-migrate", "containers[migrate].securityContext.runAsNonRoot", "must be true here or at pod level"),
        disable=(
            ("common-lib/templates/_security.tpl", "{{- define \"common-lib.security.restrictedPod\" -}}\nrunAsNonRoot: true\n", "{{- define \"common-lib.security.restrictedPod\" -}}\n"),
            ("common-lib/templates/floor/_container.tpl", "{{- if not $nonRoot }}", "{{- if false }}"),
        ),
    ),
    Break(
        "capabilities-not-dropped",
        "common-lib/templates/_security.tpl",
        "capabilities:\n  drop:\n  - ALL\n",
        "capabilities: {}\n",
        "full",
        inv.RESTRICTED_SECURITY,
        ("containers[log-shipper].securityContext.capabilities.drop", "must contain ALL"),
        disable=(("common-lib/templates/floor/_container.tpl", '{{- if not (has "ALL" ($caps.drop | default list)) }}', "{{- if false }}"),),
    ),
    Break(
        "egress-dns-rule-dropped",
        "common-lib/templates/networkpolicy/_egress.tpl",
        '{{- $rules := list (dict "to" $egress.dns "ports" $dns) -}}',
        "{{- $rules := list -}}",
        "egress",
        inv.EGRESS_DNS,
        ("NetworkPolicy/orders", "spec.egress", "no rule allows DNS on UDP and TCP port 53"),
    ),
    Break(
        "egress-dns-udp-dropped",
        "common-lib/templates/networkpolicy/_egress.tpl",
        '(dict "port" 53 "protocol" "UDP") (dict "port" 53 "protocol" "TCP")',
        '(dict "port" 53 "protocol" "TCP")',
        "egress",
        inv.EGRESS_DNS,
        ("NetworkPolicy/orders", "spec.egress", "no rule allows DNS"),
    ),
    Break(
        "migration-hook-delete-policy-removed",
        "common-lib/templates/migration/_migration.tpl",
        "    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n",
        "",
        "migration",
        inv.HOOK_DELETE_POLICY,
        ("Job/orders-billing-migrate", "metadata.annotations.helm.sh/hook-delete-policy", "no delete policy"),
    ),
    Break(
        "test-hook-delete-policy-removed",
        "common-lib/templates/testpod/_testpod.tpl",
        "    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n",
        "",
        "minimal",
        inv.HOOK_DELETE_POLICY,
        ("Pod/orders-test", "helm.sh/hook-delete-policy"),
    ),
    Break(
        # common-lib.images refuses tests.image.tag "latest", so the break builds the image string itself.
        "latest-test-image-in-template",
        "common-lib/templates/testpod/_testpod.tpl",
        '"image" $app.tests.image',
        '"image" (printf "%s:latest" $app.tests.image.repository)',
        "minimal",
        inv.IMAGE_TAG,
        ("Pod/orders-test", "spec.containers[test].image", ":latest"),
        disable=(("common-lib/templates/_images.tpl", '{{- else if and (eq $tag "latest") (not $digest) }}', "{{- else if false }}"),),
    ),
    Break(
        "image-helper-ignores-tag",
        "common-lib/templates/_images.tpl",
        '{{- printf "%s:%s" .repository (toString .tag) -}}',
        '{{- printf "%s:latest" .repository -}}',
        "minimal",
        inv.IMAGE_TAG,
        ("Deployment/orders", "containers[app].image", ":latest"),
    ),
    Break(
        "memory-limit-default-dropped",
        "standard-app/values.yaml",
        "  limits:\n    memory: 256Mi\n",
        "",
        "migration",
        inv.RESOURCES,
        ("Deployment/orders-billing", "containers[app].resources.limits.memory"),
        disable=(
            ("standard-app/values.schema.json", '"requests",\n        "limits"\n      ]', '"requests"\n      ]'),
            ("common-lib/templates/_resources.tpl", '(list "requests.cpu" "requests.memory" "limits.memory")', '(list "requests.cpu" "requests.memory")'),
        ),
    ),
    Break(
        "test-pod-memory-limit-dropped",
        "common-lib/templates/testpod/_testpod.tpl",
        '"limits" (dict "memory" "32Mi")',
        "",
        "minimal",
        inv.RESOURCES,
        ("Pod/orders-test", "resources.limits.memory"),
        disable=(("common-lib/templates/_resources.tpl", '(list "requests.cpu" "requests.memory" "limits.memory")', '(list "requests.cpu" "requests.memory")'),),
    ),
    Break(
        "readiness-probe-dropped",
        "common-lib/templates/_probes.tpl",
        'readinessProbe:\n  {{- include "common-lib.probes.probe" (dict "type" .type "command" .command "port" .port "probe" .readiness) | nindent 2 }}\n',
        "",
        "minimal",
        inv.PROBES,
        ("Deployment/orders", "containers[app].readinessProbe"),
    ),
    Break(
        "pod-labels-lose-selector",
        "common-lib/templates/deployment/_deployment.tpl",
        'merge .out (dict "context" .context "app" $app "component" "app"',
        'merge .out (dict "context" .context "app" $app "component" "web"',
        "minimal",
        inv.SELECTOR_SUBSET,
        ("Deployment/orders", "spec.selector", "not a subset of the pod labels"),
    ),
    Break(
        "chart-label-dropped",
        "common-lib/templates/_labels.tpl",
        '  "helm.sh/chart" (include "common-lib.names.chart" .)\n',
        "",
        "minimal",
        inv.STANDARD_LABELS,
        ("metadata.labels.helm.sh/chart", "every object needs this label"),
    ),
]


@pytest.mark.parametrize("brk", BREAKS, ids=[b.id for b in BREAKS])
def test_guard_bites(chart_copy: Path, helm4, brk: Break):
    case = case_by_name(brk.case)
    check = inv.CHECKS[brk.rule]

    # The property holds on the real charts...
    original = render_case(case, helm4).docs
    assert check(original, brk.case) == [], "the unbroken chart must pass this check"

    # ...and breaking it in a copy makes the same check fail, naming the property.
    charts = chart_copy.parent
    edit(charts / brk.file, brk.old, brk.new, brk.count)
    for file, old, new in brk.disable:
        edit(charts / file, old, new)
    broken = render_chart(chart_copy, helm4, values_files=[case.values_file]).docs
    violations = check(broken, brk.case)
    assert violations, f"breaking {brk.file} ({brk.id}) went unnoticed by [{brk.rule}]"
    messages = [str(v) for v in violations]
    assert any(all(name in m for name in brk.names) for m in messages), (
        f"no [{brk.rule}] message names {brk.names}:\n" + "\n".join(messages)
    )
    assert all(v.rule == brk.rule for v in violations)
    # check_all, the entry point the other suites use, reports it too.
    assert {str(v) for v in violations} <= {str(v) for v in inv.check_all(broken, brk.case)}


def test_plaintext_secret_guard_bites_behind_the_validation(chart_copy: Path, helm4):
    """Two layers guard secrets: common-lib.container.validateEnv rejects a secret-looking env
    name at render time, and the invariant catches the literal if that rule is lost."""
    case = case_by_name("minimal")
    secret = ["env.DB_PASSWORD=hunter2"]
    with pytest.raises(HelmError) as rejected:
        render_chart(case.chart_dir, helm4, values_files=[case.values_file], set_values=secret)
    assert "env.DB_PASSWORD: looks like a secret" in rejected.value.stderr

    edit(
        chart_copy.parent / "common-lib/templates/container/_validate_env.tpl",
        '{{- include "common-lib.validate.noSecretNames" (dict "key" $keys.env "values" $own "reference" $keys.secretEnv) | nindent 0 }}\n',
        "",
    )
    broken = render_chart(chart_copy, helm4, values_files=[case.values_file], set_values=secret).docs
    violations = inv.check_plaintext_secrets(broken, "minimal")
    assert any(
        "Deployment/orders" in str(v) and "env[DB_PASSWORD].value" in str(v) for v in violations
    ), inv.format_violations(violations)

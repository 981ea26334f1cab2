"""Policy gate: checkov over every rendered release, and the restricted Pod Security Standard.

One checkov run scans one file per release: every matrix case, the chart defaults
("defaults": values.yaml plus only the required image), and a canary rendered from a
copy of the charts whose container security context no longer sets
readOnlyRootFilesystem, which must fail. Every skip lives in tests/policy/checkov-skips.yaml
with its reason; a skip that matches nothing fails. See docs/validation.md.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

from chart_harness import gate_summary, policy
from tests.support import checkov
from chart_harness.cases import discover_cases
from chart_harness.findings import Finding, report
from chart_harness.render import ensure_dependencies, render_case, render_chart
from tests.support.tools import CHARTS_DIR, STANDARD_APP
from tests.support.edits import edit

CASES = discover_cases(STANDARD_APP)
# The chart defaults: values.yaml plus only what has no default (the image).
DEFAULTS = "defaults"
DEFAULT_SET = ["image.repository=registry.example.com/shop/orders", "image.tag=1.4.2"]
RELEASES = [c.name for c in CASES] + [DEFAULTS]
CANARY = "canary-no-readonly-rootfs"

# Ask xdist (--dist loadgroup) to keep this module on one worker. Either way checkov runs
# at most once per content: its result is cached under a lock (.cache/checkov/), and the
# fixtures are session-scoped so interleaving with other modules never sets them up twice.
pytestmark = pytest.mark.xdist_group("checkov")


@pytest.fixture(scope="session")
def releases(helm4) -> dict[str, list[dict]]:
    """Documents of every release the gate scans: the matrix cases and the defaults."""
    docs = {case.name: render_case(case, helm4).docs for case in CASES}
    docs[DEFAULTS] = render_chart(STANDARD_APP, helm4, set_values=DEFAULT_SET).docs
    return docs


@pytest.fixture(scope="session")
def canary_docs(helm4, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """The minimal case rendered from a copy of the charts that drops readOnlyRootFilesystem."""
    ensure_dependencies(STANDARD_APP, helm4)
    charts = tmp_path_factory.mktemp("canary") / "charts"
    shutil.copytree(CHARTS_DIR, charts, symlinks=True)
    edit(charts / "common-lib" / "templates" / "_security.tpl", "readOnlyRootFilesystem: true\n", "")
    # The chart's own floor refuses that render first; checkov must catch it without it.
    edit(charts / "common-lib" / "templates" / "floor" / "_container.tpl",
          "{{- if not $c.readOnlyRootFilesystem }}", "{{- if false }}")
    minimal = charts / "standard-app" / "ci" / "minimal-values.yaml"
    return render_chart(charts / "standard-app", helm4, values_files=[minimal]).docs


@pytest.fixture(scope="session")
def checkov_run(releases, canary_docs, tmp_path_factory: pytest.TempPathFactory) -> checkov.CheckovRun:
    run = checkov.run_checkov(
        tmp_path_factory.mktemp("checkov"), {**releases, CANARY: canary_docs}, checkov.load_skips()
    )
    counts = run.counts(RELEASES)
    gate_summary.record_checkov(
        run.key, version=run.version, skips=len(run.skips), files=len(RELEASES), **counts
    )
    return run


# --- checkov ----------------------------------------------------------------------------


def test_skip_list_is_documented_and_scoped_to_real_cases() -> None:
    skips = checkov.load_skips()
    assert skips, "tests/policy/checkov-skips.yaml lists no skip; delete the mechanism or the file"
    unknown = [f"{s}: unknown case {c!r}" for s in skips for c in s.cases if c not in RELEASES]
    assert not unknown, "\n".join(unknown)
    assert len({(s.check, s.cases, s.resources) for s in skips}) == len(skips), "duplicate skip entries"


def test_checkov_ran_every_release(checkov_run: checkov.CheckovRun) -> None:
    assert checkov_run.files == sorted([*RELEASES, CANARY])
    scanned = {r.case for r in checkov_run.results}
    assert scanned == set(checkov_run.files), f"checkov reported nothing for {set(checkov_run.files) - scanned}"
    assert sum(r.passed for r in checkov_run.results) > 100, "suspiciously few checks passed"


@pytest.mark.parametrize("release", [DEFAULTS, "minimal"])
def test_product_team_values_and_defaults_pass_every_check(checkov_run: checkov.CheckovRun, release: str) -> None:
    """The issue's bar: zero failed checks for the minimal values and the defaults in namespace shop."""
    findings = checkov_run.unskipped_failures([release])
    assert not findings, report(findings, f"checkov failures in {release} (fix the chart, or add a skip with a reason)")


@pytest.mark.parametrize("release", [c.name for c in CASES if c.name != "minimal"])
def test_every_case_passes_checkov(checkov_run: checkov.CheckovRun, release: str) -> None:
    findings = checkov_run.unskipped_failures([release])
    assert not findings, report(findings, f"checkov failures in {release} (fix the chart, or add a skip with a reason)")


def test_every_skip_is_used(checkov_run: checkov.CheckovRun) -> None:
    unused = checkov_run.unused_skips(RELEASES)
    assert not unused, (
        "skips in tests/policy/checkov-skips.yaml that match no failed check; "
        "delete them so they cannot hide the next real finding:\n  " + "\n  ".join(map(str, unused))
    )


def test_checkov_fails_when_readonly_rootfs_is_dropped(checkov_run: checkov.CheckovRun) -> None:
    findings = {str(f) for f in checkov_run.unskipped_failures([CANARY])}
    expected = (
        f"{CANARY}: Deployment/orders spec.template.spec.containers[app].securityContext.readOnlyRootFilesystem: "
        "[CKV_K8S_22] failed: Use read-only filesystem for containers where possible"
    )
    assert expected in findings, "\n".join(sorted(findings))


# --- restricted Pod Security Standard ---------------------------------------------------


# Every matrix case passes the standard under every Helm version: tests/test_invariants.py
# runs it there (rule restricted-security, over the same renders). The defaults are not a
# matrix case, so they are checked here.


def test_defaults_pass_the_restricted_pod_security(releases: dict[str, list[dict]]) -> None:
    findings = policy.pss_findings(releases[DEFAULTS], DEFAULTS)
    assert not findings, report(findings, f"{DEFAULTS} breaks the restricted Pod Security Standard")


@pytest.mark.parametrize("release", RELEASES)
def test_restricted_pod_security_looks_at_every_pod_spec(releases: dict[str, list[dict]], release: str) -> None:
    docs = releases[release]
    pods, containers = policy.pss_coverage(docs)
    workloads = [d for d in docs if d["kind"] in ("Pod", "Deployment", "Job", "StatefulSet", "DaemonSet", "CronJob")]
    assert pods == len(workloads) and pods >= 1 and containers >= pods, (pods, containers, len(workloads))
    gate_summary.record_pss(release, pods=pods, containers=containers)


def test_restricted_pod_security_fails_when_readonly_rootfs_is_dropped(canary_docs: list[dict]) -> None:
    assert [str(f) for f in sorted(policy.pss_findings(canary_docs, "minimal"))] == [
        "minimal: Deployment/orders spec.template.spec.containers[app].securityContext.readOnlyRootFilesystem: "
        "[ours:readOnlyRootFilesystem] must be true, mount an emptyDir where the app writes (got missing)",
        "minimal: Pod/orders-test spec.containers[test].securityContext.readOnlyRootFilesystem: "
        "[ours:readOnlyRootFilesystem] must be true, mount an emptyDir where the app writes (got missing)",
    ]


_CONTAINER = "spec.template.spec.containers[app]"
_INIT = "spec.template.spec.initContainers[init]"
_POD = "spec.template.spec"


def _set(doc: dict, dotted: str, value: object) -> None:
    *parents, last = dotted.split(".")
    node = doc
    for part in parents:
        node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
    if value is _DELETE:
        node.pop(last)
    else:
        node[last] = value


_DELETE = object()
C = "spec.template.spec.containers.0"
I = "spec.template.spec.initContainers.0"
P = "spec.template.spec"

# (mutation path, value, expected field, expected rule): each mutation breaks one control
# (a pod-level seccomp Unconfined also fails every container that does not set its own).
PSS_CASES = [
    (f"{P}.hostNetwork", True, f"{_POD}.hostNetwork", "pss:hostNamespaces"),
    (f"{P}.hostPID", True, f"{_POD}.hostPID", "pss:hostNamespaces"),
    (f"{P}.hostIPC", True, f"{_POD}.hostIPC", "pss:hostNamespaces"),
    (f"{P}.volumes", [{"name": "h", "hostPath": {"path": "/"}}], f"{_POD}.volumes[h].hostPath", "pss:hostPathVolumes"),
    (f"{P}.volumes", [{"name": "n", "nfs": {"server": "x", "path": "/"}}], f"{_POD}.volumes[n].nfs", "pss:volumeTypes"),
    (f"{P}.securityContext.sysctls", [{"name": "kernel.msgmax", "value": "1"}], f"{_POD}.securityContext.sysctls[kernel.msgmax].name", "pss:sysctls"),
    (f"{P}.securityContext.seccompProfile", {"type": "Unconfined"}, f"{_POD}.securityContext.seccompProfile.type", "pss:seccomp"),
    (f"{P}.securityContext.runAsUser", 0, f"{_POD}.securityContext.runAsUser", "pss:runAsUser"),
    (f"{P}.securityContext.windowsOptions", {"hostProcess": True}, f"{_POD}.securityContext.windowsOptions.hostProcess", "pss:hostProcess"),
    (f"{P}.securityContext.seLinuxOptions", {"type": "spc_t"}, f"{_POD}.securityContext.seLinuxOptions.type", "pss:seLinux"),
    (f"{P}.securityContext.appArmorProfile", {"type": "Unconfined"}, f"{_POD}.securityContext.appArmorProfile.type", "pss:appArmor"),
    ("spec.template.metadata.annotations", {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}, "spec.template.metadata.annotations.container.apparmor.security.beta.kubernetes.io/app", "pss:appArmor"),
    (f"{C}.securityContext.privileged", True, f"{_CONTAINER}.securityContext.privileged", "pss:privileged"),
    (f"{C}.securityContext.allowPrivilegeEscalation", _DELETE, f"{_CONTAINER}.securityContext.allowPrivilegeEscalation", "pss:allowPrivilegeEscalation"),
    (f"{C}.securityContext.runAsNonRoot", False, f"{_CONTAINER}.securityContext.runAsNonRoot", "pss:runAsNonRoot"),
    (f"{C}.securityContext.runAsUser", 0, f"{_CONTAINER}.securityContext.runAsUser", "pss:runAsUser"),
    (f"{C}.securityContext.seccompProfile", {"type": "Unconfined"}, f"{_CONTAINER}.securityContext.seccompProfile.type", "pss:seccomp"),
    (f"{C}.securityContext.capabilities", {"drop": ["NET_RAW"]}, f"{_CONTAINER}.securityContext.capabilities.drop", "pss:capabilities"),
    (f"{C}.securityContext.capabilities.add", ["SYS_ADMIN"], f"{_CONTAINER}.securityContext.capabilities.add", "pss:capabilities"),
    (f"{C}.securityContext.procMount", "Unmasked", f"{_CONTAINER}.securityContext.procMount", "pss:procMount"),
    (f"{C}.securityContext.readOnlyRootFilesystem", False, f"{_CONTAINER}.securityContext.readOnlyRootFilesystem", "ours:readOnlyRootFilesystem"),
    (f"{C}.ports", [{"name": "http", "containerPort": 8080, "hostPort": 8080}], f"{_CONTAINER}.ports[http].hostPort", "pss:hostPorts"),
    (f"{I}.securityContext.allowPrivilegeEscalation", True, f"{_INIT}.securityContext.allowPrivilegeEscalation", "pss:allowPrivilegeEscalation"),
]


def _restricted_deployment() -> dict:
    secure = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]},
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "orders"},
        "spec": {
            "template": {
                "metadata": {"labels": {"app": "orders"}},
                "spec": {
                    "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
                    "initContainers": [{"name": "init", "image": "i:1", "securityContext": copy.deepcopy(secure)}],
                    "containers": [{"name": "app", "image": "a:1", "securityContext": copy.deepcopy(secure)}],
                    "volumes": [{"name": "tmp", "emptyDir": {}}],
                },
            }
        },
    }


def test_restricted_reference_pod_passes() -> None:
    """The synthetic pod below is restricted-compliant, so each mutation isolates one control."""
    assert policy.pss_findings([_restricted_deployment()], "unit") == []


def test_pod_level_settings_satisfy_container_controls() -> None:
    """runAsNonRoot and seccomp may be set once for the pod (PSS semantics); unset on both fails."""
    doc = _restricted_deployment()
    assert policy.pss_findings([doc], "unit") == []
    del doc["spec"]["template"]["spec"]["securityContext"]
    rules = sorted((f.field, f.rule) for f in policy.pss_findings([doc], "unit"))
    assert rules == sorted(
        (f"{path}.securityContext.{leaf}", rule)
        for path in (_CONTAINER, _INIT)
        for leaf, rule in (("runAsNonRoot", "pss:runAsNonRoot"), ("seccompProfile.type", "pss:seccomp"))
    )


@pytest.mark.parametrize(("path", "value", "field", "rule"), PSS_CASES, ids=[f"{c[3]}:{c[2].rsplit('.', 1)[-1]}" for c in PSS_CASES])
def test_each_pss_control_bites(path: str, value: object, field: str, rule: str) -> None:
    doc = _restricted_deployment()
    _set(doc, path, value)
    findings = policy.pss_findings([doc], "unit")
    assert {f.rule for f in findings} == {rule}, findings
    line = next((str(f) for f in findings if f.field == field), None)
    assert line and line.startswith(f"unit: Deployment/orders {field}: [{rule}] "), findings


def test_findings_print_one_line_each() -> None:
    finding = Finding("full", "Job/orders-migrate", "spec.x", "pss:seccomp", "detail")
    assert str(finding) == "full: Job/orders-migrate spec.x: [pss:seccomp] detail"

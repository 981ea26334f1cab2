"""Tests of the harness itself: runner, render cache, explanations, snapshot workflow.

Each guard is shown to bite: the cache misses when an input changes, Helm's
stderr reaches the test, a changed template line fails the snapshot check with
a field-level explanation, and the whole workflow (missing and unused snapshots,
update refusals, the Helm process summary across xdist workers) is run for real
in a throwaway copy of the project.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from chart_harness import deps
from chart_harness import render as render_module
from chart_harness import stats
from chart_harness.cases import Case, case_by_name, discover_cases, stray_ci_files
from chart_harness.explain import explain, explain_documents
from chart_harness.helm import compat_helms, helm_matrix, HelmError, HelmVersion
from chart_harness.settings import active
from chart_harness.render import (
    render_dir,
    chart_digest,
    dependencies_current,
    render_case,
    render_chart,
)
from chart_harness.snapshot import (
    CaseManifests,
    compatibility_report,
    explain_snapshot,
    serialize_manifests,
    update_refusal,
)
from tests.support.tools import ROOT, STANDARD_APP, TOOLS_BIN, pinned_versions
from chart_harness.yamlio import load_documents

SNAPSHOT_DIR = Path(__file__).parent / "snapshots"

# A template line every case renders: the Service's targetPort (common-lib).
SERVICE_TPL = Path("common-lib/templates/service/_service.tpl")
SERVICE_LINE, SERVICE_BROKEN = "targetPort: http\n", "targetPort: web\n"
SERVICE_EXPLANATION = 'Service/orders: spec.ports[http].targetPort "http" -> "web"'


def break_service_target_port(charts_dir: Path) -> None:
    path = charts_dir / SERVICE_TPL
    text = path.read_text()
    assert SERVICE_LINE in text, f"{SERVICE_TPL} no longer has {SERVICE_LINE!r}: update this test"
    path.write_text(text.replace(SERVICE_LINE, SERVICE_BROKEN, 1))


def make_chart(root: Path, templates: dict[str, str], name: str = "probe") -> Path:
    chart = root / name
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
    for file_name, body in templates.items():
        (chart / "templates" / file_name).write_text(textwrap.dedent(body))
    return chart


def helm_calls(helm: HelmVersion, subcommand: str) -> int:
    return sum(1 for c in stats.CALLS if c.helm == helm.name and c.subcommand == subcommand)


# --- the Helm runner --------------------------------------------------------------------

PROBE = """\
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: probe
      namespace: {{ .Release.Namespace }}
    data:
      release: {{ .Release.Name | quote }}
      kubeVersion: {{ .Capabilities.KubeVersion.Version | quote }}
      hasServiceMonitor: {{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" | quote }}
      isUpgrade: {{ .Release.IsUpgrade | quote }}
      greeting: {{ .Values.greeting | default "unset" | quote }}
      helm: {{ .Capabilities.HelmVersion.Version | quote }}
"""


def test_render_passes_explicit_release_namespace_and_kube_version(
    tmp_path: Path, helm_version: HelmVersion
) -> None:
    chart = make_chart(tmp_path, {"probe.yaml": PROBE})
    data = render_chart(chart, helm_version).one("ConfigMap")["data"]
    assert data["release"] == "orders"
    assert render_chart(chart, helm_version).docs[0]["metadata"]["namespace"] == "shop"
    assert data["kubeVersion"] == "v1.34.0"  # not the version compiled into Helm
    assert data["hasServiceMonitor"] == "false"
    assert data["isUpgrade"] == "false"
    assert data["greeting"] == "unset"


def test_render_accepts_set_api_versions_and_is_upgrade(
    tmp_path: Path, helm_version: HelmVersion
) -> None:
    chart = make_chart(tmp_path, {"probe.yaml": PROBE})
    result = render_chart(
        chart,
        helm_version,
        set_values=["greeting=hello"],
        api_versions=["monitoring.coreos.com/v1"],
        is_upgrade=True,
        kube_version="1.31.2",
        release="payments",
        namespace="billing",
    )
    data = result.one("ConfigMap")["data"]
    assert (data["release"], result.docs[0]["metadata"]["namespace"]) == ("payments", "billing")
    assert data["kubeVersion"] == "v1.31.2"
    assert data["hasServiceMonitor"] == "true"
    assert data["isUpgrade"] == "true"
    assert data["greeting"] == "hello"
    for flag in ("--set", "--api-versions", "--is-upgrade", "--kube-version", "--namespace"):
        assert flag in result.command


def test_the_helm_matrix_runs_the_pinned_versions(helm4: HelmVersion, helm3: HelmVersion) -> None:
    """pyproject.toml's chart_helm names the binaries; scripts/versions.env pins what they are."""
    pinned = pinned_versions()
    assert [h.name for h in helm_matrix()] == ["helm4", "helm3"], "helm4 is primary, helm3 the compatibility target"
    for helm, key in ((helm4, "HELM4_VERSION"), (helm3, "HELM3_VERSION")):
        assert helm.version == pinned[key], (
            f"{helm.binary.relative_to(ROOT)} is Helm {helm.version}, but scripts/versions.env pins "
            f"{key}={pinned[key]}: run `make tools`"
        )


def test_each_helm_version_has_its_own_isolated_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELM_CONFIG_HOME", "/nonexistent/developer-config")
    monkeypatch.setenv("HELM_NAMESPACE", "kube-system")
    monkeypatch.setenv("KUBECONFIG", "/etc/kubernetes/admin.conf")
    homes = set()
    for helm in helm_matrix():
        env = helm.env()
        assert "HELM_NAMESPACE" not in env
        assert env["KUBECONFIG"] != "/etc/kubernetes/admin.conf"
        reported = dict(
            line.split("=", 1)
            for line in helm.ensure().run(["env"]).stdout.splitlines()
            if "=" in line
        )
        config_home = reported["HELM_CONFIG_HOME"].strip('"')
        assert config_home == str(helm.home / "config")
        assert helm.home.parent.name == "helm" and helm.home.name == helm.name
        homes.add(config_home)
    assert len(homes) == len(helm_matrix())


def test_helm_error_carries_stderr_and_command(tmp_path: Path, helm_version: HelmVersion) -> None:
    chart = make_chart(
        tmp_path, {"fail.yaml": '{{ fail "replicaCount must be at least 1, got 0" }}\n'}
    )
    with pytest.raises(HelmError) as first:
        render_chart(chart, helm_version)
    assert "replicaCount must be at least 1, got 0" in first.value.stderr
    assert "replicaCount must be at least 1, got 0" in str(first.value)
    assert first.value.returncode == 1
    assert first.value.command[:2] == [helm_version.binary.relative_to(ROOT).as_posix(), "template"]
    # The failure is cached like a render: raised again, same stderr, no new Helm process.
    before = len(stats.CALLS)
    with pytest.raises(HelmError) as again:
        render_chart(chart, helm_version)
    assert again.value.stderr == first.value.stderr
    assert len(stats.CALLS) == before


# --- the render cache -------------------------------------------------------------------


def test_render_cache_misses_once_then_hits_memory_disk_and_copies(
    tmp_path: Path, helm4: HelmVersion
) -> None:
    marker = uuid.uuid4().hex  # content no earlier run has seen: the first render must miss
    chart = make_chart(
        tmp_path / "a",
        {
            "cm.yaml": f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m{marker}\n"
            "data:\n  size: {{ .Values.size | quote }}\n"
        },
    )
    values = tmp_path / "values.yaml"
    values.write_text("size: small\n")
    keys = []
    try:
        templates_before = helm_calls(helm4, "template")
        first = render_chart(chart, helm4, values_files=[values])
        keys.append(first.key)
        assert not first.cached
        assert helm_calls(helm4, "template") == templates_before + 1

        second = render_chart(chart, helm4, values_files=[values])  # memory
        render_module._MEMORY.pop(first.key)
        third = render_chart(chart, helm4, values_files=[values])  # .cache/renders
        copy = tmp_path / "b" / "probe"
        shutil.copytree(chart, copy)
        values_copy = tmp_path / "b" / "other-name.yaml"
        values_copy.write_text(values.read_text())
        fourth = render_chart(copy, helm4, values_files=[values_copy])  # same content
        assert all(r.cached and r.key == first.key for r in (second, third, fourth))
        assert helm_calls(helm4, "template") == templates_before + 1
        assert third.docs == first.docs and third.manifest == first.manifest

        # Returned documents are copies: a test mutating them cannot poison the cache.
        second.docs[0]["data"]["size"] = "mutated"
        assert render_chart(chart, helm4, values_files=[values]).docs == first.docs

        values.write_text("size: large\n")  # any input change is a miss
        changed = render_chart(chart, helm4, values_files=[values])
        keys.append(changed.key)
        assert not changed.cached and changed.key != first.key
        assert changed.one("ConfigMap")["data"]["size"] == "large"
        assert helm_calls(helm4, "template") == templates_before + 2
    finally:
        for key in keys:  # these charts are unique to this run: keep .cache/renders small
            (render_dir() / f"{key}.json").unlink(missing_ok=True)


@pytest.mark.parametrize("entry", ["{}", '{"ok": true}', '{"ok": true, "manifest": 1, "docs": [], "sources": []}',
                                   '{"ok": false}', "[]", '"text"'], ids=["empty", "no-manifest", "wrong-type", "no-stderr", "list", "string"])
def test_a_cache_entry_of_the_wrong_shape_is_rendered_again(tmp_path: Path, helm4: HelmVersion, entry: str) -> None:
    """An entry written by hand, by another tool or cut short is a miss, not a KeyError on
    every run until someone deletes .cache."""
    chart = make_chart(tmp_path / "a", {"cm.yaml": f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m{uuid.uuid4().hex}\n"})
    first = render_chart(chart, helm4)
    path = render_dir() / f"{first.key}.json"
    try:
        render_module._MEMORY.pop(first.key)
        path.write_text(entry, encoding="utf-8")
        again = render_chart(chart, helm4)
        assert not again.cached and again.docs == first.docs
        assert json.loads(path.read_text(encoding="utf-8"))["ok"] is True  # overwritten
    finally:
        path.unlink(missing_ok=True)


def test_cache_key_covers_flags_and_helm_binary(tmp_path: Path, helm4: HelmVersion) -> None:
    chart = make_chart(tmp_path, {"probe.yaml": PROBE})
    keys = {
        render_chart(chart, helm4).key,
        render_chart(chart, helm4, set_values=["greeting=hi"]).key,
        render_chart(chart, helm4, api_versions=["monitoring.coreos.com/v1"]).key,
        render_chart(chart, helm4, is_upgrade=True).key,
        render_chart(chart, helm4, kube_version="1.31.0").key,
        render_chart(chart, helm4, namespace="other").key,
        render_chart(chart, helm4, release="other").key,
    }
    keys |= {render_chart(chart, h).key for h in helm_matrix()}
    assert len(keys) == 7 + len(helm_matrix()) - 1


def test_dependency_sources_are_part_of_the_key(chart_copy: Path) -> None:
    assert chart_digest(chart_copy) == chart_digest(STANDARD_APP)  # paths are not hashed
    assert dependencies_current(chart_copy)
    tpl = chart_copy.parent / SERVICE_TPL
    tpl.write_text(tpl.read_text() + "{{/* a comment changes no output, but the content */}}\n")
    assert chart_digest(chart_copy) != chart_digest(STANDARD_APP)
    assert not dependencies_current(chart_copy), "stale charts/common-lib-*.tgz went unnoticed"


def _dependency_work(helm: HelmVersion) -> int:
    return helm_calls(helm, "dependency build") + stats.CACHE_EVENTS["dependencies reused"]


def test_missing_dependency_archive_is_rebuilt_once(chart_copy: Path, helm4: HelmVersion) -> None:
    shutil.rmtree(chart_copy / "charts")
    before = _dependency_work(helm4)
    minimal = case_by_name("minimal")
    copied = Case("minimal", minimal.values_file, chart_copy)
    result = render_case(copied, helm4)
    assert _dependency_work(helm4) == before + 1  # built by Helm, or Helm's earlier result reused
    assert dependencies_current(chart_copy)
    assert result.docs == render_case(minimal, helm4).docs
    render_case(copied, helm4)
    assert _dependency_work(helm4) == before + 1


def test_dependency_build_runs_helm_once_then_reuses_its_result(
    tmp_path: Path, helm4: HelmVersion
) -> None:
    marker = uuid.uuid4().hex  # library content no earlier run has built
    library = make_chart(
        tmp_path, {"_x.tpl": f'{{{{- define "lib.x" -}}}}x{marker}{{{{- end -}}}}\n'}, name="lib"
    )
    (library / "Chart.yaml").write_text(
        "apiVersion: v2\nname: lib\ntype: library\nversion: 0.1.0\n"
    )
    app = make_chart(
        tmp_path,
        {
            "cm.yaml": 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "lib.x" . }}\n'
        },
        name="app",
    )
    (app / "Chart.yaml").write_text(
        "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n"
        "- name: lib\n  version: 0.1.0\n  repository: file://../lib\n"
    )
    helm4.run(["dependency", "update", str(app), "--skip-refresh"])  # writes Chart.lock
    shutil.rmtree(app / "charts")
    stored = [deps.deps_dir() / str(deps._build_key(app))]
    keys = []
    try:
        builds, reused = (
            helm_calls(helm4, "dependency build"),
            stats.CACHE_EVENTS["dependencies reused"],
        )
        first = render_chart(app, helm4)
        keys.append(first.key)
        assert first.one("ConfigMap")["metadata"]["name"] == f"x{marker}"
        assert helm_calls(helm4, "dependency build") == builds + 1 and stored[0].is_dir()

        shutil.rmtree(app / "charts")  # same inputs again: Helm's stored result, no process
        assert render_chart(app, helm4).docs == first.docs
        assert helm_calls(helm4, "dependency build") == builds + 1
        assert stats.CACHE_EVENTS["dependencies reused"] == reused + 1

        (library / "templates" / "_x.tpl").write_text(
            f'{{{{- define "lib.x" -}}}}changed{marker}{{{{- end -}}}}\n'
        )
        stored.append(deps.deps_dir() / str(deps._build_key(app)))
        assert not dependencies_current(app)  # the archive no longer matches its sources
        changed = render_chart(app, helm4)
        keys.append(changed.key)
        assert changed.one("ConfigMap")["metadata"]["name"] == f"changed{marker}"
        assert helm_calls(helm4, "dependency build") == builds + 2
    finally:  # this run's unique entries: keep .cache small
        for directory in stored:
            shutil.rmtree(directory, ignore_errors=True)
        for key in keys:
            (render_dir() / f"{key}.json").unlink(missing_ok=True)


# --- explanations -----------------------------------------------------------------------


def _deployment(replicas: object = 2, env: list | None = None, args: list | None = None) -> dict:
    container = {
        "name": "app",
        "image": "registry.example.com/orders:1.0.0",
        "args": args or ["serve"],
    }
    container["env"] = (
        env
        if env is not None
        else [
            {"name": "A", "value": "1"},
            {"name": "B", "value": "2"},
        ]
    )
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "orders", "labels": {"app.kubernetes.io/name": "orders"}},
        "spec": {"replicas": replicas, "template": {"spec": {"containers": [container]}}},
    }


def _configmap(data: dict) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "orders-config"},
        "data": data,
    }


def test_explain_names_resource_and_field() -> None:
    before = [_deployment(replicas=2), _configmap({"LOG_LEVEL": "info"})]
    after = [
        _deployment(
            replicas=3,
            env=[
                {"name": "B", "value": "2"},
                {"name": "A", "value": "9"},
                {"name": "C", "value": "3"},
            ],
            args=["serve", "--verbose"],
        ),
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "orders-tls"}},
    ]
    after[0]["metadata"]["labels"]["app.kubernetes.io/version"] = "1.0.0"
    assert explain_documents(before, after) == [
        'Deployment/orders: metadata.labels["app.kubernetes.io/version"] added: "1.0.0"',
        "Deployment/orders: spec.replicas 2 -> 3",
        'Deployment/orders: spec.template.spec.containers[app].args ["serve"] -> ["serve", "--verbose"]',
        "Deployment/orders: spec.template.spec.containers[app].env order [A, B] -> [B, A]",
        'Deployment/orders: spec.template.spec.containers[app].env[A].value "1" -> "9"',
        'Deployment/orders: spec.template.spec.containers[app].env[C] added: {"name": "C", "value": "3"}',
        "ConfigMap/orders-config: removed",
        "Secret/orders-tls: added",
    ]


def test_explain_tells_types_apart_and_diffs_multiline_strings() -> None:
    before = [_deployment(replicas=2), _configmap({"app.conf": "port = 8080\nlog = info\n"})]
    after = [_deployment(replicas="2"), _configmap({"app.conf": "port = 8080\nlog = debug\n"})]
    lines = explain_documents(before, after)
    assert 'Deployment/orders: spec.replicas 2 -> "2" (type int -> string)' in lines
    config = next(line for line in lines if line.startswith("ConfigMap/orders-config"))
    assert 'data["app.conf"] changed:' in config
    assert "-log = info" in config and "+log = debug" in config


def test_explain_includes_unified_diff_and_is_never_silent() -> None:
    before, after = [_deployment(replicas=2)], [_deployment(replicas=3)]
    report = explain(
        before,
        after,
        before_text=serialize_manifests(before),
        after_text=serialize_manifests(after),
        before_name="snapshot",
        after_name="rendered",
    )
    assert report[0] == "  Deployment/orders: spec.replicas 2 -> 3"
    assert "--- snapshot" in report and "+++ rendered" in report
    assert "-  replicas: 2" in report and "+  replicas: 3" in report
    # Same documents, different text (a hand-edited snapshot): still explained.
    text = serialize_manifests(before)
    edited = explain(
        before,
        before,
        before_text=text + "# edited\n",
        after_text=text,
        before_name="snapshot",
        after_name="rendered",
    )
    assert "the documents are equal, but the text differs" in edited[0]
    assert "-# edited" in edited


def test_compatibility_report_explains_helm_differences(
    tmp_path: Path, helm4: HelmVersion, helm3: HelmVersion
) -> None:
    chart = make_chart(tmp_path, {"probe.yaml": PROBE})
    report = compatibility_report(
        "probe",
        render_chart(chart, helm4).docs,
        render_chart(chart, helm3).docs,
        primary_label=helm4.label,
        compat_label=helm3.label,
    )
    assert report is not None
    assert "Helm compatibility failure in case 'probe'" in report
    assert f'ConfigMap/probe: data.helm "{helm4.version}" -> "{helm3.version}"' in report
    same = render_chart(chart, helm4).docs
    assert (
        compatibility_report(
            "probe", same, list(reversed(same)), primary_label="a", compat_label="b"
        )
        is None
    )


# --- snapshots --------------------------------------------------------------------------


def test_snapshot_text_is_canonical() -> None:
    hook = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "orders-migrate", "annotations": {"helm.sh/hook": "pre-install"}},
    }
    service = {"kind": "Service", "apiVersion": "v1", "metadata": {"name": "orders"}}
    docs = [hook, _deployment(), _configmap({"script": "line one\nline two\n"}), service]
    shuffled = [docs[3], docs[1], docs[0], docs[2]]
    reordered_keys = [dict(reversed(list(d.items()))) for d in shuffled]
    text = serialize_manifests(docs)
    assert serialize_manifests(shuffled) == text == serialize_manifests(reordered_keys)
    kinds = [d["kind"] for d in load_documents(text)]
    assert kinds == ["ConfigMap", "Service", "Deployment", "Job"]  # install order, hooks last
    assert "  script: |\n    line one\n    line two\n" in text
    assert text.index("apiVersion: v1\ndata:") < text.index("kind: ConfigMap")  # sorted keys


def test_snapshot_header_names_the_case() -> None:
    minimal = case_by_name("minimal")
    text = serialize_manifests(
        CaseManifests(
            minimal,
            [service := {"kind": "Service", "metadata": {"name": "x"}}],
            ["standard-app/templates/service.yaml"],
        )
    )
    assert text.startswith(
        "# Matrix case 'minimal': charts/standard-app rendered with ci/minimal-values.yaml"
    )
    assert "---\n# Source: standard-app/templates/service.yaml\n" in text
    assert load_documents(text) == [service]


def test_changed_template_line_fails_snapshot_with_field_explanation(
    chart_copy: Path, helm4: HelmVersion
) -> None:
    minimal = case_by_name("minimal")
    snapshot_path = SNAPSHOT_DIR / minimal.snapshot_name
    assert snapshot_path.is_file(), "tests/snapshots/minimal.yaml is missing: run `make snapshots`"
    break_service_target_port(chart_copy.parent)
    copied = Case("minimal", chart_copy / "ci" / minimal.values_file.name, chart_copy)
    result = render_case(copied, helm4)
    rendered = serialize_manifests(CaseManifests(minimal, result.docs, result.sources))
    snapshot = snapshot_path.read_text()
    assert rendered != snapshot
    lines = explain_snapshot(snapshot, rendered, "tests/snapshots/minimal.yaml")
    assert f"  {SERVICE_EXPLANATION}" in lines
    assert "-    targetPort: http" in lines and "+    targetPort: web" in lines


@pytest.mark.parametrize(
    ("env", "parallel", "refused_because"),
    [
        ({"CI": "true", "HARNESS_SNAPSHOT_UPDATE": "1"}, False, "refused under CI=true"),
        ({"CI": "1", "HARNESS_SNAPSHOT_UPDATE": "1"}, False, "refused under CI=1"),
        ({}, False, "with `make snapshots`"),
        ({"HARNESS_SNAPSHOT_UPDATE": "1"}, True, "run serially"),
        ({"HARNESS_SNAPSHOT_UPDATE": "1", "CI": "false"}, False, None),
    ],
    ids=["ci-true", "ci-1", "bare-pytest", "xdist", "make-snapshots"],
)
def test_snapshot_update_refusals(env: dict, parallel: bool, refused_because: str | None) -> None:
    reason = update_refusal(updating=True, env=env, parallel=parallel)
    if refused_because is None:
        assert reason is None
    else:
        assert reason is not None and refused_because in reason
    assert update_refusal(updating=False, env=env, parallel=parallel) is None


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({"CI": "true"}, [], "refusing to rewrite snapshots under CI=true"),
        ({}, ["-n", "2"], "snapshot updates run serially"),
    ],
    ids=["ci", "xdist"],
)
def test_update_script_refuses_ci_and_parallel(env: dict, args: list, message: str) -> None:
    full_env = {k: v for k, v in os.environ.items() if k != "CI"} | env
    proc = subprocess.run(
        [str(ROOT / "scripts" / "update-snapshots.sh"), *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr


def test_cases_are_the_well_named_ci_files(tmp_path: Path) -> None:
    chart = make_chart(tmp_path, {})
    (chart / "ci").mkdir()
    for name in ("b-values.yaml", "a-values.yaml", "notes.txt", "Bad_Name-values.yaml"):
        (chart / "ci" / name).write_text("{}\n")
    assert [c.name for c in discover_cases(chart)] == ["a", "b"]
    problems = stray_ci_files(chart)
    assert any(p.startswith("ci/notes.txt: not a matrix case") for p in problems)
    assert any(p.startswith("ci/Bad_Name-values.yaml: case names are lowercase") for p in problems)
    assert len(problems) == 2


def test_values_files_of_another_shape_are_reported_beside_the_chart(tmp_path: Path) -> None:
    """Cases in the chart directory (values-*.yaml, the quickstart layout): an environment
    file of another shape would silently not be tested, so it is reported."""
    import dataclasses

    from chart_harness import settings as settings_module

    chart = make_chart(tmp_path, {})
    for name in ("values-prod.yaml", "values-qa.yml", "values.dev.yaml", "values_test.yaml", "Values-Stage.yaml", "notes.yaml"):
        (chart / name).write_text("{}\n")
    previous = active()
    settings_module.configure(dataclasses.replace(previous, cases="values-*.yaml"))
    try:
        assert [c.name for c in discover_cases(chart)] == ["prod"]
        problems = stray_ci_files(chart)
    finally:
        settings_module.configure(previous)
    assert sorted(p.split(":")[0] for p in problems) == sorted(["Values-Stage.yaml", "values.dev.yaml", "values-qa.yml", "values_test.yaml"])
    assert all("not a matrix case; name values files values-<case>.yaml" in p for p in problems), problems


def test_summary_adds_up_all_workers() -> None:
    worker = {
        "calls": [
            {
                "helm": "helm4",
                "version": "v4.3.1",
                "subcommand": "template",
                "seconds": 0.5,
                "returncode": 0,
            }
        ]
        * 3,
        "cache": {"rendered": 3, "disk": 2},
    }
    other = {
        "calls": [
            {
                "helm": "helm4",
                "version": "v4.3.1",
                "subcommand": "dependency build",
                "seconds": 0.25,
                "returncode": 0,
            }
        ],
        "cache": {"memory": 4},
    }
    lines = stats.summary_lines([{"calls": [], "cache": {}}, worker, other])
    assert lines[0] == "helm4 (v4.3.1): 4 Helm processes in 1.75 s (1 dependency build, 3 template)"
    assert (
        lines[1]
        == "render cache: 3 rendered, 6 served from cache (2 from .cache/renders, 4 from memory)"
    )


# --- the whole workflow, for real, in a copy of the project -----------------------------


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache")
    (project / "tests").mkdir(parents=True)
    for name in ("__init__.py", "conftest.py", "test_snapshots.py"):
        shutil.copy2(ROOT / "tests" / name, project / "tests" / name)
    for name in ("support", "snapshots"):
        shutil.copytree(ROOT / "tests" / name, project / "tests" / name, ignore=ignore)
    shutil.copytree(ROOT / "charts", project / "charts", ignore=ignore)
    (project / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "versions.env", project / "scripts" / "versions.env")
    shutil.copy2(ROOT / "pyproject.toml", project / "pyproject.toml")
    (project / ".tools").symlink_to(ROOT / ".tools")
    # A cold render cache of its own; only the Helm homes (and binary hashes) are shared.
    cache = project / ".cache"
    cache.mkdir()
    (active().cache_dir / "helm").mkdir(parents=True, exist_ok=True)
    (cache / "helm").symlink_to((active().cache_dir / "helm"))
    return project


def _pytest(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    drop = ("CI", "HARNESS_SNAPSHOT_UPDATE", "HARNESS_CACHE_DIR", "PYTEST_ADDOPTS")
    base = {k: v for k, v in os.environ.items() if k not in drop}
    return subprocess.run(
        # The copy has no property tests: Hypothesis' plugin would only cost ~0.5 s a process.
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--color=no", *args],
        cwd=project,
        env=base | (env or {}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_snapshot_workflow_end_to_end_under_xdist(tmp_path: Path, helm4: HelmVersion) -> None:
    project = _project_copy(tmp_path)
    chart = project / "charts" / "standard-app"
    break_service_target_port(project / "charts")
    # Keep three cases (fewer renders); the snapshots of the others become unused.
    kept = {"minimal", "digest"} | {c.name for c in discover_cases(chart)[:1]}
    dropped = sorted(c.name for c in discover_cases(chart) if c.name not in kept)
    assert dropped, "the matrix needs more than three cases for this test"
    for name in dropped:
        (chart / "ci" / f"{name}-values.yaml").unlink()
    (project / "tests/snapshots/digest.yaml").unlink()  # a case without snapshot
    proc = _pytest(project, "tests/test_snapshots.py", "-n", "2")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert SERVICE_EXPLANATION in out  # field-level explanation of the changed template line
    assert "+    targetPort: web" in out  # and the unified diff
    assert "missing snapshot tests/snapshots/digest.yaml" in out
    assert "matrix cases without a snapshot in tests/snapshots/: digest.yaml" in out
    unused = ", ".join(f"tests/snapshots/{name}.yaml" for name in dropped)
    assert f"snapshots without a matrix case: {unused} " in out
    # Cold cache, two workers, and test_snapshot and test_helm_versions_agree both need
    # every (case, Helm 4) render: still each render ran exactly once, the stale
    # common-lib archive was rebuilt once, and the controller (which runs no test)
    # reports the workers' Helm processes.
    cases = len(kept)
    assert f"helm4 ({helm4.version}): {cases + 1} Helm processes" in out
    assert f"(1 dependency build, {cases} template)" in out
    for compat in compat_helms():
        assert f"{compat.name} ({compat.version}): {cases} Helm processes" in out
    renders = cases * (1 + 2 * len(compat_helms()))
    assert (
        f"render cache: {cases * len(helm_matrix())} rendered, {renders - cases * len(helm_matrix())} served"
        in out
    )

    # The refusal is wired into pytest itself (the reasons are unit-tested above).
    refused = _pytest(project, "tests/test_snapshots.py", "--snapshot-update", env={"CI": "true"})
    assert refused.returncode == 4 and "refused under CI=true" in refused.stderr


# --- the dependency-bump base ---------------------------------------------------------------


def test_an_explicit_dependency_base_must_be_a_commit(tmp_path: Path) -> None:
    """With the default base HEAD, a chart outside git (or before its first commit) has no
    bump to compare. A base set explicitly must resolve: a shallow CI clone without
    origin/main, or a typo, would otherwise skip the check and let a breaking bump through."""
    from chart_harness.dependency_bump import base_file
    from chart_harness.errors import HarnessError

    chart = tmp_path / "orders"
    chart.mkdir()
    (chart / "Chart.lock").write_text("dependencies: []\n", encoding="utf-8")
    assert base_file(chart, "Chart.lock", "HEAD") is None
    with pytest.raises(HarnessError, match="chart_dependency_base 'origin/main': .* is not in a git work tree"):
        base_file(chart, "Chart.lock", "origin/main")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(chart)]
    subprocess.run([*git, "init", "-q"], check=True)
    assert base_file(chart, "Chart.lock", "HEAD") is None  # no commit yet
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "lock"], check=True)
    assert base_file(chart, "Chart.lock", "HEAD") == "dependencies: []\n"
    with pytest.raises(HarnessError, match="'origin/mian' is not a commit of this clone; a shallow CI checkout"):
        base_file(chart, "Chart.lock", "origin/mian")


def test_a_chart_is_named_by_its_chart_yaml_not_its_directory(tmp_path: Path) -> None:
    """The default release and the snapshot header name a chart by its Chart.yaml: a CI
    workspace or a worktree with another directory name renders the same snapshots."""
    import dataclasses

    from chart_harness.settings import chart_name

    chart = tmp_path / "orders-ci-workspace"
    chart.mkdir()
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: orders\nversion: 1.0.0\n", encoding="utf-8")
    assert chart_name(chart) == "orders"
    assert dataclasses.replace(active(), release="").release_for(chart) == "orders"
    (chart / "Chart.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    assert chart_name(chart) == "orders-ci-workspace"  # unreadable: the directory, as before


@pytest.mark.parametrize(("option", "message"), [
    ('chart_case = "values-*.yaml"', "unknown chart_harness option in {ini}: chart_case (did you mean chart_cases?)"),
    ('chart_paths = [".", "does-not-exist"]', "chart_paths (or --chart): 'does-not-exist' is not a chart directory (no Chart.yaml"),
    ('chart_paths = [".", "sub"]\nchart_cases = "values-*.yaml"',
     "matrix case 'prod' of values-prod.yaml and sub/values-prod.yaml: cases of different charts would share one snapshot file"),
    ('chart_paths = [".", "empty"]\nchart_cases = "values-*.yaml"', "no matrix cases for empty: no file matches values-*.yaml there"),
], ids=["misspelt-option", "missing-chart", "shared-snapshot", "chart-without-cases"])
def test_configuration_mistakes_are_one_line_usage_errors(tmp_path: Path, option: str, message: str) -> None:
    """A misspelt option or a chart path that is not a chart stops the run before any test,
    naming the option; they used to leave the default in place or drop the chart silently."""
    project = tmp_path / "orders"
    project.mkdir()
    (project / "Chart.yaml").write_text("apiVersion: v2\nname: orders\nversion: 1.0.0\n", encoding="utf-8")
    (project / "test_nothing.py").write_text("def test_nothing():\n    pass\n", encoding="utf-8")
    (project / "values-prod.yaml").write_text("{}\n", encoding="utf-8")
    for chart in ("sub", "empty"):
        (project / chart).mkdir()
        (project / chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {chart}\nversion: 1.0.0\n", encoding="utf-8")
    (project / "sub" / "values-prod.yaml").write_text("{}\n", encoding="utf-8")
    ini = project / "pyproject.toml"
    ini.write_text(f"[tool.pytest.ini_options]\n{option}\n", encoding="utf-8")
    proc = _pytest(project)
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert message.format(ini=ini) in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def _product_project(tmp_path: Path, template: str, values: str, test_module: str) -> Path:
    """A one-template product chart with a values-prod.yaml case and the plugin configured
    for Helm 4: the smallest repository a team would run the harness in."""
    project = tmp_path / "orders"
    (project / "templates").mkdir(parents=True)
    (project / "Chart.yaml").write_text("apiVersion: v2\nname: orders\nversion: 1.0.0\nkubeVersion: '>=1.29.0-0'\n", encoding="utf-8")
    (project / "templates" / "cm.yaml").write_text(template, encoding="utf-8")
    (project / "values-prod.yaml").write_text(values, encoding="utf-8")
    (project / "test_orders.py").write_text(test_module, encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\nchart_cases = "values-*.yaml"\nchart_kube_version = "1.34.0"\n'
        f'chart_helm = ["helm4={TOOLS_BIN / "helm"}"]\n', encoding="utf-8")
    return project


def test_helms_refusal_is_reported_without_a_traceback(tmp_path: Path) -> None:
    """A product team's values that the chart refuses fail the test with Helm's command and
    message, not a hundred lines of the harness's own frames."""
    project = _product_project(
        tmp_path, '{{ required "size: set it" .Values.size }}\n', "other: 1\n",
        "from chart_harness.render import render_case\n\n\ndef test_renders(case, helm_version):\n    render_case(case, helm_version)\n")
    proc = _pytest(project, "-p", "no:xdist")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "size: set it" in out and "exited with 1: " in out, out
    assert "render_chart(" not in out and "raise HelmError" not in out, out


def test_a_snapshot_that_is_not_yaml_says_how_to_write_it_again(tmp_path: Path) -> None:
    """A snapshot edited by hand into invalid YAML (or left with merge-conflict markers)
    fails its test with the file, the YAML problem and the update command, not a traceback."""
    project = _product_project(
        tmp_path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orders\ndata:\n  size: {{ .Values.size | quote }}\n",
        "size: large\n", "from chart_harness.checks import test_snapshot  # noqa: F401\n")
    written = _pytest(project, "-p", "no:xdist", "--snapshot-update", env={"HARNESS_SNAPSHOT_UPDATE": "1"})
    assert written.returncode == 0, written.stdout + written.stderr
    snapshot = project / "tests" / "snapshots" / "prod.yaml"
    snapshot.write_text(snapshot.read_text(encoding="utf-8").replace("size: large", "size: [unclosed\n<<<<<<< HEAD"), encoding="utf-8")
    proc = _pytest(project, "-p", "no:xdist")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "tests/snapshots/prod.yaml is not valid YAML (" in out and "--snapshot-update` to write it again" in out, out
    assert "Traceback" not in out and "yaml/scanner.py" not in out, out


def test_dependencies_not_built_are_named_not_blamed_on_kube_version(tmp_path: Path) -> None:
    """A fresh clone of a product chart (charts/ is git-ignored): the OpenAPI sweep reads
    the supported versions from the vendored standard-app, so it says to build it first."""
    project = tmp_path / "orders"
    project.mkdir()
    (project / "Chart.yaml").write_text(
        "apiVersion: v2\nname: orders\nversion: 1.0.0\ndependencies:\n"
        "  - name: standard-app\n    version: 2.0.0\n    repository: oci://registry.example.com/charts\n", encoding="utf-8")
    (project / "values-prod.yaml").write_text("{}\n", encoding="utf-8")
    (project / "test_orders.py").write_text("from chart_harness.checks import test_openapi_strict  # noqa: F401\n", encoding="utf-8")
    (project / "pyproject.toml").write_text(
        f'[tool.pytest.ini_options]\nchart_cases = "values-*.yaml"\nchart_helm = ["helm4={TOOLS_BIN / "helm"}"]\n', encoding="utf-8")
    proc = _pytest(project, "-p", "no:xdist")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "orders: its dependencies are not built (no charts/*.tgz)" in out and "helm dependency build ." in out, out
    assert "Traceback" not in out and "has no kubeVersion" not in out, out


def test_a_template_that_renders_differently_each_time_gets_no_snapshot(tmp_path: Path) -> None:
    """randAlphaNum in a template: the update refuses to write a snapshot no later render
    can match (with the render cache warm, a plain run would pass; a cold one would fail)."""
    project = _product_project(
        tmp_path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orders\ndata:\n  nonce: {{ randAlphaNum 12 | quote }}\n",
        "{}\n", "from chart_harness.checks import test_snapshot  # noqa: F401\n")
    proc = _pytest(project, "-p", "no:xdist", "--snapshot-update", env={"HARNESS_SNAPSHOT_UPDATE": "1"})
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "case 'prod' renders differently each time, so no snapshot can hold it" in out, out
    assert "ConfigMap/orders: data.nonce" in out, out
    assert not (project / "tests" / "snapshots" / "prod.yaml").exists()

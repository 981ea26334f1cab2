"""The adversarial corpus: tests/adversarial-corpus/*.yaml, each the minimal product
values file plus ONE careless or hostile change, with its expected outcome in header
comments (format: tests/support/corpus.py, docs/validation.md "Adversarial corpus").

Without a cluster:
  * refused files fail under Helm 4 and Helm 3 with every `# expect message:` fragment in
    stderr; a fragment in Helm's JSON-pointer form (`at '/...`) means the schema refuses
    it, so Python jsonschema must refuse it too, and any other file must pass jsonschema
    (the templates refuse it). Which layer refused is recorded as the `refused_by`
    property of the Helm test (junit XML);
  * accepted files pass jsonschema and render under both versions, to the same documents;
  * data-* accepted files keep their config keys exactly, and render byte-identically twice.

With the cluster (`-m cluster`, one control plane per xdist group, like tests/test_drills.py):
  * accepted files pass a strict server-side dry run (and the pod dry run) under
    restricted Pod Security with no warning; `# expect level: baseline` files pass under
    baseline, and are rejected or warned under restricted (unless `# expect cluster:
    admitted`: restricted does not check what they loosen);
  * `# expect cluster: rejected` files, rendered by a copy of the chart without its guards
    (no values.schema.json, common-lib.validate.app emptied), are rejected or warned by
    the API server: the chart refuses what the cluster would refuse.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import re
import shutil
import tarfile
from pathlib import Path

import pytest
import yaml

from tests.support.admission import admission_problems, crd_api_versions
from tests.support.cluster import ControlPlane, control_plane  # noqa: F401 - fixture
from tests.support.corpus import AdversarialFile, load_adversarial_corpus, schema_errors
from chart_harness.helm import primary_helm, template_args, HelmError, HelmVersion
from chart_harness.render import render_chart
from tests.support.tools import COMMON_LIB, ROOT, STANDARD_APP
from chart_harness.yamlio import load_manifest

CORPUS_DIR = ROOT / "tests" / "adversarial-corpus"
CORPUS = load_adversarial_corpus(CORPUS_DIR)
CLASSES = ("floor-", "floor-accepted-", "hook-", "reserved-", "merged-", "passthrough-",
           "data-", "image-", "null-", "accept-", "names-", "shape-", "shape-accepted-")
MIN_FILES = 80

REFUSED = [f for f in CORPUS if f.outcome == "refused"]
ACCEPTED = [f for f in CORPUS if f.outcome == "accepted"]
DATA_ACCEPTED = [f for f in ACCEPTED if f.id.startswith("data-") and "config" in f.user_values()]
CLUSTER_REJECTED = [f for f in REFUSED if f.cluster == "rejected"]


def _params(files: list[AdversarialFile]) -> list:
    return [pytest.param(f, id=f.id) for f in files]


# --- the corpus itself ------------------------------------------------------------------


def test_corpus_is_large_enough():
    assert len(CORPUS) >= MIN_FILES, f"{len(CORPUS)} files in {CORPUS_DIR}, want {MIN_FILES}+"


def test_every_file_states_its_outcome():
    bad = [f"{f.path.name}: {'; '.join(f.problems) or 'no `# expect: refused|accepted`'}"
           for f in CORPUS if f.problems or f.outcome is None]
    assert not bad, "malformed headers:\n" + "\n".join(bad)


def test_every_class_is_present():
    for prefix in CLASSES:
        assert any(f.id.startswith(prefix) for f in CORPUS), f"no {prefix}*.yaml in {CORPUS_DIR}"


def test_every_file_is_the_minimal_file_plus_a_change():
    for f in CORPUS:
        values = f.user_values()
        assert values.get("containerPort") == 8080, f.path.name
        assert values.get("nameOverride"), f.path.name
        assert isinstance(values.get("image"), dict) and values["image"].get("repository"), f.path.name


def test_generate_header_fills_config(tmp_path):
    sample = tmp_path / "data-sample.yaml"
    sample.write_text("# expect: refused\n# expect message: config:\n# generate: config-bytes 2048\n"
                      "nameOverride: orders\nconfig:\n  A: b\n", encoding="utf-8")
    from tests.support.corpus import load_adversarial_file

    f = load_adversarial_file(sample)
    assert f.problems == () and f.generate == (("config-bytes", 2048),)
    assert f.user_values()["config"] == {"A": "b", "BLOB": "x" * 2048}
    materialized = yaml.safe_load(f.values_file().read_text(encoding="utf-8"))
    assert materialized["config"]["BLOB"] == "x" * 2048 and materialized["config"]["A"] == "b"


# --- refused ----------------------------------------------------------------------------


@pytest.mark.parametrize("corpus_file", _params(REFUSED))
def test_refused_jsonschema(corpus_file: AdversarialFile):
    errors = schema_errors(corpus_file.coalesced())
    if corpus_file.schema_refusal:
        assert errors, "expected a schema refusal, but Python jsonschema accepts the file"
        for fragment in corpus_file.messages:
            if fragment.startswith("at '"):
                assert any(e.startswith(fragment) for e in errors), (
                    f"expected an error {fragment}..., jsonschema reports: {errors}")
    else:
        assert errors == [], (
            "expected the templates to refuse it (the fragments are key paths), "
            f"but the schema already does: {errors}")


@pytest.mark.parametrize("corpus_file", _params(REFUSED))
def test_refused_by_helm(corpus_file: AdversarialFile, helm_version: HelmVersion, record_property):
    try:
        render_chart(STANDARD_APP, helm_version, values_files=[corpus_file.values_file()])
    except HelmError as err:
        stderr = err.stderr
    else:
        pytest.fail(f"{helm_version.label} rendered it: expected a refusal with "
                    f"{list(corpus_file.messages)}")
    by_schema = "don't meet the specifications of the schema" in stderr
    by_templates = "invalid values:" in stderr
    record_property("refused_by", "schema" if by_schema else "templates" if by_templates else "crash")
    missing = [m for m in corpus_file.messages if m not in stderr]
    assert not missing, f"{helm_version.label}: {missing} not in stderr:\n{stderr}"
    if corpus_file.schema_refusal:
        assert by_schema, f"expected a schema refusal, {helm_version.label} says:\n{stderr}"
    else:
        assert by_templates, (
            f"expected the template validation ('invalid values:'), {helm_version.label} says:\n{stderr}")
        problems = [line for line in stderr.splitlines() if line.startswith("  - ")]
        for fragment in corpus_file.messages:
            assert any(line.startswith(f"  - {fragment}") for line in problems), (
                f"{fragment!r} must start a problem line `  - {fragment} ...`:\n{stderr}")


@pytest.mark.parametrize(("pod_key", "values"), [
    ("podSecurityContext", "minimal"), ("containerSecurityContext", "minimal"),
    ("sidecars[0].securityContext", "sidecar"), ("initContainers[0].securityContext", "init")])
def test_apparmor_field_needs_kubernetes_1_30(pod_key: str, values: str, helm_version: HelmVersion):
    """The appArmorProfile field exists from Kubernetes 1.30; the chart supports 1.29, where
    the API server would drop it silently. The rule compares the version only when the
    field is set, so the accepted file must render on 1.30 and be refused on 1.29. It
    covers each sidecar's and init container's own security context too."""
    field = [f"{pod_key}.appArmorProfile.type=RuntimeDefault"]
    base = {"minimal": STANDARD_APP / "ci" / "minimal-values.yaml",
            "sidecar": CORPUS_DIR / "accept-sidecar-probes-and-prestop-sleep.yaml",
            "init": CORPUS_DIR / "accept-init-container.yaml"}[values]
    rendered = render_chart(STANDARD_APP, helm_version, values_files=[base], set_values=field,
                            kube_version="1.30.0")
    assert rendered.one("Deployment")
    with pytest.raises(HelmError) as refused:
        render_chart(STANDARD_APP, helm_version, values_files=[base], set_values=field,
                     kube_version="1.29.0")
    assert (f"  - {pod_key}.appArmorProfile: needs Kubernetes 1.30 or later (got Kubernetes v1.29.0)"
            in refused.value.stderr), refused.value.stderr


@pytest.mark.parametrize(("sysctl", "since"), [("net.ipv4.tcp_rmem", "1.32"), ("net.ipv4.tcp_notsent_lowat", "1.37")])
def test_sysctls_follow_the_pod_security_version(sysctl: str, since: str, helm_version: HelmVersion):
    """Pod Security declares more sysctls safe in later minors (the TCP buffer sizes in 1.32,
    two more in 1.37): the chart allows a sysctl from the minor on which Pod Security
    "restricted" admits it, and refuses it on the minor before, naming that version."""
    major, minor = since.split(".")
    field = [f"podSecurityContext.sysctls[0].name={sysctl}", "podSecurityContext.sysctls[0].value=4096 131072 6291456"]
    minimal = STANDARD_APP / "ci" / "minimal-values.yaml"
    rendered = render_chart(STANDARD_APP, helm_version, values_files=[minimal], set_values=field,
                            kube_version=f"{since}.0")
    pod = rendered.one("Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["sysctls"] == [{"name": sysctl, "value": "4096 131072 6291456"}]
    before = f"{major}.{int(minor) - 1}.0"
    with pytest.raises(HelmError) as refused:
        render_chart(STANDARD_APP, helm_version, values_files=[minimal], set_values=field, kube_version=before)
    assert (f'  - podSecurityContext.sysctls[0].name: "{sysctl}" is not a safe sysctl on Kubernetes v{before}'
            in refused.value.stderr), refused.value.stderr


def test_prestop_sleep_needs_kubernetes_1_30(helm_version: HelmVersion):
    """The sleep lifecycle action exists from Kubernetes 1.30 (alpha and off in 1.29): a
    sidecar's preStop sleep renders on 1.30 and is refused on 1.29, while the app's own
    drain hook falls back to exec there."""
    sleep = CORPUS_DIR / "accept-sidecar-probes-and-prestop-sleep.yaml"
    rendered = render_chart(STANDARD_APP, helm_version, values_files=[sleep], kube_version="1.30.0")
    containers = rendered.one("Deployment")["spec"]["template"]["spec"]["containers"]
    assert [c["lifecycle"]["preStop"] for c in containers] == [{"sleep": {"seconds": 5}}] * 2
    with pytest.raises(HelmError) as refused:
        render_chart(STANDARD_APP, helm_version, values_files=[sleep], kube_version="1.29.0")
    assert ("  - sidecars[0].lifecycle.preStop.sleep: needs Kubernetes 1.30 or later "
            "(got Kubernetes v1.29.0)" in refused.value.stderr), refused.value.stderr
    minimal = STANDARD_APP / "ci" / "minimal-values.yaml"
    old = render_chart(STANDARD_APP, helm_version, values_files=[minimal], kube_version="1.29.0")
    [app] = old.one("Deployment")["spec"]["template"]["spec"]["containers"]
    assert app["lifecycle"] == {"preStop": {"exec": {"command": ["sleep", "5"]}}}


# --- accepted ---------------------------------------------------------------------------


@pytest.mark.parametrize("corpus_file", _params(ACCEPTED))
def test_accepted_passes_jsonschema(corpus_file: AdversarialFile):
    assert schema_errors(corpus_file.coalesced()) == []


@pytest.mark.parametrize("corpus_file", _params(ACCEPTED))
def test_accepted_renders_the_same_under_both_versions(corpus_file: AdversarialFile, helm4, helm3):
    results = {}
    for helm in (helm4, helm3):
        try:
            results[helm.name] = render_chart(STANDARD_APP, helm, values_files=[corpus_file.values_file()])
        except HelmError as err:
            pytest.fail(f"{helm.label} refused legitimate input:\n{err.stderr}")
    assert results["helm4"].one("Deployment")
    assert results["helm4"].docs == results["helm3"].docs


@pytest.mark.parametrize("corpus_file", _params(DATA_ACCEPTED))
def test_data_config_keys_kept_exactly(corpus_file: AdversarialFile, helm4):
    written = {str(k): v for k, v in corpus_file.user_values()["config"].items()}
    assert all(isinstance(k, str) for k in corpus_file.user_values()["config"]), (
        "the corpus file must quote its keys")
    result = render_chart(STANDARD_APP, helm4, values_files=[corpus_file.values_file()])
    config_maps = result.of_kind("ConfigMap")
    assert len(config_maps) == 1, f"expected one ConfigMap, got {len(config_maps)}"
    assert config_maps[0]["data"] == written


@pytest.mark.parametrize("corpus_file", _params(DATA_ACCEPTED))
def test_data_renders_byte_identically(corpus_file: AdversarialFile, helm4, tmp_path):
    args = template_args(STANDARD_APP, values_files=[corpus_file.values_file()])
    render_chart(STANDARD_APP, helm4, values_files=[corpus_file.values_file()])  # dependencies
    # Uncached, on purpose, five times, as a fresh CI machine runs Helm (an empty HOME, no
    # HELM_* homes): there a map printed in a varying order shows (the checksum over the
    # keys "ON", "010", "0x1F" differed in half the renders when it hashed toYaml).
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELM_")} | {"HOME": str(tmp_path)}
    outputs = {subprocess.run([str(helm4.binary), *args], env=env, cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout for _ in range(5)}
    assert len(outputs) == 1, "the same values rendered different bytes"
    docs, _ = load_manifest(outputs.pop())
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    annotations = deployment["spec"]["template"]["metadata"].get("annotations") or {}
    assert "checksum/config" in annotations, "a config change must roll the pods"


DATA_ANNOTATED = [f for f in ACCEPTED if f.id.startswith("data-annotation")]


@pytest.mark.parametrize("corpus_file", _params(DATA_ANNOTATED))
def test_data_annotations_and_selectors_kept_exactly(corpus_file: AdversarialFile, helm4):
    """Every annotation, node-selector, env and argument value arrives as written, read back
    by a YAML 1.1 reader (PyYAML), which changes a plain `=`, `<<`, `~` or `1e3`."""
    written = corpus_file.user_values()
    docs = render_chart(STANDARD_APP, helm4, values_files=[corpus_file.values_file()])
    pod = docs.one("Deployment")["spec"]["template"]
    got = {
        "service.annotations": docs.one("Service")["metadata"].get("annotations"),
        "serviceAccount.annotations": docs.one("ServiceAccount")["metadata"].get("annotations"),
        "nodeSelector": pod["spec"].get("nodeSelector"),
        "podAnnotations": {k: v for k, v in (pod["metadata"].get("annotations") or {}).items()
                           if k in written.get("podAnnotations", {})},
        "env": {e["name"]: e["value"] for e in pod["spec"]["containers"][0].get("env", []) if "value" in e},
        "args": pod["spec"]["containers"][0].get("args"),
    }
    for key, value in got.items():
        section, _, sub = key.partition(".")
        want = written.get(section, {}).get(sub) if sub else written.get(section)
        if want is not None:
            assert value == want, f"{key}: rendered {value!r}, written {want!r}"


# --- cluster ----------------------------------------------------------------------------

CLUSTER_GROUP = pytest.mark.xdist_group(f"cluster-{primary_helm().name}")


def _namespace(prefix: str, corpus_file: AdversarialFile) -> str:
    digest = hashlib.sha256(corpus_file.id.encode()).hexdigest()[:6]
    slug = re.sub(r"[^a-z0-9-]", "-", corpus_file.id)[: 63 - len(prefix) - 8].strip("-")
    return f"{prefix}-{slug}-{digest}"


def _render_for(plane: ControlPlane, chart: Path, corpus_file: AdversarialFile, namespace: str,
                cached: bool = True) -> list[dict]:
    helm = primary_helm().ensure()
    if cached:
        return render_chart(chart, helm, values_files=[corpus_file.values_file()], namespace=namespace,
                            kube_version=plane.version, api_versions=crd_api_versions()).docs
    args = template_args(chart, values_files=[corpus_file.values_file()], namespace=namespace,
                         kube_version=plane.version, api_versions=crd_api_versions())
    return load_manifest(helm.run(args).stdout)[0]


@pytest.mark.cluster
@CLUSTER_GROUP
@pytest.mark.parametrize("corpus_file", _params(ACCEPTED))
def test_accepted_admitted_by_the_cluster(corpus_file: AdversarialFile, control_plane: ControlPlane):
    if corpus_file.level != "baseline":
        namespace = _namespace("adv", corpus_file)
        control_plane.create_namespace(namespace)
        docs = _render_for(control_plane, STANDARD_APP, corpus_file, namespace)
        assert admission_problems(control_plane, docs, namespace) == []
        return
    namespace = _namespace("adv-baseline", corpus_file)
    control_plane.create_namespace(namespace, pod_security="baseline")
    docs = _render_for(control_plane, STANDARD_APP, corpus_file, namespace)
    assert admission_problems(control_plane, docs, namespace) == []
    namespace = _namespace("adv-restricted", corpus_file)
    control_plane.create_namespace(namespace)
    docs = _render_for(control_plane, STANDARD_APP, corpus_file, namespace)
    problems = admission_problems(control_plane, docs, namespace)
    if corpus_file.cluster == "admitted":
        assert problems == [], "restricted Pod Security does not check this loosening"
    else:
        assert problems, "restricted admits it: the file does not need `podSecurity.level: baseline`"


@pytest.fixture(scope="session")
def guard_free_chart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of standard-app with its guards removed: no values.schema.json, common-lib
    vendored unpacked, and the body of `common-lib.validate.app` emptied. Once per session."""
    helm = primary_helm().ensure()
    root = tmp_path_factory.mktemp("guard-free") / "charts"
    chart, library = root / "standard-app", root / "common-lib"
    shutil.copytree(COMMON_LIB, library)
    shutil.copytree(STANDARD_APP, chart, ignore=shutil.ignore_patterns("charts"))
    (chart / "values.schema.json").unlink()
    helm.run(["dependency", "build", str(chart), "--skip-refresh"])
    vendored = chart / "charts"
    for archive in vendored.glob("common-lib-*.tgz"):
        with tarfile.open(archive) as tar:
            tar.extractall(vendored, filter="data")
        archive.unlink()
    validate = vendored / "common-lib" / "templates" / "_validate.tpl"
    validate.write_text(empty_define(validate.read_text(encoding="utf-8"), "common-lib.validate.app"),
                        encoding="utf-8")
    return chart


_ACTION = re.compile(r"\{\{-?\s*(/\*.*?\*/)?\s*(\w+)?.*?-?\}\}", re.S)


def empty_define(text: str, name: str) -> str:
    """`text` with the body of {{ define "<name>" }} removed (nested blocks counted)."""
    start = re.search(r"\{\{-?\s*define\s+\"" + re.escape(name) + r"\"\s*-?\}\}", text)
    assert start, f"no define {name!r}"
    depth = 1
    for action in _ACTION.finditer(text, start.end()):
        if action[1]:  # a comment
            continue
        word = action[2]
        if word in ("if", "range", "with", "define", "block"):
            depth += 1
        elif word == "end":
            depth -= 1
            if depth == 0:
                return text[: start.end()] + text[action.start():]
    raise AssertionError(f"define {name!r} has no end")


def test_empty_define():
    text = '{{- define "a" -}}{{- if .x -}}{{- range .y }}{{ end }}{{- end -}}body{{- end -}}\n{{- define "b" -}}keep{{- end -}}'
    assert empty_define(text, "a") == '{{- define "a" -}}{{- end -}}\n{{- define "b" -}}keep{{- end -}}'


@pytest.mark.cluster
@CLUSTER_GROUP
@pytest.mark.parametrize("corpus_file", _params(CLUSTER_REJECTED))
def test_cluster_refuses_what_the_guards_refuse(corpus_file: AdversarialFile, guard_free_chart: Path,
                                                control_plane: ControlPlane):
    namespace = _namespace("adv-unguarded", corpus_file)
    control_plane.create_namespace(namespace)
    try:
        docs = _render_for(control_plane, guard_free_chart, corpus_file, namespace, cached=False)
    except HelmError as err:
        pytest.fail(f"the guard-free chart does not render it (a template crash, not the cluster):\n"
                    f"{err.stderr}")
    assert admission_problems(control_plane, docs, namespace), (
        "the API server and restricted Pod Security admit it: `# expect cluster: rejected` is wrong")


@pytest.mark.cluster
@CLUSTER_GROUP
def test_guard_free_chart_renders_the_minimal_file(guard_free_chart: Path, control_plane: ControlPlane):
    """The plumbing: the guard-free copy renders the minimal file, and it is admitted."""
    minimal = ROOT / "tests" / "schema-corpus" / "valid" / "minimal.yaml"
    namespace = "adv-unguarded-minimal"
    control_plane.create_namespace(namespace)
    helm = primary_helm().ensure()
    args = template_args(guard_free_chart, values_files=[minimal], namespace=namespace,
                         kube_version=control_plane.version, api_versions=crd_api_versions())
    docs = load_manifest(helm.run(args).stdout)[0]
    assert any(d["kind"] == "Deployment" for d in docs)
    assert admission_problems(control_plane, docs, namespace) == []
    assert not (guard_free_chart / "values.schema.json").exists()

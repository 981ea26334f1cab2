"""Chart hygiene rules as tests over the sources (tests/support/hygiene.py has the rules).

Each rule is proven to bite on a small template that breaks it, next to a template that
keeps it, so a rule can never pass by matching nothing. See docs/validation.md.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support import hygiene
from chart_harness.findings import report
from chart_harness.helm import HelmError
from tests.support.tools import CHARTS_DIR, COMMON_LIB, ROOT, STANDARD_APP

CHARTS = [COMMON_LIB, STANDARD_APP]
CONSUMER = ROOT / "tests" / "consumer-chart"
CHART_YAMLS = sorted(
    [*CHARTS_DIR.glob("*/Chart.yaml"), *(ROOT / "examples").glob("*/Chart.yaml"), CONSUMER / "Chart.yaml"]
)
LOCKED_CHARTS = [STANDARD_APP, CONSUMER]


@pytest.mark.parametrize("chart_dir", CHARTS, ids=[c.name for c in CHARTS])
def test_templates_follow_the_hygiene_rules(chart_dir: Path) -> None:
    files = hygiene.template_files(chart_dir)
    assert files, f"{chart_dir.name} has no templates"
    findings = hygiene.check_chart_templates(chart_dir)
    assert not findings, report(findings, f"hygiene rules broken in {chart_dir.name}")


def test_conditional_budget_is_fifteen() -> None:
    """The number the docs state; changing it is a design decision, not a test tweak."""
    assert hygiene.MAX_CONDITIONALS == 15
    assert "at most 15" in (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")


# --- each rule bites --------------------------------------------------------------------

GOOD = """\
{{- define "common-lib.thing" -}}
{{- include "common-lib.thing.base" . -}}
{{- end -}}
{{- define "common-lib.thing.base" -}}
{{- $labels := include "common-lib.labels.standard" . | fromYaml }}
metadata:
  name: {{ include "common-lib.names.fullname" . }}
  labels: {{- include "common-lib.labels.standard" . | nindent 4 }}
  annotations:
    checksum/config: {{ include "common-lib.configmap.checksum" . | quote }}
    hook: {{ include "common-lib.migration.argocdPhases" . }}-x
{{- if or .Values.env .Values.secretEnv }}
env: {{- include "common-lib.env.vars" . | nindent 2 }}
{{- end }}
{{- if eq .Values.probes.type "tcp" }}
probe: tcp
{{- end }}
{{- /* the template directive in a comment: {{ template "x" . }} is fine */}}
{{- with .Values.image.tag }}tag: {{ . | quote }}{{ end }}
{{- end -}}
"""

BAD = [
    ('{{- define "helpers.fullname" -}}x{{- end -}}', "define-prefix"),
    ('{{- define "standard-app.fullname" -}}x{{- end -}}', "define-prefix"),
    ('metadata: {{ template "common-lib.names.fullname" . }}', "no-template-directive"),
    ('{{ block "common-lib.x" . }}y{{ end }}', "no-template-directive"),
    ('{{- if eq .Values.env "prod" }}replicas: 3{{ end }}', "no-env-conditionals"),
    ('{{- if eq .Values.global.environment "x" }}a{{ end }}', "no-env-conditionals"),
    ('{{- if ne .Release.Namespace "production" }}a{{ end }}', "no-env-conditionals"),
    ('replicas: {{ ternary 3 1 (hasPrefix "staging" .Release.Namespace) }}', "no-env-conditionals"),
    ("{{- if .Values.isProduction }}a{{ end }}", "no-env-conditionals"),
    ('{{ toYaml .Values.x | nindent 2 }}\n{{- $x := mustToYaml .Values.x }}', "helm4-only-function"),
    ("timeout: {{ durationSeconds .Values.timeout }}", "helm4-only-function"),
    ('labels:\n{{ include "common-lib.labels.standard" . }}', "include-indent"),
    ('containers:\n  - {{ include "common-lib.deployment.appContainer" . }}', "include-indent"),
    ("".join("{{ if .Values.a }}a{{ end }}\n" for _ in range(hygiene.MAX_CONDITIONALS + 1)), "max-conditionals"),
]


def test_rules_accept_idiomatic_templates() -> None:
    assert hygiene.check_template(Path("charts/common-lib/templates/_good.tpl"), "common-lib", GOOD) == []


def test_fifteen_conditionals_are_allowed() -> None:
    text = "".join("{{ if .Values.a }}a{{ end }}\n" for _ in range(hygiene.MAX_CONDITIONALS))
    assert hygiene.check_template(Path("t.yaml"), "common-lib", text) == []


@pytest.mark.parametrize(("text", "rule"), BAD, ids=[f"{r}-{i}" for i, (_, r) in enumerate(BAD)])
def test_each_rule_bites(text: str, rule: str) -> None:
    findings = hygiene.check_template(Path(ROOT / "charts/common-lib/templates/_bad.tpl"), "common-lib", text)
    assert [f.rule for f in findings] == [f"hygiene:{rule}"], findings
    assert str(findings[0]).startswith("charts/common-lib/templates/_bad.tpl"), str(findings[0])


def test_rules_bite_in_a_real_template(chart_copy: Path) -> None:
    """An edited copy of common-lib: the finding names the file, the line and the rule."""
    library = chart_copy.parent / "common-lib"
    before = {str(f) for f in hygiene.check_chart_templates(library)}
    path = library / "templates" / "service" / "_service.tpl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('{{- define "common-lib.service.base" -}}', '{{- define "service.base" -}}'), encoding="utf-8")
    line = next(i for i, l in enumerate(path.read_text().splitlines(), 1) if '"service.base"' in l)
    findings = [f for f in hygiene.check_chart_templates(library) if str(f) not in before]
    assert [(f.resource.rsplit("/", 1)[-1], f.rule) for f in findings] == [(f"_service.tpl:{line}", "hygiene:define-prefix")]


# --- template functions and Helm 3 --------------------------------------------------------


def test_helm4_only_list_matches_the_pinned_binaries(helm3, helm4, tmp_path: Path) -> None:
    """Every listed function is missing from Helm 3 and present in Helm 4 (so the list is true)."""
    assert hygiene.undefined_functions(helm3, set(hygiene.HELM4_ONLY), tmp_path / "h3") == hygiene.HELM4_ONLY
    assert hygiene.undefined_functions(helm4, set(hygiene.HELM4_ONLY), tmp_path / "h4") == set()


@pytest.mark.parametrize("helm_name", ["helm3", "helm4"])
def test_every_function_the_charts_use_exists(helm_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Derived from the binaries, not from a list: a function either Helm lacks is found."""
    helm = request.getfixturevalue(helm_name)
    used = hygiene.used_functions(CHARTS)
    assert {"include", "toYaml", "nindent"} <= used, sorted(used)
    missing = hygiene.undefined_functions(helm, used, tmp_path)
    assert not missing, f"{helm.label} does not define {sorted(missing)}, used in charts/*/templates"


# --- schemas ------------------------------------------------------------------------------


def _schemas() -> list[tuple[Path, bool]]:
    chart = [(p, True) for p in sorted([*CHARTS_DIR.glob("*/values.schema.json"), *CONSUMER.glob("values.schema.json")])]
    other = [(p, False) for p in sorted((ROOT / "tests").rglob("*.json")) if "snapshots" not in p.parts]
    return chart + other


def test_no_schema_uses_a_remote_ref() -> None:
    schemas = _schemas()
    assert (STANDARD_APP / "values.schema.json", True) in schemas
    findings = [f for path, chart in schemas for f in hygiene.check_schema(path, chart)]
    assert not findings, report(findings, "schemas with remote or dangling $ref")


@pytest.mark.parametrize(
    ("ref", "chart", "bad"),
    [
        ("#/definitions/x", True, False),
        ("https://example.com/s.json", True, True),
        ("other.json#/x", True, True),
        ("other.json#/x", False, False),
        ("https://kubernetes.io/api/_definitions.json#/x", False, True),
        ("missing.json", False, True),
    ],
)
def test_remote_ref_rule_bites(tmp_path: Path, ref: str, chart: bool, bad: bool) -> None:
    (tmp_path / "other.json").write_text("{}")
    schema = tmp_path / "values.schema.json"
    schema.write_text(json.dumps({"properties": {"a": {"$ref": ref}}}))
    findings = hygiene.check_schema(schema, chart)
    assert bool(findings) is bad, findings
    assert all("#/properties/a" in str(f) and "[hygiene:no-remote-ref]" in str(f) for f in findings)


# --- dependencies -------------------------------------------------------------------------


def test_dependencies_are_pinned() -> None:
    assert any("dependencies" in (yaml.safe_load(p.read_text()) or {}) for p in CHART_YAMLS)
    findings = [f for p in CHART_YAMLS for f in hygiene.check_dependencies_pinned(p)]
    assert not findings, report(findings, "unpinned chart dependencies")


@pytest.mark.parametrize("version", ["~1.0.0", "^1.0.0", ">=1.0.0", "1.0.x", "1.0", "1.0.0 || 1.1.0", "*"])
def test_pinning_rule_bites(tmp_path: Path, version: str) -> None:
    chart_yaml = tmp_path / "Chart.yaml"
    chart_yaml.write_text(yaml.safe_dump({"dependencies": [{"name": "common-lib", "version": version}]}))
    findings = hygiene.check_dependencies_pinned(chart_yaml)
    assert len(findings) == 1 and f"version {version!r} is a range" in str(findings[0])


def _copy_locked_chart(chart_dir: Path, tmp_path: Path) -> Path:
    """Copy a chart and the charts its file:// dependencies point at, keeping relative paths."""
    shutil.copytree(CHARTS_DIR, tmp_path / "charts", ignore=shutil.ignore_patterns("charts"))
    target = tmp_path / chart_dir.relative_to(ROOT)
    if not target.exists():
        shutil.copytree(chart_dir, target, ignore=shutil.ignore_patterns("charts"))
    assert not (target / "charts").exists(), "the copy must start without built dependencies"
    return target


@pytest.mark.parametrize("chart_dir", LOCKED_CHARTS, ids=[c.name for c in LOCKED_CHARTS])
def test_chart_lock_in_sync(chart_dir: Path, tmp_path: Path, helm_version) -> None:
    """`helm dependency build` (never `update`) reproduces the locked dependencies in a clean copy."""
    lock = yaml.safe_load((chart_dir / "Chart.lock").read_text())
    declared = yaml.safe_load((chart_dir / "Chart.yaml").read_text())["dependencies"]
    pick = lambda deps: sorted((d["name"], str(d["version"]), d["repository"]) for d in deps)  # noqa: E731
    assert pick(lock["dependencies"]) == pick(declared), f"{chart_dir.name}: Chart.lock and Chart.yaml list different dependencies"
    copy = _copy_locked_chart(chart_dir, tmp_path)
    helm_version.run(["dependency", "build", str(copy), "--skip-refresh"])
    built = sorted(p.name for p in (copy / "charts").glob("*.tgz"))
    assert built == sorted(f"{n}-{v}.tgz" for n, v, _ in pick(declared))


def test_out_of_sync_lock_fails_the_build(tmp_path: Path, helm4) -> None:
    copy = _copy_locked_chart(STANDARD_APP, tmp_path)
    chart_yaml = copy / "Chart.yaml"
    chart_yaml.write_text(chart_yaml.read_text().replace("    version: 2.0.0\n", "    version: 2.0.0\n    alias: lib\n", 1))
    with pytest.raises(HelmError) as failed:
        helm4.run(["dependency", "build", str(copy), "--skip-refresh"])
    assert "out of sync" in failed.value.stderr


def _tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, text=True, check=False)
    if listed.returncode != 0:  # not a git checkout (a copy): every file under the root
        return [p for p in ROOT.rglob("*") if p.is_file() and ".git" not in p.parts and ".tools" not in p.parts and ".cache" not in p.parts]
    return [ROOT / name for name in listed.stdout.split("\0") if name]


def test_no_pointers_to_the_work_log() -> None:
    findings = [
        f
        for path in _tracked_files()
        if path.is_file() and not path.relative_to(ROOT).as_posix().startswith(hygiene.POINTER_SKIPPED)
        for f in hygiene.check_no_pointers(path)
    ]
    assert not findings, report(findings, "pointers to the work log")


# Built from pieces, so that this file does not trip the rule it tests.
ISSUE, DESIGN_DOC, BRIEF = "iss" + "ue", "DES" + "IGN.md", "design " + "brief"


@pytest.mark.parametrize(
    ("line", "bad"),
    [
        (f'"""Proof that the guards bite ({ISSUE} 3, item 8)."""', True),
        (f"# as {DESIGN_DOC} says", True),
        (f"See the {BRIEF}.", True),
        (f"{ISSUE.title()}s 12 and 13 cover this.", True),
        ("Helm 4.3 honours SOURCE_DATE_EPOCH (helm/helm#32162).", False),
        (f"--dist loadgroup stops grouping (pytest-xdist {ISSUE} #1386)", False),
        ("the issuer of the certificate", False),
    ],
)
def test_pointer_rule_bites(tmp_path: Path, line: str, bad: bool) -> None:
    path = tmp_path / "module.py"
    path.write_text(line + "\n", encoding="utf-8")
    assert bool(hygiene.check_no_pointers(path)) == bad

"""Lint: `helm lint --strict` under Helm 4 and Helm 3, and chart-testing's `ct lint` for real.

helm lint runs on both charts, the app once per ci/*-values.yaml, with an explicit
--kube-version (the newest the OpenAPI sweep covers, so deprecated APIs are caught early).
ct lint runs exactly as CI would (`ct lint --config ct.yaml --all`), in a scratch copy of
the repository's charts and ct files, because ct runs `helm dependency build` and writes
into the charts it lints. It gets its own HELM_*_HOME and a PATH whose `helm` is the Helm
version under test; yamllint and yamale come from .tools/bin. See docs/validation.md.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from chart_harness import openapi
from chart_harness.cases import Case, discover_cases
from chart_harness.helm import HelmVersion
from chart_harness.render import ensure_dependencies
from tests.support.tools import CHARTS_DIR, COMMON_LIB, ROOT, STANDARD_APP, TOOLS_BIN, require_tool

CT_CONFIG = ROOT / "ct.yaml"
LINT_KUBE_VERSION = openapi.kube_versions(STANDARD_APP)[-1]
CASES = discover_cases(STANDARD_APP)


def _lint(helm: HelmVersion, chart: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return helm.run(
        ["lint", "--strict", str(chart), "--namespace", "shop", "--kube-version", LINT_KUBE_VERSION, *args],
        check=False,
    )


def _assert_lint_clean(proc: subprocess.CompletedProcess[str], what: str) -> None:
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "0 chart(s) failed" in output, f"helm lint --strict failed for {what}:\n{output}"
    problems = [line for line in output.splitlines() if re.match(r"\[(WARNING|ERROR)\]", line.strip())]
    assert not problems, f"helm lint --strict reported for {what}:\n" + "\n".join(problems)


def test_helm_lint_standard_app(case: Case, helm_version: HelmVersion) -> None:
    ensure_dependencies(STANDARD_APP, helm_version)
    proc = _lint(helm_version, STANDARD_APP, "--values", str(case.values_file))
    _assert_lint_clean(proc, f"standard-app with ci/{case.values_file.name} ({helm_version.label})")


def test_helm_lint_common_lib(helm_version: HelmVersion) -> None:
    """A library chart takes no values, so it is linted once per Helm version."""
    _assert_lint_clean(_lint(helm_version, COMMON_LIB), f"common-lib ({helm_version.label})")


def test_helm_lint_bites(helm4: HelmVersion, tmp_path: Path) -> None:
    ensure_dependencies(STANDARD_APP, helm4)
    bad = tmp_path / "bad-values.yaml"
    bad.write_text("image: {repository: registry.example.com/shop/orders, tag: '1.0.0'}\nreplicaCount: \"3\"\n")
    proc = _lint(helm4, STANDARD_APP, "--values", str(bad))
    assert proc.returncode != 0 and "replicaCount" in proc.stdout + proc.stderr, proc.stdout + proc.stderr


# --- chart-testing --------------------------------------------------------------------------


def _ct_config() -> dict:
    return yaml.safe_load(CT_CONFIG.read_text(encoding="utf-8"))


def test_ct_config_is_what_ci_needs() -> None:
    config = _ct_config()
    assert config["chart-dirs"] == ["charts"] and config["target-branch"] == "main"
    for key in ("lint-conf", "chart-yaml-schema"):
        assert (ROOT / config[key]).is_file(), f"ct.yaml {key}: {config[key]} does not exist in the repository"
    assert config["validate-chart-schema"] is True and config["validate-yaml"] is True
    assert "--strict" in config["helm-lint-extra-args"].split()
    assert config["check-version-increment"] is False and config["validate-maintainers"] is False
    libraries = sorted(
        p.parent.name for p in CHARTS_DIR.glob("*/Chart.yaml") if yaml.safe_load(p.read_text()).get("type") == "library"
    )
    assert libraries == ["common-lib"]
    assert sorted(config.get("excluded-charts") or []) == libraries, "ct install cannot install a library chart"
    text = CT_CONFIG.read_text(encoding="utf-8")
    assert "library" in text and "ct install" in text, "ct.yaml must say why common-lib is excluded"


def _ct_workspace(tmp_path: Path, helm: HelmVersion) -> tuple[Path, dict[str, str]]:
    """A scratch copy of charts/, ct.yaml and ct/, and ct's environment for `helm`."""
    ct = require_tool("ct")
    for tool in ("yamllint", "yamale"):
        require_tool(tool)
    work = tmp_path / "repo"
    shutil.copytree(CHARTS_DIR, work / "charts", ignore=shutil.ignore_patterns("charts"))
    shutil.copy2(CT_CONFIG, work / "ct.yaml")
    shutil.copytree(ROOT / "ct", work / "ct")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "helm").symlink_to(helm.binary)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELM_") and k not in ("KUBECONFIG", "CT_CONFIG_DIR")}
    home = tmp_path / "helm-home"
    env.update(
        PATH=os.pathsep.join([str(bin_dir), str(TOOLS_BIN), env.get("PATH", "")]),
        HELM_CONFIG_HOME=str(home / "config"),
        HELM_CACHE_HOME=str(home / "cache"),
        HELM_DATA_HOME=str(home / "data"),
        KUBECONFIG=str(home / "no-kubeconfig"),
        CT_BIN=str(ct),
    )
    return work, env


def _ct_lint(work: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [env["CT_BIN"], "lint", "--config", "ct.yaml", *args],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_ct_lint_all(helm4: HelmVersion, tmp_path: Path) -> None:
    """What CI runs. Helm 4 is ct's `helm` (Helm 3 is covered by test_helm_lint_* above)."""
    work, env = _ct_workspace(tmp_path, helm4)
    proc = _ct_lint(work, env, "--all")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "All charts linted successfully" in output, f"ct lint failed:\n{output}"
    linted = re.findall(r'Linting chart with values file "charts/standard-app/ci/([^"]+)"', output)
    assert sorted(linted) == sorted(c.values_file.name for c in CASES), output
    assert "Validation success" in output, "yamale did not validate Chart.yaml"
    library_version = yaml.safe_load((COMMON_LIB / "Chart.yaml").read_text())["version"]
    assert (work / "charts" / "standard-app" / "charts" / f"common-lib-{library_version}.tgz").is_file(), (
        "ct did not build the file:// dependency offline"
    )


def test_common_lib_meets_ct_chart_rules(tmp_path: Path) -> None:
    """ct cannot lint a library chart (it needs a values.yaml); apply its Chart.yaml rules directly."""
    config = _ct_config()
    for command in (
        [str(require_tool("yamale")), "--schema", str(ROOT / config["chart-yaml-schema"]), str(COMMON_LIB / "Chart.yaml")],
        [str(require_tool("yamllint")), "--config-file", str(ROOT / config["lint-conf"]), str(COMMON_LIB / "Chart.yaml")],
    ):
        proc = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        assert proc.returncode == 0, f"{Path(command[0]).name} rejects charts/common-lib/Chart.yaml:\n{proc.stdout}{proc.stderr}"


@pytest.mark.parametrize(
    ("path", "old", "new", "expected"),
    [
        ("charts/standard-app/values.yaml", "\ntopologySpread: true\n", "\ntopologySpread: yes\n", "truthy value should be one of"),
        ("charts/standard-app/Chart.yaml", "\ndescription: >-\n", "\nsummary: >-\n", "summary: Unexpected element"),
    ],
    ids=["yamllint", "yamale"],
)
def test_ct_lint_bites(helm4: HelmVersion, tmp_path: Path, path: str, old: str, new: str, expected: str) -> None:
    work, env = _ct_workspace(tmp_path, helm4)
    target = work / path
    text = target.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: expected one {old!r}"
    target.write_text(text.replace(old, new), encoding="utf-8")
    proc = _ct_lint(work, env, "--all")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0 and expected in output, output

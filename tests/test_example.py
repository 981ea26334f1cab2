"""The product-team example (examples/orders): small, safe, and the precedence chain.

The example depends on standard-app through oci:// (tests/test_oci_*.py and `make demo`
resolve that against a real registry). Here a copy points at the local chart instead,
so the values files themselves are tested on every run: the values file stays within
10 lines, its render into a non-default namespace keeps every invariant and the
restricted Pod Security Standard, and values are applied in the documented order:
chart defaults, then values.yaml, then each -f file in order, then --set.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from chart_harness import invariants, policy
from chart_harness.helm import HelmVersion
from chart_harness.render import render_chart
from tests.support.tools import ROOT, STANDARD_APP

EXAMPLE = ROOT / "examples" / "orders"


@pytest.fixture(scope="module")
def example_chart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/orders copied, with its standard-app dependency read from charts/."""
    chart = tmp_path_factory.mktemp("example") / "orders"
    shutil.copytree(EXAMPLE, chart, ignore=shutil.ignore_patterns("charts", "Chart.lock"))
    meta = yaml.safe_load((chart / "Chart.yaml").read_text(encoding="utf-8"))
    (dep,) = [d for d in meta["dependencies"] if d["name"] == "standard-app"]
    assert dep["repository"].startswith("oci://"), "the example must depend on standard-app through oci://"
    dep["repository"] = f"file://{STANDARD_APP}"
    (chart / "Chart.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    return chart


def _render(chart: Path, helm: HelmVersion, files: list[str], set_values: tuple[str, ...] = ()) -> list[dict]:
    return render_chart(chart, helm, values_files=[chart / f for f in files], set_values=set_values).docs


def _deployment(docs: list[dict]) -> dict:
    (deployment,) = [d for d in docs if d["kind"] == "Deployment"]
    return deployment


def _env(deployment: dict) -> dict[str, str]:
    (app,) = [c for c in deployment["spec"]["template"]["spec"]["containers"] if c["name"] == "app"]
    return {e["name"]: e.get("value") for e in app.get("env", [])}


def _image(deployment: dict) -> str:
    (app,) = [c for c in deployment["spec"]["template"]["spec"]["containers"] if c["name"] == "app"]
    return app["image"]


def _kinds(docs: list[dict]) -> set[str]:
    return {d["kind"] for d in docs}


def test_values_file_is_at_most_ten_lines() -> None:
    lines = (EXAMPLE / "values.yaml").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 10, f"examples/orders/values.yaml has {len(lines)} lines; a product team writes at most 10"
    assert yaml.safe_load("\n".join(lines))["standard-app"]["image"]["repository"]


@pytest.mark.parametrize("files", [["values.yaml"], ["values.yaml", "values-staging.yaml"], ["values.yaml", "values-prod.yaml"]])
def test_example_render_keeps_every_invariant_and_restricted_pss(
    example_chart: Path, helm_version: HelmVersion, files: list[str]
) -> None:
    docs = _render(example_chart, helm_version, files)
    case = "example " + " ".join(f"-f {f}" for f in files)
    assert {d["metadata"]["namespace"] for d in docs} == {"shop"}
    violations = invariants.check_all(docs, case)
    assert not violations, "\n".join(str(v) for v in violations)
    findings = policy.pss_findings(docs, case)
    assert not findings, "\n".join(str(f) for f in findings)


def test_precedence_defaults_then_files_in_order_then_set(example_chart: Path, helm4: HelmVersion) -> None:
    # 1. chart defaults under values.yaml: two replicas, no LOG_LEVEL, no Ingress or HPA
    base = _render(example_chart, helm4, ["values.yaml"])
    assert _deployment(base)["spec"]["replicas"] == 2
    assert "LOG_LEVEL" not in _env(_deployment(base))
    assert not {"Ingress", "HorizontalPodAutoscaler"} & _kinds(base)
    assert _image(_deployment(base)) == "registry.example.com/shop/orders:1.4.2"

    # 2. a later -f file overrides the earlier ones, key by key; maps merge
    staging = _render(example_chart, helm4, ["values.yaml", "values-staging.yaml"])
    assert _env(_deployment(staging))["LOG_LEVEL"] == "debug"
    staging_then_prod = _render(example_chart, helm4, ["values.yaml", "values-staging.yaml", "values-prod.yaml"])
    assert _env(_deployment(staging_then_prod))["LOG_LEVEL"] == "info"
    (ingress,) = [d for d in staging_then_prod if d["kind"] == "Ingress"]
    assert [r["host"] for r in ingress["spec"]["rules"]] == ["orders.example.com"]
    assert "replicas" not in _deployment(staging_then_prod)["spec"], "with the prod HPA, replicas belong to the HPA"
    prod_then_staging = _render(example_chart, helm4, ["values.yaml", "values-prod.yaml", "values-staging.yaml"])
    assert _env(_deployment(prod_then_staging))["LOG_LEVEL"] == "debug", "the order of -f files decides"

    # 3. --set beats every file
    pinned = _render(
        example_chart,
        helm4,
        ["values.yaml", "values-prod.yaml"],
        ("standard-app.image.tag=1.4.3", "standard-app.env.LOG_LEVEL=warn"),
    )
    assert _image(_deployment(pinned)) == "registry.example.com/shop/orders:1.4.3"
    assert _env(_deployment(pinned))["LOG_LEVEL"] == "warn"

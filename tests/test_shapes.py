"""Each service shape has an example values file, charts/standard-app/ci/<shape>-values.yaml,
that a product team copies: it stays at most 10 lines of values (comments and blank lines
do not count), and docs/recipes.md points at it."""

from __future__ import annotations

import pytest

from chart_harness.render import render_chart
from tests.support.tools import ROOT, STANDARD_APP

# The ci/<name>-values.yaml of every shape besides the plain web service (ci/minimal).
SHAPE_EXAMPLES = ["worker", "init", "mesh", "env", "ports", "egress", "cronjobs", "httproute"]
MAX_VALUE_LINES = 10


def value_lines(text: str) -> list[str]:
    """The lines of a values file that hold values: not blank, not a comment."""
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@pytest.mark.parametrize("shape", SHAPE_EXAMPLES)
def test_shape_example_is_at_most_ten_lines(shape: str) -> None:
    path = STANDARD_APP / "ci" / f"{shape}-values.yaml"
    lines = value_lines(path.read_text(encoding="utf-8"))
    assert len(lines) <= MAX_VALUE_LINES, (
        f"{path.relative_to(ROOT)} has {len(lines)} lines of values, want at most {MAX_VALUE_LINES}")


@pytest.mark.parametrize("shape", SHAPE_EXAMPLES)
def test_shape_example_has_a_recipe(shape: str) -> None:
    recipes = (ROOT / "docs" / "recipes.md").read_text(encoding="utf-8")
    assert f"charts/standard-app/ci/{shape}-values.yaml" in recipes


def test_line_count_ignores_comments_and_counts_values() -> None:
    text = "# a comment\n\nshape: worker\n  # indented comment\nprobes:\n  type: exec\n"
    assert value_lines(text) == ["shape: worker", "probes:", "  type: exec"]
    eleven = "".join(f"key{i}: {i}\n" for i in range(11))
    assert len(value_lines(eleven)) > MAX_VALUE_LINES


def test_egress_on_a_worker_allows_dns_and_its_rules_only(helm_version) -> None:
    """A worker has no test pod, so its egress is DNS and the declared rules, nothing else."""
    docs = render_chart(STANDARD_APP, helm_version, values_files=[
        STANDARD_APP / "ci" / "worker-values.yaml", STANDARD_APP / "ci" / "egress-values.yaml",
    ]).docs
    [policy] = [d for d in docs if d["kind"] == "NetworkPolicy"]
    assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
    dns, *rules = policy["spec"]["egress"]
    assert {(p["port"], p["protocol"]) for p in dns["ports"]} == {(53, "UDP"), (53, "TCP")}
    assert [r["ports"][0]["port"] for r in rules] == [5432, 5671]

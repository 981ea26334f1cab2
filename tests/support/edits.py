"""Edits of a temporary chart copy, for the tests that break a guard on purpose.

Each edit fails loudly when its target text is gone, so a refactored template
makes the test say "update this test" instead of silently testing nothing.
"""

from __future__ import annotations

import re
from pathlib import Path


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace the `count` occurrences of `old` by `new`."""
    text = path.read_text(encoding="utf-8")
    found = text.count(old)
    assert found == count, (
        f"{path.name}: expected {count} occurrence(s) of {old!r}, found {found}; "
        "the file changed, update this test"
    )
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_re(path: Path, pattern: str, replacement: str) -> None:
    """Replace the first match of a multi-line regex (tolerates `| quote` and similar filters)."""
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert count == 1, f"{path}: no match for {pattern!r}; the file changed, update this test"
    path.write_text(new, encoding="utf-8")


def set_chart_version(chart: Path, version: str) -> None:
    """Set the top-level `version:` of a chart's Chart.yaml."""
    edit_re(chart / "Chart.yaml", r"^version: .*$", f"version: {version}")


def add_selector_label(chart: Path) -> None:
    """The mistake the upgrade guard exists for: a new label in the frozen selector.

    `chart` is standard-app inside a copy of charts/, so its common-lib is beside it.
    """
    edit_re(
        chart.parent / "common-lib" / "templates" / "_labels.tpl",
        r"^(app\.kubernetes\.io/component: \{\{.*\}\})$",
        r"\1\napp.kubernetes.io/part-of: shop",
    )


def rename_deployment(chart: Path) -> None:
    """The Deployment renamed to `<fullname>-web`: Helm deletes the old one on upgrade."""
    edit_re(
        chart.parent / "common-lib" / "templates" / "deployment" / "_deployment.tpl",
        r'^(  name: \{\{ )include "common-lib\.names\.fullname" \.',
        r'\1printf "%s-web" (include "common-lib.names.fullname" .)',
    )

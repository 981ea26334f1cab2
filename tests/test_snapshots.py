"""Tier 1 and 2: every matrix case, rendered by both Helm versions, against its snapshot.

* test_snapshot               Helm 4 (primary) render == tests/snapshots/<case>.yaml
* test_helm_versions_agree    Helm 3 renders exactly the documents Helm 4 renders,
                              so the one snapshot serves both versions
* the remaining tests         the snapshot directory and the matrix agree: no case
                              without a snapshot, no snapshot without a case, no
                              misnamed file in ci/ that ct and pytest would skip

How to read and update snapshots: docs/snapshots.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness.cases import Case, discover_cases, stray_ci_files
from tests.harness.helm import COMPAT_HELMS, HelmVersion
from tests.harness.render import render_case
from tests.harness.snapshot import (
    SNAPSHOT_DIRNAME,
    CaseManifests,
    assert_matches_snapshot,
    compatibility_report,
)
from tests.harness.tools import STANDARD_APP

SNAPSHOT_DIR = Path(__file__).parent / SNAPSHOT_DIRNAME


def test_snapshot(case: Case, helm4: HelmVersion, manifest_snapshot) -> None:  # noqa: ANN001
    result = render_case(case, helm4)
    assert_matches_snapshot(manifest_snapshot, CaseManifests(case, result.docs, result.sources))


@pytest.mark.parametrize("helm_version", COMPAT_HELMS, ids=[v.name for v in COMPAT_HELMS])
def test_helm_versions_agree(case: Case, helm4: HelmVersion, helm_version: HelmVersion) -> None:
    failure = compatibility_report(
        case.name,
        render_case(case, helm4).docs,
        render_case(case, helm_version).docs,
        primary_label=helm4.label,
        compat_label=helm_version.label,
    )
    if failure:
        pytest.fail(failure, pytrace=False)


def _snapshot_files() -> set[str]:
    return {p.name for p in SNAPSHOT_DIR.glob("*") if p.is_file() and not p.name.startswith(".")}


def test_every_case_has_a_snapshot() -> None:
    expected = {case.snapshot_name for case in discover_cases(STANDARD_APP)}
    missing = sorted(expected - _snapshot_files())
    assert not missing, (
        f"matrix cases without a snapshot in tests/{SNAPSHOT_DIRNAME}/: {', '.join(missing)}; "
        "run `make snapshots`, review the new files and commit them"
    )


def test_no_unused_snapshots(request: pytest.FixtureRequest) -> None:
    cases = {case.snapshot_name for case in discover_cases(STANDARD_APP)}
    unused = sorted(_snapshot_files() - cases)
    if unused and request.config.option.update_snapshots:
        # `make snapshots` removes snapshots of deleted cases, like syrupy does for its own.
        for name in unused:
            (SNAPSHOT_DIR / name).unlink()
        request.config.get_terminal_writer().line(f"deleted unused snapshots: {', '.join(unused)}")
        return
    assert not unused, (
        f"snapshots without a matrix case: {', '.join(f'tests/{SNAPSHOT_DIRNAME}/{n}' for n in unused)} "
        f"(no charts/standard-app/ci/<case>-values.yaml for them); delete them, or run "
        "`make snapshots`, which removes them"
    )


def test_ci_dir_holds_only_matrix_cases() -> None:
    problems = stray_ci_files(STANDARD_APP)
    assert not problems, "\n".join(problems)

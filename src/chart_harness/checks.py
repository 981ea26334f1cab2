"""The standard checks of a chart repository, as pytest tests. Use them with one line in
a test module of your own (pytest collects what the module holds):

    from chart_harness.checks import *  # noqa: F403

* test_snapshot                 the primary Helm's render == <chart_snapshot_dir>/<case>.yaml,
                                explained per resource and field when it is not
* test_helm_versions_agree      every other Helm of the matrix renders exactly the same
                                documents, so one snapshot serves them all
* test_every_case_has_a_snapshot, test_no_unused_snapshots
                                the snapshot directory and the matrix agree (an update
                                removes the snapshots of deleted cases)
* test_case_files_are_well_named
                                no file beside the cases that pytest and ct would skip
* test_openapi_strict           each case, rendered for each Kubernetes version
                                (chart_kube_versions), is valid with no unknown field;
                                custom resources against chart_crd_schemas
* test_dependency_bump_is_safe  when Chart.lock pins other versions than at the git ref
                                chart_dependency_base, each case is rendered with both:
                                every changed field is reported (in the terminal summary),
                                and a change a live upgrade cannot take (immutable field,
                                deleted or recreated object) fails with the manual steps
"""

from __future__ import annotations

import pytest

from . import dependency_bump, gate_summary, openapi
from .cases import Case, stray_ci_files
from .explain import explain_documents
from .helm import HelmVersion
from .render import render_case
from .settings import Settings
from .findings import report
from .snapshot import CaseManifests, SnapshotMismatch, assert_matches_snapshot, compatibility_report

__all__ = [
    "test_snapshot",
    "test_helm_versions_agree",
    "test_every_case_has_a_snapshot",
    "test_no_unused_snapshots",
    "test_case_files_are_well_named",
    "test_openapi_strict",
    "test_dependency_bump_is_safe",
]


def test_snapshot(case: Case, helm_primary: HelmVersion, manifest_snapshot) -> None:  # noqa: ANN001
    result = render_case(case, helm_primary)
    if manifest_snapshot.session.update_snapshots:
        # Before a snapshot is written, one more render in a fresh Helm process: a template
        # that renders differently each time (randAlphaNum, now) would otherwise pass while
        # the render cache holds it, and fail on every cold cache as if out of date.
        again = render_case(case, helm_primary, fresh=True)
        changed = explain_documents(result.docs, again.docs)
        if changed:
            raise SnapshotMismatch("\n".join([
                f"case {case.name!r} renders differently each time, so no snapshot can hold it "
                "(a template uses randAlphaNum, now, uuidv4 or the like):", *changed]))
    assert_matches_snapshot(manifest_snapshot, CaseManifests(case, result.docs, result.sources))


def test_helm_versions_agree(case: Case, helm_primary: HelmVersion, helm_compat: HelmVersion) -> None:
    failure = compatibility_report(
        case.name,
        render_case(case, helm_primary).docs,
        render_case(case, helm_compat).docs,
        primary_label=helm_primary.label,
        compat_label=helm_compat.label,
    )
    if failure:
        pytest.fail(failure, pytrace=False)


def _snapshot_files(settings: Settings) -> set[str]:
    directory = settings.snapshot_dir
    return {p.name for p in directory.glob("*") if p.is_file() and not p.name.startswith(".")}


def _case_snapshots(settings: Settings) -> set[str]:
    from .cases import matrix_cases  # noqa: PLC0415 - after configure

    return {case.snapshot_name for case in matrix_cases()}


def test_every_case_has_a_snapshot(chart_settings: Settings) -> None:
    missing = sorted(_case_snapshots(chart_settings) - _snapshot_files(chart_settings))
    assert not missing, (
        f"matrix cases without a snapshot in {chart_settings.shown(chart_settings.snapshot_dir)}/: "
        f"{', '.join(missing)}; run `{chart_settings.snapshot_update}`, review the new files and commit them"
    )


def test_no_unused_snapshots(chart_settings: Settings, request: pytest.FixtureRequest) -> None:
    unused = sorted(_snapshot_files(chart_settings) - _case_snapshots(chart_settings))
    if unused and getattr(request.config.option, "update_snapshots", False):
        # an update removes snapshots of deleted cases, as syrupy does for its own
        for name in unused:
            (chart_settings.snapshot_dir / name).unlink()
        request.config.get_terminal_writer().line(f"deleted unused snapshots: {', '.join(unused)}")
        return
    shown = chart_settings.shown(chart_settings.snapshot_dir)
    assert not unused, (
        f"snapshots without a matrix case: {', '.join(f'{shown}/{n}' for n in unused)} "
        f"(no {chart_settings.cases} for them); delete them, or run "
        f"`{chart_settings.snapshot_update}`, which removes them"
    )


def test_case_files_are_well_named(chart_settings: Settings) -> None:
    problems = [f"{chart_settings.shown(chart)}: {p}" for chart in chart_settings.charts for p in stray_ci_files(chart)]
    assert not problems, "\n".join(problems)


def test_openapi_strict(case: Case, kube_version: str, helm_primary: HelmVersion) -> None:
    docs = render_case(case, helm_primary, kube_version=kube_version).docs
    assert docs, f"{case.name} rendered no documents"
    findings = openapi.validate_docs(docs, kube_version, case.name)
    assert not findings, report(findings, f"{case.name} is not valid for Kubernetes {kube_version}")
    gate_summary.record_openapi(case.name, kube_version, len(docs))


def test_dependency_bump_is_safe(case: Case, helm_primary: HelmVersion, chart_settings: Settings) -> None:
    found = dependency_bump.bumps(case.chart_dir)
    if not found:
        pytest.skip(
            f"no dependency bump: Chart.lock pins what {chart_settings.dependency_base} pins "
            "(or there is no Chart.lock in git to compare with)"
        )
    result = dependency_bump.check_bump(case, helm_primary, found)
    gate_summary.record_bump(f"{case.chart_dir}|{case.name}", result.report().splitlines())
    assert not result.breaking, result.report()

"""Upgrade safety: the previous released chart next to the current one.

`helm upgrade` patches every object of the release in place; a change to an
immutable field makes it fail, and an object no longer rendered under the same
(group, kind, namespace, name) is deleted and created again. This module renders
every matrix case with the previous release and with the current chart, for the
same values, and says whether the upgrade is allowed.

    check_upgrade(current_chart, previous, helm)   every matrix case -> UpgradeReport
    check_case(case, previous, current_chart, helm) one case -> CaseResult
    UpgradeReport.problems()                       breaking findings are allowed only
                                                   after a major version bump
    UpgradeReport.text()                           the report check-upgrade prints

The pieces live in their own modules:
    chart_version      chart_metadata(), chart_name(), chart_version(), newest_at_most()
    previous_release   previous_release(), PreviousRelease: registry, git tag or baseline;
                       package_baseline() after a release
    immutable          compare_releases(), Finding and the impacts RECREATE, DOWNTIME,
                       MANUAL, NO_INTERRUPTION: the immutable-field and delete/recreate rules

Rendering goes through the shared render cache (chart_harness.render.render_chart).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .cases import Case, discover_cases
from .chart_version import chart_name, chart_version
from .helm import HelmError, HelmVersion
from .findings import Finding
from .immutable import MANUAL, change, compare_releases
from .previous_release import PreviousRelease
from .render import render_chart
from .semver import SemVer
from .settings import active


def _values_rejected(err: HelmError) -> bool:
    """True if Helm refused the values (schema or the chart's own validation), not the chart."""
    text = err.stderr
    return "don't meet the specifications of the schema" in text or "invalid values" in text


@dataclass(frozen=True)
class CaseResult:
    case: str
    findings: tuple[Finding, ...] = ()
    new_in_this_version: str = ""  # why the previous release cannot render the case


@dataclass
class UpgradeReport:
    previous: PreviousRelease
    current_chart: Path
    current_version: SemVer
    results: list[CaseResult] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def breaking(self) -> list[Finding]:
        return [f for f in self.findings if not f.notice]

    @property
    def notices(self) -> list[Finding]:
        return [f for f in self.findings if f.notice]

    @property
    def major_bump(self) -> bool:
        return self.current_version.breaking_allowed_after(self.previous.version)

    def problems(self) -> list[str]:
        """Why the upgrade is not allowed; [] when it is."""
        if self.current_version < self.previous.version:
            return [
                f"Chart.yaml version {self.current_version} is lower than the previous release "
                f"{self.previous.version}: versions only go up"
            ]
        if self.breaking and not self.major_bump:
            return [str(f) for f in self.breaking]
        return []

    def text(self) -> str:
        lines = [
            f"check-upgrade: {chart_name(self.current_chart)} {self.previous.version} ({self.previous.source}) -> "
            f"{self.current_version} ({_display(self.current_chart)})"
        ]
        for result in self.results:
            if result.new_in_this_version:
                lines.append(f"  {result.case}: new in this version (the previous release rejects these values: {result.new_in_this_version})")
            elif not result.findings:
                lines.append(f"  {result.case}: no breaking change")
        breaking, notices = self.breaking, self.notices
        if breaking:
            if self.major_bump:
                lines.append(
                    f"BREAKING changes, allowed by the major version bump {self.previous.version} -> "
                    f"{self.current_version}; put each manual step in the release notes:"
                )
            else:
                lines.append(
                    f"BREAKING changes without a major version bump (previous {self.previous.version}, "
                    f"Chart.yaml {self.current_version}):"
                )
            lines += ["  " + str(f) for f in breaking]
            if not self.major_bump:
                next_major = f"{self.previous.version.major + 1}.0.0"
                lines.append(
                    f"Fix: undo the change, or make it a major release (Chart.yaml version {next_major}) "
                    "and document the manual steps in docs/upgrades.md and the release notes."
                )
        if notices:
            lines.append("Notices (patchable, but a live release feels them):")
            lines += ["  " + str(f) for f in notices]
        return "\n".join(lines)


def _display(path: Path) -> str:
    return active().shown(path)


def check_case(
    case: Case, previous: PreviousRelease, current_chart: Path, helm: HelmVersion, namespace: str | None = None
) -> CaseResult:
    """Render one case with the previous release (install) and the current chart (upgrade)."""
    try:
        old = render_chart(previous.chart, helm, values_files=[case.values_file], namespace=namespace)
    except HelmError as err:
        if not _values_rejected(err):
            raise
        reason = next((line.strip(" -") for line in err.stderr.splitlines() if line.strip().startswith("-")), "")
        return CaseResult(case.name, new_in_this_version=reason or err.stderr.strip().splitlines()[-1])
    try:
        new = render_chart(current_chart, helm, values_files=[case.values_file], namespace=namespace, is_upgrade=True)
    except HelmError as err:
        if not _values_rejected(err):
            raise
        return CaseResult(
            case.name,
            findings=(
                change(
                    case.name, "(values)", f"ci/{case.values_file.name}", "accepted", "rejected", MANUAL,
                    f"{previous.version} accepts these values but this version rejects them, so "
                    f"helm upgrade fails for every release that uses them. Manual step: change the values. "
                    f"Helm says: {' '.join(err.stderr.split())[:300]}",
                ),
            ),
        )
    return CaseResult(case.name, findings=tuple(compare_releases(case.name, old.docs, new.docs, namespace)))


def check_upgrade(
    current_chart: Path,
    previous: PreviousRelease,
    helm: HelmVersion,
    cases: Sequence[Case] | None = None,
) -> UpgradeReport:
    """Every matrix case of the current chart, previous release vs current chart."""
    report = UpgradeReport(previous, Path(current_chart), chart_version(current_chart))
    for case in cases if cases is not None else discover_cases(Path(current_chart)):
        report.results.append(check_case(case, previous, Path(current_chart), helm))
    return report

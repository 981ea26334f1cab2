"""A dependency bump in Chart.lock, measured by what a live release would feel.

A product team bumps a dependency (say standard-app 2.0.0 -> 2.1.0) in Chart.yaml, runs
`helm dependency update`, and commits Chart.yaml and Chart.lock. This module compares the
working tree's Chart.lock with the one at a git ref (chart_dependency_base, default HEAD;
on a pull request, the target branch):

    bumps(chart_dir)                 [Bump(name, repository, old, new)] between the two locks
    previous_chart(chart_dir, base)  a copy of the chart whose charts/ holds the locked
                                     dependencies of the base ref: `helm dependency build`
                                     on the base Chart.yaml and Chart.lock, so any repository
                                     Helm can read (oci://, https://) works
    check_bump(case, helm)           both renders of a case, compared: every changed field
                                     (explain) and every change a live upgrade feels
                                     (immutable fields, deleted or recreated objects)

The values and templates are the working tree's in both renders, so the comparison shows
the bump and nothing else.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .cases import Case
from .deps import SKIP_DIRS, chart_digest, hash_json
from .errors import HarnessError
from .explain import explain_documents
from .files import file_lock
from .helm import HelmVersion
from .render import render_case, render_chart
from .settings import active
from .findings import Finding
from .immutable import compare_releases


@dataclass(frozen=True)
class Bump:
    """One dependency whose locked version differs from the base ref's."""

    name: str
    repository: str
    old: str | None  # None: the dependency is new
    new: str | None  # None: the dependency was removed

    def __str__(self) -> str:
        return f"{self.name} {self.old or '(none)'} -> {self.new or '(none)'}"


@dataclass
class BumpResult:
    """What a bump does to one case."""

    case: str
    bumps: list[Bump]
    base: str
    changes: list[str] = field(default_factory=list)  # explain() lines, one per changed field
    findings: list[Finding] = field(default_factory=list)

    @property
    def breaking(self) -> list[Finding]:
        return [f for f in self.findings if not f.notice]

    def report(self) -> str:
        title = f"{', '.join(map(str, self.bumps))} (Chart.lock against {self.base}), case {self.case!r}"
        lines = [f"{title}: {len(self.changes)} changed fields" if self.changes else f"{title}: no rendered change"]
        lines += [f"  {line}" for line in self.changes]
        if self.breaking:
            lines.append("Breaking for a live release (helm upgrade fails, or objects are deleted and recreated):")
            lines += ["  " + str(f).replace("\n", "\n  ") for f in self.breaking]
        notices = [f for f in self.findings if f.notice]
        if notices:
            lines.append("Notices (a live release feels them):")
            lines += ["  " + str(f).replace("\n", "\n  ") for f in notices]
        return "\n".join(lines)


def _not_copied(directory: str, names: list[str]) -> list[str]:
    """What the chart digest skips, the harness's cache, and the top-level charts/ (the
    dependency archives, rebuilt from the base lock)."""
    cache = active().cache_dir.resolve()
    return [n for n in names if n in SKIP_DIRS or Path(directory, n).resolve() == cache
            or (n == "charts" and (Path(directory) / "Chart.yaml").is_file())]


def _locked(text: str | None) -> dict[str, tuple[str, str]]:
    """{name: (version, repository)} of a Chart.lock's text."""
    data = yaml.safe_load(text or "") or {}
    return {
        str(dep.get("name")): (str(dep.get("version")), str(dep.get("repository") or ""))
        for dep in data.get("dependencies") or []
    }


def _git(chart_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(chart_dir), *args], capture_output=True, text=True, check=False)


def base_file(chart_dir: Path, name: str, ref: str | None = None) -> str | None:
    """The text of <chart>/<name> at the base ref; None if absent there, or outside git (or
    before the first commit) with the default base HEAD. A base that was set explicitly
    (chart_dependency_base) must be a commit: a shallow CI clone that lacks it, or a typo,
    would otherwise skip the check and let a breaking bump through."""
    ref = ref or active().dependency_base
    explicit = ref != "HEAD"
    top = _git(chart_dir, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        if explicit:
            raise HarnessError(
                f"chart_dependency_base {ref!r}: {active().shown(chart_dir)} is not in a git work tree, "
                "so there is no Chart.lock to compare with; run in a clone, or leave the option unset"
            )
        return None
    if _git(chart_dir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        if explicit:
            raise HarnessError(
                f"chart_dependency_base {ref!r} is not a commit of this clone; a shallow CI checkout "
                f"has only its own branch: fetch the base first (git fetch origin main, or fetch-depth: 0)"
            )
        return None
    relative = (Path(chart_dir).resolve() / name).relative_to(Path(top.stdout.strip()).resolve())
    shown = _git(chart_dir, "show", f"{ref}:{relative.as_posix()}")
    return shown.stdout if shown.returncode == 0 else None


def bumps(chart_dir: Path, ref: str | None = None) -> list[Bump]:
    """The dependencies whose Chart.lock entry differs from the base ref's."""
    lock = Path(chart_dir) / "Chart.lock"
    current = _locked(lock.read_text(encoding="utf-8") if lock.is_file() else None)
    base_text = base_file(chart_dir, "Chart.lock", ref)
    if base_text is None:
        return []
    base = _locked(base_text)
    found = []
    for name in sorted(set(current) | set(base)):
        old, new = base.get(name), current.get(name)
        if old != new:
            repository = (new or old)[1]
            found.append(Bump(name, repository, old[0] if old else None, new[0] if new else None))
    return found


def previous_chart(chart_dir: Path, helm: HelmVersion, ref: str | None = None) -> Path:
    """The working tree's chart with the base ref's Chart.yaml, Chart.lock and dependencies.

    Built once per (chart content, base files) under <cache>/bump/.
    """
    ref = ref or active().dependency_base
    chart_dir = Path(chart_dir).resolve()
    base_yaml, base_lock = base_file(chart_dir, "Chart.yaml", ref), base_file(chart_dir, "Chart.lock", ref)
    if base_yaml is None or base_lock is None:
        raise HarnessError(f"{active().shown(chart_dir)}: no Chart.yaml and Chart.lock at git ref {ref!r}")
    key = hash_json({"chart": chart_digest(chart_dir), "chart_yaml": base_yaml, "chart_lock": base_lock})[:24]
    cache = active().cache_dir / "bump"
    target = cache / key / chart_dir.name
    if (target / "Chart.yaml").is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with file_lock(cache / f"{key}.lock"):
        if (target / "Chart.yaml").is_file():
            return target
        staging = Path(tempfile.mkdtemp(prefix=".bump-", dir=cache)) / chart_dir.name
        try:
            shutil.copytree(chart_dir, staging, ignore=_not_copied)
            (staging / "Chart.yaml").write_text(base_yaml, encoding="utf-8")
            (staging / "Chart.lock").write_text(base_lock, encoding="utf-8")
            helm.run(["dependency", "build", str(staging), *active().dependency_args])
            target.parent.mkdir(parents=True, exist_ok=True)
            staging.rename(target)
        finally:
            shutil.rmtree(staging.parent, ignore_errors=True)
    return target


def check_bump(case: Case, helm: HelmVersion, found: list[Bump], ref: str | None = None) -> BumpResult:
    """Render the case with the base ref's dependencies and with the working tree's."""
    ref = ref or active().dependency_base
    old = render_chart(previous_chart(case.chart_dir, helm, ref), helm, values_files=[case.values_file]).docs
    new = render_case(case, helm, is_upgrade=True).docs
    return BumpResult(
        case=case.name,
        bumps=found,
        base=ref,
        changes=explain_documents(old, new),
        findings=compare_releases(case.name, old, new),
    )

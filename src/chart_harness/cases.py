"""The values matrix: one case per values file matching chart_cases (ci/*-values.yaml).

The default is the layout chart-testing reads (ct lint/install use ci/*-values.yaml),
so the pytest matrix and ct can never disagree about what is tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .settings import active



def _affixes() -> tuple[str, str]:
    """(prefix, suffix) around the `*` of chart_cases' file part: ("", "-values.yaml") for
    ci/*-values.yaml, ("values-", ".yaml") for values-*.yaml. The `*` is the case name."""
    pattern = Path(active().cases).name
    if pattern.count("*") != 1 or any(c in pattern for c in "?[]"):
        raise ConfigError(f"chart_cases: the file part has one `*` for the case name, e.g. *-values.yaml, got {pattern!r}")
    prefix, suffix = pattern.split("*")
    return prefix, suffix


def _case_name(file_name: str) -> str | None:
    prefix, suffix = _affixes()
    if len(file_name) > len(prefix) + len(suffix) and file_name.startswith(prefix) and file_name.endswith(suffix):
        return file_name[len(prefix) : len(file_name) - len(suffix)]
    return None
_CASE_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


@dataclass(frozen=True, order=True)
class Case:
    """One matrix case: a name and the values file that defines it."""

    name: str
    values_file: Path = field(compare=False)
    chart_dir: Path = field(compare=False)

    def __str__(self) -> str:
        return self.name

    @property
    def snapshot_name(self) -> str:
        """File name of the case's snapshot in tests/snapshots/."""
        return f"{self.name}.yaml"


def ci_dir(chart_dir: Path) -> Path:
    """The directory of the case files (the chart_cases glob's directory part)."""
    return Path(chart_dir) / Path(active().cases).parent


def discover_cases(chart_dir: Path | None = None) -> list[Case]:
    """Every well-named ci/<case>-values.yaml of the chart (default: the first of
    chart_paths), sorted by name."""
    chart_dir = Path(chart_dir or active().charts[0])
    cases = []
    for path in sorted(ci_dir(chart_dir).glob(Path(active().cases).name)):
        name = _case_name(path.name) or ""
        if path.is_file() and _CASE_NAME.match(name):
            cases.append(Case(name=name, values_file=path, chart_dir=chart_dir))
    return cases


# A values file of some environment, in whatever shape: values-qa.yml, values.dev.yaml...
_VALUES_LIKE = re.compile(r"(?i)^values([-._ ].*)?\.ya?ml$")


def stray_ci_files(chart_dir: Path | None = None) -> list[str]:
    """Files in the cases directory that are not a case, each with the reason.

    A misnamed file would be silently skipped by both ct and pytest, so the suite
    reports it instead. When the cases live in the chart directory itself (e.g.
    values-*.yaml), only files of the cases' shape are looked at, and values files of
    another shape (values-qa.yml, values.dev.yaml, values_test.yaml: an environment
    the matrix would silently leave out).
    """
    chart_dir = Path(chart_dir or active().charts[0])
    directory = ci_dir(chart_dir)
    prefix, suffix = _affixes()
    dedicated = directory.resolve() != chart_dir.resolve()
    where = f"{Path(active().cases).parent}/" if dedicated else ""
    problems = []
    for path in sorted(directory.iterdir()) if directory.is_dir() else []:
        shaped = path.name.startswith(prefix) and path.name.endswith(suffix)
        name = _case_name(path.name)
        if not shaped:
            if dedicated or (_VALUES_LIKE.match(path.name) and path.name != "values.yaml"):
                problems.append(f"{where}{path.name}: not a matrix case; name values files {prefix}<case>{suffix}")
        elif not name or not _CASE_NAME.match(name):
            problems.append(
                f"{where}{path.name}: case names are lowercase letters, digits and '-' "
                f"(they become snapshot file names and pytest ids)"
            )
        elif not path.is_file():
            problems.append(f"{where}{path.name}: not a regular file")
    return problems


def case_by_name(name: str, chart_dir: Path | None = None) -> Case:
    """The case called `name`; KeyError listing the known cases otherwise."""
    cases = {case.name: case for case in discover_cases(chart_dir)}
    if name not in cases:
        raise KeyError(f"no matrix case {name!r}; known cases: {', '.join(sorted(cases))}")
    return cases[name]


def matrix_cases() -> list[Case]:
    """The cases of every chart of chart_paths, in that order."""
    return [case for chart in active().charts for case in discover_cases(chart)]

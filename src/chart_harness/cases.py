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



def _suffix() -> str:
    """What follows the `*` of chart_cases' file part ("-values.yaml" by default)."""
    pattern = Path(active().cases).name
    if pattern.count("*") != 1 or not pattern.startswith("*"):
        raise ConfigError(f"chart_cases: the file part looks like *-values.yaml, got {pattern!r}")
    return pattern[1:]
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
    suffix = _suffix()
    for path in sorted(ci_dir(chart_dir).glob(f"*{suffix}")):
        name = path.name[: -len(suffix)]
        if path.is_file() and _CASE_NAME.match(name):
            cases.append(Case(name=name, values_file=path, chart_dir=chart_dir))
    return cases


def stray_ci_files(chart_dir: Path | None = None) -> list[str]:
    """Files in ci/ that are not a matrix case, each with the reason.

    A misnamed file would be silently skipped by both ct and pytest, so the
    suite reports it instead.
    """
    chart_dir = Path(chart_dir or active().charts[0])
    suffix = _suffix()
    problems = []
    for path in sorted(ci_dir(chart_dir).iterdir()) if ci_dir(chart_dir).is_dir() else []:
        if not path.name.endswith(suffix):
            problems.append(
                f"ci/{path.name}: not a matrix case; name values files <case>{suffix}"
            )
        elif not _CASE_NAME.match(path.name[: -len(suffix)]):
            problems.append(
                f"ci/{path.name}: case names are lowercase letters, digits and '-' "
                f"(they become snapshot file names and pytest ids)"
            )
        elif not path.is_file():
            problems.append(f"ci/{path.name}: not a regular file")
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

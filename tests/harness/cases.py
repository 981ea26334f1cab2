"""The values matrix: one case per charts/standard-app/ci/<case>-values.yaml.

The same files drive chart-testing (ct lint/install read ci/*-values.yaml), so
the pytest matrix and ct can never disagree about what is tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .tools import STANDARD_APP

VALUES_SUFFIX = "-values.yaml"
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


def ci_dir(chart_dir: Path = STANDARD_APP) -> Path:
    return Path(chart_dir) / "ci"


def discover_cases(chart_dir: Path = STANDARD_APP) -> list[Case]:
    """Every well-named ci/<case>-values.yaml of the chart, sorted by name."""
    chart_dir = Path(chart_dir)
    cases = []
    for path in sorted(ci_dir(chart_dir).glob(f"*{VALUES_SUFFIX}")):
        name = path.name[: -len(VALUES_SUFFIX)]
        if path.is_file() and _CASE_NAME.match(name):
            cases.append(Case(name=name, values_file=path, chart_dir=chart_dir))
    return cases


def stray_ci_files(chart_dir: Path = STANDARD_APP) -> list[str]:
    """Files in ci/ that are not a matrix case, each with the reason.

    A misnamed file would be silently skipped by both ct and pytest, so the
    suite reports it instead.
    """
    problems = []
    for path in sorted(ci_dir(chart_dir).iterdir()) if ci_dir(chart_dir).is_dir() else []:
        if not path.name.endswith(VALUES_SUFFIX):
            problems.append(
                f"ci/{path.name}: not a matrix case; name values files <case>{VALUES_SUFFIX}"
            )
        elif not _CASE_NAME.match(path.name[: -len(VALUES_SUFFIX)]):
            problems.append(
                f"ci/{path.name}: case names are lowercase letters, digits and '-' "
                f"(they become snapshot file names and pytest ids)"
            )
        elif not path.is_file():
            problems.append(f"ci/{path.name}: not a regular file")
    return problems


def case_by_name(name: str, chart_dir: Path = STANDARD_APP) -> Case:
    """The case called `name`; KeyError listing the known cases otherwise."""
    cases = {case.name: case for case in discover_cases(chart_dir)}
    if name not in cases:
        raise KeyError(f"no matrix case {name!r}; known cases: {', '.join(sorted(cases))}")
    return cases[name]

"""The per-module part of `make bench`: where the time of one warm `make test` run goes.

The last warm `make test` run of the bench writes a JUnit XML report (pytest's
--junitxml, each test's time counting its setup, call and teardown); this sums the
times per test module. With `-n auto` two workers run at once, so the sum is about
twice the wall time: a module's share of it is its share of the suite's work.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path


def junit_args(report: Path) -> list[str]:
    """The pytest arguments that make a run write the report module_times() reads."""
    return ["--junitxml", str(report), "-o", "junit_duration_report=total", "-o", "junit_family=xunit2"]


def module_times(report: Path) -> list[tuple[str, int, float]]:
    """(test module, tests, seconds) from a JUnit XML report, the slowest first."""
    tests: dict[str, int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)
    for case in ET.parse(report).getroot().iter("testcase"):
        module = case.get("classname", "").split(".")
        # classname is "tests.test_x" or "tests.test_x.TestClass": the module is the test_* part
        name = next((part for part in module if part.startswith("test_")), ".".join(module))
        tests[name] += 1
        seconds[name] += float(case.get("time") or 0)
    return sorted(((m, tests[m], seconds[m]) for m in tests), key=lambda row: -row[2])


def report_lines(rows: list[tuple[str, int, float]], wall_s: float) -> list[str]:
    total = sum(s for _, _, s in rows)
    out = [
        "## Time per test module (one warm `make test` run)",
        "",
        f"Test time summed per module (setup, call and teardown of each test; pytest's JUnit "
        f"report) in a run that took {wall_s:.1f} s of wall time on two workers. The sum, "
        f"{total:.1f} s, is the work both workers shared.",
        "",
        "| module | tests | seconds | share |",
        "|---|---:|---:|---:|",
    ]
    shown = [r for r in rows if r[2] >= 0.01 * total] or rows
    for module, count, secs in shown:
        out.append(f"| `tests/{module}.py` | {count} | {secs:.1f} | {100 * secs / total:.0f} % |")
    rest = [r for r in rows if r not in shown]
    if rest:
        out.append(f"| {len(rest)} more, each under 1 % | {sum(r[1] for r in rest)} | "
                   f"{sum(r[2] for r in rest):.1f} | {100 * sum(r[2] for r in rest) / total:.0f} % |")
    out.append("")
    return out

"""`make fleet`: what the chart under review does to every service of a fleet.

    make fleet                                   # tests/fleet, the synthetic fleet
    make fleet FLEET=../services                 # your own: values files or product charts
    .tools/venv/bin/python -m tests.fleet_impact --fleet DIR [--chart DIR] [--jobs N]

Prints the Markdown report (the pull-request comment) and writes it, with the JSON
report, to .cache/fleet/report.md and .cache/fleet/report.json (--markdown, --json).
The previous release is the one `make check-upgrade` compares with: REGISTRY (with
the REGISTRY_* options of `make publish`), else the newest git tag, else the
committed baseline in tests/baselines/.

Exit status: 0 when the change may ship; 1 when a service is newly rejected, hits an
immutable field or loses an object (deleted or recreated) and Chart.yaml has no major
version bump; 2 when the fleet, a product chart's dependencies or the previous release
cannot be read, or the reports cannot be written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest

from chart_harness.previous_release import PreviousReleaseError, previous_release
from tests.support import fleet
from chart_harness.helm import primary_helm
from tests.support.tools import ROOT, STANDARD_APP

DEFAULT_FLEET = ROOT / "tests" / "fleet"
REPORT_DIR = fleet.FLEET_CACHE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fleet", type=Path, default=DEFAULT_FLEET, help="fleet directory (default tests/fleet)")
    parser.add_argument("--chart", type=Path, default=STANDARD_APP, help="chart under review (default charts/standard-app)")
    parser.add_argument("--markdown", type=Path, default=REPORT_DIR / "report.md", help="Markdown report file")
    parser.add_argument("--json", type=Path, default=REPORT_DIR / "report.json", help="JSON report file")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel Helm processes (default: CPUs)")
    parser.add_argument("--quiet", action="store_true", help="do not print the report, only the verdict")
    args = parser.parse_args(argv)
    chart = args.chart.resolve()
    try:
        previous = previous_release(chart, primary_helm(), registry=os.environ.get("REGISTRY") or None)
        report = fleet.analyse_fleet(args.fleet.resolve(), previous, chart, primary_helm(), jobs=args.jobs)
    except (fleet.FleetError, PreviousReleaseError) as err:
        print(f"fleet: {err}", file=sys.stderr)
        return 2
    except pytest.fail.Exception as err:  # a missing or wrong tool: the message has the fix
        print(f"fleet: {err.msg}", file=sys.stderr)
        return 2
    try:
        fleet.write_reports(report, args.markdown, args.json)
    except OSError as err:
        print(f"fleet: cannot write the reports: {err}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(report.markdown())
    problems = report.problems()
    print(f"fleet: reports in {fleet.shown_path(args.markdown)} and {fleet.shown_path(args.json)}", file=sys.stderr)
    for problem in problems:
        print(f"fleet: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

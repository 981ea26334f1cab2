"""The fleet-impact part of `make bench`: `make fleet` timed cold and warm, and at four sizes.

Each run is `python -m tests.fleet_impact` in a fresh process, as `make fleet` runs it.
Cold: an empty render cache and fresh Helm homes (a temporary HARNESS_CACHE_DIR), so
every service is rendered with both versions. Warm: the same command again, every
render served from that cache. The fleets of 75, 150 and 600 services are generated
from the same seed as tests/fleet (scripts/gen_fleet.py --count N).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support.timing import time_process
from tests.support.tools import ROOT, load_script

FLEET = ROOT / "tests" / "fleet"
SIZES = (75, 150, 300, 600)
COLD_BUDGET_S, WARM_BUDGET_S, MEMORY_BUDGET_MIB = 60.0, 10.0, 1024.0


@dataclass
class FleetRun:
    label: str
    services: int
    cold_s: float
    cold_cpu_s: float
    warm_s: float
    warm_cpu_s: float
    memory: dict  # the report's memory_mib of the cold run: python, largest_child
    renders: int


def _run(fleet: Path, cache: Path, out: Path) -> tuple[float, float, dict]:
    """(wall seconds, CPU seconds of the process and its Helm children, JSON report)."""
    env = {k: v for k, v in os.environ.items() if k not in ("REGISTRY", "CI")}
    env["HARNESS_CACHE_DIR"] = str(cache)
    command = [sys.executable, "-m", "tests.fleet_impact", "--quiet", "--fleet", str(fleet),
               "--markdown", str(out / "report.md"), "--json", str(out / "report.json")]
    elapsed, cpu = time_process(command, env, cwd=ROOT, ok=(0, 1))  # 1: the change may not ship; still a run
    return elapsed, cpu, json.loads((out / "report.json").read_text())


def measure(fleet: Path, label: str) -> FleetRun:
    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as tmp:
        cache, out = Path(tmp) / "cache", Path(tmp)
        cold_s, cold_cpu, report = _run(fleet, cache, out)
        warm_s, warm_cpu, warm = _run(fleet, cache, out)
    services = sum(report["counts"].values())
    print(f"  {label}: {services} services, cold {cold_s:.1f} s, warm {warm_s:.1f} s "
          f"({warm['cached_renders']}/{warm['renders']} renders cached)", flush=True)
    return FleetRun(label, services, cold_s, cold_cpu, warm_s, warm_cpu, report["memory_mib"], report["renders"])


def measure_all() -> list[FleetRun]:
    """tests/fleet, then generated fleets of every size in SIZES except 300."""
    gen = load_script("gen_fleet")
    runs = [measure(FLEET, "tests/fleet")]
    for size in SIZES:
        if size == 300:
            continue
        with tempfile.TemporaryDirectory(prefix=f"bench-fleet-{size}-") as tmp:
            gen.main(["--count", str(size), "--out", tmp])
            runs.append(measure(Path(tmp), f"generated, {size} services"))
    return runs


def report_lines(runs: list[FleetRun]) -> list[str]:
    out = [
        f"## Fleet impact (budget: 300 services under {COLD_BUDGET_S:.0f} s cold and "
        f"{WARM_BUDGET_S:.0f} s warm on 2 cores, under {MEMORY_BUDGET_MIB / 1024:.0f} GiB)",
        "",
        "`make fleet` (`python -m tests.fleet_impact`), each service rendered with the previous "
        "release and with the working tree, one Helm process per CPU (two here). Cold: empty render cache "
        "and fresh Helm homes; warm: the same command again. CPU is the process and its Helm "
        "children. Memory: the peak resident size of the Python process and of its largest child "
        "process (a Helm process, or the Python process forked to start one); at most two "
        "children run at once, so the whole run stays under Python + 2 × child.",
        "",
        "| fleet | services | renders | cold wall | cold CPU | warm wall | warm CPU | memory (Python / largest child) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in sorted(runs, key=lambda r: (r.services, r.label)):
        out.append(
            f"| {run.label} | {run.services} | {run.renders} | {run.cold_s:.1f} s | {run.cold_cpu_s:.1f} s | "
            f"{run.warm_s:.1f} s | {run.warm_cpu_s:.1f} s | "
            f"{run.memory['python']:.0f} / {run.memory['largest_child']:.0f} MiB |"
        )
    per_service = [r.cold_s / r.services for r in runs]
    out += [
        "",
        f"Cold time grows linearly with the fleet: {min(per_service) * 1000:.0f}–{max(per_service) * 1000:.0f} ms "
        "of wall time per service (two renders each). Warm runs read every render from the cache "
        "and only compare the documents.",
        "",
    ]
    return out

"""The first-run part of `make bench` (--first-run): a newcomer's first commands, timed.

A fresh `git clone` of this checkout's HEAD, with empty Go module and build caches (a
temporary GOMODCACHE and GOCACHE, so every Go tool is downloaded from the module proxy
and compiled), runs `make demo`, then `make demo` again; with --first-run all, then
`make test` (every tool, the control plane included, and the whole suite). pip's
download cache and the Debian packages stay as they are: they are the machine's, not
the project's. Wall time and CPU time (user + system of make and everything it ran).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support.timing import time_process
from tests.support.tools import ROOT


@dataclass
class FirstRun:
    label: str
    wall_s: float
    cpu_s: float


def measure(scope: str) -> list[FirstRun]:
    """scope "demo": make demo twice; "all": then make test as well."""
    runs: list[FirstRun] = []
    with tempfile.TemporaryDirectory(prefix="bench-first-run-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        env = {k: v for k, v in os.environ.items() if k not in ("CI", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "PYTEST_ADDOPTS")}
        env |= {"GOMODCACHE": str(Path(tmp) / "gomodcache"), "GOCACHE": str(Path(tmp) / "gocache")}
        commands = [("`make demo`, first", "demo"), ("`make demo` again", "demo")]
        if scope == "all":
            commands.append(("`make test` after it", "test"))
        for label, target in commands:
            print(f"  {label} ...", flush=True)
            wall, cpu = time_process(["make", "-C", str(clone), target], env)
            runs.append(FirstRun(label, wall, cpu))
            print(f"  {label}: {wall:.0f} s wall, {cpu:.0f} s CPU", flush=True)
        subprocess.run(["chmod", "-R", "u+w", tmp], check=False)  # Go's module cache is read-only
    return runs


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes else f"{seconds:.1f} s"


def report_lines(runs: list[FirstRun]) -> list[str]:
    out = [
        "## First run from a fresh clone",
        "",
        "A fresh clone with empty Go module and build caches (pip's download cache and the "
        "Debian packages as the machine has them), the way a newcomer starts: wall time and "
        "CPU time (user + system) of make and everything it ran.",
        "",
        "| run | wall | CPU |",
        "|---|---:|---:|",
    ]
    out += [f"| {r.label} | {_duration(r.wall_s)} | {_duration(r.cpu_s)} |" for r in runs]
    out.append("")
    return out

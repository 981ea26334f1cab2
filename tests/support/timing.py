"""Timing one process from spawn to exit: wall time, and CPU time (user + system) from wait4.

CPU time includes the children the process waited for (Helm processes of a harness run),
and other load on the machine barely changes it, unlike wall time.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path


def time_process(
    command: Sequence[str], env: dict[str, str], *, cwd: Path | None = None, ok: Sequence[int] = (0,)
) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process; SystemExit with its stderr if it exits outside `ok`."""
    started = time.perf_counter()
    proc = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if os.waitstatus_to_exitcode(status) not in ok:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{stderr}")
    return elapsed, usage.ru_utime + usage.ru_stime

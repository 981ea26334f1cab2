"""Counters for the pytest terminal summary: Helm processes and render-cache traffic.

Each process (the pytest process, or each pytest-xdist worker) records into the
module-level lists below. Workers ship their records to the controller through
xdist's `workeroutput` channel (see tests/conftest.py), so the summary covers
the whole run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class HelmCall:
    """One Helm process: which binary, which subcommand, how long, how it ended."""

    helm: str  # HelmVersion.name, e.g. "helm4"
    version: str  # e.g. "v4.3.1"
    subcommand: str  # e.g. "template", "dependency build", "version"
    seconds: float
    returncode: int


CALLS: list[HelmCall] = []
# Cache events: "memory" / "disk" (render served from cache), "rendered" (Helm ran),
# "dependencies reused" (a stored `helm dependency build` result was copied back).
CACHE_EVENTS: Counter[str] = Counter()


def record_call(call: HelmCall) -> None:
    CALLS.append(call)


def record_cache(event: str) -> None:
    CACHE_EVENTS[event] += 1


def export() -> dict:
    """This process's records as plain data (what an xdist worker sends home)."""
    return {"calls": [asdict(c) for c in CALLS], "cache": dict(CACHE_EVENTS)}


def summary_lines(exports: list[dict]) -> list[str]:
    """Human-readable totals over the exports of every process in the run."""
    calls = [HelmCall(**c) for e in exports for c in e["calls"]]
    cache: Counter[str] = Counter()
    for e in exports:
        cache.update(e["cache"])
    lines: list[str] = []
    if not calls:
        lines.append("no Helm process ran (every render came from the cache in .cache/renders)")
    by_helm: dict[tuple[str, str], list[HelmCall]] = {}
    for call in calls:
        by_helm.setdefault((call.helm, call.version), []).append(call)
    for (name, version), group in sorted(by_helm.items()):
        kinds = Counter(c.subcommand for c in group)
        detail = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        failed = sum(1 for c in group if c.returncode != 0)
        failed_note = f", {failed} exited non-zero" if failed else ""
        total = sum(c.seconds for c in group)
        lines.append(
            f"{name} ({version}): {len(group)} Helm process{'es' if len(group) != 1 else ''} in {total:.2f} s "
            f"({detail}{failed_note})"
        )
    served = cache["memory"] + cache["disk"]
    lines.append(
        f"render cache: {cache['rendered']} rendered, {served} served from cache "
        f"({cache['disk']} from .cache/renders, {cache['memory']} from memory)"
    )
    if cache["dependencies reused"]:
        lines.append(
            f"dependency builds: {cache['dependencies reused']} reused from .cache/deps "
            "instead of running `helm dependency build`"
        )
    return lines

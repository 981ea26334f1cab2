"""The validation gate's numbers in the pytest terminal summary (a pytest plugin).

Register it once, in tests/conftest.py:

    pytest_plugins = ["chart_harness.gate_summary"]

Tests record what they validated (record_openapi, record_checkov, record_pss); at the
end of the run the summary prints, e.g.

    ==================== validation gate ====================
    OpenAPI (strict): 360 documents valid across 9 Kubernetes versions (1.29-1.37), 6 cases
    checkov 3.3.30: 1270 passed, 0 failed, 78 skipped (7 documented skips), 7 files
    restricted Pod Security Standard: 17 pod specs, 19 containers checked

Under pytest-xdist every worker ships its records to the controller through xdist's
`workeroutput` channel; records are keyed, so a result that two workers both load
(e.g. the cached checkov run) is counted once.
"""

from __future__ import annotations

from typing import Any

import pytest

# key -> record; keys make the union over workers idempotent.
_OPENAPI: dict[str, dict[str, Any]] = {}  # "case|kube" -> {"case", "kube", "docs"}
_CHECKOV: dict[str, dict[str, Any]] = {}  # result key -> {"version", "passed", "failed", "skipped", "skips", "files"}
_PSS: dict[str, dict[str, int]] = {}  # "case|helm" -> {"pods", "containers"}
_BUMPS: dict[str, list[str]] = {}  # "chart|case" -> report lines
_WORKER_EXPORTS: list[dict[str, Any]] = []


def record_openapi(case: str, kube_version: str, documents: int) -> None:
    _OPENAPI[f"{case}|{kube_version}"] = {"case": case, "kube": kube_version, "docs": documents}


def record_checkov(key: str, *, version: str, passed: int, failed: int, skipped: int, skips: int, files: int) -> None:
    _CHECKOV[key] = {
        "version": version,
        "passed": passed,
        "failed": failed,
        "skipped": skipped,
        "skips": skips,
        "files": files,
    }


def record_pss(key: str, *, pods: int, containers: int) -> None:
    _PSS[key] = {"pods": pods, "containers": containers}


def record_bump(key: str, lines: list[str]) -> None:
    """What a dependency bump changes in one case (checks.test_dependency_bump_is_safe)."""
    _BUMPS[key] = list(lines)


def export() -> dict[str, Any]:
    return {"openapi": dict(_OPENAPI), "checkov": dict(_CHECKOV), "pss": dict(_PSS), "bumps": dict(_BUMPS)}


def _minor_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".")[:2])


def summary_lines(exports: list[dict[str, Any]]) -> list[str]:
    openapi: dict[str, dict[str, Any]] = {}
    checkov: dict[str, dict[str, Any]] = {}
    pss: dict[str, dict[str, int]] = {}
    bumps: dict[str, list[str]] = {}
    for e in exports:
        bumps.update(e.get("bumps", {}))
        openapi.update(e.get("openapi", {}))
        checkov.update(e.get("checkov", {}))
        pss.update(e.get("pss", {}))
    lines = []
    if openapi:
        docs = sum(r["docs"] for r in openapi.values())
        minors = sorted({".".join(r["kube"].split(".")[:2]) for r in openapi.values()}, key=_minor_key)
        cases = {r["case"] for r in openapi.values()}
        span = f"{minors[0]}-{minors[-1]}" if len(minors) > 1 else minors[0]
        lines.append(
            f"OpenAPI (strict): {docs} documents valid across {len(minors)} Kubernetes versions "
            f"({span}), {len(cases)} cases"
        )
    for result in checkov.values():
        lines.append(
            f"checkov {result['version']}: {result['passed']} passed, {result['failed']} failed, "
            f"{result['skipped']} skipped ({result['skips']} documented skips in "
            f"tests/policy/checkov-skips.yaml), {result['files']} rendered releases"
        )
    if pss:
        lines.append(
            f"restricted Pod Security Standard (+ read-only root filesystem): "
            f"{sum(r['pods'] for r in pss.values())} pod specs, "
            f"{sum(r['containers'] for r in pss.values())} containers checked"
        )
    for key in sorted(bumps):
        lines += bumps[key]
    return lines


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: ship the records home
        workeroutput["gate_summary"] = export()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    data = getattr(node, "workeroutput", {}).get("gate_summary")
    if data:
        _WORKER_EXPORTS.append(data)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    lines = summary_lines([*_WORKER_EXPORTS, export()])
    if lines:
        terminalreporter.section("validation gate")
        for line in lines:
            terminalreporter.write_line(line)

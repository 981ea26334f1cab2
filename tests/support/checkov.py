"""checkov over every rendered release, in one run, with the documented skips applied here.

checkov (.tools/bin/checkov, offline, --framework kubernetes) scans one directory holding
one manifest file per rendered release, in a single run (its start-up costs ~2 s, so one
run per case would dominate the suite). Results are cached in .cache/checkov/ by the
content of the manifests, the arguments and the checkov version. We never pass
--skip-check: every check runs, and the skips in tests/policy/checkov-skips.yaml are
applied to the results here, so a skip that no longer matches anything is detected (and
fails a test). Each result is mapped back to its document through checkov's line range,
so it is reported as "<release>: <Kind/name> <field>: [<check id>] failed: <check name>".
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chart_harness.files import atomic_write_text, file_lock
from chart_harness.documents import field_path, resource_id
from chart_harness.findings import Finding
from .tools import cache_dir, ROOT, require_tool

SKIPS_FILE = ROOT / "tests" / "policy" / "checkov-skips.yaml"
CHECKOV_CACHE = cache_dir() / "checkov"
CHECKOV_CACHE_FORMAT = 2
# Every check of the kubernetes framework, offline (--skip-download), JSON with passed checks
# too (no --quiet), exit 0 on findings (--soft-fail): the tests decide what fails.
CHECKOV_ARGS = ("--framework", "kubernetes", "--output", "json", "--skip-download", "--soft-fail")

Doc = Mapping[str, Any]


# --- checkov skips -----------------------------------------------------------------------

_SKIP_KEYS = {"check", "name", "reason", "cases", "resources"}


@dataclass(frozen=True)
class Skip:
    """One documented checkov skip: a check, optionally narrowed to cases and resources."""

    check: str
    name: str
    reason: str
    cases: tuple[str, ...] = ()  # empty: every case
    resources: tuple[str, ...] = ()  # fnmatch patterns on "Kind/name"; empty: every resource

    def matches(self, check_id: str, case: str, resource: str) -> bool:
        return (
            check_id == self.check
            and (not self.cases or case in self.cases)
            and (not self.resources or any(fnmatch.fnmatchcase(resource, p) for p in self.resources))
        )

    def __str__(self) -> str:
        scope = []
        if self.cases:
            scope.append(f"cases {', '.join(self.cases)}")
        if self.resources:
            scope.append(f"resources {', '.join(self.resources)}")
        return f"{self.check} ({self.name})" + (f" for {'; '.join(scope)}" if scope else "")


def load_skips(path: Path = SKIPS_FILE) -> list[Skip]:
    """The skip list, validated: every entry has a check id, the check's name and a reason."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("skips") if isinstance(data, Mapping) else None
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    if not isinstance(entries, list):
        raise AssertionError(f"{where}: expected a top-level `skips:` list")
    skips = []
    for index, entry in enumerate(entries):
        label = f"{where}: skips[{index}]"
        if not isinstance(entry, Mapping):
            raise AssertionError(f"{label}: expected a mapping")
        unknown = set(entry) - _SKIP_KEYS
        if unknown:
            raise AssertionError(f"{label}: unknown keys {sorted(unknown)}; allowed: {sorted(_SKIP_KEYS)}")
        check = str(entry.get("check") or "")
        if not re.fullmatch(r"CKV2?_K8S_\d+", check):
            raise AssertionError(f"{label}.check: {check!r} is not a checkov Kubernetes check id (CKV_K8S_<n>)")
        reason = " ".join(str(entry.get("reason") or "").split())
        if len(reason) < 40:
            raise AssertionError(f"{label}.reason: say why {check} does not apply (got {reason!r})")
        name = str(entry.get("name") or "")
        if not name:
            raise AssertionError(f"{label}.name: give the check's name as checkov prints it")
        skips.append(
            Skip(
                check=check,
                name=name,
                reason=reason,
                cases=tuple(entry.get("cases") or ()),
                resources=tuple(entry.get("resources") or ()),
            )
        )
    return skips


# --- checkov -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    check: str
    name: str
    passed: bool
    case: str  # the file the result came from, without .yaml
    resource: str  # "Kind/name" of the document (the Job or Deployment for a pod template)
    field: str  # the first evaluated key, as a readable field path ("" if checkov names none)


@dataclass
class CheckovRun:
    version: str
    results: list[CheckResult]
    files: list[str]
    key: str
    cached: bool = False
    skips: list[Skip] = field(default_factory=list)

    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]

    def skip_for(self, result: CheckResult) -> Skip | None:
        return next((s for s in self.skips if s.matches(result.check, result.case, result.resource)), None)

    def unskipped_failures(self, cases: Iterable[str] | None = None) -> list[Finding]:
        wanted = set(cases) if cases is not None else None
        return [
            Finding(r.case, r.resource, r.field, r.check, f"failed: {r.name}")
            for r in self.failed()
            if (wanted is None or r.case in wanted) and self.skip_for(r) is None
        ]

    def unused_skips(self, cases: Iterable[str]) -> list[Skip]:
        wanted = set(cases)
        used = {self.skip_for(r) for r in self.failed() if r.case in wanted}
        return [s for s in self.skips if s not in used]

    def counts(self, cases: Iterable[str]) -> dict[str, int]:
        wanted = set(cases)
        mine = [r for r in self.results if r.case in wanted]
        skipped = sum(1 for r in mine if not r.passed and self.skip_for(r) is not None)
        failed = sum(1 for r in mine if not r.passed) - skipped
        return {"passed": sum(1 for r in mine if r.passed), "failed": failed, "skipped": skipped}


def checkov_version() -> str:
    """The installed checkov's version, from its package metadata (running it costs seconds)."""
    binary = require_tool("checkov")
    venv = binary.resolve().parent.parent
    for metadata in sorted(venv.glob("lib/python*/site-packages/checkov-*.dist-info/METADATA")):
        for line in metadata.read_text(encoding="utf-8").splitlines():
            if line.startswith("Version: "):
                return line.split(": ", 1)[1].strip()
    proc = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=False, env=_env())
    if proc.returncode != 0:
        raise AssertionError(f".tools/bin/checkov --version failed: {proc.stderr.strip()}: run `make tools`")
    return proc.stdout.strip()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Offline: no Prisma Cloud guideline download (it would try, fail, and log a stack trace).
    env.update(BC_SKIP_MAPPING="TRUE", CHECKOV_NO_OUTPUT_COLOR="1", LOG_LEVEL="WARNING")
    return env


def write_manifests(directory: Path, releases: Mapping[str, Sequence[Doc]]) -> dict[str, list[tuple[int, int, Doc]]]:
    """One file per release (<case>.yaml); returns each file's (first line, last line, doc)."""
    directory.mkdir(parents=True, exist_ok=True)
    layout: dict[str, list[tuple[int, int, Doc]]] = {}
    for case, docs in releases.items():
        chunks, spans, line = [], [], 1
        for doc in docs:
            text = "---\n" + yaml.safe_dump(dict(doc), sort_keys=False, default_flow_style=False)
            count = text.count("\n")
            spans.append((line, line + count - 1, doc))
            chunks.append(text)
            line += count
        (directory / f"{case}.yaml").write_text("".join(chunks), encoding="utf-8")
        layout[case] = spans
    return layout


def _evaluated_path(key: str) -> list[Any]:
    parts: list[Any] = []
    for part in key.strip("/").split("/"):
        m = re.fullmatch(r"\[(\d+)\]", part)
        parts.append(int(m.group(1)) if m else part)
    return parts


def run_checkov(directory: Path, releases: Mapping[str, Sequence[Doc]], skips: list[Skip]) -> CheckovRun:
    """One checkov run over one file per release; cached by content and checkov version."""
    layout = write_manifests(directory, releases)
    version = checkov_version()
    digest = hashlib.sha256(f"{CHECKOV_CACHE_FORMAT}\0{version}\0{CHECKOV_ARGS}\n".encode())
    for case in sorted(layout):
        digest.update(f"{case}\0".encode() + (directory / f"{case}.yaml").read_bytes())
    key = digest.hexdigest()
    cache = CHECKOV_CACHE / f"{key}.json"
    cached = True
    with file_lock(cache_dir() / "locks" / "checkov.lock"):
        try:
            raw = json.loads(cache.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            raw, cached = _checkov_json(directory), False
            atomic_write_text(cache, json.dumps(raw))
    results = []
    for bucket, passed in (("passed_checks", True), ("failed_checks", False)):
        for r in raw["results"].get(bucket, []):
            case = Path(r["file_path"]).stem
            first_line = r["file_line_range"][0]
            doc = next((d for start, end, d in layout[case] if start <= first_line <= end), None)
            if doc is None:
                raise AssertionError(f"checkov reported {r['check_id']} at {case}.yaml:{first_line}, outside every document")
            # Graph checks (CKV2_*) evaluate pseudo-keys such as "resource_type": keep real paths only.
            keys = [k for k in (r.get("check_result") or {}).get("evaluated_keys") or [] if k.split("/")[0] in doc]
            results.append(
                CheckResult(
                    check=r["check_id"],
                    name=r["check_name"],
                    passed=passed,
                    case=case,
                    resource=resource_id(doc),
                    field=field_path(doc, _evaluated_path(keys[0])) if keys else "",
                )
            )
    return CheckovRun(version=version, results=results, files=sorted(layout), key=key, cached=cached, skips=skips)


def _checkov_json(directory: Path) -> dict:
    command = [str(require_tool("checkov")), "--directory", str(directory), *CHECKOV_ARGS]
    proc = subprocess.run(command, capture_output=True, text=True, check=False, env=_env(), timeout=300)
    try:
        data = json.loads(proc.stdout)
    except ValueError as err:
        raise AssertionError(
            f"checkov printed no JSON (exit {proc.returncode}): {' '.join(command)}\n{proc.stderr[-2000:]}"
        ) from err
    if isinstance(data, list):  # several frameworks: one report each
        data = next(d for d in data if d.get("check_type") == "kubernetes")
    summary = data.get("summary") or {}
    if summary.get("parsing_errors"):
        raise AssertionError(f"checkov could not parse {summary['parsing_errors']} file(s): {data['results'].get('parsing_errors')}")
    if "results" not in data:
        raise AssertionError(f"checkov found nothing to scan in {directory}: {json.dumps(data)[:500]}")
    return data

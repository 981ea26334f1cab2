"""The render cache: every distinct render runs Helm once, ever, until an input changes.

The cache key is a SHA-256 over everything a render depends on:
  * the content of every file of the chart directory, and the sources of every
    `file://` dependency (recursively) -- standard-app's charts/common-lib-*.tgz
    is verified against charts/common-lib and rebuilt when stale, so hashing the
    sources is exact;
  * the content of each values file (in order), and every flag (--set,
    --api-versions, --is-upgrade, release, namespace, --kube-version);
  * the content hash of the Helm binary, and the cache format version.
Paths are not part of the key: a byte-identical copy of the chart in tmp_path
shares renders with the original, and no key can ever describe stale content.

Entries live in .cache/renders/<key>.json, written atomically. A per-key flock
makes concurrent pytest-xdist workers (and concurrent pytest runs) wait for the
one process that renders, so each render happens exactly once per run. Helm
failures with exit code 1 (template errors, schema violations) are cached too,
and raised again as HelmError with the original stderr.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import stats
from .cases import Case
from .deps import (
    chart_digest,
    dependencies_current,
    digest_scope,
    ensure_dependencies,
    file_sha256,
    hash_json,
)
from .files import atomic_write_text, file_lock
from .helm import (
    HelmError,
    HelmVersion,
    display_command,
    template_args,
)
from .settings import active
from .yamlio import load_manifest


def render_dir() -> Path:
    """Where render-cache entries are stored: <cache>/renders."""
    return active().cache_dir / "renders"

# Bump when the entry layout or the way a render is produced changes.
CACHE_FORMAT = 1


@dataclass(frozen=True)
class RenderResult:
    """The output of one `helm template`.

    docs      the non-empty documents, in Helm's output order (fresh copies per call)
    manifest  Helm's stdout, unchanged
    sources   for each document, the template it came from ("# Source:" line)
    helm      name of the Helm version that rendered it ("helm4", "helm3")
    command   the command, as run from the repository root
    key       the render-cache key
    cached    True if served from the cache (memory or .cache/renders)
    """

    docs: list[dict]
    manifest: str
    sources: list[str]
    helm: str
    command: list[str]
    key: str
    cached: bool

    def of_kind(self, kind: str) -> list[dict]:
        """Every document of a kind, e.g. result.of_kind("Deployment")."""
        return [doc for doc in self.docs if doc.get("kind") == kind]

    def one(self, kind: str, name: str | None = None) -> dict:
        """The single document of `kind` (and `name`); AssertionError if not exactly one."""
        found = [
            doc
            for doc in self.of_kind(kind)
            if name is None or doc.get("metadata", {}).get("name") == name
        ]
        if len(found) != 1:
            present = sorted(
                f"{d.get('kind')}/{d.get('metadata', {}).get('name')}" for d in self.docs
            )
            wanted = f"{kind}/{name}" if name else kind
            raise AssertionError(
                f"expected exactly one {wanted}, found {len(found)}; rendered: {', '.join(present)}"
            )
        return found[0]


# key -> (manifest, docs as JSON, sources): parsed once per process, copied per call.
_MEMORY: dict[str, tuple[str, str, list[str]]] = {}


def render_chart(
    chart_dir: str | os.PathLike[str],
    helm: HelmVersion,
    values_files: Iterable[str | os.PathLike[str]] = (),
    set_values: Iterable[str] = (),
    release: str | None = None,
    namespace: str | None = None,
    kube_version: str | None = None,
    api_versions: Iterable[str] = (),
    is_upgrade: bool = False,
    fresh: bool = False,
) -> RenderResult:
    """`helm template`, cached. Raises HelmError (with .stderr) when Helm fails.

    release, namespace and kube_version default to the chart_* settings. `fresh` runs
    Helm even when the cache holds the render (and stores the new one): to tell whether
    two renders of the same input agree."""
    helm.ensure()
    chart = Path(chart_dir).resolve()
    if not (chart / "Chart.yaml").is_file():
        raise FileNotFoundError(f"{chart} is not a chart: it has no Chart.yaml")
    settings = active()
    release = release or settings.release_for(chart)
    namespace = namespace or settings.namespace
    kube_version = kube_version or settings.kube_version
    values = [Path(v).resolve() for v in values_files]
    set_values, api_versions = list(set_values), list(api_versions)
    args = template_args(
        chart,
        values_files=values,
        set_values=set_values,
        release=release,
        namespace=namespace,
        kube_version=kube_version,
        api_versions=api_versions,
        is_upgrade=is_upgrade,
    )
    with digest_scope():  # the chart's digest is computed once for this call
        ensure_dependencies(chart, helm)
        key = hash_json(
            {
                "format": CACHE_FORMAT,
                "helm": helm.sha256(),
                "chart": chart_digest(chart),
                "values": [file_sha256(v) for v in values],
                "set": set_values,
                "api_versions": api_versions,
                "release": release,
                "namespace": namespace,
                "kube_version": kube_version,
                "is_upgrade": is_upgrade,
            }
        )
    command = display_command(helm, args)

    if key in _MEMORY and not fresh:
        stats.record_cache("memory")
        return _result(key, helm, command, cached=True)

    entry_path = render_dir() / f"{key}.json"
    rendered = False
    entry = None if fresh else _read_entry(entry_path)
    if entry is None:
        with file_lock(active().cache_dir / "locks" / f"render-{key}.lock"):
            entry = None if fresh else _read_entry(entry_path)  # another process may have just rendered it
            if entry is None:
                entry, rendered = _render(helm, args), True
                if entry["ok"] or entry["returncode"] == 1:  # never cache a crash or a signal
                    atomic_write_text(entry_path, json.dumps(entry))
    stats.record_cache("rendered" if rendered else "disk")
    if not entry["ok"]:
        raise HelmError(
            helm=helm.label, command=command, returncode=entry["returncode"], stderr=entry["stderr"]
        )
    _MEMORY[key] = (entry["manifest"], json.dumps(entry["docs"]), entry["sources"])
    return _result(key, helm, command, cached=not rendered)


def render_case(case: Case, helm: HelmVersion, **kwargs: Any) -> RenderResult:
    """Render one matrix case (its chart with its ci/<case>-values.yaml)."""
    return render_chart(case.chart_dir, helm, values_files=[case.values_file], **kwargs)


def _render(helm: HelmVersion, args: list[str]) -> dict:
    try:
        manifest = helm.run(args).stdout
    except HelmError as err:
        return {"ok": False, "returncode": err.returncode, "stderr": err.stderr}
    docs, sources = load_manifest(manifest)
    return {
        "ok": True,
        "format": CACHE_FORMAT,
        "manifest": manifest,
        "docs": docs,
        "sources": sources,
    }


# The fields an entry has, by outcome: one without them (cut short, or written by hand or
# by another tool) is a miss, rendered again and overwritten.
_ENTRY_FIELDS = {True: {"manifest": str, "docs": list, "sources": list}, False: {"returncode": int, "stderr": str}}


def _read_entry(path: Path) -> dict | None:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError:
        return None  # unreadable entry: render again and overwrite it
    if not isinstance(entry, dict) or not isinstance(entry.get("ok"), bool):
        return None
    if not all(isinstance(entry.get(name), kind) for name, kind in _ENTRY_FIELDS[entry["ok"]].items()):
        return None
    return entry


def _result(key: str, helm: HelmVersion, command: list[str], *, cached: bool) -> RenderResult:
    manifest, docs_json, sources = _MEMORY[key]
    return RenderResult(
        docs=json.loads(docs_json),
        manifest=manifest,
        sources=list(sources),
        helm=helm.name,
        command=command,
        key=key,
        cached=cached,
    )


__all__ = [
    "RenderResult",
    "render_case",
    "render_chart",
    # from deps.py, re-exported because tests import them from here:
    "chart_digest",
    "dependencies_current",
    "ensure_dependencies",
]

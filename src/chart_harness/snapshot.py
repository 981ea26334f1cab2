"""One readable YAML snapshot per matrix case: <chart_snapshot_dir>/<case>.yaml.

The file is canonical, so equal renders always give byte-identical files:
  * documents sorted by kind (Helm's install order, unknown kinds after it,
    alphabetically), then namespace and name -- not by template file order --
    with Helm hooks (migration Job, test Pod) after all regular objects, as Helm
    itself keeps them apart from the release manifest;
  * keys sorted, block style, multi-line strings as literal blocks;
  * each document preceded by Helm's own `# Source:` line, so a reviewer sees
    which template produced it;
  * nothing that changes between runs or machines (no timestamps, no paths,
    no Helm version).

syrupy drives the workflow (compare, or write under --snapshot-update); this
extension decides where the file lives, what it looks like and how a mismatch
is explained (src/chart_harness/explain.py). syrupy's own unused-snapshot detection
assumes one snapshot directory per test module and file names derived from test
names; neither holds here, so discovery is switched off for this extension and
tests/test_snapshots.py checks the snapshot files against the matrix instead
(that check is a plain test, so it works the same under pytest-xdist).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from syrupy.data import SnapshotCollections
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from .cases import Case
from .explain import explain
from .files import atomic_write_text
from .errors import HarnessError
from .helm import helm_matrix
from .settings import active, chart_name
from .yamlio import dump, load_documents

if TYPE_CHECKING:
    from syrupy.assertion import SnapshotAssertion
    from syrupy.location import PyTestLocation
    from syrupy.types import SnapshotIndex

UPDATE_ENV = "HARNESS_SNAPSHOT_UPDATE"  # set only by the chart_snapshot_update command


class SnapshotMismatch(HarnessError, AssertionError):
    """A case renders differently from its snapshot (or has none); the message explains it."""

# Helm's install order (pkg/release/util/kind_sorter.go); kinds not listed sort after it.
KIND_ORDER = (
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
)
_KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_ORDER)}


@dataclass(frozen=True)
class CaseManifests:
    """What a snapshot records: the documents of one case (and their templates)."""

    case: Case
    docs: list[dict]
    sources: list[str] = field(default_factory=list)


def document_sort_key(doc: dict) -> tuple:
    """Install order: regular objects first, then hooks (helm.sh/hook: Jobs, test Pods)."""
    kind = str(doc.get("kind") or "")
    meta = doc.get("metadata") or {}
    is_hook = "helm.sh/hook" in (meta.get("annotations") or {})
    return (
        is_hook,
        _KIND_RANK.get(kind, len(KIND_ORDER)),
        kind,
        str(meta.get("namespace") or ""),
        str(meta.get("name") or ""),
        dump(doc),  # total order even for duplicates
    )


def sort_documents(docs: Sequence[dict], sources: Sequence[str] = ()) -> list[tuple[dict, str]]:
    """(document, source) pairs in snapshot order."""
    padded = list(sources) + [""] * (len(docs) - len(sources))
    return sorted(zip(docs, padded, strict=True), key=lambda pair: document_sort_key(pair[0]))


def chart_label(chart_dir: Path) -> str:
    """How messages name a chart: its path from the rootdir, or, when it is the rootdir, its
    Chart.yaml name (not the directory's, which differs between checkouts)."""
    shown = active().shown(chart_dir)
    return chart_name(chart_dir) if shown == "." else shown


def header(case: Case | None) -> str:
    settings = active()
    if case is None:
        return f"# Rendered documents. Regenerate with `{settings.snapshot_update}`; never edit by hand.\n"
    chart = chart_label(case.chart_dir)
    values = Path(case.values_file).resolve().relative_to(Path(case.chart_dir).resolve())
    names = [helm.name for helm in helm_matrix()]
    if len(names) == 1:
        renderers = f"# {names[0]} renders exactly these documents."
    else:
        renderers = f"# {', '.join(names[:-1])} and {names[-1]} must {'both' if len(names) == 2 else 'all'} render exactly these documents."
    return (
        f"# Matrix case {case.name!r}: {chart} rendered with {values.as_posix()}\n"
        f"# (release {settings.release_for(case.chart_dir)!r}, namespace {settings.namespace!r}, "
        f"--kube-version {settings.kube_version}).\n"
        f"{renderers}\n"
        f"# Never edit by hand: run `{settings.snapshot_update}` and review the diff.\n"
    )


def serialize_manifests(manifests: CaseManifests | Sequence[dict]) -> str:
    """The canonical snapshot text of a case (or of a bare list of documents)."""
    if isinstance(manifests, CaseManifests):
        case, docs, sources = manifests.case, manifests.docs, manifests.sources
    else:
        case, docs, sources = None, list(manifests), []
    parts = [header(case)]
    for doc, source in sort_documents(docs, sources):
        parts.append("---\n")
        if source:
            parts.append(f"# Source: {source}\n")
        parts.append(dump(doc))
    return "".join(parts)


def explain_snapshot(snapshot_text: str, rendered_text: str, snapshot_name: str) -> list[str]:
    """Why a rendered case does not match its snapshot (snapshot -> rendered)."""
    return explain(
        load_documents(snapshot_text),
        load_documents(rendered_text),
        before_text=snapshot_text,
        after_text=rendered_text,
        before_name=snapshot_name,
        after_name="rendered now",
    )


def _case_of(test_location: PyTestLocation) -> Case:
    callspec = getattr(test_location.item, "callspec", None)
    case = callspec.params.get("case") if callspec else None
    if not isinstance(case, Case):
        raise TypeError(
            f"{test_location.nodeid}: ManifestSnapshotExtension needs a test parametrized "
            "with the `case` fixture (one snapshot file per matrix case)"
        )
    return case


class ManifestSnapshotExtension(SingleFileSnapshotExtension):
    """syrupy extension: <chart_snapshot_dir>/<case>.yaml holding the case's documents."""

    file_extension = "yaml"
    _write_mode = WriteMode.TEXT

    def serialize(self, data: Any, **kwargs: Any) -> str:
        if isinstance(data, CaseManifests) or (
            isinstance(data, list) and all(isinstance(d, dict) for d in data)
        ):
            return serialize_manifests(data)
        raise TypeError(
            f"snapshot a CaseManifests or a list of documents, not {type(data).__name__}"
        )

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(active().snapshot_dir)

    @classmethod
    def discovery_dirname(cls, *, test_location: PyTestLocation) -> str:
        return cls.dirname(test_location=test_location)

    @classmethod
    def get_file_basename(cls, *, test_location: PyTestLocation, index: SnapshotIndex) -> str:
        return _case_of(test_location).name

    @classmethod
    def matches_test_location(
        cls, *, test_location: PyTestLocation, snapshot_location: str
    ) -> bool:
        return True  # the location is derived from the case, not from the test name

    def discover_snapshots(self, **kwargs: Any) -> SnapshotCollections:
        # Unused files are found by tests/test_snapshots.py (see module docstring).
        return SnapshotCollections()

    @classmethod
    def write_snapshot_collection(cls, *, snapshot_collection: Any, **kwargs: Any) -> None:
        data = next(iter(snapshot_collection)).data
        atomic_write_text(Path(snapshot_collection.location), data)

    def diff_lines(self, serialized_data: Any, snapshot_data: Any) -> Any:
        """Used by syrupy for a plain `assert snapshot == ...` failure."""
        yield from explain_snapshot(str(snapshot_data), str(serialized_data), "snapshot")


def assert_matches_snapshot(snapshot: SnapshotAssertion, manifests: CaseManifests) -> None:
    """Compare (or, under `make snapshots`, write) a case's snapshot.

    A mismatch raises SnapshotMismatch with the per-resource, per-field explanation
    and a unified diff; the plugin prints it whole, without a traceback.
    """
    if snapshot == manifests:
        return
    result = snapshot.executions[snapshot.num_executions - 1]
    if result.exception is not None:
        raise result.exception
    location = _relative(result.snapshot_location)
    if result.recalled_data is None:
        raise SnapshotMismatch(
            f"missing snapshot {location} for matrix case {manifests.case.name!r}: "
            f"run `{active().snapshot_update}`, review the new file and commit it"
        )
    try:
        lines = explain_snapshot(str(result.recalled_data), str(result.asserted_data), location)
    except yaml.YAMLError as err:  # edited by hand, or left with merge-conflict markers
        raise SnapshotMismatch(
            f"{location} is not valid YAML ({' '.join(str(err).split())}): it was edited by hand or holds "
            f"merge-conflict markers; run `{active().snapshot_update}` to write it again, review it and commit it"
        ) from None
    raise SnapshotMismatch(
        "\n".join(
            [
                f"{location} does not match what {chart_label(manifests.case.chart_dir)} renders "
                f"for case {manifests.case.name!r} (snapshot -> rendered now):",
                *lines,
                "",
                f"If the change is intended, run `{active().snapshot_update}` and commit the updated snapshot.",
            ]
        )
    )


def compatibility_report(
    case_name: str,
    primary: Sequence[dict],
    compat: Sequence[dict],
    *,
    primary_label: str,
    compat_label: str,
) -> str | None:
    """None if both Helm versions rendered the same documents, else the explanation.

    Document order does not matter (the snapshot sorts anyway); every field does.
    """
    expected = [doc for doc, _ in sort_documents(primary)]
    actual = [doc for doc, _ in sort_documents(compat)]
    if expected == actual:
        return None
    report = explain(
        expected,
        actual,
        before_text=serialize_manifests(expected),
        after_text=serialize_manifests(actual),
        before_name=primary_label,
        after_name=compat_label,
    )
    return "\n".join(
        [
            f"Helm compatibility failure in case {case_name!r}: {compat_label} renders "
            f"different documents than {primary_label}, whose output the snapshot records "
            f"({primary_label} -> {compat_label}):",
            *report,
        ]
    )


def _relative(location: str) -> str:
    return active().shown(location)


def update_refusal(
    *, updating: bool, env: dict[str, str] | os._Environ[str], parallel: bool
) -> str | None:
    """Why a snapshot update must not run here, or None if it may.

    Snapshots are reviewed artefacts: they are rewritten only by a person running the
    chart_snapshot_update command, serially, never by CI and never by a bare pytest flag.
    """
    if not updating:
        return None
    command = active().snapshot_update
    ci = env.get("CI", "")
    if ci and ci.lower() not in ("0", "false", "no"):
        return (
            f"snapshot updates are refused under CI={ci}: CI checks snapshots, "
            f"a person updates them with `{command}` and commits the result"
        )
    if env.get(UPDATE_ENV) != "1":
        return (
            f"update snapshots with `{command}`, not with a bare `pytest --snapshot-update`"
        )
    if parallel:
        return "snapshot updates run serially: drop -n/--numprocesses (pytest-xdist)"
    return None

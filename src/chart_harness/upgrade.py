"""Upgrade safety: the previous released chart next to the current one.

`helm upgrade` patches every object of the release in place. Kubernetes refuses a
patch to an immutable field ("field is immutable"), and Helm deletes every object
that is no longer rendered under the same (group, kind, namespace, name) and
creates the new one. Both are invisible in a diff review and hurt live releases,
so this module compares what the previous release renders with what the current
chart renders, for the same values, and names every such change.

Pieces (each usable on its own):
    chart_version()              the chart's semantic version, read from Chart.yaml
    previous_release()           where the previous release comes from: the registry
                                 (env REGISTRY), else the newest git tag
                                 standard-app-<version>, else the committed baseline
                                 tests/baselines/standard-app-<version>.tgz
    compare_releases()           old docs vs new docs -> [Finding]
    check_upgrade()              every matrix case, both versions rendered -> UpgradeReport
    UpgradeReport.problems()     breaking findings are allowed only after a major bump
    package_baseline()           `helm package` the chart into tests/baselines/ (after a release)

Rendering goes through the shared render cache (chart_harness.render.render_chart).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .cases import Case, discover_cases
from .files import file_lock
from .helm import HelmError, HelmVersion
from .render import ensure_dependencies, render_chart
from .semver import SemVer
from .settings import active
from .yamlio import KubeLoader

CHART_NAME = "standard-app"
TAG_PREFIX = f"{CHART_NAME}-"


def baselines_dir() -> Path:
    """The committed previous-release packages (the chart_baselines option)."""
    configured = active().baselines
    if configured is None:
        raise PreviousReleaseError("the chart_baselines option names no directory of previous-release packages")
    return configured


def upgrade_cache() -> Path:
    """Unpacked previous releases: <cache>/upgrade."""
    return active().cache_dir / "upgrade"


def chart_metadata(chart: Path) -> dict:
    """Chart.yaml of a chart directory or a packaged chart (.tgz)."""
    chart = Path(chart)
    if chart.is_dir():
        return yaml.load((chart / "Chart.yaml").read_text(encoding="utf-8"), Loader=KubeLoader) or {}
    with tarfile.open(chart, "r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.count("/") == 1 and member.name.endswith("/Chart.yaml"):
                data = tar.extractfile(member)
                assert data is not None
                return yaml.load(data.read(), Loader=KubeLoader) or {}
    raise FileNotFoundError(f"{chart}: a packaged chart must contain <name>/Chart.yaml")


def chart_version(chart: Path) -> SemVer:
    meta = chart_metadata(chart)
    try:
        return SemVer.parse(str(meta.get("version", "")))
    except ValueError as err:
        raise ValueError(f"{chart}/Chart.yaml version: {err}") from None


# ---------------------------------------------------------------------------
# Where the previous release comes from


class PreviousReleaseError(RuntimeError):
    """The previous release could not be found or fetched; the message says why and what to do."""


@dataclass(frozen=True)
class PreviousRelease:
    """The previous released standard-app, materialised as a chart directory.

    chart    charts/standard-app-like directory (its common-lib beside it, as in the repo)
    version  its Chart.yaml version
    source   a human description: "registry oci://...", "git tag ...", "baseline ..."
    """

    chart: Path
    version: SemVer
    source: str


def _materialise_package(package: Path, name: str = CHART_NAME) -> Path:
    """Unpack a packaged chart into .cache/upgrade/<sha256>/ with the repo's layout.

    A package holds its file:// dependencies unpacked under <name>/charts/<dep>/.
    They are moved beside the chart (../<dep>) where Chart.yaml's file://../<dep>
    points, so the render cache builds the dependency exactly as it does for the
    working tree. Content-addressed: the same package is unpacked once, ever.
    """
    digest = hashlib.sha256(package.read_bytes()).hexdigest()[:24]
    cache = upgrade_cache()
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"package-{digest}"
    chart = target / name
    if (chart / "Chart.yaml").is_file():
        return chart
    with file_lock(cache / f"package-{digest}.lock"):
        if (chart / "Chart.yaml").is_file():
            return chart
        staging = Path(tempfile.mkdtemp(prefix=f".package-{digest}.", dir=cache))
        try:
            with tarfile.open(package, "r:gz") as tar:
                tar.extractall(staging, filter="data")
            unpacked = staging / name
            if not (unpacked / "Chart.yaml").is_file():
                raise PreviousReleaseError(f"{package}: not a packaged {name} chart (no {name}/Chart.yaml)")
            for dep in _declared_file_dependencies(unpacked):
                embedded = unpacked / "charts" / dep
                if not (embedded / "Chart.yaml").is_file():
                    raise PreviousReleaseError(
                        f"{package}: dependency {dep} is declared with file:// but not packaged "
                        f"under {name}/charts/{dep}/"
                    )
                shutil.move(str(embedded), str(staging / dep))
            charts = unpacked / "charts"
            if charts.is_dir() and not any(charts.iterdir()):
                charts.rmdir()
            if target.exists():
                shutil.rmtree(target)
            os.replace(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return chart


def _declared_file_dependencies(chart: Path) -> list[str]:
    deps = chart_metadata(chart).get("dependencies") or []
    names = []
    for dep in deps:
        repository = str(dep.get("repository") or "")
        if repository.startswith("file://"):
            names.append(Path(repository[len("file://") :]).name)
    return names


def _pull_env(helm: HelmVersion, workdir: Path) -> dict[str, str]:
    env = helm.env()
    env["HELM_REGISTRY_CONFIG"] = str(workdir / "registry-config.json")  # private: logins stay here
    return env


def from_registry(registry: str, current: SemVer, helm: HelmVersion, workdir: Path) -> PreviousRelease | None:
    """The newest version <= current in REGISTRY (oci://host[:port]/path); None if none is published.

    Helm resolves the constraint against the repository's tags itself. The same switches
    as `make publish`: REGISTRY_PLAIN_HTTP=true for a registry without TLS,
    REGISTRY_CA_FILE for a private CA, REGISTRY_USERNAME/REGISTRY_PASSWORD for a
    registry that needs a login (kept in a private registry config under workdir).
    A registry that cannot be reached is an error, never a silent fallback.
    """
    if not registry.startswith("oci://"):
        raise PreviousReleaseError(f"REGISTRY={registry!r}: expected oci://host[:port]/path")
    ref = f"{registry.rstrip('/')}/{CHART_NAME}"
    host = registry[len("oci://") :].split("/", 1)[0]
    tls: list[str] = []
    if os.environ.get("REGISTRY_PLAIN_HTTP", "").strip().lower() in ("1", "true", "yes", "on"):
        tls.append("--plain-http")
    if os.environ.get("REGISTRY_CA_FILE"):
        tls += ["--ca-file", os.environ["REGISTRY_CA_FILE"]]
    workdir.mkdir(parents=True, exist_ok=True)
    env = _pull_env(helm, workdir)
    username, password = os.environ.get("REGISTRY_USERNAME", ""), os.environ.get("REGISTRY_PASSWORD", "")
    if username:
        login = subprocess.run(
            [str(helm.binary), "registry", "login", host, "--username", username, "--password-stdin", *tls],
            input=password, capture_output=True, text=True, env=env, check=False,
        )
        if login.returncode != 0:
            raise PreviousReleaseError(f"REGISTRY={registry}: login as {username!r} failed: {login.stderr.strip()}")
    # Masterminds constraints leave pre-releases out unless the constraint names one.
    base = f"{current.major}.{current.minor}.{current.patch}"
    constraint = f"<={current}" if not current.prerelease else f"<={base}-0"
    pulled = subprocess.run(
        [str(helm.binary), "pull", ref, "--version", constraint, "--destination", str(workdir), *tls],
        capture_output=True, text=True, env=env, check=False,
    )
    if pulled.returncode != 0:
        text = pulled.stderr.lower()
        unpublished = ("could not locate a version", "name unknown", "repository name not known", ": not found")
        if any(marker in text for marker in unpublished):
            return None
        raise PreviousReleaseError(
            f"REGISTRY={registry} is configured but `helm pull {ref} --version '{constraint}'` failed:\n"
            f"{pulled.stderr.strip()}\nFix the registry (or REGISTRY_PLAIN_HTTP / REGISTRY_CA_FILE / "
            "REGISTRY_USERNAME), or unset REGISTRY to compare with the last git tag or the committed baseline."
        )
    packages = sorted(workdir.glob(f"{CHART_NAME}-*.tgz"))
    if len(packages) != 1:
        raise PreviousReleaseError(f"helm pull {ref} left {len(packages)} packages in {workdir}")
    version = chart_version(packages[0])
    return PreviousRelease(_materialise_package(packages[0]), version, f"registry {ref}:{version}")


def released_tags(repo: Path) -> dict[SemVer, str]:
    """git tags standard-app-<semver> of the repository: {version: tag}."""
    proc = subprocess.run(
        ["git", "-C", str(repo), "tag", "--list", f"{TAG_PREFIX}*"],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {}  # not a git checkout (e.g. an unpacked source archive)
    tags = {}
    for tag in proc.stdout.split():
        try:
            tags[SemVer.parse(tag[len(TAG_PREFIX) :])] = tag
        except ValueError:
            continue  # e.g. standard-app-docs: not a release tag
    return tags


def newest_at_most(versions: Iterable[SemVer], current: SemVer) -> SemVer | None:
    """The newest of `versions` that is not newer than `current`, if any."""
    candidates = [v for v in versions if v <= current]
    return max(candidates) if candidates else None


def from_git_tag(repo: Path, current: SemVer, workdir: Path | None = None) -> PreviousRelease | None:
    """The newest tag standard-app-<version> with version <= current, via `git archive`.

    The tagged charts/ tree is unpacked into workdir/git-<commit>/ once (cached by commit).
    """
    workdir = workdir or upgrade_cache()
    tags = released_tags(repo)
    version = newest_at_most(tags, current)
    if version is None:
        return None
    tag = tags[version]
    commit = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", f"{tag}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    target = workdir / f"git-{commit}"
    chart = target / "charts" / CHART_NAME
    if not (chart / "Chart.yaml").is_file():
        workdir.mkdir(parents=True, exist_ok=True)
        with file_lock(workdir / f"git-{commit}.lock"):
            if not (chart / "Chart.yaml").is_file():
                staging = Path(tempfile.mkdtemp(prefix=f".git-{commit}.", dir=workdir))
                try:
                    archive = subprocess.run(
                        ["git", "-C", str(repo), "archive", "--format=tar", commit, "charts"],
                        capture_output=True,
                        check=True,
                    ).stdout
                    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:") as tar:
                        tar.extractall(staging, filter="data")
                    if not (staging / "charts" / CHART_NAME / "Chart.yaml").is_file():
                        raise PreviousReleaseError(f"git tag {tag} has no charts/{CHART_NAME}/Chart.yaml")
                    if target.exists():
                        shutil.rmtree(target)
                    os.replace(staging, target)
                finally:
                    shutil.rmtree(staging, ignore_errors=True)
    found = chart_version(chart)
    if found != version:
        raise PreviousReleaseError(
            f"git tag {tag} points at a commit whose charts/{CHART_NAME}/Chart.yaml says version "
            f"{found}; a release tag must match the chart version it released"
        )
    return PreviousRelease(chart, version, f"git tag {tag} ({commit[:12]})")


def baseline_packages(baselines: Path | None = None) -> dict[SemVer, Path]:
    baselines = baselines or baselines_dir()
    found = {}
    for package in baselines.glob(f"{CHART_NAME}-*.tgz"):
        version = chart_version(package)
        expected = f"{CHART_NAME}-{version}.tgz"
        if package.name != expected:
            raise PreviousReleaseError(f"{package}: holds version {version}, so it must be named {expected}")
        found[version] = package
    return found


def from_baseline(current: SemVer, baselines: Path | None = None) -> PreviousRelease | None:
    """The newest committed baseline package with version <= current."""
    packages = baseline_packages(baselines)
    version = newest_at_most(packages, current)
    if version is None:
        return None
    package = packages[version]
    return PreviousRelease(_materialise_package(package), version, f"baseline {active().shown(package)}")


def previous_release(
    current_chart: Path,
    helm: HelmVersion,
    *,
    registry: str | None = None,
    repo: Path | None = None,
    baselines: Path | None = None,
    workdir: Path | None = None,
) -> PreviousRelease:
    """The release to compare with: registry, else git tag, else committed baseline.

    "Previous" is the newest released version <= the current Chart.yaml version: while
    the chart still carries a released version number, any change is measured against
    that very release (and a breaking one then needs a version bump).
    """
    current = chart_version(current_chart)
    workdir = workdir or upgrade_cache()
    tried = []
    if registry:
        workdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="pull-", dir=workdir) as pull_dir:
            pulled = from_registry(registry, current, helm, Path(pull_dir))
        if pulled:
            return pulled
        tried.append(f"registry {registry} (no {CHART_NAME} <= {current} published)")
    if repo is not None:
        tagged = from_git_tag(repo, current, workdir)
        if tagged:
            return tagged
        tried.append(f"git tags {TAG_PREFIX}* <= {current} in {repo} (none)")
    baseline = from_baseline(current, baselines)
    if baseline:
        return baseline
    tried.append(f"baselines {baselines}/{CHART_NAME}-<version>.tgz <= {current} (none)")
    newer = sorted(baseline_packages(baselines)) + sorted(released_tags(repo) if repo else {})
    hint = (
        f"; released versions {', '.join(map(str, sorted(set(newer))))} are all newer than "
        f"Chart.yaml's {current}: bump the chart version"
        if newer
        else "; after the first release, commit its package with scripts/check-upgrade.sh --refresh-baseline"
    )
    raise PreviousReleaseError("no previous release of standard-app found in: " + "; ".join(tried) + hint)


# ---------------------------------------------------------------------------
# Comparing two renders of one release

# (group, kind, namespace, name): how Helm matches the objects of two revisions
# (pkg/kube/resource.go isMatchingInfo: name, namespace and GroupKind; the API
# version may change without a delete).
Key = tuple[str, str, str, str]

RECREATE = "recreate"
DOWNTIME = "downtime"
MANUAL = "manual step"
NO_INTERRUPTION = "no interruption"

# Fields of a StatefulSet spec that the API server lets an update change; every
# other spec field is immutable (apps/validation ValidateStatefulSetUpdate).
STATEFULSET_MUTABLE = frozenset(
    {
        "replicas",
        "ordinals",
        "template",
        "updateStrategy",
        "persistentVolumeClaimRetentionPolicy",
        "minReadySeconds",
        "revisionHistoryLimit",
    }
)
PATCHABLE_SERVICE_TYPES = frozenset({"ClusterIP", "NodePort", "LoadBalancer"})


@dataclass(frozen=True)
class Finding:
    """One change a live release would feel.

    breaking   the upgrade fails or objects are deleted/recreated (needs a major bump);
               False for a notice (patchable, but worth knowing before rollout)
    impact     RECREATE, DOWNTIME, MANUAL or NO_INTERRUPTION: what it means for a live release
    """

    case: str
    resource: str  # "Deployment/orders"
    field: str  # "spec.selector"
    old: Any
    new: Any
    impact: str
    consequence: str
    breaking: bool = True
    details: tuple[str, ...] = ()

    def render(self) -> str:
        if self.details:  # the changed leaves say it best: "<path>: old -> new" each
            lines = [f"{self.case}: {self.resource} {self.field} changed:"]
        else:
            lines = [f"{self.case}: {self.resource} {self.field}: {_short(self.old)} -> {_short(self.new)}"]
        lines += [f"      {d}" for d in self.details]
        lines.append(f"      live release ({self.impact}): {self.consequence}")
        return "\n".join(lines)


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


ABSENT = _Absent()


def _compact(value: Any) -> str:
    """One-line YAML-ish rendering: {a: 1, b: [x, y]}."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_compact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_compact(v) for v in value) + "]"
    if isinstance(value, str) and value and not re.search(r"[\s:,{}\[\]'\"#]", value):
        return value
    return repr(value)


def _short(value: Any, limit: int = 160) -> str:
    text = "(absent)" if value is ABSENT else _compact(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def leaf_changes(old: Any, new: Any, path: str = "", limit: int = 8) -> list[str]:
    """'path: old -> new' for each differing leaf (maps recursively, lists by index)."""
    out: list[str] = []

    def walk(a: Any, b: Any, p: str) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b), key=str):
                walk(a.get(k, ABSENT), b.get(k, ABSENT), f"{p}.{k}" if p else str(k))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{p}[{i}]")
        elif a != b:
            out.append(f"{p or '(value)'}: {_short(a, 100)} -> {_short(b, 100)}")

    walk(old, new, path)
    if len(out) > limit:
        out = out[:limit] + [f"... and {len(out) - limit} more"]
    return out


def _group(doc: Mapping) -> str:
    api = str(doc.get("apiVersion", ""))
    return api.split("/", 1)[0] if "/" in api else ""


def object_key(doc: Mapping, namespace: str) -> Key:
    meta = doc.get("metadata") or {}
    return (_group(doc), str(doc.get("kind")), str(meta.get("namespace") or namespace), str(meta.get("name")))


def resource_name(key: Key) -> str:
    return f"{key[1]}/{key[3]}"


def hook_events(doc: Mapping) -> list[str]:
    annotations = (doc.get("metadata") or {}).get("annotations") or {}
    return [e.strip() for e in str(annotations.get("helm.sh/hook", "")).split(",") if e.strip()]


def hook_delete_policies(doc: Mapping) -> list[str]:
    """The delete policies Helm applies: before-hook-creation when none is set."""
    annotations = (doc.get("metadata") or {}).get("annotations") or {}
    policies = [p.strip() for p in str(annotations.get("helm.sh/hook-delete-policy", "")).split(",") if p.strip()]
    return policies or ["before-hook-creation"]


def _get(doc: Mapping, dotted: str) -> Any:
    current: Any = doc
    for part in dotted.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return ABSENT
        current = current[part]
    return current


def _immutable(case: str, key: Key, old: Mapping, new: Mapping, dotted: str, impact: str, consequence: str) -> list[Finding]:
    a, b = _get(old, dotted), _get(new, dotted)
    if a == b:
        return []
    return [
        Finding(
            case,
            resource_name(key),
            dotted,
            a,
            b,
            impact,
            consequence,
            details=tuple(leaf_changes(a, b, dotted)) if isinstance(a, dict) and isinstance(b, dict) else (),
        )
    ]


def _workload_selector_consequence(kind: str, name: str, namespace: str) -> str:
    return (
        f'the API server rejects the patch ("field is immutable"), so helm upgrade fails and the '
        f"release stays on the old revision. Manual step: kubectl -n {namespace} delete "
        f"{kind.lower()} {name} --cascade=orphan, then upgrade; the orphaned old pods keep running "
        f"(and serving while a Service still selects them): delete them once the new pods are "
        f"Ready. Without --cascade=orphan every pod goes at once (downtime)"
    )


def _service_type(spec: Mapping) -> str:
    return str(spec.get("type") or "ClusterIP")


def _compare_service(case: str, key: Key, old: Mapping, new: Mapping) -> list[Finding]:
    found: list[Finding] = []
    name, namespace = key[3], key[2]
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    old_type, new_type = _service_type(old_spec), _service_type(new_spec)
    recreate = (
        f"the API server rejects the patch, so helm upgrade fails. Manual step: kubectl -n {namespace} "
        f"delete service {name}, then upgrade: the Service gets a new ClusterIP and callers that "
        f"cached the old address (or the headless DNS records) fail until they re-resolve (downtime)"
    )
    for dotted in ("spec.clusterIP", "spec.clusterIPs"):
        a, b = _get(old, dotted), _get(new, dotted)
        if a != b:
            # Rendering no clusterIP keeps the allocated one; any explicit change,
            # "None" (headless) <-> allocated included, is immutable.
            found.append(Finding(case, resource_name(key), dotted, a, b, MANUAL, recreate))
    if old_type != new_type:
        if {old_type, new_type} <= PATCHABLE_SERVICE_TYPES:
            lost = {
                "LoadBalancer": "the cloud load balancer and its external address are released",
                "NodePort": "the node ports are released",
            }
            consequence = "patched in place"
            if old_type in lost and not (old_type == "NodePort" and new_type == "LoadBalancer"):
                consequence += f"; {lost[old_type]}, so clients outside the cluster lose access"
            elif new_type == "LoadBalancer":
                consequence += "; a cloud load balancer is provisioned (a new external address)"
            found.append(
                Finding(case, resource_name(key), "spec.type", old_type, new_type, DOWNTIME if old_type in lost and "lose access" in consequence else NO_INTERRUPTION, consequence, breaking=False)
            )
        else:
            found.append(
                Finding(
                    case,
                    resource_name(key),
                    "spec.type",
                    old_type,
                    new_type,
                    MANUAL,
                    f"a change to or from ExternalName needs clusterIP allocated or cleared, which "
                    f"Helm's patch does not do: the upgrade fails. {recreate.split('. ', 1)[1]}",
                )
            )
    return found


def _pvc_storage(doc: Mapping) -> Any:
    return _get(doc, "spec.resources.requests.storage")


_QUANTITY = re.compile(r"^([0-9.]+)([A-Za-z]*)$")
_SUFFIX = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
           "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60, "m": 1e-3}


def quantity(value: Any) -> float | None:
    match = _QUANTITY.match(str(value))
    if not match or match.group(2) not in _SUFFIX:
        return None
    return float(match.group(1)) * _SUFFIX[match.group(2)]


def _compare_object(case: str, key: Key, old: Mapping, new: Mapping) -> list[Finding]:
    group, kind, namespace, name = key
    found: list[Finding] = []
    if kind in ("Deployment", "DaemonSet", "ReplicaSet") and group == "apps":
        found += _immutable(case, key, old, new, "spec.selector", MANUAL, _workload_selector_consequence(kind, name, namespace))
    elif kind == "StatefulSet" and group == "apps":
        old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
        for field_name in sorted((set(old_spec) | set(new_spec)) - STATEFULSET_MUTABLE):
            found += _immutable(
                case,
                key,
                old,
                new,
                f"spec.{field_name}",
                MANUAL,
                _workload_selector_consequence(kind, name, namespace)
                + "; the PersistentVolumeClaims stay and are adopted by name",
            )
    elif kind == "Job" and group == "batch":
        consequence = (
            f"the API server rejects the patch (a Job's template and selector are immutable), so "
            f"helm upgrade fails. Manual step: kubectl -n {namespace} delete job {name} before the "
            f"upgrade (it runs again), or make it a hook with before-hook-creation"
        )
        for dotted in ("spec.selector", "spec.template", "spec.completions", "spec.completionMode"):
            found += _immutable(case, key, old, new, dotted, MANUAL, consequence)
    elif kind == "Service" and group == "":
        found += _compare_service(case, key, old, new)
    elif kind == "PersistentVolumeClaim" and group == "":
        consequence = (
            "the API server rejects the patch, so helm upgrade fails. Manual step: a new claim and a "
            "data migration; deleting the claim deletes the data unless the volume's reclaim policy is Retain"
        )
        for dotted in ("spec.storageClassName", "spec.accessModes", "spec.volumeMode", "spec.volumeName", "spec.selector", "spec.dataSource"):
            found += _immutable(case, key, old, new, dotted, MANUAL, consequence)
        a, b = _pvc_storage(old), _pvc_storage(new)
        if a is not ABSENT and b is not ABSENT and quantity(a) is not None and quantity(b) is not None and quantity(b) < quantity(a):
            found.append(
                Finding(case, resource_name(key), "spec.resources.requests.storage", a, b, MANUAL,
                        "a claim can only grow: the API server rejects the shrink and helm upgrade fails")
            )
    elif kind in ("ConfigMap", "Secret") and group == "" and old.get("immutable") is True:
        consequence = (
            f"an immutable {kind} cannot change: the upgrade fails. Manual step: delete it first "
            f"(pods that mount it keep the old content until restarted); better, put a content hash in its name"
        )
        for dotted in ("immutable", "data", "stringData", "binaryData"):
            found += _immutable(case, key, old, new, dotted, MANUAL, consequence)
    elif kind in ("RoleBinding", "ClusterRoleBinding") and group == "rbac.authorization.k8s.io":
        found += _immutable(
            case, key, old, new, "roleRef", MANUAL,
            f"roleRef is immutable: the upgrade fails. Manual step: kubectl delete {kind.lower()} {name} first "
            "(the subjects lose the permissions until the upgrade recreates it)",
        )
    return found


_DELETE_CONSEQUENCE = {
    "Deployment": "every old pod is terminated while the new Deployment starts its own: downtime",
    "StatefulSet": "every old pod is terminated; the new StatefulSet's claims have new names, so the data stays behind",
    "DaemonSet": "every node loses its pod until the new DaemonSet's pod starts: downtime",
    "Service": "the old DNS name stops resolving and the new Service gets a new ClusterIP: callers break (downtime)",
    "PersistentVolumeClaim": "the claim is deleted: its data is lost unless the volume's reclaim policy is Retain",
    "ServiceAccount": "pods still running as the old account lose its token; workload-identity bindings tied to the old name break",
    "ConfigMap": "pods that still reference it fail to start (e.g. on a restart) until the rollout completes",
    "Secret": "pods that still reference it fail to start (e.g. on a restart) until the rollout completes",
    "Ingress": "the route disappears and comes back under a new name (a gap in traffic; controllers may re-issue certificates)",
    "PodDisruptionBudget": "a window without disruption protection",
    "HorizontalPodAutoscaler": "scaling state is lost; the Deployment falls back to its replica count in between",
    "NetworkPolicy": "a window without the policy",
}


def compare_releases(
    case: str, old_docs: Iterable[Mapping], new_docs: Iterable[Mapping], namespace: str | None = None
) -> list[Finding]:
    """Every change between two renders of one release that a live upgrade would feel."""
    namespace = namespace or active().namespace
    old_objects: dict[Key, Mapping] = {}
    new_objects: dict[Key, Mapping] = {}
    old_hooks: dict[Key, Mapping] = {}
    new_hooks: dict[Key, Mapping] = {}
    for docs, objects, hooks in ((old_docs, old_objects, old_hooks), (new_docs, new_objects, new_hooks)):
        for doc in docs:
            events = hook_events(doc)
            if "test" in events:
                continue  # helm test resources are not part of an upgrade
            (hooks if events else objects)[object_key(doc, namespace)] = doc

    found: list[Finding] = []
    for key in sorted(old_objects.keys() & new_objects.keys()):
        found += _compare_object(case, key, old_objects[key], new_objects[key])

    # Helm deletes what is no longer rendered under the same (group, kind, namespace, name).
    removed = sorted(old_objects.keys() - new_objects.keys())
    added = sorted(new_objects.keys() - old_objects.keys())
    for key in removed:
        kind = key[1]
        effect = _DELETE_CONSEQUENCE.get(kind, "anything that refers to it by name breaks")
        regrouped = [k for k in added if k[1:] == key[1:]]
        same_kind = [k for k in added if k[:3] == key[:3]]
        if regrouped:
            old_api = str(old_objects[key].get("apiVersion"))
            new_api = str(new_objects[regrouped[0]].get("apiVersion"))
            found.append(
                Finding(case, resource_name(key), "apiVersion", old_api, new_api, RECREATE,
                        f"the API group changed, so Helm sees another object: it applies {new_api} {resource_name(key)} "
                        f"and then deletes the {old_api} one. Where both groups serve the same object the "
                        f"object ends up deleted; otherwise it is recreated. {effect}")
            )
        elif len(same_kind) == 1:
            new_key = same_kind[0]
            found.append(
                Finding(case, resource_name(key), "metadata.name", key[3], new_key[3], RECREATE,
                        f"renamed: Helm deletes {resource_name(key)} and creates {resource_name(new_key)}; {effect}")
            )
        else:
            moved = " (it is now a hook)" if key in new_hooks else ""
            found.append(
                Finding(case, resource_name(key), "(object)", "rendered", ABSENT, RECREATE,
                        f"removed{moved}: Helm deletes {resource_name(key)} on upgrade; {effect}")
            )

    # Hooks are never patched: Helm creates them on every run. A hook that Helm deletes
    # before creating it again (before-hook-creation, the default) may change freely.
    for key in sorted(old_hooks.keys() & new_hooks.keys()):
        if "before-hook-creation" in hook_delete_policies(new_hooks[key]):
            continue
        if key[1] == "Job" and key[0] == "batch":
            for dotted in ("spec.selector", "spec.template"):
                a, b = _get(old_hooks[key], dotted), _get(new_hooks[key], dotted)
                if a != b:
                    found.append(
                        Finding(
                            case, resource_name(key), dotted, a, b, MANUAL,
                            "a hook Job without before-hook-creation is created, never patched: a Job kept "
                            "from the previous run (failed, or not deleted by its policy) makes the hook fail "
                            f"with \"already exists\". Manual step: kubectl -n {key[2]} delete job {key[3]}; "
                            "better, add before-hook-creation",
                            details=tuple(leaf_changes(a, b, dotted)) if isinstance(a, dict) and isinstance(b, dict) else (),
                        )
                    )
    return found


# ---------------------------------------------------------------------------
# Every matrix case, and the verdict


def _values_rejected(err: HelmError) -> bool:
    """True if Helm refused the values (schema or the chart's own validation), not the chart."""
    text = err.stderr
    return "don't meet the specifications of the schema" in text or "invalid values" in text


@dataclass(frozen=True)
class CaseResult:
    case: str
    findings: tuple[Finding, ...] = ()
    new_in_this_version: str = ""  # why the previous release cannot render the case


@dataclass
class UpgradeReport:
    previous: PreviousRelease
    current_chart: Path
    current_version: SemVer
    results: list[CaseResult] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def breaking(self) -> list[Finding]:
        return [f for f in self.findings if f.breaking]

    @property
    def notices(self) -> list[Finding]:
        return [f for f in self.findings if not f.breaking]

    @property
    def major_bump(self) -> bool:
        return self.current_version.breaking_allowed_after(self.previous.version)

    def problems(self) -> list[str]:
        """Why the upgrade is not allowed; [] when it is."""
        if self.current_version < self.previous.version:
            return [
                f"Chart.yaml version {self.current_version} is lower than the previous release "
                f"{self.previous.version}: versions only go up"
            ]
        if self.breaking and not self.major_bump:
            return [f.render() for f in self.breaking]
        return []

    def text(self) -> str:
        lines = [
            f"check-upgrade: {CHART_NAME} {self.previous.version} ({self.previous.source}) -> "
            f"{self.current_version} ({_display(self.current_chart)})"
        ]
        for result in self.results:
            if result.new_in_this_version:
                lines.append(f"  {result.case}: new in this version (the previous release rejects these values: {result.new_in_this_version})")
            elif not result.findings:
                lines.append(f"  {result.case}: no breaking change")
        breaking, notices = self.breaking, self.notices
        if breaking:
            if self.major_bump:
                lines.append(
                    f"BREAKING changes, allowed by the major version bump {self.previous.version} -> "
                    f"{self.current_version}; put each manual step in the release notes:"
                )
            else:
                lines.append(
                    f"BREAKING changes without a major version bump (previous {self.previous.version}, "
                    f"Chart.yaml {self.current_version}):"
                )
            lines += ["  " + f.render() for f in breaking]
            if not self.major_bump:
                next_major = f"{self.previous.version.major + 1}.0.0"
                lines.append(
                    f"Fix: undo the change, or make it a major release (Chart.yaml version {next_major}) "
                    "and document the manual steps in docs/upgrades.md and the release notes."
                )
        if notices:
            lines.append("Notices (patchable, but a live release feels them):")
            lines += ["  " + f.render() for f in notices]
        return "\n".join(lines)


def _display(path: Path) -> str:
    return active().shown(path)


def check_case(
    case: Case, previous: PreviousRelease, current_chart: Path, helm: HelmVersion, namespace: str | None = None
) -> CaseResult:
    """Render one case with the previous release (install) and the current chart (upgrade)."""
    try:
        old = render_chart(previous.chart, helm, values_files=[case.values_file], namespace=namespace)
    except HelmError as err:
        if not _values_rejected(err):
            raise
        reason = next((line.strip(" -") for line in err.stderr.splitlines() if line.strip().startswith("-")), "")
        return CaseResult(case.name, new_in_this_version=reason or err.stderr.strip().splitlines()[-1])
    try:
        new = render_chart(current_chart, helm, values_files=[case.values_file], namespace=namespace, is_upgrade=True)
    except HelmError as err:
        if not _values_rejected(err):
            raise
        return CaseResult(
            case.name,
            findings=(
                Finding(
                    case.name, "(values)", f"ci/{case.values_file.name}", "accepted", "rejected", MANUAL,
                    f"{previous.version} accepts these values but this version rejects them, so "
                    f"helm upgrade fails for every release that uses them. Manual step: change the values. "
                    f"Helm says: {' '.join(err.stderr.split())[:300]}",
                ),
            ),
        )
    return CaseResult(case.name, findings=tuple(compare_releases(case.name, old.docs, new.docs, namespace)))


def check_upgrade(
    current_chart: Path,
    previous: PreviousRelease,
    helm: HelmVersion,
    cases: Sequence[Case] | None = None,
) -> UpgradeReport:
    """Every matrix case of the current chart, previous release vs current chart."""
    report = UpgradeReport(previous, Path(current_chart), chart_version(current_chart))
    for case in cases if cases is not None else discover_cases(Path(current_chart)):
        report.results.append(check_case(case, previous, Path(current_chart), helm))
    return report


def package_baseline(chart: Path, helm: HelmVersion, baselines: Path | None = None) -> Path:
    """`helm package` the chart into the baselines directory (after a release): the new baseline."""
    baselines = baselines or baselines_dir()
    baselines.mkdir(parents=True, exist_ok=True)
    ensure_dependencies(Path(chart), helm)
    with tempfile.TemporaryDirectory() as tmp:
        helm.run(["package", str(chart), "--destination", tmp])
        (package,) = Path(tmp).glob("*.tgz")
        target = baselines / package.name
        shutil.copyfile(package, target)
    return target

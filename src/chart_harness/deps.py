"""Chart content hashing and dependency freshness, for the render cache.

chart_digest()         SHA-256 over a chart's files and, recursively, the sources of its
                       file:// dependencies (paths are not hashed, content is)
dependencies_current() is charts/ exactly what `helm dependency build` would produce?
                       file:// archives are compared file by file with their sources
ensure_dependencies()  make it so, once, under a per-chart lock: reuse an archive Helm
                       built earlier for identical inputs (.cache/deps/), else run
                       `helm dependency build`

standard-app depends on ../common-lib by file://, and charts/standard-app/charts/ is
git-ignored: a fresh clone has no archive, and an edited common-lib makes the archive
stale. Rendering a stale archive would show last week's library in this week's
snapshot, so every render checks first.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import stats
from .files import file_lock
from .helm import HelmVersion
from .settings import active
from .yamlio import KubeLoader


def deps_dir() -> Path:
    """Where dependency builds are stored: <cache>/deps."""
    return active().cache_dir / "deps"


def _lock_dir() -> Path:
    return active().cache_dir / "locks"



# --- content hashing -------------------------------------------------------------------

# Never part of a chart: version control, Python caches, a team's venv beside Chart.yaml.
SKIP_DIRS = frozenset({".git", "__pycache__", ".pytest_cache", ".venv"})


def _walk_files(root: Path) -> list[tuple[str, str]]:
    """(posix relative path, path as a string) of every regular file under root, sorted.

    The harness's own cache is skipped: a product chart tested from its own directory
    keeps chart_cache_dir inside the chart, and hashing it would change every key."""
    found: list[tuple[str, str]] = []
    cache = str(active().cache_dir)
    cache_name = os.path.basename(cache)

    def scan(directory: str, prefix: str) -> None:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir():
                    if entry.name not in SKIP_DIRS and not (entry.name == cache_name and os.path.realpath(entry.path) == cache):
                        scan(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    found.append((f"{prefix}{entry.name}", entry.path))

    scan(str(root), "")
    return sorted(found)


# Memo of file contents by path and stat signature, so repeated hashing of unchanged
# files costs a stat, not a read. Exact by git's racy-file rule: an entry is stored only
# for a file whose mtime and ctime are more than _RACY_NS in the past, so a later write
# that keeps size and (coarse) timestamps cannot hide behind a stored signature; any
# write changes ctime, and a replaced file has a new inode.
_RACY_NS = 2_000_000_000
_SHA_MEMO: dict[str, tuple[tuple[int, ...], str]] = {}
_YAML_MEMO: dict[str, tuple[tuple[int, ...], dict]] = {}


def _signature(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _settled(st: os.stat_result) -> bool:
    return time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > _RACY_NS


def file_sha256(path: str | os.PathLike[str]) -> str:
    key = os.fspath(path)
    st = os.stat(key)
    hit = _SHA_MEMO.get(key)
    if hit is not None and hit[0] == _signature(st):
        return hit[1]
    with open(key, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    if _settled(st):
        _SHA_MEMO[key] = (_signature(st), digest)
    return digest


def hash_json(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


# chart dir -> digest, while a digest_scope() is open (one render_chart call): the chart
# and its dependency sources are walked once per call, not once per check. Anything
# that writes into a chart (a restored or fresh dependency build) clears it.
_DIGEST_SCOPE: list[dict[Path, str]] = []


@contextmanager
def digest_scope() -> Iterator[None]:
    """Memoise chart_digest() for the duration of the block (nestable)."""
    _DIGEST_SCOPE.append({})
    try:
        yield
    finally:
        _DIGEST_SCOPE.pop()


def _charts_changed() -> None:
    for memo in _DIGEST_SCOPE:
        memo.clear()


def chart_digest(chart_dir: Path, _seen: frozenset[Path] = frozenset()) -> str:
    """Content hash of a chart and, recursively, of its file:// dependency sources.

    The archives that `helm dependency build` made from file:// dependencies are
    left out: ensure_dependencies() has verified that they match the sources.
    """
    chart_dir = chart_dir.resolve()
    if chart_dir in _seen:
        raise ValueError(f"dependency cycle through {chart_dir}")
    memo = _DIGEST_SCOPE[-1] if _DIGEST_SCOPE else None
    if memo is not None and chart_dir in memo:
        return memo[chart_dir]
    deps = _file_dependencies(chart_dir)
    built = {f"charts/{dep.archive_name}" for dep in deps}
    h = hashlib.sha256()
    for rel, path in _walk_files(chart_dir):
        if rel not in built:
            h.update(f"{rel}\0{file_sha256(path)}\n".encode())
    for dep in deps:
        h.update(f"dep {dep.name}\0{chart_digest(dep.source, _seen | {chart_dir})}\n".encode())
    digest = h.hexdigest()
    if memo is not None:
        memo[chart_dir] = digest
    return digest


# --- dependencies ----------------------------------------------------------------------


@dataclass(frozen=True)
class FileDependency:
    name: str  # the dependency chart's name (the top directory inside its archive)
    version: str
    source: Path  # the chart directory file://... points at

    @property
    def archive_name(self) -> str:
        return f"{self.name}-{self.version}.tgz"


def _chart_yaml(chart_dir: Path) -> dict:
    """Chart.yaml, parsed; memoised like file_sha256, so callers must not modify it."""
    path = os.path.join(chart_dir, "Chart.yaml")
    st = os.stat(path)
    hit = _YAML_MEMO.get(path)
    if hit is not None and hit[0] == _signature(st):
        return hit[1]
    with open(path, encoding="utf-8") as fh:
        data = yaml.load(fh.read(), Loader=KubeLoader) or {}
    if _settled(st):
        _YAML_MEMO[path] = (_signature(st), data)
    return data


def _declared_dependencies(chart_dir: Path) -> list[dict]:
    return [d for d in (_chart_yaml(chart_dir).get("dependencies") or []) if isinstance(d, dict)]


def _file_dependencies(chart_dir: Path) -> list[FileDependency]:
    deps = []
    for dep in _declared_dependencies(chart_dir):
        repository = str(dep.get("repository") or "")
        if not repository.startswith("file://"):
            continue
        source = (chart_dir / repository[len("file://") :]).resolve()
        if not (source / "Chart.yaml").is_file():
            raise FileNotFoundError(
                f"{chart_dir.name}/Chart.yaml: dependency {dep.get('name')!r} points at "
                f"{repository}, but {source} has no Chart.yaml"
            )
        meta = _chart_yaml(source)
        deps.append(FileDependency(name=meta["name"], version=str(meta["version"]), source=source))
    return deps


# (chart dir, archive hashes, dependency source digests) -> verdict; content-keyed,
# so a verdict is reused only for byte-identical archives and sources.
_VERIFIED: dict[tuple, bool] = {}


def dependencies_current(chart_dir: Path) -> bool:
    """True if charts/ holds exactly what `helm dependency build` would put there.

    file:// dependencies are compared file by file with their sources (Chart.yaml
    semantically, since Helm rewrites it); other dependencies must be present as
    an archive. Anything unexpected counts as stale: a rebuild is cheap, a stale
    render is not.
    """
    declared = _declared_dependencies(chart_dir)
    if not declared:
        return True
    charts = chart_dir / "charts"
    if not charts.is_dir():
        return False
    memo_key = (
        str(chart_dir),
        tuple((p.name, file_sha256(p)) for p in sorted(charts.iterdir()) if p.is_file()),
        tuple(chart_digest(dep.source) for dep in _file_dependencies(chart_dir)),
    )
    if memo_key not in _VERIFIED:
        _VERIFIED[memo_key] = _dependencies_current(chart_dir, declared, charts)
    return _VERIFIED[memo_key]


def _dependencies_current(chart_dir: Path, declared: list[dict], charts: Path) -> bool:
    archives = {p.name for p in charts.glob("*.tgz")}
    file_deps = _file_dependencies(chart_dir)
    expected = {dep.archive_name for dep in file_deps}
    for dep in file_deps:
        archive = charts / dep.archive_name
        if not archive.is_file() or not _archive_matches(archive, dep):
            return False
    for dep in declared:
        if str(dep.get("repository") or "").startswith("file://"):
            continue
        matching = {a for a in archives if a.startswith(f"{dep.get('name')}-")}
        if not matching:
            return False
        expected |= matching
    return archives <= expected


_REWRITTEN_BY_HELM = {"Chart.yaml", "Chart.lock"}  # re-serialized when Helm packages a chart


def _archive_members(archive: Path) -> dict[str, bytes] | None:
    """{path inside the chart: content} of a chart archive (top directory stripped)."""
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tops = set()
            for member in tar.getmembers():
                if not member.isfile():
                    continue
                top, _, rel = member.name.partition("/")
                extracted = tar.extractfile(member)
                if not rel or extracted is None:
                    return None
                tops.add(top)
                members[rel] = extracted.read()
    except (OSError, tarfile.TarError, EOFError):
        return None
    return members if len(tops) == 1 else None


def _packaged_view(chart_dir: Path) -> dict[str, bytes] | None:
    """What `helm package` would put in the archive of chart_dir, as {path: content}.

    Files .helmignore excludes are left out; archives in charts/ appear expanded, as
    Helm writes subcharts as directories. None when unsure (then: rebuild).
    """
    ignored = _helmignore(chart_dir)
    view: dict[str, bytes] = {}
    for rel, path in _walk_files(chart_dir):
        if ignored(rel):
            continue
        parts = rel.split("/")
        if len(parts) == 2 and parts[0] == "charts" and rel.endswith(".tgz"):
            members = _archive_members(path)
            if members is None:
                return None
            with tarfile.open(path, "r:gz") as tar:
                top = next(m.name.partition("/")[0] for m in tar.getmembers() if m.isfile())
            view.update({f"charts/{top}/{name}": data for name, data in members.items()})
        else:
            with open(path, "rb") as fh:
                view[rel] = fh.read()
    return view


def _archive_matches(archive: Path, dep: FileDependency) -> bool:
    packed = _archive_members(archive)
    expected = _packaged_view(dep.source)
    if packed is None or expected is None or packed.keys() != expected.keys():
        return False
    for rel, data in packed.items():
        if rel.rsplit("/", 1)[-1] in _REWRITTEN_BY_HELM:
            same = yaml.load(data, Loader=KubeLoader) == yaml.load(expected[rel], Loader=KubeLoader)
        else:
            same = data == expected[rel]
        if not same:
            return False
    return True


def _helmignore(chart_dir: Path):
    """A conservative reading of .helmignore: unsure means 'not ignored' (so: rebuild)."""
    path = chart_dir / ".helmignore"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if any(p.startswith("!") for p in patterns):
        return lambda rel: False

    def ignored(rel: str) -> bool:
        parts = rel.split("/")
        if len(parts) > 1 and parts[0] == "templates" and parts[-1].startswith("."):
            return True  # Helm always skips hidden files in templates/
        for pattern in patterns:
            if pattern.endswith("/"):
                name = pattern.rstrip("/")
                if any(fnmatch.fnmatchcase(part, name) for part in parts[:-1]):
                    return True
            elif "/" in pattern.strip("/"):
                if fnmatch.fnmatchcase(rel, pattern.lstrip("/")):
                    return True
            elif any(fnmatch.fnmatchcase(part, pattern.lstrip("/")) for part in parts):
                return True
        return False

    return ignored


def _build_key(chart_dir: Path) -> str | None:
    """Key of a `helm dependency build` result, if it only depends on local content.

    With a Chart.lock and only file:// dependencies, the build writes nothing but
    charts/*.tgz, and those are a pure function of Chart.yaml, Chart.lock and the
    dependency sources: a result Helm produced once can be reused for identical
    inputs. (Without a Chart.lock, Helm also writes one: always run Helm then.)
    """
    deps = _file_dependencies(chart_dir)
    lock = chart_dir / "Chart.lock"
    if not deps or len(deps) != len(_declared_dependencies(chart_dir)) or not lock.is_file():
        return None
    return hash_json(
        {
            "chart": file_sha256(chart_dir / "Chart.yaml"),
            "lock": file_sha256(lock),
            "deps": [[d.archive_name, chart_digest(d.source)] for d in deps],
        }
    )


def _restore_build(chart_dir: Path, key: str) -> bool:
    """Put a stored build result into charts/; True if it is then current."""
    stored = deps_dir() / key
    archives = sorted(stored.glob("*.tgz")) if stored.is_dir() else []
    if not archives:
        return False
    charts = chart_dir / "charts"
    charts.mkdir(exist_ok=True)
    _charts_changed()
    wanted = {a.name for a in archives}
    for stale in charts.glob("*.tgz"):  # what Helm reports as "Deleting outdated charts"
        if stale.name not in wanted:
            stale.unlink()
    for archive in archives:
        tmp = charts / f".{archive.name}.tmp"
        shutil.copyfile(archive, tmp)
        os.replace(tmp, charts / archive.name)
    _charts_changed()
    return dependencies_current(chart_dir)


def _store_build(chart_dir: Path, key: str) -> None:
    stored = deps_dir() / key
    if stored.is_dir():
        return
    tmp = deps_dir() / f".{key}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for dep in _file_dependencies(chart_dir):
        shutil.copyfile(chart_dir / "charts" / dep.archive_name, tmp / dep.archive_name)
    try:
        os.replace(tmp, stored)
    except OSError:  # another process stored the same result first
        shutil.rmtree(tmp, ignore_errors=True)


def ensure_dependencies(chart_dir: Path, helm: HelmVersion) -> None:
    """Make charts/ current: reuse a stored build result, else `helm dependency build`.

    Runs under a per-chart lock, so concurrent workers build at most once. Copies
    of a chart with modified library sources (the guard-breaking tests) get the
    archive Helm built for exactly those sources in an earlier run.
    """
    chart_dir = chart_dir.resolve()
    for dep in _file_dependencies(chart_dir):
        ensure_dependencies(dep.source, helm)  # nested file:// dependencies first
    if dependencies_current(chart_dir):
        return
    lock = _lock_dir() / f"deps-{hashlib.sha256(str(chart_dir).encode()).hexdigest()[:16]}.lock"
    with file_lock(lock):
        if dependencies_current(chart_dir):
            return
        key = _build_key(chart_dir)
        if key is not None and _restore_build(chart_dir, key):
            stats.record_cache("dependencies reused")
            return
        _charts_changed()
        try:
            helm.run(["dependency", "build", str(chart_dir), "--skip-refresh", *active().dependency_args])
        finally:
            _charts_changed()
        if key is not None and dependencies_current(chart_dir):
            _store_build(chart_dir, key)

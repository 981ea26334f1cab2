"""Where the previous release comes from, materialised as a chart directory.

The previous release of a chart is the newest released version <= the current
Chart.yaml version, found in this order:

    from_registry(options, name, ...)     REGISTRY (oci://host[:port]/path, chart_harness.registry_options)
    from_git_tag(repo, name, ...)         the newest git tag <name>-<version>
    from_baseline(name, ...)              the committed package <baselines>/<name>-<version>.tgz

    previous_release(current_chart, helm, registry=..., repo=..., baselines=...)
                                          tries them in that order -> PreviousRelease
    package_baseline(chart, helm)         `helm package` the chart into the baselines
                                          directory (after a release)
    baselines_dir(), upgrade_cache()      the chart_baselines option; <cache>/upgrade

The chart's name comes from the current chart's Chart.yaml.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .chart_version import chart_metadata, chart_name, chart_version, newest_at_most
from .files import file_lock
from . import registry_options
from .helm import HelmVersion
from .render import ensure_dependencies
from .semver import SemVer
from .settings import active


def baselines_dir() -> Path:
    """The committed previous-release packages (the chart_baselines option)."""
    configured = active().baselines
    if configured is None:
        raise PreviousReleaseError("the chart_baselines option names no directory of previous-release packages")
    return configured


def upgrade_cache() -> Path:
    """Unpacked previous releases: <cache>/upgrade."""
    return active().cache_dir / "upgrade"


# ---------------------------------------------------------------------------
# Where the previous release comes from


class PreviousReleaseError(RuntimeError):
    """The previous release could not be found or fetched; the message says why and what to do."""


@dataclass(frozen=True)
class PreviousRelease:
    """The previous release of a chart, materialised as a chart directory.

    chart    the chart's directory, its file:// dependencies beside it (as in the repo)
    version  its Chart.yaml version
    source   a human description: "registry oci://...", "git tag ...", "baseline ..."
    """

    chart: Path
    version: SemVer
    source: str


def _materialise_package(package: Path, name: str) -> Path:
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


def from_registry(
    registry: registry_options.RegistryOptions, name: str, current: SemVer, helm: HelmVersion, workdir: Path
) -> PreviousRelease | None:
    """The newest version <= current of chart `name` in the registry; None if none is published.

    Helm resolves the constraint against the repository's tags itself. The registry's
    switches are those of `make publish` (chart_harness.registry_options): plain HTTP,
    a private CA, and a login, kept in a private registry config under workdir.
    A registry that cannot be reached is an error, never a silent fallback.
    """
    ref = f"{registry.url}/{name}"
    tls = registry.helm_tls_args()
    workdir.mkdir(parents=True, exist_ok=True)
    env = _pull_env(helm, workdir)
    if registry.username:
        login = subprocess.run(
            [str(helm.binary), "registry", "login", registry.host, "--username", registry.username,
             "--password-stdin", *tls],
            input=registry.password, capture_output=True, text=True, env=env, check=False,
        )
        if login.returncode != 0:
            raise PreviousReleaseError(
                f"REGISTRY={registry.url}: login as {registry.username!r} failed: {login.stderr.strip()}"
            )
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
            f"REGISTRY={registry.url} is configured but `helm pull {ref} --version '{constraint}'` failed:\n"
            f"{pulled.stderr.strip()}\nFix the registry (or REGISTRY_PLAIN_HTTP / REGISTRY_CA_FILE / "
            "REGISTRY_USERNAME), or unset REGISTRY to compare with the last git tag or the committed baseline."
        )
    packages = sorted(workdir.glob(f"{name}-*.tgz"))
    if len(packages) != 1:
        raise PreviousReleaseError(f"helm pull {ref} left {len(packages)} packages in {workdir}")
    version = chart_version(packages[0])
    return PreviousRelease(_materialise_package(packages[0], name), version, f"registry {ref}:{version}")


def released_tags(repo: Path, name: str) -> dict[SemVer, str]:
    """git tags <name>-<semver> of the repository: {version: tag}."""
    prefix = f"{name}-"
    proc = subprocess.run(
        ["git", "-C", str(repo), "tag", "--list", f"{prefix}*"],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {}  # not a git checkout (e.g. an unpacked source archive)
    tags = {}
    for tag in proc.stdout.split():
        try:
            tags[SemVer.parse(tag[len(prefix) :])] = tag
        except ValueError:
            continue  # e.g. <name>-docs: not a release tag
    return tags


def from_git_tag(repo: Path, name: str, current: SemVer, workdir: Path | None = None) -> PreviousRelease | None:
    """The newest tag <name>-<version> with version <= current, via `git archive`.

    The tagged charts/ tree is unpacked into workdir/git-<commit>/ once (cached by commit).
    """
    workdir = workdir or upgrade_cache()
    tags = released_tags(repo, name)
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
    chart = target / "charts" / name
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
                    if not (staging / "charts" / name / "Chart.yaml").is_file():
                        raise PreviousReleaseError(f"git tag {tag} has no charts/{name}/Chart.yaml")
                    if target.exists():
                        shutil.rmtree(target)
                    os.replace(staging, target)
                finally:
                    shutil.rmtree(staging, ignore_errors=True)
    found = chart_version(chart)
    if found != version:
        raise PreviousReleaseError(
            f"git tag {tag} points at a commit whose charts/{name}/Chart.yaml says version "
            f"{found}; a release tag must match the chart version it released"
        )
    return PreviousRelease(chart, version, f"git tag {tag} ({commit[:12]})")


def baseline_packages(name: str, baselines: Path | None = None) -> dict[SemVer, Path]:
    """The committed packages <baselines>/<name>-<version>.tgz: {version: package}."""
    baselines = baselines or baselines_dir()
    found = {}
    for package in baselines.glob(f"{name}-*.tgz"):
        version = chart_version(package)
        expected = f"{name}-{version}.tgz"
        if package.name != expected:
            raise PreviousReleaseError(f"{package}: holds version {version}, so it must be named {expected}")
        found[version] = package
    return found


def from_baseline(name: str, current: SemVer, baselines: Path | None = None) -> PreviousRelease | None:
    """The newest committed baseline package of chart `name` with version <= current."""
    packages = baseline_packages(name, baselines)
    version = newest_at_most(packages, current)
    if version is None:
        return None
    package = packages[version]
    return PreviousRelease(_materialise_package(package, name), version, f"baseline {active().shown(package)}")


def previous_release(
    current_chart: Path,
    helm: HelmVersion,
    *,
    registry: str | registry_options.RegistryOptions | None = None,
    repo: Path | None = None,
    baselines: Path | None = None,
    workdir: Path | None = None,
) -> PreviousRelease:
    """The release to compare with: registry, else git tag, else committed baseline.

    registry is a registry_options.RegistryOptions, or a REGISTRY URL whose switches (REGISTRY_PLAIN_HTTP,
    REGISTRY_CA_FILE, REGISTRY_USERNAME/REGISTRY_PASSWORD) come from the environment.

    "Previous" is the newest released version <= the current Chart.yaml version: while
    the chart still carries a released version number, any change is measured against
    that very release (and a breaking one then needs a version bump).
    """
    current = chart_version(current_chart)
    name = chart_name(current_chart)
    workdir = workdir or upgrade_cache()
    tried = []
    if isinstance(registry, str) and registry:
        try:
            registry = registry_options.from_env({**os.environ, "REGISTRY": registry})
        except registry_options.RegistryOptionError as err:
            raise PreviousReleaseError(str(err)) from None
    if registry:
        workdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="pull-", dir=workdir) as pull_dir:
            pulled = from_registry(registry, name, current, helm, Path(pull_dir))
        if pulled:
            return pulled
        tried.append(f"registry {registry.url} (no {name} <= {current} published)")
    if repo is not None:
        tagged = from_git_tag(repo, name, current, workdir)
        if tagged:
            return tagged
        tried.append(f"git tags {name}-* <= {current} in {repo} (none)")
    baseline = from_baseline(name, current, baselines)
    if baseline:
        return baseline
    tried.append(f"baselines {baselines}/{name}-<version>.tgz <= {current} (none)")
    newer = sorted(baseline_packages(name, baselines)) + sorted(released_tags(repo, name) if repo else {})
    hint = (
        f"; released versions {', '.join(map(str, sorted(set(newer))))} are all newer than "
        f"Chart.yaml's {current}: bump the chart version"
        if newer
        else "; after the first release, commit its package with scripts/check-upgrade.sh --refresh-baseline"
    )
    raise PreviousReleaseError(f"no previous release of {name} found in: " + "; ".join(tried) + hint)



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

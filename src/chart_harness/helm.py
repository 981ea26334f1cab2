"""The Helm runner: the version matrix, isolated Helm homes, explicit render flags.

Every Helm process of the suite goes through HelmVersion.run(), which
  * uses the binary the chart_helm option names (a bare name is looked up on PATH),
  * gives each Helm version its own HELM_CONFIG_HOME / HELM_CACHE_HOME /
    HELM_DATA_HOME under <cache>/helm/<name>/ and drops every inherited HELM_*
    variable and KUBECONFIG, so a developer's repositories, plugins, registry
    logins or kube context can never change a render,
  * records the process for the terminal summary (stats.py),
  * raises HelmError, carrying the command and Helm's stderr, when Helm fails.

`helm template` always gets an explicit release name, namespace and
--kube-version: without them Helm would use "release-name", "default" and the
kube version compiled into the binary, which differs between Helm 3 and Helm 4.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shlex
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import shutil

from . import stats
from .errors import ToolMissing
from .files import atomic_write_text
from .settings import KUBE_VERSION, active


class HelmError(Exception):
    """Helm exited non-zero. Carries the command, the exit code and Helm's stderr."""

    def __init__(
        self,
        *,
        helm: str,
        command: Sequence[str],
        returncode: int,
        stderr: str,
        stdout: str = "",
    ) -> None:
        self.helm = helm
        self.command = list(command)
        self.returncode = returncode
        self.stderr = stderr
        self.stdout = stdout
        super().__init__(
            f"{helm} exited with {returncode}: {shlex.join(self.command)}\n"
            f"{stderr.strip() or '(no output on stderr)'}"
        )


@dataclass(frozen=True)
class HelmVersion:
    """One Helm binary of the version matrix."""

    name: str  # pytest id and short name: "helm4", "helm3"
    location: Path  # as configured: a path, or a bare command name looked up on PATH
    primary: bool  # the primary version's output is what the snapshots record

    def __str__(self) -> str:
        return self.label

    @property
    def version(self) -> str:
        """What the binary reports, e.g. "v4.3.1" (memoised; see _binary_identity)."""
        return _binary_identity(self)["version"]

    @property
    def label(self) -> str:
        """E.g. 'Helm 4.3.1'."""
        return f"Helm {self.version.lstrip('v')}"

    @property
    def binary(self) -> Path:
        """The executable; ToolMissing, naming the chart_helm entry, if there is none."""
        if len(self.location.parts) == 1:
            found = shutil.which(str(self.location))
            path = Path(found) if found else None
        else:
            path = self.location if self.location.is_file() and os.access(self.location, os.X_OK) else None
        if path is None:
            raise ToolMissing(
                f"Helm {self.name!r} is not installed at {active().shown(self.location)} "
                f"(chart_helm = {self.name}={self.location})"
            )
        return path

    @property
    def home(self) -> Path:
        """The isolated Helm home of this version: <cache>/helm/<name>/."""
        return active().cache_dir / "helm" / self.name

    def env(self) -> dict[str, str]:
        """The environment of every Helm process of this version."""
        env = {
            k: v for k, v in os.environ.items() if not k.startswith("HELM_") and k != "KUBECONFIG"
        }
        env.update(
            HELM_CONFIG_HOME=str(self.home / "config"),
            HELM_CACHE_HOME=str(self.home / "cache"),
            HELM_DATA_HOME=str(self.home / "data"),
            # A path that never exists: no render may depend on a real cluster.
            KUBECONFIG=str(self.home / "no-kubeconfig"),
        )
        return env

    def ensure(self) -> HelmVersion:
        """Raise ToolMissing if the binary is missing; returns self."""
        _binary_identity(self)
        return self

    def sha256(self) -> str:
        """Content hash of the binary (part of every render-cache key)."""
        return _binary_identity(self)["sha256"]

    def run(
        self,
        args: Sequence[str],
        *,
        cwd: Path | None = None,
        check: bool = True,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        """Run `helm <args>` in this version's isolated home; raise HelmError on failure."""
        binary = self.binary
        command = [str(binary), *args]
        for sub in ("config", "cache", "data"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        proc = subprocess.run(
            command,
            cwd=cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        stats.record_call(
            stats.HelmCall(
                helm=self.name,
                version=_IDENTITIES.get(str(binary), {}).get("version")
                or (proc.stdout.strip() if args[:1] == ["version"] and proc.returncode == 0 else "?"),
                subcommand=_subcommand(args),
                seconds=time.perf_counter() - started,
                returncode=proc.returncode,
            )
        )
        if check and proc.returncode != 0:
            known = _IDENTITIES.get(str(binary))
            raise HelmError(
                helm=f"Helm {known['version'].lstrip('v')}" if known else f"Helm ({self.name})",
                command=display_command(self, args),
                returncode=proc.returncode,
                stderr=proc.stderr,
                stdout=proc.stdout,
            )
        return proc


def template_args(
    chart_dir: str | os.PathLike[str],
    *,
    values_files: Iterable[str | os.PathLike[str]] = (),
    set_values: Iterable[str] = (),
    release: str | None = None,
    namespace: str | None = None,
    kube_version: str | None = None,
    api_versions: Iterable[str] = (),
    is_upgrade: bool = False,
) -> list[str]:
    """The `helm template` argument list; identical for Helm 3 and Helm 4.
    release, namespace and kube_version default to the chart_* settings."""
    settings = active()
    release = release or settings.release_for(Path(chart_dir))
    namespace = namespace or settings.namespace
    kube_version = kube_version or settings.kube_version
    if not KUBE_VERSION.match(kube_version):
        raise ValueError(f"kube_version must look like 1.34.0, got {kube_version!r}")
    if isinstance(set_values, str) or isinstance(api_versions, str):
        raise TypeError("set_values and api_versions take a sequence of strings, not a string")
    args = ["template", release, str(chart_dir), "--namespace", namespace]
    args += ["--kube-version", kube_version]
    for values_file in values_files:
        args += ["--values", str(values_file)]
    for assignment in set_values:
        if "=" not in assignment:
            raise ValueError(f"set_values entries look like key=value, got {assignment!r}")
        args += ["--set", assignment]
    for api_version in api_versions:
        args += ["--api-versions", api_version]
    if is_upgrade:
        args.append("--is-upgrade")
    return args


# Helm commands whose second word is the actual subcommand ("dependency build").
_COMMAND_GROUPS = {"dependency", "dep", "registry", "repo", "plugin", "show", "get", "search"}


def _subcommand(args: Sequence[str]) -> str:
    words = [a for a in args[:2] if not a.startswith("-")]
    if words[:1] and words[0] in _COMMAND_GROUPS:
        return " ".join(words[:2])
    return words[0] if words else "?"


def display_command(helm: HelmVersion, args: Sequence[str]) -> list[str]:
    """The command as a person would type it from the rootdir."""
    settings = active()
    shown = [settings.shown(arg) if os.path.isabs(arg) else arg for arg in args]
    location = helm.location
    return [settings.shown(location) if location.is_absolute() else str(location), *shown]


def _stat_signature(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


_IDENTITIES: dict[str, dict[str, str]] = {}


def _binary_identity(helm: HelmVersion) -> dict[str, str]:
    """{"sha256": ..., "version": ...} of the binary, memoised on disk by stat.

    Hashing both binaries costs ~0.15 s; the memo in <cache>/helm/<name>/binary.json
    is keyed by device, inode, size, mtime and ctime, so replacing the binary
    (make tools writes a new file) always recomputes it.
    """
    binary = helm.binary
    if str(binary) in _IDENTITIES:
        return _IDENTITIES[str(binary)]
    signature = _stat_signature(binary)
    memo_path = helm.home / "binary.json"
    try:
        memo = json.loads(memo_path.read_text())
    except (OSError, ValueError):
        memo = {}
    if memo.get("stat") != signature or not memo.get("sha256") or not memo.get("version"):
        with open(binary, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        reported = helm.run(["version", "--template", "{{ .Version }}"]).stdout.strip()
        memo = {"stat": signature, "sha256": digest, "version": reported}
        atomic_write_text(memo_path, json.dumps(memo, indent=2) + "\n")
    _IDENTITIES[str(binary)] = memo
    return memo


def helm_matrix() -> tuple[HelmVersion, ...]:
    """The Helm matrix of the chart_helm option; the first entry is primary."""
    return _matrix(active().helm)


def primary_helm() -> HelmVersion:
    """The primary Helm (its output is what the snapshots record)."""
    return helm_matrix()[0]


def compat_helms() -> tuple[HelmVersion, ...]:
    """The other versions, which must render exactly the same documents."""
    return helm_matrix()[1:]


@functools.cache
def _matrix(entries) -> tuple[HelmVersion, ...]:  # noqa: ANN001 - tuple of settings.HelmBinary
    return tuple(HelmVersion(name=e.name, location=e.path, primary=e.primary) for e in entries)

"""Which services a fleet directory holds.

    <name>.yaml             a values file for standard-app: release <name>, namespace "default"
    <team>/<name>.yaml      the same in namespace <team>: the first directory below the fleet
                            is the namespace, deeper ones only group files
    <dir>/Chart.yaml        a product chart that depends on standard-app: one service for its
                            values.yaml, and one more per values-<env>.yaml (layered on
                            values.yaml, as `helm template -f values-<env>.yaml` does); its
                            namespace is the first directory below the fleet, else "default"
    fleet.yaml              optional: `include:` services kept elsewhere, each
                            `{path: <values file or product chart>, namespace: <ns>}`, the path
                            relative to the fleet directory

Every service is named `<namespace>/<release>`, `@<env>` added for a product chart's
environments. Two services with the same name would be the same release: refused.
Hidden files and directories are skipped; a symbolic link to a directory is followed
once (a loop is refused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .tools import ROOT, STANDARD_APP
from chart_harness.chart_version import chart_name
from chart_harness.yamlio import KubeLoader

FLEET_FILE = "fleet.yaml"
# The platform chart every product chart of a fleet depends on.
STANDARD_APP_NAME = chart_name(STANDARD_APP)
DEFAULT_NAMESPACE = "default"
_RELEASE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$")  # Helm: DNS-1123 label, 53 characters
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")  # DNS-1123 label, 63 characters
_ENV_VALUES = re.compile(r"^values-([a-z0-9][a-z0-9-]*)\.ya?ml$")
_VALUES_LIKE = re.compile(r"(?i)^values([-._ ].*)?\.ya?ml$")  # any environment file, well named or not
_VALUES_SUFFIXES = (".yaml", ".yml")


class FleetError(ValueError):
    """The fleet directory is malformed; the message names the file and the fix."""


@dataclass(frozen=True)
class Service:
    """One deployed service: a release of standard-app, directly or through a product chart.

    name           unique in the fleet: "payments/ledger", "shop/orders@prod"
    values         values files in order (for a product chart: its values-<env>.yaml, if any)
    product_chart  the product chart that depends on standard-app, else None
    """

    name: str
    release: str
    namespace: str
    values: tuple[Path, ...]
    product_chart: Path | None = None

    @property
    def source(self) -> Path:
        """The file that defines it: its values file, else the product chart."""
        return self.values[0] if self.values else self.product_chart  # type: ignore[return-value]


def shown_path(path: Path | None) -> str:
    """A path relative to the repository when it is inside it."""
    if path is None:
        return "?"
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def load_yaml(path: Path) -> object:
    """A YAML file, or FleetError naming it."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=KubeLoader)
    except (OSError, yaml.YAMLError) as err:
        raise FleetError(f"{shown_path(path)}: cannot read it as YAML: {' '.join(str(err).split())}") from err


def discover_fleet(root: Path) -> list[Service]:
    """Every service of a fleet directory, sorted by name. FleetError if malformed."""
    root = Path(root).absolute()
    if not root.is_dir():
        raise FleetError(f"fleet {root}: not a directory")
    services = _scan(root, root, ancestors=())
    manifest = root / FLEET_FILE
    if manifest.is_file():
        services += _included(root, manifest)
    if not services:
        raise FleetError(
            f"fleet {root}: no services; put standard-app values files (<name>.yaml) or product "
            "charts (<dir>/Chart.yaml) in it"
        )
    by_name: dict[str, Service] = {}
    for service in services:
        other = by_name.get(service.name)
        if other is not None:
            raise FleetError(
                f"{shown_path(service.source)} and {shown_path(other.source)} are both release "
                f"{service.release!r} in namespace {service.namespace!r}: two services cannot share a "
                "release; move one to another namespace (directory, or `namespace:` in fleet.yaml)"
            )
        by_name[service.name] = service
    return sorted(by_name.values(), key=lambda s: s.name)


def _namespace_of(root: Path, path: Path) -> str:
    parts = path.relative_to(root).parts
    return parts[0] if len(parts) > 1 else DEFAULT_NAMESPACE


def _scan(root: Path, directory: Path, ancestors: tuple[Path, ...]) -> list[Service]:
    real = directory.resolve()
    if real in ancestors:
        raise FleetError(f"{directory}: a symbolic link that loops back to {shown_path(real)}; remove the link")
    ancestors = (*ancestors, real)
    if (directory / "Chart.yaml").is_file():
        return product_services(directory, _namespace_of(root, directory / "Chart.yaml"))
    found: list[Service] = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            found += _scan(root, path, ancestors)
        elif path.suffix in _VALUES_SUFFIXES and not (directory == root and path.stem == "fleet"):
            if not path.exists():
                raise FleetError(f"{shown_path(path)}: a symbolic link to a file that does not exist; remove it")
            found.append(values_service(path, _namespace_of(root, path)))
    return found


def values_service(path: Path, namespace: str, *, namespace_from: str = "") -> Service:
    """A standard-app values file: the release is the file's stem."""
    release = path.stem
    if release == "values" or _ENV_VALUES.match(path.name):
        raise FleetError(
            f"{shown_path(path)}: a values file of a product chart, but {shown_path(path.parent)} has no "
            "Chart.yaml; add the chart, or name a standard-app values file after its release"
        )
    values = load_yaml(path)
    if values is not None and not isinstance(values, dict):
        raise FleetError(f"{shown_path(path)}: a values file is a mapping of keys, got {type(values).__name__}")
    _check(release, path, "release name", _RELEASE, 53, "rename the file")
    _check(namespace, path, "namespace", _NAMESPACE, 63, namespace_from or "rename the directory")
    return Service(f"{namespace}/{release}", release, namespace, (path.resolve(),))


def product_services(chart: Path, namespace: str, *, namespace_from: str = "") -> list[Service]:
    """A product chart: one service for values.yaml, one per values-<env>.yaml."""
    meta = load_yaml(chart / "Chart.yaml")
    meta = meta if isinstance(meta, dict) else {}
    if not any(isinstance(d, dict) and d.get("name") == STANDARD_APP_NAME for d in meta.get("dependencies") or []):
        raise FleetError(
            f"{shown_path(chart / 'Chart.yaml')}: a product chart in a fleet depends on {STANDARD_APP_NAME}; "
            f"this one does not (add it under dependencies:)"
        )
    release = str(meta.get("name") or chart.name)
    _check(release, chart / "Chart.yaml", "release name (the chart's name)", _RELEASE, 53, "rename the chart")
    _check(namespace, chart / "Chart.yaml", "namespace", _NAMESPACE, 63, namespace_from or "rename the directory")
    chart = chart.resolve()
    services = [Service(f"{namespace}/{release}", release, namespace, (), chart)]
    for path in sorted(chart.iterdir()):
        match = _ENV_VALUES.match(path.name)
        if not match and _VALUES_LIKE.match(path.name) and path.name != "values.yaml":
            raise FleetError(
                f"{shown_path(path)}: an environment's values file is named values-<env>.yaml, <env> of "
                f"lower-case letters, digits and '-' (this one would be left out of the fleet)"
            )
        if match and path.is_file():
            if not isinstance(load_yaml(path) or {}, dict):
                raise FleetError(f"{shown_path(path)}: a values file is a mapping of keys")
            services.append(Service(f"{namespace}/{release}@{match.group(1)}", release, namespace, (path,), chart))
    return services


def _included(root: Path, manifest: Path) -> list[Service]:
    data = load_yaml(manifest)
    if data is None:
        return []
    entries = data.get("include") if isinstance(data, dict) else None
    if not isinstance(entries, list) or set(data) - {"include"}:
        raise FleetError(f"{shown_path(manifest)}: expected `include: [{{path: ..., namespace: ...}}, ...]`, got {data!r}")
    services: list[Service] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or set(entry) - {"path", "namespace"}:
            raise FleetError(f"{shown_path(manifest)}: include[{i}] must be {{path: <str>, namespace: <str>}}, got {entry!r}")
        path = (root / entry["path"]).absolute()
        namespace = str(entry.get("namespace") or DEFAULT_NAMESPACE)
        blame = f"fix include[{i}].namespace in {shown_path(manifest)}"
        if (path / "Chart.yaml").is_file():
            services += product_services(path, namespace, namespace_from=blame)
        elif path.is_file():
            services.append(values_service(path, namespace, namespace_from=blame))
        else:
            raise FleetError(
                f"{shown_path(manifest)}: include[{i}].path {entry['path']!r} is neither a values file "
                f"nor a product chart directory ({path} does not exist or has no Chart.yaml)"
            )
    return services


def _check(name: str, where: Path, what: str, pattern: re.Pattern, limit: int, fix: str) -> None:
    if not pattern.match(name):
        raise FleetError(
            f"{shown_path(where)}: {what} {name!r} is not a DNS-1123 label of at most {limit} characters "
            f"(lowercase letters, digits and '-'); {fix}"
        )

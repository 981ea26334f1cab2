"""Chart versions: read Chart.yaml (of a directory or a packaged .tgz) and pick versions.

    chart_metadata(chart)            Chart.yaml as a dict (chart directory or .tgz)
    chart_name(chart)                its `name`
    chart_version(chart)             its `version`, as a SemVer
    newest_at_most(versions, v)      the newest of versions that is not newer than v
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterable
from pathlib import Path

import yaml

from .semver import SemVer
from .yamlio import KubeLoader


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


def chart_name(chart: Path) -> str:
    """The chart's Chart.yaml `name`."""
    name = str(chart_metadata(chart).get("name") or "")
    if not name:
        raise ValueError(f"{chart}/Chart.yaml has no name")
    return name


def newest_at_most(versions: Iterable[SemVer], current: SemVer) -> SemVer | None:
    """The newest of `versions` that is not newer than `current`, if any."""
    candidates = [v for v in versions if v <= current]
    return max(candidates) if candidates else None


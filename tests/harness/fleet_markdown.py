"""The fleet-impact report as Markdown, sized for a pull-request comment.

Counts first, then the changes grouped by (kind, field), then each affected
service. Long lists sit in <details> blocks; the whole text stays under `limit`
characters (GitHub refuses comments over 65,536), and whatever is cut is named,
with a pointer to the JSON report that always has everything.
"""

from __future__ import annotations

from .fleet import CHANGED, IMMUTABLE, NOW_REJECTED, RESTART, FleetReport, ServiceImpact, shown_path

_CELL = 90  # characters of a change shown in a table cell
_NAMES = 12  # service names shown inline before "and N more"
_FIELDS = 6  # changed fields shown per service


def render_markdown(report: FleetReport, *, limit: int = 60_000) -> str:
    head = _head(report)
    groups = _groups(report)
    sections = []
    for verdict in (NOW_REJECTED, IMMUTABLE, RESTART, CHANGED):
        impacts = report.by_verdict(verdict)
        if impacts:
            sections.append(_section(verdict, impacts))
    objects = report.with_objects_changed
    if objects:
        sections.append(_objects_section(objects))
    parts = [head, groups, "#### Per service", *sections] if sections else [head, groups]
    text = "\n\n".join(p for p in parts if p) + "\n"
    if len(text) <= limit:
        return text
    cut = "\n\n_The report was cut to fit a pull-request comment; the JSON report has every service._\n"
    return text[: limit - len(cut)].rsplit("\n", 1)[0] + cut


def _head(report: FleetReport) -> str:
    services = len(report.impacts)
    lines = [
        f"### Fleet impact: standard-app {report.previous.version} → {report.current.version}",
        "",
        f"{services} services of `{shown_path(report.fleet)}` rendered with the previous release "
        f"{report.previous.label} and with {report.current.label}, by {report.helm}; "
        f"{report.renders} renders ({report.cached} from the render cache) in {report.seconds:.1f} s.",
        "",
    ]
    problems = report.problems()
    if problems:
        lines.append("**Blocked:** " + " ".join(problems))
    elif report.major_bump and (report.services(NOW_REJECTED) or report.services(IMMUTABLE)):
        lines.append(
            f"**Breaking, allowed by the major version bump {report.previous.version} → "
            f"{report.current.version}:** every affected service below needs its manual step in the release notes."
        )
    else:
        lines.append("**Can ship:** no service is newly rejected and no upgrade hits an immutable field.")
    lines += ["", "| outcome | services |", "|---|---:|"]
    lines += [f"| {verdict} | {count} |" for verdict, count in report.counts.items()]
    lines.append(f"| objects added or removed (beside the outcome) | {len(report.with_objects_changed)} |")
    return "\n".join(lines)


def _groups(report: FleetReport) -> str:
    groups = report.groups()
    if not groups:
        return "No rendered object changes."
    lines = ["#### Changes by field", "", "| kind | field | services | change |", "|---|---|---:|---|"]
    for group in groups:
        distinct = group.changes.most_common()
        if len(distinct) == 1:
            change = _cell(distinct[0][0])
        else:
            top, count = distinct[0]
            change = (f"{len(distinct)} different values, e.g. {_cell(top)}" if count == 1
                      else f"{len(distinct)} different changes; most often ({count}×) {_cell(top)}")
        lines.append(f"| {group.kind} | `{_escape(group.path)}` | {len(group.services)} | {change} |")
    lines.append("")
    lines.append("<details><summary>Services per field</summary>")
    lines.append("")
    for group in groups:
        lines.append(f"- {group.kind} `{_escape(group.path)}`: {_names(group.services)}")
    lines.append("")
    lines.append("</details>")
    return "\n".join(lines)


def _section(verdict: str, impacts: list[ServiceImpact]) -> str:
    lines = [f"<details{' open' if verdict in (NOW_REJECTED, IMMUTABLE) else ''}>"
             f"<summary><b>{verdict}</b> ({len(impacts)})</summary>", ""]
    for impact in impacts:
        name = impact.service.name
        if verdict == NOW_REJECTED:
            lines.append(f"- `{name}`: {_escape(impact.message)}")
        elif verdict == IMMUTABLE:
            lines.append(f"- `{name}`:")
            lines.append("  ```")
            lines += [f"  {line}" for finding in impact.breaks for line in finding.splitlines()]
            lines.append("  ```")
        else:
            paths = list(dict.fromkeys(f"{c.resource} {c.path}" for c in impact.changes))
            shown = ", ".join(f"`{_escape(p)}`" for p in paths[:_FIELDS])
            more = f" and {len(paths) - _FIELDS} more" if len(paths) > _FIELDS else ""
            lines.append(f"- `{name}`: {shown}{more}")
    lines += ["", "</details>"]
    return "\n".join(lines)


def _objects_section(impacts: list[ServiceImpact]) -> str:
    lines = [f"<details open><summary><b>objects added or removed</b> ({len(impacts)})</summary>", ""]
    for impact in impacts:
        parts = []
        if impact.added:
            parts.append("adds " + ", ".join(impact.added))
        if impact.removed:
            parts.append("removes " + ", ".join(impact.removed))
        lines.append(f"- `{impact.service.name}`: {'; '.join(parts)}")
    lines += ["", "</details>"]
    return "\n".join(lines)


def _names(names: list[str]) -> str:
    shown = ", ".join(f"`{n}`" for n in names[:_NAMES])
    return shown + (f" and {len(names) - _NAMES} more" if len(names) > _NAMES else "")


def _cell(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) > _CELL:
        flat = flat[: _CELL - 1] + "…"
    return f"`{_escape(flat)}`"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'")

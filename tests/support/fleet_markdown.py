"""The fleet-impact report as Markdown, sized for a pull-request comment.

Counts first, then the changes grouped by (kind, field), then each affected
service, by verdict. Long lists sit in <details> blocks. The text stays under
`limit` characters (GitHub refuses comments over 65,536): when it would not, the
per-service lists are shortened item by item, from the longest list down, and
each shortened list says how many services the JSON report has beyond it. Blocks
are never cut in the middle, so every <details> and code fence stays closed.
"""

from __future__ import annotations

import html
import re

from .fleet import (
    CHANGED, IMMUTABLE, NEW_SERVICE, NOW_REJECTED, RECREATED, REJECTED_BOTH, RESTART,
    FleetReport,
)
from .fleet_discovery import shown_path

_SIDE = 40  # characters of an old or a new value shown in a table cell
_NAMES = 12  # service names shown per field before "and N more"
_FIELDS = 6  # changed fields shown per service
_GROUPS = 40  # rows of the changes-by-field table
_PATH = 120  # characters of a field path shown
_LINE = 400  # characters of service names shown per field


def render_markdown(report: FleetReport, *, limit: int = 60_000) -> str:
    head = "\n\n".join([_head(report), _groups(report)])
    if len(head) > limit // 2:  # long names or paths: the per-field names go, the JSON has them
        head = "\n\n".join([_head(report), _groups(report, names=False)])
    sections = [s for s in (_section(report, v) for v in (NOW_REJECTED, IMMUTABLE, RECREATED, RESTART, CHANGED,
                                                           NEW_SERVICE, REJECTED_BOTH)) if s]
    sections += [s for s in (_warnings(report), _notices(report), _objects(report)) if s]
    budget = limit - len(head) - 40
    while sum(_size(s) for s in sections) > budget and any(s["items"] for s in sections):
        longest = max((s for s in sections if s["items"]), key=lambda s: len(s["items"]))
        longest["items"].pop()
        longest["dropped"] += 1
    parts = [head]
    if sections:
        parts.append("#### Per service")
        parts += [_join(s) for s in sections]
    text = "\n\n".join(parts) + "\n"
    return text if len(text) <= limit else text[: limit - 80].rsplit("\n", 1)[0] + "\n\n_(cut to fit; see the JSON report)_\n"


def _head(report: FleetReport) -> str:
    lines = [
        f"### Fleet impact: standard-app {report.previous.version} → {report.current.version}",
        "",
        f"{len(report.impacts)} services of `{shown_path(report.fleet)}` rendered with the previous release "
        f"{_text(report.previous.label)} and with {_text(report.current.label)}, by {report.helm}; "
        f"{report.renders} renders ({report.cached} from the render cache) in {report.seconds:.1f} s.",
        "",
    ]
    problems = report.problems()
    blocking = any(report.services(v) for v in (NOW_REJECTED, IMMUTABLE, RECREATED))
    if problems:
        lines.append("**Blocked:** " + _text(" ".join(problems)))
    elif blocking:
        lines.append(
            f"**Breaking, allowed by the major version bump {report.previous.version} → "
            f"{report.current.version}:** every affected service below needs its manual step in the release notes."
        )
    else:
        lines.append("**Can ship:** no service is newly rejected, hits an immutable field or loses an object.")
    if report.with_warnings:
        lines.append(f"**Warnings** for {len(report.with_warnings)} service(s): see below.")
    lines += ["", "| outcome | services |", "|---|---:|"]
    lines += [f"| {verdict} | {count} |" for verdict, count in report.counts.items()]
    lines.append(f"| objects added or removed (beside the outcome) | {len(report.with_objects_changed)} |")
    lines.append(f"| warnings about the new render (beside the outcome) | {len(report.with_warnings)} |")
    return "\n".join(lines)


def _groups(report: FleetReport, *, names: bool = True) -> str:
    groups = report.groups()
    if not groups:
        return "No rendered object changes."
    lines = ["#### Changes by field", "", "| kind | field | services | change |", "|---|---|---:|---|"]
    for group in groups[:_GROUPS]:
        distinct = group.changes.most_common()
        top, count = distinct[0]
        if len(distinct) == 1:
            change = _change_cell(top)
        elif count == 1:
            change = f"{len(distinct)} different values, e.g. {_change_cell(top)}"
        else:
            change = f"{len(distinct)} different changes; most often ({count}×) {_change_cell(top)}"
        lines.append(f"| {group.kind} | {_code(_short(group.path, _PATH))} | {len(group.services)} | {change} |")
    if len(groups) > _GROUPS:
        lines.append(f"| … | {len(groups) - _GROUPS} more fields in the JSON report | | |")
    if not names:
        return "\n".join(lines)
    lines += ["", "<details><summary>Services per field</summary>", ""]
    for group in groups[:_GROUPS]:
        shown = []
        for name in group.services:  # at most _NAMES names and _LINE characters a field
            if len(shown) == _NAMES or sum(len(n) for n in shown) + len(name) > _LINE:
                break
            shown.append(name)
        more = f" and {len(group.services) - len(shown)} more" if len(shown) < len(group.services) else ""
        listed = ", ".join(_code(_short(n, _LINE)) for n in shown) or "(names in the JSON report)"
        lines.append(f"- {group.kind} {_code(_short(group.path, _PATH))}: {listed}{more}")
    lines += ["", "</details>"]
    return "\n".join(lines)


def _block(title: str, items: list[str], *, open_: bool) -> dict:
    return {"title": title, "items": items, "dropped": 0, "open": open_}


def _size(section: dict) -> int:
    return len(_join(section))


def _join(section: dict) -> str:
    lines = [f"<details{' open' if section['open'] else ''}><summary><b>{section['title']}</b></summary>", ""]
    lines += section["items"]
    if section["dropped"]:
        lines.append(f"- … and {section['dropped']} more: the JSON report has every service")
    lines += ["", "</details>"]
    return "\n".join(lines)


def _section(report: FleetReport, verdict: str) -> dict | None:
    impacts = report.by_verdict(verdict)
    if not impacts:
        return None
    items = []
    for impact in impacts:
        name = _code(impact.service.name)
        if verdict == NOW_REJECTED:
            items.append(f"- {name}: {_text(impact.message)}")
        elif verdict == NEW_SERVICE:
            items.append(f"- {name}: the previous release refused it: {_text(impact.previous_message)}")
        elif verdict == REJECTED_BOTH:
            items.append(f"- {name}: {_text(impact.message)}")
        elif verdict in (IMMUTABLE, RECREATED):
            findings = impact.breaks if verdict == IMMUTABLE else impact.deletions
            items.append("\n".join([f"- {name}:", "  ```", *(f"  {line}" for f in findings for line in f.splitlines()), "  ```"]))
        else:
            paths = list(dict.fromkeys(f"{c.resource} {c.path}" for c in impact.changes))
            shown = ", ".join(_code(p) for p in paths[:_FIELDS])
            more = f" and {len(paths) - _FIELDS} more" if len(paths) > _FIELDS else ""
            items.append(f"- {name}: {shown}{more}")
    return _block(f"{verdict} ({len(impacts)})", items, open_=verdict in (NOW_REJECTED, IMMUTABLE, RECREATED))


def _warnings(report: FleetReport) -> dict | None:
    impacts = report.with_warnings
    items = [f"- {_code(i.service.name)}: {_text('; '.join(i.warnings))}" for i in impacts]
    return _block(f"warnings about the new render ({len(impacts)})", items, open_=True) if items else None


def _notices(report: FleetReport) -> dict | None:
    impacts = report.with_notices
    items = [f"- {_code(i.service.name)}: {_text(' '.join(' '.join(i.notices).split()))}" for i in impacts]
    return _block(f"notices: patchable, but a live release feels them ({len(impacts)})", items, open_=False) if items else None


def _objects(report: FleetReport) -> dict | None:
    items = []
    for impact in report.with_objects_changed:
        parts = (["adds " + ", ".join(impact.added)] if impact.added else []) + (
            ["removes " + ", ".join(impact.removed)] if impact.removed else [])
        items.append(f"- {_code(impact.service.name)}: {_text('; '.join(parts))}")
    return _block(f"objects added or removed ({len(items)})", items, open_=True) if items else None


def _change_cell(text: str) -> str:
    """`old -> new` with each side shortened on its own, so the new value always shows."""
    flat = " ".join(text.split())
    if " -> " in flat:
        old, new = flat.split(" -> ", 1)
        return f"{_code(_short(old))} → {_code(_short(new))}"
    return _code(_short(flat))


def _short(text: str, limit: int = _SIDE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _code(text: str) -> str:
    """Inline code that survives any content: HTML <code> around escaped text (GitHub still
    reads Markdown inside inline HTML, so it is escaped as well; `|` too, for table cells)."""
    return f"<code>{_safe(text)}</code>"


# Markdown's active characters, backslash-escaped (`:` too, so no bare URL becomes a link);
# `<`, `>` and `&` become HTML entities instead.
_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]()!#@~|:"})


# GitHub also links a bare "www." after a space or a bracket, without any colon: escape its dot.
_WWW = re.compile(r"(?i)\b(www)\.")


def _safe(text: str) -> str:
    return _WWW.sub(r"\1\\.", html.escape(text, quote=False).translate(_MARKDOWN))


def _text(text: str) -> str:
    """Free text from a chart, Helm or a values file, on one line, with every character that
    Markdown or HTML would act on escaped: no link, image, mention or tag gets through."""
    return _safe(" ".join(text.split()))


__all__ = ["render_markdown"]

"""One-line findings of the validation gate (OpenAPI, policy, lint, hygiene).

Every problem the gate reports prints as one line that names where it is and which
rule it breaks, so a reviewer can act without rerunning anything:

    full @ k8s 1.29: Job/orders-migrate spec.startingDeadlineSeconds: [openapi] unknown field ...
    minimal: Deployment/orders spec.template.spec.containers[app].securityContext.readOnlyRootFilesystem: [pss:readOnlyRootFilesystem] must be true (got missing)
    charts/common-lib/templates/_deployment.tpl:12: [hygiene:define-prefix] ...

The layout matches src/chart_harness/invariants.py ("<case>: <Kind/name> <field>: [<rule>] <detail>").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: where (case, resource, field) and which rule."""

    case: str  # matrix case, optionally with context: "full @ k8s 1.29"
    resource: str  # "Kind/name", or a file path for source rules
    field: str  # dotted field path inside the resource ("" for a whole file or resource)
    rule: str  # e.g. "openapi", "pss:runAsNonRoot", "CKV_K8S_22"
    detail: str

    def __str__(self) -> str:
        where = f"{self.resource} {self.field}".strip()
        prefix = f"{self.case}: " if self.case else ""
        return f"{prefix}{where}: [{self.rule}] {self.detail}"


def resource_id(doc: Mapping[str, Any]) -> str:
    """'Kind/name' of a Kubernetes object."""
    meta = doc.get("metadata") or {}
    return f"{doc.get('kind', '?')}/{meta.get('name', '?')}"


def field_path(doc: Any, path: Sequence[Any]) -> str:
    """A readable field path: 'spec.template.spec.containers[app].ports[http].containerPort'.

    A list index becomes the item's `name` when it has one (containers, ports, env,
    volumes...), because names survive reordering and are what a reviewer searches for.
    """
    out = ""
    current = doc
    for part in path:
        if isinstance(part, int):
            label: Any = part
            if isinstance(current, list) and 0 <= part < len(current):
                item = current[part]
                if isinstance(item, Mapping) and isinstance(item.get("name"), str):
                    label = item["name"]
                current = item
            else:
                current = None
            out += f"[{label}]"
        else:
            out += f".{part}" if out else str(part)
            current = current.get(part) if isinstance(current, Mapping) else None
    return out


def report(findings: Iterable[Finding], title: str) -> str:
    """A failure message: a title, then one finding per line (sorted, de-duplicated)."""
    lines = sorted({str(f) for f in findings})
    return f"{title} ({len(lines)}):\n  " + "\n  ".join(lines)

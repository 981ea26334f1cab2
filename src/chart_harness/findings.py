"""The one finding type: every check reports in it (OpenAPI, policy, lint, hygiene, upgrade).

Every problem prints as one line that names where it is and which rule it breaks, so a
reviewer can act without rerunning anything; notes, if any, follow indented:

    full @ k8s 1.29: Job/orders-migrate spec.startingDeadlineSeconds: [openapi] unknown field ...
    minimal: Deployment/orders spec.template.spec.containers[app].securityContext.readOnlyRootFilesystem: [pss:readOnlyRootFilesystem] must be true (got missing)
    charts/common-lib/templates/_deployment.tpl:12: [hygiene:define-prefix] ...
    full: Deployment/orders spec.selector: [upgrade:manual-step] changed:
          spec.selector.matchLabels.tier: (absent) -> web
          live release (manual step): the API server rejects the patch ...

The layout is "<case>: <Kind/name> <field>: [<rule>] <detail>". Name the resource with
documents.resource_id and the field with documents.field_path. A notice (notice=True) is
worth reading but fails nothing, e.g. a Service type change that Helm patches in place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: where (case, resource, field) and which rule."""

    case: str  # matrix case, optionally with context: "full @ k8s 1.29"
    resource: str  # "Kind/name", or a file path for source rules
    field: str  # dotted field path inside the resource ("" for a whole file or resource)
    rule: str  # e.g. "openapi", "pss:runAsNonRoot", "CKV_K8S_22"
    detail: str
    notes: tuple[str, ...] = ()  # further lines, printed indented under the finding
    notice: bool = False  # True: worth reading, not a failure

    def __str__(self) -> str:
        where = f"{self.resource} {self.field}".strip()
        prefix = f"{self.case}: " if self.case else ""
        return "\n      ".join((f"{prefix}{where}: [{self.rule}] {self.detail}", *self.notes))


def report(findings: Iterable[Finding], title: str) -> str:
    """A failure message: a title, then one finding per line (sorted, de-duplicated)."""
    lines = sorted({str(f) for f in findings})
    return f"{title} ({len(lines)}):\n  " + "\n  ".join(lines)

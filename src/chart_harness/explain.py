"""Explain the difference between two sets of Kubernetes documents, per resource and field.

    Deployment/orders: spec.replicas 2 -> 3
    Deployment/orders: spec.template.spec.containers[app].env[LOG_LEVEL].value "info" -> "debug"
    ConfigMap/orders-config: removed

Resources are matched by kind, namespace and name (not by position), so a new
document does not make every later one look changed. List items that carry a
unique `name` (containers, env, volumes, ports, ...) are matched by name and
shown as `[name]`, and a change of their order is reported as such; other list
items by position `[0]`; a changed list of plain values (args, command) is shown
whole. Strings are quoted, so "3" and 3 are told apart. Multi-line strings
(config files, scripts) get a line diff.
The report ends with a unified diff of the canonical YAML, so it never says less
than `diff -u` would.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from typing import Any

from deepdiff import DeepDiff

from .documents import get, resource_id
from .yamlio import dump

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_INLINE_LIMIT = 100


def index_documents(docs: Sequence[dict]) -> dict[str, dict]:
    """Documents keyed by resource id; namespaces and #2, #3 only where needed to be unique."""
    plain = [resource_id(d) for d in docs]
    ids = [
        resource_id(d, with_namespace=True) if plain.count(plain[i]) > 1 else plain[i]
        for i, d in enumerate(docs)
    ]
    indexed: dict[str, dict] = {}
    for rid, doc in zip(ids, docs, strict=True):
        unique, n = rid, 1
        while unique in indexed:
            n += 1
            unique = f"{rid}#{n}"
        indexed[unique] = doc
    return indexed


def explain_documents(before: Sequence[dict], after: Sequence[dict]) -> list[str]:
    """One line per changed field, added resource or removed resource ([] if equal)."""
    old, new = index_documents(before), index_documents(after)
    lines: list[str] = []
    for rid in dict.fromkeys([*old, *new]):
        if rid not in new:
            lines.append(f"{rid}: removed")
        elif rid not in old:
            lines.append(f"{rid}: added")
        else:
            lines.extend(f"{rid}: {change}" for change in explain_object(old[rid], new[rid]))
    return lines


def explain_object(before: Any, after: Any) -> list[str]:
    """Field-level changes between two objects, e.g. `spec.replicas 2 -> 3`."""
    return [text for _path, text in field_changes(before, after)]


def field_changes(before: Any, after: Any) -> list[tuple[str, str]]:
    """(field path, line) per change, sorted by path; the line is what explain_object prints.

    The path names list items by name (`spec.template.spec.containers[app].image`),
    so the same field of two services' objects has the same path.
    """
    full_old, full_new = _normalize(before), _normalize(after)
    # DeepDiff costs ~15 ms per Deployment; the equal branches, cut first, cost nothing.
    old, new = _prune(full_old, full_new)
    diff = DeepDiff(old, new, view="tree", threshold_to_diff_deeper=0)
    changes: dict[str, str] = {}  # shown path -> text, sorted by path at the end
    for report_type, levels in diff.items():
        for level in levels:
            path = level.path(output_format="list")
            scalar_list = _scalar_list_prefix(path, old, new)
            if scalar_list is not None:
                # One line for the whole list, e.g. args ["a"] -> ["a", "b"], instead of a
                # cascade of positional changes.
                shown = _format_path(scalar_list, old, new)
                changes[shown] = (
                    f"{shown} {_change(_plain(get(old, scalar_list)), _plain(get(new, scalar_list)))}"
                )
                continue
            shown = _format_path(path, old, new)
            if report_type.endswith("_added"):
                changes[shown] = f"{shown} added: {_value(_plain(level.t2))}"
            elif report_type.endswith("_removed"):
                changes[shown] = f"{shown} removed (was {_value(_plain(level.t1))})"
            elif report_type == "type_changes" and _type(level.t1) != _type(level.t2):
                changes[shown] = (
                    f"{shown} {_value(_plain(level.t1))} -> {_value(_plain(level.t2))} "
                    f"(type {_type(level.t1)} -> {_type(level.t2)})"
                )
            else:  # values_changed, and anything a later deepdiff may report
                changes[shown] = f"{shown} {_change(_plain(level.t1), _plain(level.t2))}"
    for path, old_order, new_order in _reorderings(full_old, full_new, []):  # pruning hides order
        shown = _format_path(path, old, new)
        changes[f"{shown} order"] = (
            f"{shown} order [{', '.join(old_order)}] -> [{', '.join(new_order)}]"
        )
    return [(key, changes[key]) for key in sorted(changes)]


class _Named(dict):
    """A list whose items all have a unique `name`, keyed by that name for diffing."""


def _normalize(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items()}
    if isinstance(value, list):
        names = [item.get("name") if isinstance(item, dict) else None for item in value]
        if value and all(isinstance(n, str) for n in names) and len(set(names)) == len(names):
            return _Named((n, _normalize(item)) for n, item in zip(names, value, strict=True))
        return [_normalize(item) for item in value]
    return value


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types throughout (True is not 1, 1 is not 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, _Named):  # a named list: its order counts
        return list(a) == list(b) and all(_same(v, b[k]) for k, v in a.items())
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _prune(old: Any, new: Any) -> tuple[Any, Any]:
    """Both objects without the mapping entries that are the same on both sides."""
    if not (isinstance(old, dict) and isinstance(new, dict) and type(old) is type(new)):
        return old, new
    kept_old, kept_new = type(old)(), type(new)()
    for key, value in old.items():
        if key not in new:
            kept_old[key] = value
        elif not _same(value, new[key]):
            kept_old[key], kept_new[key] = _prune(value, new[key])
    for key, value in new.items():
        if key not in old:
            kept_new[key] = value
    return kept_old, kept_new


def _plain(value: Any) -> Any:
    """Undo _normalize (for printing values)."""
    if isinstance(value, _Named):
        return [_plain(v) for v in value.values()]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _reorderings(old: Any, new: Any, path: list) -> list[tuple[list, list[str], list[str]]]:
    """Named lists whose common items changed order (order matters: env, containers)."""
    found = []
    if isinstance(old, dict) and isinstance(new, dict):
        if isinstance(old, _Named) and isinstance(new, _Named):
            common = old.keys() & new.keys()
            old_order = [n for n in old if n in common]
            new_order = [n for n in new if n in common]
            if old_order != new_order:
                found.append((path, old_order, new_order))
        for key in old.keys() & new.keys():
            found += _reorderings(old[key], new[key], [*path, key])
    elif isinstance(old, list) and isinstance(new, list):
        for i, (a, b) in enumerate(zip(old, new)):
            found += _reorderings(a, b, [*path, i])
    return found


def _is_scalar_list(node: Any) -> bool:
    return isinstance(node, list) and all(not isinstance(i, (dict, list)) for i in node)


def _scalar_list_prefix(path: Sequence[Any], old: Any, new: Any) -> list | None:
    """The path of the list of scalars this change is inside of, if any."""
    node_old, node_new = old, new
    for depth, element in enumerate(path):
        if isinstance(element, int) and (_is_scalar_list(node_old) or _is_scalar_list(node_new)):
            if isinstance(node_old, list) and isinstance(node_new, list):
                return list(path[:depth])
        node_old, node_new = get(node_old, (element,)), get(node_new, (element,))
    return None


def _format_path(path: Sequence[Any], old: Any, new: Any) -> str:
    """`spec.template.spec.containers[app].env[LOG_LEVEL].value`; odd keys are quoted."""
    out = ""
    node_old, node_new = old, new
    for element in path:
        if isinstance(node_new, _Named) or isinstance(node_old, _Named):
            out += f"[{element}]"  # an item of a named list, by name
        elif isinstance(element, int):
            out += f"[{element}]"
        elif _PLAIN_KEY.match(str(element)):
            out += f".{element}" if out else str(element)
        else:
            out += f"[{json.dumps(str(element))}]"
        node_old, node_new = get(node_old, (element,)), get(node_new, (element,))
    return out or "(whole object)"


def _type(value: Any) -> str:
    if isinstance(value, (_Named, list)):
        return "list"
    return {dict: "mapping", str: "string", bool: "bool", int: "int", float: "float"}.get(
        type(value), type(value).__name__
    )


def _value(value: Any) -> str:
    """A value as it reads best: JSON inline when short, indented YAML when long."""
    inline = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(inline) <= _INLINE_LIMIT and not (isinstance(value, str) and "\n" in value):
        return inline
    block = dump(value).rstrip("\n")
    return "\n" + "\n".join(f"      {line}" for line in block.splitlines())


def _change(old: Any, new: Any) -> str:
    if isinstance(old, str) and isinstance(new, str) and ("\n" in old or "\n" in new):
        diff = difflib.unified_diff(
            old.splitlines(), new.splitlines(), "before", "after", lineterm="", n=2
        )
        return "changed:\n" + "\n".join(f"      {line}" for line in diff)
    return f"{_value(old)} -> {_value(new)}"


def unified_diff(before: str, after: str, before_name: str, after_name: str) -> list[str]:
    """`diff -u` of two texts, as lines."""
    return list(
        difflib.unified_diff(
            before.splitlines(), after.splitlines(), before_name, after_name, lineterm="", n=3
        )
    )


def explain(
    before: Sequence[dict],
    after: Sequence[dict],
    *,
    before_text: str,
    after_text: str,
    before_name: str,
    after_name: str,
) -> list[str]:
    """The full report: field-level lines, then a unified diff of the YAML.

    `before_text`/`after_text` are the canonical YAML of the two sides; when the
    documents are equal but the texts differ (a hand-edited snapshot, a changed
    header), the report says so and the unified diff shows where.
    """
    lines = explain_documents(before, after)
    if not lines and before_text != after_text:
        lines = [
            "the documents are equal, but the text differs (comments, header or formatting); "
            "see the unified diff"
        ]
    if not lines:
        return []
    report = [f"  {line}" for line in lines]
    diff = unified_diff(before_text, after_text, before_name, after_name)
    if diff:
        report += ["", f"unified diff ({before_name} -> {after_name}):", *diff]
    return report

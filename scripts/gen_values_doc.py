#!/usr/bin/env python3
"""Generate docs/values.md, the values reference of standard-app.

    python scripts/gen_values_doc.py           # write docs/values.md (what `make docs` runs)
    python scripts/gen_values_doc.py --check   # exit 1 if docs/values.md is stale

Two sources, each the authority for what it knows:

* charts/standard-app/values.yaml gives the keys, their order, their defaults and
  their descriptions. A comment block starting with `# --` documents the key on
  the line below it (continuation lines are plain `#` lines). A key with no
  default (a required one, such as `image.repository`) is documented by a comment
  `# (required) `<key>`: <text>` in the map it belongs to.
* charts/standard-app/values.schema.json gives the type, whether a key is
  required, and what is allowed: enums, patterns, ranges, lengths. Keys that only
  the schema knows (sub-fields of a security context, the fields of list items)
  are listed too, under the key they belong to.

The output is deterministic (no dates, no versions of tools), so the test suite
can regenerate it and compare byte for byte (tests/test_docs.py).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHART = ROOT / "charts" / "standard-app"
OUTPUT = ROOT / "docs" / "values.md"
REGENERATE = "make docs"


class ValuesDocError(Exception):
    """values.yaml or the schema cannot be documented; the message says where and why."""


# --- values.yaml: keys, order, comments -------------------------------------------------

_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z0-9_.-]+):(?:\s+(?P<rest>.*))?$")
_DOC_START = re.compile(r"^#\s*--\s?(?P<text>.*)$")
_REQUIRED_START = re.compile(r"^#\s*\(required\)\s*`(?P<key>[A-Za-z0-9_.-]+)`:\s*(?P<text>.*)$")


@dataclass
class ValueKey:
    path: str  # dotted key path, e.g. "image.tag"
    line: int  # 1-based line in values.yaml
    description: str | None  # text of its `# --` comment, if any


@dataclass
class ValuesFile:
    keys: list[ValueKey]  # in file order
    required_docs: dict[str, str]  # path -> text of a `# (required)` comment
    defaults: dict


def _comment_segments(lines: list[str]) -> list[tuple[str, str | None, list[str]]]:
    """Split a comment block into segments: ("doc", None, text), ("required", key, text), ("plain", None, text)."""
    segments: list[tuple[str, str | None, list[str]]] = []
    for line in lines:
        if m := _DOC_START.match(line):
            segments.append(("doc", None, [m.group("text").strip()]))
        elif m := _REQUIRED_START.match(line):
            segments.append(("required", m.group("key"), [m.group("text").strip()]))
        else:
            text = line.lstrip("#").strip()
            if segments:
                segments[-1][2].append(text)
            else:
                segments.append(("plain", None, [text]))
    return segments


def _join(parts: list[str]) -> str:
    return " ".join(p for p in parts if p).strip()


def read_values(path: Path) -> ValuesFile:
    """Keys of values.yaml in file order, each with the `# --` comment right above it."""
    text = path.read_text(encoding="utf-8")
    defaults = yaml.safe_load(text) or {}
    stack: list[tuple[int, str]] = []  # (indent, key) of the open maps
    comments: list[str] = []
    keys: list[ValueKey] = []
    required_docs: dict[str, str] = {}
    skip_deeper_than: int | None = None  # inside a block list or block scalar value

    lines = text.splitlines()
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        indent = len(raw) - len(raw.lstrip(" "))
        if skip_deeper_than is not None:
            in_value = indent > skip_deeper_than or stripped.startswith("-")
            if not stripped or (in_value and indent >= skip_deeper_than):
                continue
            skip_deeper_than = None
        if not stripped:
            comments = []
            continue
        if stripped.startswith("#"):
            comments.append(stripped)
            continue
        match = _KEY_LINE.match(raw)
        if not match:
            raise ValuesDocError(
                f"{path.name}:{number}: cannot read this line as `key: value` ({raw.strip()!r}); "
                "the generator reads block-style maps with one key per line"
            )
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = ".".join(k for _, k in stack)
        key = match.group("key")
        key_path = f"{parent}.{key}" if parent else key
        description = None
        for kind, name, parts in _comment_segments(comments):
            if kind == "doc":
                description = _join(parts)
            elif kind == "required":
                required_docs[f"{parent}.{name}" if parent else name] = _join(parts)
        comments = []
        keys.append(ValueKey(path=key_path, line=number, description=description))
        rest = (match.group("rest") or "").split(" #")[0].strip()
        if rest in ("|", ">", "|-", ">-", "|+", ">+"):
            skip_deeper_than = indent  # a block scalar: its lines are text, not keys
        elif rest == "":
            if _list_below(lines, number, indent):
                skip_deeper_than = indent  # a block list: its items are the value
            else:
                stack.append((indent, key))

    found = [k.path for k in keys]
    expected = list(_flatten_keys(defaults))
    if found != expected:
        missing = [k for k in expected if k not in found]
        extra = [k for k in found if k not in expected]
        raise ValuesDocError(
            f"{path.name}: the line reader and YAML disagree about the keys "
            f"(missing {missing}, unexpected {extra}); use block-style maps, one key per line"
        )
    return ValuesFile(keys=keys, required_docs=required_docs, defaults=defaults)


def _list_below(lines: list[str], number: int, indent: int) -> bool:
    """True if the value of the key on line `number` is a block list."""
    for raw in lines[number:]:
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        item_indent = len(raw) - len(raw.lstrip(" "))
        return stripped.startswith("-") and item_indent >= indent
    return False


def _flatten_keys(data: Any, prefix: str = ""):
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            yield path
            if isinstance(value, dict):
                yield from _flatten_keys(value, path)


def lookup(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[part]
    return data


# --- values.schema.json: resolved nodes ----------------------------------------------------


class Schema:
    """The chart schema with $ref, allOf and nullable oneOf folded into plain nodes."""

    def __init__(self, raw: dict) -> None:
        self.raw = raw

    def _ref(self, ref: str) -> dict:
        if not ref.startswith("#/"):
            raise ValuesDocError(f"values.schema.json: only local $ref is supported, got {ref!r}")
        node: Any = self.raw
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def resolve(self, node: dict | None) -> dict:
        """A node with $ref/allOf/oneOf/anyOf merged in; `types` lists its JSON types."""
        if not isinstance(node, dict):
            return {"types": []}
        merged: dict[str, Any] = {}
        parts = []
        if "$ref" in node:
            parts.append(self.resolve(self._ref(node["$ref"])))
        for sub in node.get("allOf", []):
            parts.append(self.resolve(sub))
        for combinator in ("oneOf", "anyOf"):
            if combinator in node:
                branches = [self.resolve(sub) for sub in node[combinator]]
                union: dict[str, Any] = {}
                for branch in branches:
                    union = _merge(union, branch, union_types=True)
                parts.append(union)
        own = {k: v for k, v in node.items() if k not in ("$ref", "allOf", "oneOf", "anyOf")}
        if "type" in own:
            t = own.pop("type")
            own["types"] = list(t) if isinstance(t, list) else [t]
        for part in parts:
            merged = _merge(merged, part)
        merged = _merge(merged, own)
        merged.setdefault("types", [])
        patterns = merged.get("patternProperties", {})
        if len(patterns) == 1 and merged.get("additionalProperties") is False and not merged.get("properties"):
            # a map whose keys match one pattern: documented like propertyNames + additionalProperties
            ((pattern, values),) = patterns.items()
            merged = {k: v for k, v in merged.items() if k != "patternProperties"}
            merged["propertyNames"] = {"pattern": pattern}
            merged["additionalProperties"] = values
        return merged

    def child(self, node: dict, key: str) -> dict | None:
        """The resolved schema of `key` inside a resolved object node, or None if not allowed."""
        props = node.get("properties", {})
        if key in props:
            return self.resolve(props[key])
        for pattern, sub in node.get("patternProperties", {}).items():
            if re.search(pattern, key):
                return self.resolve(sub)
        extra = node.get("additionalProperties", True)
        if extra is False:
            return None
        return self.resolve(extra) if isinstance(extra, dict) else {"types": []}

    def at(self, path: str) -> dict | None:
        node = self.resolve(self.raw)
        for part in path.split("."):
            node = self.child(node, part)
            if node is None:
                return None
        return node


def _merge(a: dict, b: dict, union_types: bool = False) -> dict:
    out = dict(a)
    for key, value in b.items():
        if key == "types":
            if union_types or not out.get("types"):
                out["types"] = _unique(out.get("types", []) + value)
            elif value:
                out["types"] = [t for t in out["types"] if t in value] or value
        elif key == "properties" and key in out:
            props = dict(out[key])
            for name, sub in value.items():
                props[name] = {"allOf": [props[name], sub]} if name in props else sub
            out[key] = props
        elif key == "required" and key in out:
            out[key] = _unique(out[key] + value)
        elif key == "enum" and key in out and union_types:
            out[key] = _unique(out[key] + value)
        else:
            out[key] = value
    return out


def _unique(items: list) -> list:
    seen: list = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


# --- the rows of the reference --------------------------------------------------------------


@dataclass
class Row:
    key: str
    type: str
    default: str
    allowed: str
    description: str
    required: bool = False


def describe_type(schema: Schema, node: dict) -> str:
    types = [t for t in node.get("types", [])]
    if not types and "properties" in node:
        types = ["object"]
    words = []
    for t in types:
        if t == "array":
            items = schema.resolve(node.get("items")) if node.get("items") else {"types": []}
            inner = describe_type(schema, items) if items.get("types") or "properties" in items else ""
            words.append(f"list of {inner}" if inner else "list")
        elif t == "object" and "properties" not in node and isinstance(
            node.get("additionalProperties"), dict
        ):
            inner = describe_type(schema, schema.resolve(node["additionalProperties"]))
            words.append(f"map of {inner}" if inner else "map")
        else:
            words.append(t)
    return " or ".join(words) if words else "any"


def describe_allowed(schema: Schema, node: dict) -> str:
    parts = []
    if "enum" in node:
        parts.append("one of " + ", ".join(_code(json.dumps(v)) for v in node["enum"]))
    if "pattern" in node:
        parts.append("matches " + _code(node["pattern"]))
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and high is not None:
        parts.append(f"{low} to {high}")
    elif low is not None:
        parts.append(f"at least {low}")
    elif high is not None:
        parts.append(f"at most {high}")
    if node.get("minLength") == 1 and "maxLength" not in node:
        parts.append("not empty")
    elif "minLength" in node or "maxLength" in node:
        if "maxLength" in node:
            parts.append(f"at most {node['maxLength']} characters")
        if node.get("minLength", 0) > 1:
            parts.append(f"at least {node['minLength']} characters")
    names = node.get("propertyNames")
    if isinstance(names, dict):
        names = schema.resolve(names)
        if "enum" in names:
            parts.append("keys: " + ", ".join(_code(v) for v in names["enum"]))
        elif "pattern" in names:
            parts.append("keys match " + _code(names["pattern"]))
    items = node.get("items")
    if isinstance(items, dict):
        items = schema.resolve(items)
        if items.get("required") and not items.get("properties"):
            parts.append("each item needs " + ", ".join(_code(r) for r in items["required"]))
        elif "pattern" in items and "string" in items.get("types", []):
            prefix = "string items" if items.get("properties") else "items"
            parts.append(f"{prefix} match " + _code(items["pattern"]))
        elif "enum" in items:
            parts.append("items: one of " + ", ".join(_code(json.dumps(v)) for v in items["enum"]))
    extra = node.get("additionalProperties")
    if isinstance(extra, dict) and "properties" not in node:
        extra = schema.resolve(extra)
        if "maxLength" in extra:
            parts.append(f"values at most {extra['maxLength']} characters")
    if node.get("properties") and node.get("additionalProperties") is False:
        parts.append("no other keys")
    return "; ".join(parts)


def _code(text: str) -> str:
    text = str(text)
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def format_default(value: Any) -> str:
    if isinstance(value, str):
        return _code(json.dumps(value))
    return _code(json.dumps(value, separators=(", ", ": ")))


def _join_path(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class Reference:
    """Builds the rows of docs/values.md from a chart directory."""

    def __init__(self, chart_dir: Path) -> None:
        self.chart_dir = chart_dir
        self.values = read_values(chart_dir / "values.yaml")
        self.schema = Schema(json.loads((chart_dir / "values.schema.json").read_text("utf-8")))
        self.root = self.schema.resolve(self.schema.raw)
        self.problems: list[str] = []

    # -- checks --------------------------------------------------------------------------

    def undocumented_keys(self) -> list[str]:
        """Keys of values.yaml with no `# --` comment on themselves or a parent map."""
        documented = {k.path for k in self.values.keys if k.description}
        problems = []
        for key in self.values.keys:
            value = lookup(self.values.defaults, key.path)
            is_section = isinstance(value, dict) and value and any(
                k.path.startswith(key.path + ".") for k in self.values.keys
            )
            if is_section:
                continue  # a map with keys of its own is documented by them
            parts = key.path.split(".")
            ancestors = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
            if not ancestors & documented:
                problems.append(
                    f"values.yaml:{key.line}: `{key.path}` has no `# --` comment; "
                    "add one on the line above it"
                )
        return problems

    def keys_missing_from_schema(self) -> list[str]:
        return [
            f"values.yaml:{k.line}: `{k.path}` is not in values.schema.json (the schema would reject it)"
            for k in self.values.keys
            if self.schema.at(k.path) is None
        ]

    def schema_paths(self) -> list[str]:
        """Every key path the schema defines, in the notation of the reference."""
        return [path for path, _ in self._schema_children_deep(self.root, "")]

    def _schema_children(self, node: dict, path: str) -> list[tuple[str, str, dict, bool]]:
        """(name, child path, resolved node, required) of what the schema defines below a node.

        Object properties are `path.name`; fields of list items are `path[].name`; fields
        of map values (a map of objects) are `path.<name>.field`.
        """
        children = []
        for name, sub in node.get("properties", {}).items():
            child = f"{path}.{name}" if path else name
            children.append((name, child, self.schema.resolve(sub), name in node.get("required", [])))
        items = node.get("items")
        if isinstance(items, dict):
            resolved = self.schema.resolve(items)
            for name, sub in resolved.get("properties", {}).items():
                required = name in resolved.get("required", [])
                children.append((name, f"{path}[].{name}", self.schema.resolve(sub), required))
        extra = node.get("additionalProperties")
        if isinstance(extra, dict) and not node.get("properties"):
            resolved = self.schema.resolve(extra)
            for name, sub in resolved.get("properties", {}).items():
                required = name in resolved.get("required", [])
                children.append((name, f"{path}.<name>.{name}", self.schema.resolve(sub), required))
        return children

    def _schema_children_deep(self, node: dict, path: str, depth: int = 0):
        if depth > 10:
            return
        for _, child, resolved, _ in self._schema_children(node, path):
            yield child, resolved
            yield from self._schema_children_deep(resolved, child, depth + 1)

    # -- rows ----------------------------------------------------------------------------

    def rows(self) -> list[Row]:
        problems = self.undocumented_keys() + self.keys_missing_from_schema()
        if problems:
            raise ValuesDocError("\n".join(problems))
        by_path = {k.path: k for k in self.values.keys}
        rows: list[Row] = []
        self._walk("", self.root, self.values.defaults, by_path, rows, covered=False)
        return rows

    def _walk(self, path: str, node: dict, value: Any, by_path: dict, rows: list, covered: bool) -> None:
        """Rows for the children of `path`: values.yaml keys merged, in schema order, with
        the keys only the schema knows. `covered`: a parent row already documents the values."""
        if path.count(".") > 12:
            raise ValuesDocError(f"values.schema.json nests deeper than 12 levels at {path} (a recursive $ref?)")
        schema_children = self._schema_children(node, path)
        direct = [c for c in schema_children if c[1] == _join_path(path, c[0])]  # properties
        nested = [c for c in schema_children if c[1] != _join_path(path, c[0])]  # list items, map values
        value_names = list(value) if isinstance(value, dict) else []
        order = list(value_names)
        schema_names = [name for name, _, _, _ in direct]
        for index, name in enumerate(schema_names):
            if name in order:
                continue
            before = [n for n in schema_names[:index] if n in order]
            order.insert(order.index(before[-1]) + 1 if before else 0, name)
        schema_by_name = {name: (resolved, required) for name, _, resolved, required in direct}
        for name in order:
            child = _join_path(path, name)
            if name in value_names:
                key = by_path[child]
                child_node = self.schema.at(child) or {"types": []}
                child_value = value[name]
                if key.description is not None:
                    rows.append(
                        Row(
                            key=child,
                            type=describe_type(self.schema, child_node),
                            default=format_default(child_value),
                            allowed=describe_allowed(self.schema, child_node),
                            description=key.description,
                            # "required" tells a reader what they must set: a required key
                            # with a default in values.yaml needs nothing from them.
                            required=self._is_required(child) and child_value is None,
                        )
                    )
                self._walk(child, child_node, child_value, by_path, rows,
                           covered=covered or key.description is not None)
            else:
                resolved, required = schema_by_name[name]
                description = self.values.required_docs.get(child) or resolved.get("description", "")
                rows.append(
                    Row(
                        key=child,
                        type=describe_type(self.schema, resolved),
                        default="unset" if covered else "(none)",
                        allowed=describe_allowed(self.schema, resolved),
                        description=_sentence(description),
                        required=required,
                    )
                )
                self._walk(child, resolved, None, by_path, rows, covered=True)
        # fields of list items and of map values, which values.yaml never holds
        for _, child, resolved, required in nested:
            rows.append(
                Row(
                    key=child,
                    type=describe_type(self.schema, resolved),
                    default="unset",
                    allowed=describe_allowed(self.schema, resolved),
                    description=_sentence(resolved.get("description", "")),
                    required=required,
                )
            )
            self._walk(child, resolved, None, by_path, rows, covered=True)

    def _is_required(self, path: str) -> bool:
        parent, _, name = path.rpartition(".")
        node = self.schema.at(parent) if parent else self.root
        return bool(node) and name in node.get("required", [])

    # -- output --------------------------------------------------------------------------

    def markdown(self) -> str:
        rows = self.rows()
        chart = yaml.safe_load((self.chart_dir / "Chart.yaml").read_text("utf-8"))
        out = [
            f"# {chart['name']} values reference",
            "",
            "<!-- Generated by scripts/gen_values_doc.py from charts/standard-app/values.yaml and",
            f"     values.schema.json. Do not edit by hand: run `{REGENERATE}`. -->",
            "",
            "Every key standard-app reads, with its default. A product team sets only",
            "`image.repository`, `image.tag` (or `image.digest`), `containerPort` and",
            "`nameOverride`; everything else has a production-safe default. In a product",
            "team's chart these keys sit under `standard-app:` (see the",
            "[quickstart](quickstart.md)); with Helmfile, Flux or Argo CD they are top-level.",
            "",
            "How to read the table:",
            "",
            "- **Default** is the value in `values.yaml`. `(none)`: `values.yaml` sets no",
            "  default (a required key, or one the templates default themselves). `unset`: a",
            "  field the schema allows inside a documented key (a security-context field, a",
            "  field of a list item), left to Kubernetes when absent.",
            "- **Allowed** is what `values.schema.json` accepts. Helm rejects anything else",
            "  before rendering, and so does an unknown key (\"no other keys\"). A key path",
            "  with `[]` is a field of each list item.",
            "- Rules across keys (an HPA's min ≤ max, no secret-looking names in `env`, …)",
            "  are checked by the chart at render time; see",
            "  [troubleshooting](troubleshooting.md#schema-errors).",
            "",
            "| Key | Type | Default | Allowed | Description |",
            "|---|---|---|---|---|",
        ]
        for row in rows:
            key = _code(row.key)
            type_ = row.type + (", **required**" if row.required else "")
            out.append(
                "| "
                + " | ".join(
                    _cell(c) for c in (key, type_, row.default, row.allowed, row.description)
                )
                + " |"
            )
        out.append("")
        return "\n".join(out)


def generate(chart_dir: Path = CHART) -> str:
    """The full text of docs/values.md for a chart directory."""
    return Reference(chart_dir).markdown()


def stale_diff(current: str, wanted: str, name: str = "docs/values.md") -> str:
    """A short unified diff from the file on disk to what the generator writes."""
    diff = difflib.unified_diff(
        current.splitlines(), wanted.splitlines(), f"{name} (on disk)", f"{name} (generated)", lineterm="", n=0
    )
    lines = list(diff)
    return "\n".join(lines[:40] + ([f"... {len(lines) - 40} more lines"] if len(lines) > 40 else []))


def check_or_write(out: Path, text: str, *, check: bool, regenerate: str) -> int:
    """A generator's last step: with `check`, exit 1 (and show a short diff) if `out` is not
    `text`; otherwise write it, atomically, when it changed. Shared by the scripts/ generators."""
    current = out.read_text("utf-8") if out.is_file() else ""
    if check:
        if current != text:
            print(f"{out} is stale: run `{regenerate}`\n{stale_diff(current, text, out.name)}", file=sys.stderr)
            return 1
        return 0
    if current != text:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)  # atomic: never a half-written file
        print(f"wrote {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chart", type=Path, default=CHART, help="chart directory (default: standard-app)")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="output file (default: docs/values.md)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the output file is stale")
    args = parser.parse_args(argv)
    try:
        text = generate(args.chart)
    except ValuesDocError as err:
        print(f"gen_values_doc: cannot document {args.chart}:\n{err}", file=sys.stderr)
        return 2
    return check_or_write(args.out, text, check=args.check, regenerate=REGENERATE)


if __name__ == "__main__":
    sys.exit(main())

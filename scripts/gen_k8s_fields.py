#!/usr/bin/env python3
"""Generate charts/common-lib/templates/fields/_types.tpl, the Kubernetes field tree.

    .tools/venv/bin/python scripts/gen_k8s_fields.py           # write the file
    .tools/venv/bin/python scripts/gen_k8s_fields.py --check   # exit 1 if it is stale

common-lib.fields.check (templates/fields/_check.tpl) walks the Kubernetes objects that
values pass through unchanged (extraVolumes, tolerations, affinity, sidecar probes...)
and names every field Kubernetes does not know. This script writes the tree it walks,
from the OpenAPI schemas that the kubernetes-validate package ships:

* the roots (ROOTS) and every object type they reference, transitively;
* for each type, its field names, and for a field holding an object or a list of
  objects, the type of that object;
* only what every supported minor has: a field is kept when it exists in each schema
  from MIN_MINOR to MAX_MINOR, so the chart never accepts a field that an older
  supported cluster refuses.

The encoding is one JSON object, a type a line, parsed with one fromJson per render
that runs a check (JSON, because fromJson reads it about five times faster than
fromYaml reads the same tree as YAML: 0.35 ms against 2 ms):

    "ConfigMapVolumeSource":{"defaultMode":null,"items":["KeyToPath"],"name":null,...},

`"f":""` is a string, `"f":0` an integer, `"f":false` a boolean, `"f":null` any scalar (an
IntOrString or a Quantity); `"f":"T"` an object of type T; `"f":["T"]` a list of such
objects; `"f":[""]` a list of strings (`[0]` of integers, `[]` of any scalars); `"f":{}` a free-form map (a map of strings or
quantities, and ObjectMeta, whose keys are the user's). A type's required fields (required
in any minor, among the fields every minor has) are listed under "!", a name no
Kubernetes field has: `"KeyToPath":{"key":null,"mode":null,"path":null,"!":["key","path"]}`. Descriptions are dropped. The output is deterministic, so tests/test_k8s_fields.py regenerates it and
compares byte for byte.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_values_doc import check_or_write  # noqa: E402  (one way to check or write generated files)

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "charts" / "common-lib" / "templates" / "fields" / "_types.tpl"
COMMAND = ".tools/venv/bin/python scripts/gen_k8s_fields.py"
MIN_MINOR, MAX_MINOR = 29, 37  # the chart's kubeVersion floor, and the newest schema shipped
CORE = "io.k8s.api.core.v1."
ROOTS = [
    *(CORE + name for name in (
        "Volume", "VolumeMount", "Toleration", "Affinity", "ContainerPort",
        "EnvVar", "EnvFromSource", "Probe", "Lifecycle",
    )),
    "io.k8s.api.networking.v1.NetworkPolicyPeer", "io.k8s.api.networking.v1.NetworkPolicyEgressRule",
]
# Objects whose keys belong to the user, not to Kubernetes: checked to be maps, no deeper.
FREE = {"io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}
SCALARS = {"string", "integer", "number", "boolean"}


class FieldsError(Exception):
    """The schemas hold a shape the encoding has no word for."""


def schema_dir() -> Path:
    import kubernetes_validate

    return Path(kubernetes_validate.__file__).resolve().parent / "kubernetes-json-schema"


def minors(directory: Path) -> list[str]:
    """The versions used, oldest first: each minor from MIN_MINOR to MAX_MINOR (all must exist)."""
    wanted = [f"1.{m}" for m in range(MIN_MINOR, MAX_MINOR + 1)]
    missing = [v for v in wanted if not (directory / f"v{v}.0-local-strict" / "_definitions.json").is_file()]
    if missing:
        raise FieldsError(f"kubernetes-validate ships no schema for {', '.join(missing)} under {directory}")
    return wanted


def load(directory: Path, version: str) -> dict[str, Any]:
    data = json.loads((directory / f"v{version}.0-local-strict" / "_definitions.json").read_text(encoding="utf-8"))
    return data.get("$defs") or data["definitions"]


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type", [])
    return ({kind} if isinstance(kind, str) else set(kind)) - {"null"}


def _scalar(kinds: set[str]) -> str | None:
    """A scalar's kind when it has exactly one of string, integer and boolean, else None (any)."""
    return next(iter(kinds)) if len(kinds) == 1 and kinds <= {"string", "integer", "boolean"} else None


def spec(defs: dict[str, Any], schema: dict[str, Any], where: str) -> tuple[str, str | None]:
    """What a property holds: ("scalar", kind), ("object", T), ("list", T), ("scalars", kind),
    ("map", None); a scalar kind is string, integer, boolean or None (any: IntOrString, Quantity)."""
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        target = defs[name]
        if name in FREE:
            return ("map", None)
        if "properties" in target:
            return ("object", name)
        variants = target.get("oneOf", [target])
        if all(_types(v) and _types(v) <= SCALARS for v in variants):
            return ("scalar", _scalar(set().union(*(_types(v) for v in variants))))  # IntOrString, Quantity: any
        raise FieldsError(f"{where}: $ref {name} is neither an object nor a scalar")
    kinds = _types(schema)
    if kinds and kinds <= SCALARS:
        return ("scalar", _scalar(kinds))
    if kinds == {"array"}:
        item = spec(defs, schema.get("items", {}), f"{where}[]")
        if item[0] == "object":
            return ("list", item[1])
        if item[0] == "scalar":
            return ("scalars", item[1])
        raise FieldsError(f"{where}: a list of {item[0]}s has no encoding")
    if kinds == {"object"} and "additionalProperties" in schema and "properties" not in schema:
        value = spec(defs, schema["additionalProperties"], f"{where}{{}}")
        if value[0] == "scalar":
            return ("map", None)
        raise FieldsError(f"{where}: a map of {value[0]}s has no encoding")
    raise FieldsError(f"{where}: unknown schema shape {sorted(schema)}")


def short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


REQUIRED = "!"  # the key of a type's required fields in the encoding


def tree(directory: Path | None = None) -> dict[str, dict[str, tuple[str, str | None]]]:
    """Short type name -> field -> spec (with short type names), intersected over the minors;
    a type's required fields as the spec ("required", their names joined by ",") under REQUIRED."""
    directory = directory or schema_dir()
    all_defs = [load(directory, v) for v in minors(directory)]
    out: dict[str, dict[str, tuple[str, str | None]]] = {}
    origin: dict[str, tuple[str, ...]] = {}

    def visit(names: tuple[str, ...]) -> None:
        key = short(names[-1])
        if key in origin:
            if origin[key] != names:
                raise FieldsError(f"{key} names different types: {origin[key]} and {names}")
            return
        origin[key] = names
        props = [defs[n]["properties"] for defs, n in zip(all_defs, names)]
        fields: dict[str, tuple[str, str | None]] = {}
        out[key] = fields
        for field in sorted(set.intersection(*(set(p) for p in props))):
            specs = [spec(d, p[field], f"{n}.{field}") for d, p, n in zip(all_defs, props, names)]
            if len({s[0] for s in specs}) > 1 or len({s[1] is None for s in specs}) > 1:
                raise FieldsError(f"{key}.{field} changes its shape across versions: {specs}")
            if specs[0][0] in ("object", "list"):
                refs = tuple(s[1] for s in specs)
                visit(refs)  # type: ignore[arg-type]
                fields[field] = (specs[0][0], short(refs[-1]))
            else:
                if len({s[1] for s in specs}) > 1:
                    raise FieldsError(f"{key}.{field} changes its scalar kind across versions: {specs}")
                fields[field] = specs[0]
        required = sorted(set().union(*(defs[n].get("required", []) for defs, n in zip(all_defs, names))) & set(fields))
        if required:
            fields[REQUIRED] = ("required", ",".join(required))

    for root in ROOTS:
        visit(tuple(root for _ in all_defs))
    return out


def encode(types: dict[str, dict[str, tuple[str, str | None]]]) -> str:
    """The tree as one JSON object, a type a line, sorted; see the module docstring."""
    scalars = {None: None, "string": "", "integer": 0, "boolean": False}
    values = {"scalar": lambda kind: scalars[kind], "object": lambda ref: ref, "list": lambda ref: [ref],
              "scalars": lambda kind: [scalars[kind]] if kind else [], "map": lambda ref: {},
              "required": lambda ref: ref.split(",")}
    lines = [
        json.dumps(name) + ":" + json.dumps({f: values[kind](ref) for f, (kind, ref) in fields.items()}, separators=(",", ":"))
        for name, fields in sorted(types.items())
    ]
    return "{\n" + ",\n".join(lines) + "\n}"


def generate(directory: Path | None = None) -> str:
    """The text of templates/fields/_types.tpl."""
    directory = directory or schema_dir()
    body = encode(tree(directory))
    if "{{" in body:
        raise FieldsError("the encoded tree contains {{, which Helm would read as an action")
    return (
        "{{/*\n"
        f"Generated by `{COMMAND}` from the Kubernetes\n"
        f"1.{MIN_MINOR}-1.{MAX_MINOR} OpenAPI schemas (kubernetes-validate); do not edit.\n"
        "common-lib.fields.types: the fields every minor has, of the types common-lib.fields.check\n"
        "walks, as JSON, a type a line: a field is \"\" (a string), 0 (an integer), false (a boolean),\n"
        "null (any scalar), \"T\" (an object of type T), [\"T\"] (a list of them), [\"\"], [0] or []\n"
        "(a list of strings, integers or any scalars) or {} (a free-form map); \"!\" lists the\n"
        "type's required fields.\n"
        "Input: none (dict)\n"
        "Usage:\n"
        '  {{- $types := include "common-lib.fields.types" dict | fromJson }}\n'
        "*/}}\n"
        '{{- define "common-lib.fields.types" -}}\n'
        f"{body}\n"
        "{{- end -}}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUTPUT, help="output file (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the output file is stale")
    args = parser.parse_args(argv)
    try:
        text = generate()
    except FieldsError as err:
        print(f"gen_k8s_fields: {err}", file=sys.stderr)
        return 2
    return check_or_write(args.out, text, check=args.check, regenerate=COMMAND)


if __name__ == "__main__":
    sys.exit(main())

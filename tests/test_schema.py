"""The schema corpus.

tests/schema-corpus/valid/*.yaml must be accepted; tests/schema-corpus/invalid/*.yaml
must be rejected. Every invalid file is the minimal product-team file with exactly
one thing wrong, and states what must be said about it in header comments:

    # expect jsonschema: <fragment>   an error of Python jsonschema (Draft 7) against
                                      values.schema.json, formatted "at '/key/path': message"
    # expect jsonschema: valid        the schema accepts it: a cross-field rule the
                                      schema cannot express, enforced by common-lib's
                                      validation helpers at render time
    # expect helm: <fragment>         in Helm's stderr, under Helm 4 AND Helm 3

As Helm does, Python validates the chart's defaults (values.yaml) coalesced with the
file, so a required key without a default is really missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from chart_harness.helm import HelmError
from chart_harness.render import render_chart
from tests.support.corpus import chart_schema, schema_errors
from tests.support.values import chart_defaults, coalesce
from tests.support.tools import ROOT, STANDARD_APP

CORPUS = ROOT / "tests" / "schema-corpus"
_EXPECT = re.compile(r"^#\s*expect\s+(jsonschema|helm):\s*(.+?)\s*$")


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    jsonschema: tuple[str, ...]  # expected fragments; ("valid",) if the schema accepts it
    helm: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.path.stem

    @property
    def schema_accepts(self) -> bool:
        return self.jsonschema == ("valid",)


def _load_corpus(kind: str) -> list[CorpusFile]:
    files = []
    for path in sorted((CORPUS / kind).glob("*.yaml")):
        expectations: dict[str, list[str]] = {"jsonschema": [], "helm": []}
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _EXPECT.match(line)
            if match:
                expectations[match[1]].append(match[2])
        files.append(CorpusFile(path, tuple(expectations["jsonschema"]), tuple(expectations["helm"])))
    return files


VALID = _load_corpus("valid")
INVALID = _load_corpus("invalid")


def _values_of(corpus_file: CorpusFile) -> dict:
    return coalesce(chart_defaults(), yaml.safe_load(corpus_file.path.read_text(encoding="utf-8")) or {})


# Every keyword draft-04 defines. A later keyword (const, contains, propertyNames, if/then/
# else, a numeric exclusiveMinimum) would be ignored by every draft-04 validator, Helm's
# included: a guard that silently does nothing.
DRAFT4_KEYWORDS = {
    "$schema", "id", "$ref", "title", "description", "default", "definitions",
    "type", "enum", "allOf", "anyOf", "oneOf", "not",
    "properties", "patternProperties", "additionalProperties", "required",
    "minProperties", "maxProperties", "dependencies",
    "items", "additionalItems", "minItems", "maxItems", "uniqueItems",
    "minLength", "maxLength", "pattern", "format",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
}


def _keywords(node, path="#"):
    """(path, keyword) of every keyword in a schema, not descending into the names of
    properties, patternProperties and definitions."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _keywords(item, f"{path}/{i}")
        return
    if not isinstance(node, dict):
        return
    for keyword, value in node.items():
        yield path, keyword
        if keyword in ("properties", "patternProperties", "definitions"):
            for name, sub in value.items():
                yield from _keywords(sub, f"{path}/{keyword}/{name}")
        elif keyword in ("items", "additionalProperties", "additionalItems", "not", "allOf", "anyOf", "oneOf"):
            yield from _keywords(value, f"{path}/{keyword}")


def test_schema_is_valid_draft4():
    """values.schema.json declares draft-04, the oldest draft with every keyword it uses:
    Helm's schema compiler walks each subschema once per keyword of the declared draft, so
    draft-04 costs the least on every render (docs/performance.md has the numbers).
    (Self-containment, i.e. no remote $ref, is a hygiene rule: tests/test_hygiene.py.)"""
    schema = chart_schema()
    assert jsonschema.validators.validator_for(schema, default=None) is jsonschema.Draft4Validator, schema.get("$schema")
    jsonschema.Draft4Validator.check_schema(schema)
    unknown = [f"{path}: {keyword}" for path, keyword in _keywords(schema) if keyword not in DRAFT4_KEYWORDS]
    assert not unknown, f"keywords draft-04 does not have (validators would ignore them): {unknown}"


def test_draft4_keyword_check_can_fail():
    schema = {"properties": {"port": {"type": "integer", "const": 8080}, "tags": {"items": {"contains": {}}}}}
    found = {keyword for _, keyword in _keywords(schema) if keyword not in DRAFT4_KEYWORDS}
    assert found == {"const", "contains"}


def test_corpus_covers_every_category():
    names = {f.id for f in INVALID}
    for prefix in ("type-", "required-", "rfc1123-", "enum-", "range-", "typo-", "template-"):
        assert any(n.startswith(prefix) for n in names), f"no invalid/{prefix}*.yaml case"
    assert "global" in {f.id for f in VALID}, "valid/global.yaml must prove `global` is allowed"


def test_every_invalid_file_states_its_expectations():
    for f in INVALID:
        assert f.jsonschema and f.helm, (
            f"{f.path.relative_to(ROOT)}: add '# expect jsonschema: ...' and '# expect helm: ...' lines"
        )


# --- valid ------------------------------------------------------------------------------


@pytest.mark.parametrize("corpus_file", VALID, ids=[f.id for f in VALID])
def test_valid_values_pass_jsonschema(corpus_file):
    assert schema_errors(_values_of(corpus_file)) == []


@pytest.mark.parametrize("corpus_file", VALID, ids=[f.id for f in VALID])
def test_valid_values_render(corpus_file, helm_version):
    result = render_chart(STANDARD_APP, helm_version, values_files=[corpus_file.path])
    assert result.one("Deployment")


# --- invalid ----------------------------------------------------------------------------


@pytest.mark.parametrize("corpus_file", INVALID, ids=[f.id for f in INVALID])
def test_invalid_values_jsonschema(corpus_file):
    errors = schema_errors(_values_of(corpus_file))
    if corpus_file.schema_accepts:
        assert errors == [], (
            "expected the schema to accept this file (a cross-field rule for the templates), "
            f"but it reports: {errors}"
        )
        return
    assert len(errors) == 1, f"exactly one thing should be wrong, jsonschema reports: {errors}"
    for fragment in corpus_file.jsonschema:
        assert fragment in errors[0], f"expected {fragment!r} in the jsonschema error {errors[0]!r}"


@pytest.mark.parametrize("corpus_file", INVALID, ids=[f.id for f in INVALID])
def test_invalid_values_rejected_by_helm(corpus_file, helm_version):
    with pytest.raises(HelmError) as excinfo:
        render_chart(STANDARD_APP, helm_version, values_files=[corpus_file.path])
    stderr = excinfo.value.stderr
    for fragment in corpus_file.helm:
        assert fragment in stderr, f"{helm_version.label}: expected {fragment!r} in stderr:\n{stderr}"
    if corpus_file.schema_accepts:
        problems = [line for line in stderr.splitlines() if line.startswith("  - ")]
        assert len(problems) == 1, f"exactly one problem expected, Helm reports:\n{stderr}"
    else:
        problems = [line for line in stderr.splitlines() if line.startswith("- at '")]
        assert len(problems) == 1, f"exactly one schema error expected, Helm reports:\n{stderr}"


def test_template_validation_lists_every_problem_at_once(helm_version, tmp_path):
    """The cross-field rules run together and fail once, listing each problem."""
    values = tmp_path / "values.yaml"
    values.write_text(
        "nameOverride: orders\nimage: {repository: registry.example.com/shop/orders, tag: latest}\n"
        "containerPort: 8080\nenv: {DB_PASSWORD: hunter2}\n"
        "autoscaling: {enabled: true, minReplicas: 5, maxReplicas: 3}\n",
        encoding="utf-8",
    )
    with pytest.raises(HelmError) as excinfo:
        render_chart(STANDARD_APP, helm_version, values_files=[values])
    stderr = excinfo.value.stderr
    for key in ("image.tag:", "env.DB_PASSWORD:", "autoscaling.minReplicas:"):
        assert f"  - {key}" in stderr, f"{key} missing from:\n{stderr}"


# --- the helper itself ------------------------------------------------------------------


def test_coalesce_follows_helm():
    defaults: dict[str, Any] = {"a": {"b": 1, "c": 2}, "l": [1, 2], "d": 1}
    assert coalesce(defaults, {"a": {"b": 9}, "l": [3], "d": None, "n": None}) == {
        "a": {"b": 9, "c": 2},
        "l": [3],
        "n": None,
    }
    assert defaults == {"a": {"b": 1, "c": 2}, "l": [1, 2], "d": 1}

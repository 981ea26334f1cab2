"""Schema-driven property tests: values drawn from values.schema.json, rendered by Helm 4.

Valid draws. hypothesis-jsonschema draws values files from charts/standard-app/
values.schema.json (each top-level section and each fixed-key object is drawn key by
key, so a draw exercises a handful of features instead of the bare minimum). Every
draw must end in one of two ways:
  * rendered, and the documents keep the invariants (src/chart_harness/invariants.py) and
    pass strict OpenAPI validation (src/chart_harness/openapi.py); or
  * rejected by one of the chart's documented cross-field rules (common-lib.validate.*:
    "latest" tags, secret-looking env names, HPA min > max, ...), with a message that
    starts with the key path it is about.
Anything else -- a template crash, an invalid manifest, a rule message without a key
-- fails, and Hypothesis shrinks it to a minimal values file, printed ready to paste.

Mutated draws. A valid values file with one deliberate schema violation (a wrong type,
an unknown key, a number or enum out of range) must be rejected by `helm template` with
a message naming that key.

Settings: a bounded number of examples (render calls cost ~50 ms each); with CI set,
derandomized (a fixed seed, the same examples every run) and no example database;
locally random, with failures remembered in .cache/hypothesis.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase

from chart_harness import invariants, openapi
from chart_harness.cases import discover_cases
from chart_harness.helm import HelmError, HelmVersion
from chart_harness.settings import active
from chart_harness.render import render_chart
from tests.support.tools import cache_dir, STANDARD_APP
from tests.support.values import as_helm_validates

SCHEMA: dict = json.loads((STANDARD_APP / "values.schema.json").read_text(encoding="utf-8"))
DEFINITIONS: dict = SCHEMA.get("definitions", {})
VALIDATOR = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
DEFAULTS: dict = yaml.safe_load((STANDARD_APP / "values.yaml").read_text(encoding="utf-8"))

# Hypothesis keeps its caches (and, locally, the failing examples) in .cache/, not in a
# .hypothesis/ directory of the working tree.
set_hypothesis_home_dir(str(cache_dir() / "hypothesis"))
IN_CI = bool(os.environ.get("CI"))
# Measured on 2 busy cores: ~50-200 ms per example (one Helm process each), so about
# 25 + 3 x 6 examples keep both tests within a few seconds on a fresh cache.
VALID_EXAMPLES = 25
MUTATED_EXAMPLES_PER_KIND = 6
PROPERTY_SETTINGS = settings(
    derandomize=IN_CI,
    database=None if IN_CI else DirectoryBasedExampleDatabase(str(cache_dir() / "hypothesis" / "examples")),
    deadline=None,  # one example is a Helm process: its time varies with the machine's load
    print_blob=not IN_CI,
    report_multiple_bugs=False,  # shrink one failure well (each step is a Helm process)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def _require_compatible_hypothesis() -> None:
    """hypothesis-jsonschema 0.23.1 needs Hypothesis' many.more(), gone since 6.170.10."""
    from hypothesis.internal.conjecture import utils

    if not hasattr(utils.many, "more"):
        import hypothesis
        import hypothesis_jsonschema

        pytest.fail(
            f"hypothesis {hypothesis.__version__} is incompatible with hypothesis-jsonschema "
            f"{hypothesis_jsonschema.__version__} (it calls many.more(), removed in hypothesis "
            "6.170.10): pin hypothesis==6.170.9 in pyproject.toml and run `make tools`",
            pytrace=False,
        )


# --- drawing values from the schema ------------------------------------------------------


def resolve(node: dict) -> dict:
    """Follow local $refs (#/definitions/<name>), merging sibling keywords."""
    while "$ref" in node:
        name = node["$ref"].removeprefix("#/definitions/")
        node = {**DEFINITIONS[name], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _is_record(node: dict) -> bool:
    """An object with fixed, known keys and nothing else: drawn key by key."""
    return (
        node.get("type") == "object"
        and bool(node.get("properties"))
        and node.get("additionalProperties") is False
        and not ({"patternProperties", "propertyNames", "minProperties", "maxProperties", "oneOf", "anyOf", "allOf", "dependencies"} & node.keys())
    )


# Objects the schema types only as "object" (or arrays of them): Kubernetes structures
# passed through verbatim (affinity, tolerations, volumes, a sidecar's probes, ...).
# The schema leaves their content to the API server, so arbitrary objects there are
# not a chart bug; they are drawn from valid Kubernetes values instead, which still
# exercises how the chart places and indents them. test_passthrough_paths_are_known
# keeps this list equal to what the schema leaves open.
_NAME = st.from_regex(r"\A[a-z][a-z0-9]{0,8}\Z")
_LABELS = st.dictionaries(st.from_regex(r"\A[a-z][a-z0-9.-]{0,10}[a-z0-9]\Z"), _NAME, max_size=2)
PASSTHROUGH: dict[str, st.SearchStrategy] = {
    "affinity": st.sampled_from(
        [
            {},
            {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}]}]}}},
            {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {"topologyKey": "topology.kubernetes.io/zone", "labelSelector": {"matchLabels": {"app": "x"}}}}]}},
        ]
    ),
    "tolerations[]": st.builds(
        lambda key, effect: {"key": key, "operator": "Exists", "effect": effect},
        _NAME,
        st.sampled_from(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
    ),
    "extraVolumes[]": st.builds(lambda name: {"name": f"x-{name}", "emptyDir": {}}, _NAME),
    "extraVolumeMounts[]": st.builds(lambda name: {"name": f"x-{name}", "mountPath": f"/mnt/{name}"}, _NAME),
    "networkPolicy.from[].podSelector": st.builds(lambda labels: {"matchLabels": labels}, _LABELS),
    "networkPolicy.from[].namespaceSelector": st.builds(lambda labels: {"matchLabels": labels}, _LABELS),
    "networkPolicy.from[].ipBlock": st.sampled_from([{"cidr": "10.0.0.0/8"}, {"cidr": "192.168.0.0/16", "except": ["192.168.1.0/24"]}]),
    "sidecars[].env[]": st.builds(lambda name, value: {"name": name.upper(), "value": value}, _NAME, _NAME),
    "sidecars[].envFrom[]": st.builds(lambda name: {"configMapRef": {"name": name}}, _NAME),
    "sidecars[].ports[]": st.builds(lambda port: {"containerPort": port, "protocol": "TCP"}, st.integers(1024, 65535)),
    "sidecars[].volumeMounts[]": st.builds(lambda name: {"name": "tmp", "mountPath": f"/var/{name}"}, _NAME),
    "sidecars[].livenessProbe": st.builds(lambda port: {"tcpSocket": {"port": port}}, st.integers(1, 65535)),
    "sidecars[].readinessProbe": st.builds(lambda path: {"httpGet": {"path": f"/{path}", "port": 8080}}, _NAME),
    "sidecars[].startupProbe": st.builds(lambda n: {"exec": {"command": ["true"]}, "failureThreshold": n}, st.integers(1, 30)),
    "sidecars[].lifecycle": st.just({"preStop": {"sleep": {"seconds": 5}}}),
}
# The egress peers are NetworkPolicyPeers too.
PASSTHROUGH.update({key.replace("networkPolicy.from[]", prefix): strategy
                    for prefix in ("networkPolicy.egress.dns[]", "networkPolicy.egress.rules[].to[]")
                    for key, strategy in list(PASSTHROUGH.items()) if key.startswith("networkPolicy.from[]")})
# Init containers take the same Container fields (the chart refuses their probes and
# lifecycle with a rule, which the outcome classifier accepts as a named refusal).
PASSTHROUGH.update({key.replace("sidecars[]", "initContainers[]"): strategy
                    for key, strategy in list(PASSTHROUGH.items()) if key.startswith("sidecars[]")})


# Strings the schema only keeps printable, because the templates check the exact grammar
# and say what to do (a tag inside a repository goes to image.tag): drawn from that grammar.
_REPOSITORY = st.from_regex(r"\A([a-z0-9]+\.[a-z]{2,5}(:[0-9]{2,5})?/)?[a-z0-9]{1,8}([._-][a-z0-9]{1,8})?(/[a-z0-9]{1,8}){0,2}\Z")
TEMPLATE_GRAMMAR: dict[str, st.SearchStrategy] = {
    "image.repository": _REPOSITORY,
    "tests.image.repository": _REPOSITORY,
    "sidecars[].image": st.builds(lambda repo, tag: f"{repo}:{tag}", _REPOSITORY, st.from_regex(r"\A[0-9]\.[0-9]{1,2}\.[0-9]\Z")),
    # A probe names a port the container declares (common-lib.probes.validatePorts): mostly
    # http, sometimes a name the draw may not declare.
    **{f"probes{kind}.port": st.sampled_from(["http", "http", "http", "grpc"])
       for kind in ("", ".liveness", ".readiness", ".startup")},
    # Named ports: port names (common-lib.ports.validate), mostly unique numbers.
    "ports[].name": st.from_regex(r"\A[a-z]{1,6}(-[a-z0-9]{1,4})?\Z"),
    "ports[].port": st.integers(min_value=1024, max_value=65535),
    # envFrom names ConfigMaps and Secrets by DNS-1123 subdomain; downwardEnv names fields.
    "envFrom[].configMap": st.from_regex(r"\A[a-z][a-z0-9-]{0,20}[a-z0-9]\Z"),
    "envFrom[].secret": st.from_regex(r"\A[a-z][a-z0-9-]{0,20}[a-z0-9]\Z"),
    # The schema takes any CronJob key and the templates name a bad one; draw DNS labels.
    "cronJobs": st.deferred(lambda: st.dictionaries(
        st.from_regex(r"\A[a-z][a-z0-9-]{0,10}[a-z0-9]\Z"),
        strategy(SCHEMA["properties"]["cronJobs"]["additionalProperties"], "cronJobs.*"), max_size=2)),
}


def _is_open_object(node: dict) -> bool:
    return node.get("type") == "object" and not node.get("properties") and "additionalProperties" not in node and "propertyNames" not in node


def passthrough_paths(node: dict | None = None, path: str = "") -> Iterator[str]:
    """Paths (a.b[].c) where the schema accepts any object."""
    node = resolve(node if node is not None else SCHEMA)
    if path and _is_open_object(node) and path not in ("global", "common-lib"):
        yield path
        return
    for key, child in (node.get("properties") or {}).items():
        yield from passthrough_paths(child, f"{path}.{key}" if path else key)
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        yield from passthrough_paths(node["items"], f"{path}[]")


def strategy(node: dict, path: str = "") -> st.SearchStrategy:
    """Values for one schema node; records key by key, open objects from PASSTHROUGH."""
    from hypothesis_jsonschema import from_schema

    node = resolve(node)
    if path in PASSTHROUGH:
        return PASSTHROUGH[path]
    if path in TEMPLATE_GRAMMAR:
        return TEMPLATE_GRAMMAR[path]
    if path in PREFERRED_KEYS and _is_record(node):
        # Mostly draws that set a key the chart's rules require (else nearly every draw
        # would stop at that one rule), sometimes the record exactly as the schema has it.
        variants = [
            {
                **node,
                "required": sorted({*node.get("required", []), key}),
                "properties": {**node["properties"], key: {**resolve(node["properties"][key]), "minLength": 1}},
            }
            for key in PREFERRED_KEYS[path]
        ]
        return st.one_of(*[_record(v, path) for v in variants], _record(node, path))
    if _is_record(node):
        return _record(node, path)
    if node.get("type") == "array" and isinstance(node.get("items"), dict) and set(node) <= {"type", "items", "description", "maxItems"}:
        return st.lists(strategy(node["items"], f"{path}[]"), max_size=min(2, node.get("maxItems", 2)))
    # A values file is UTF-8 text without NUL characters.
    return from_schema({**node, "definitions": DEFINITIONS}, allow_x00=False, codec="utf-8")


def _record(node: dict, path: str) -> st.SearchStrategy:
    """A fixed-key object, key by key: required keys always, optional keys sometimes."""
    required = set(node.get("required", []))
    props = node["properties"]
    return st.fixed_dictionaries(
        {k: strategy(v, f"{path}.{k}" if path else k) for k, v in props.items() if k in required},
        optional={k: strategy(v, f"{path}.{k}" if path else k) for k, v in props.items() if k not in required},
    )


# Records whose draws should usually set one of these keys (non-empty): the chart requires
# a tag or a digest (common-lib.deployment.validate), which the schema cannot say.
PREFERRED_KEYS = {"image": ("tag", "digest")}


_TOP_STRATEGIES: dict[str, st.SearchStrategy] = {}


def _top(key: str) -> st.SearchStrategy:
    if key not in _TOP_STRATEGIES:
        _TOP_STRATEGIES[key] = strategy(SCHEMA["properties"][key], key)
    return _TOP_STRATEGIES[key]


# The keys a values file must set itself: required by the schema and without a default
# in values.yaml (Helm merges the defaults before it validates).
NEEDED = sorted(set(SCHEMA.get("required", [])) - set(yaml.safe_load(
    (STANDARD_APP / "values.yaml").read_text(encoding="utf-8"))) | {"image", "containerPort"})
# Sections a draw may set on top of those: every property but the two that carry no
# meaning for this chart (global, and the library's values scope).
OPTIONAL_SECTIONS = sorted(set(SCHEMA["properties"]) - set(NEEDED) - {"global", "common-lib"})


@st.composite
def valid_values(draw: st.DrawFn) -> dict:
    """A values file valid against values.schema.json: the needed keys plus a few sections."""
    values = {key: draw(_top(key)) for key in NEEDED}
    for key in draw(st.lists(st.sampled_from(OPTIONAL_SECTIONS), unique=True, max_size=5)):
        values[key] = draw(_top(key))
    return values


# --- outcomes ----------------------------------------------------------------------------

# A rule message of common-lib.validate.*: "  - <key path>: <problem>".
_RULE_LINE = re.compile(r"^\s*-\s+(?P<key>[A-Za-z][\w.\[\]/-]*):\s+\S")


def _merged(node: dict) -> dict:
    """A node with its allOf/anyOf/oneOf members' properties, items and maps folded in."""
    node = resolve(node)
    merged = dict(node)
    for keyword in ("allOf", "anyOf", "oneOf"):
        for member in node.get(keyword) or []:
            member = _merged(member)
            props = dict(merged.get("properties") or {})
            for key, child in (member.get("properties") or {}).items():
                props[key] = {"allOf": [child, props[key]]} if key in props else child
            merged["properties"] = props
            for key in ("items", "additionalProperties", "patternProperties", "type"):
                if key in member and key not in merged:
                    merged[key] = member[key]
    return merged


def schema_has_path(key: str) -> bool:
    """Does `a.b[0].c` name a place in values.schema.json (map keys included)? A map key
    may itself hold dots (`nvidia.com/gpu`), so a map consumes one or more parts."""
    return _has_path(_merged(SCHEMA), re.findall(r"[^.\[\]]+|\[\d+\]", key))


def _has_path(node: dict, parts: list[str]) -> bool:
    if not parts:
        return True
    part, rest = parts[0], parts[1:]
    if part.startswith("["):
        return isinstance(node.get("items"), dict) and _has_path(_merged(node["items"]), rest)
    if part in (node.get("properties") or {}):
        return _has_path(_merged(node["properties"][part]), rest)
    if node.get("patternProperties") or isinstance(node.get("additionalProperties"), dict):
        for n in range(1, len(parts) + 1):
            name = ".".join(parts[:n])
            for pattern, sub in (node.get("patternProperties") or {}).items():
                if re.search(pattern, name) and _has_path(_merged(sub), parts[n:]):
                    return True
            if isinstance(node.get("additionalProperties"), dict) and _has_path(_merged(node["additionalProperties"]), parts[n:]):
                return True
        return False
    # a pass-through Kubernetes object: any field path below it is its own
    return "object" in str(node.get("type")) and not node.get("properties")


def rule_rejections(stderr: str) -> list[str]:
    """The key paths named by the chart's validation failure; [] if it is not one."""
    if "invalid values:" not in stderr:
        return []
    return [m.group("key") for line in stderr.splitlines() if (m := _RULE_LINE.match(line))]


class _PasteDumper(yaml.SafeDumper):
    """YAML that Helm (Go, YAML 1.1 scalars) reads back as exactly these values."""


_PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./-]*$")
_YAML11_WORDS = re.compile(r"^(y|n|yes|no|on|off|true|false|null|~)$", re.IGNORECASE)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = None if _PLAIN.match(value) and not _YAML11_WORDS.match(value) else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_PasteDumper.add_representer(str, _represent_str)


def values_yaml(values: dict) -> str:
    return yaml.dump(values, Dumper=_PasteDumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=1 << 16)


def _paste(values: dict, why: str) -> str:
    return (
        f"{why}\n"
        "--- failing-values.yaml (paste this file, then run:\n"
        "    .tools/bin/helm template orders charts/standard-app -n shop "
        f"--kube-version {active().kube_version} -f failing-values.yaml)\n"
        f"{values_yaml(values)}---"
    )


# Characters YAML takes literally inside a quoted scalar (printable, YAML 1.2 5.1, and not
# a line break such as NEL, U+2028, U+2029): everything else is written escaped.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def yaml_safe_json(values: dict) -> str:
    """JSON (so YAML 1.1 never reinterprets a scalar) that a YAML parser accepts as is:
    UTF-8 text, with every character YAML forbids raw written as a \\uXXXX escape."""
    text = json.dumps(values, ensure_ascii=False, indent=1)
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _write(tmp_dir: Path, values: dict) -> Path:
    digest = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]
    path = tmp_dir / f"values-{digest}.yaml"
    path.write_text(yaml_safe_json(values), encoding="utf-8")

    return path


# Invariants a values file may loosen on purpose: the security contexts merge over the
# restricted defaults ("loosen by merging an override, never by forking"), so a draw
# that sets one is held to every rule except restricted-security.
def _applicable_checks(values: dict) -> dict:
    loosened = bool(values.get("podSecurityContext") or values.get("containerSecurityContext")) or any(
        "securityContext" in sidecar for sidecar in values.get("sidecars") or []
    )
    return {rule: check for rule, check in invariants.CHECKS.items() if not (loosened and rule == invariants.RESTRICTED_SECURITY)}


def check_rendered(docs: list[dict], values: dict) -> list[str]:
    """Invariant violations, OpenAPI findings and lost values of one rendered draw."""
    problems = [str(v) for check in _applicable_checks(values).values() for v in check(docs, "draw")]
    problems += [str(f) for f in openapi.validate_docs(docs, active().kube_version, "draw")]
    problems += roundtrip_problems(docs, values)
    return problems


def roundtrip_problems(docs: list[dict], values: dict) -> list[str]:
    """What the values asked for but the manifest silently lacks (a valid-looking render
    that dropped an env var, a label or an annotation is worse than a failed one)."""
    deployments = [d for d in docs if d.get("kind") == "Deployment"]
    if len(deployments) != 1:
        return [f"expected one Deployment, rendered {len(deployments)} (kinds: {sorted({d.get('kind') for d in docs})})"]
    template = deployments[0]["spec"]["template"]
    app = next((c for c in template["spec"].get("containers") or [] if c.get("name") == "app"), None)
    if app is None:
        return ["the Deployment has no container named app"]
    found = []
    rendered_env = {e.get("name"): e for e in app.get("env") or []}
    for name, value in (values.get("env") or {}).items():
        got = (rendered_env.get(name) or {}).get("value")
        # strings must arrive unchanged; numbers and booleans as some string (their
        # spelling is the chart's business: see docs/values.md)
        if (got != value) if isinstance(value, str) else not isinstance(got, str):
            found.append(f"env.{name}: {value!r} rendered as {got!r}")
    for name in values.get("secretEnv") or {}:
        if "secretKeyRef" not in ((rendered_env.get(name) or {}).get("valueFrom") or {}):
            found.append(f"secretEnv.{name}: no secretKeyRef env var in the app container")
    pod_labels = (template.get("metadata") or {}).get("labels") or {}
    for key, value in (values.get("podLabels") or {}).items():
        if not key.startswith("app.kubernetes.io/") and pod_labels.get(key) != value:
            found.append(f"podLabels.{key}: {value!r} rendered as {pod_labels.get(key)!r}")
    pod_annotations = (template.get("metadata") or {}).get("annotations") or {}
    for key, value in (values.get("podAnnotations") or {}).items():
        if not key.startswith(("prometheus.io/", "checksum/")) and pod_annotations.get(key) != value:
            found.append(f"podAnnotations.{key}: {value!r} rendered as {pod_annotations.get(key)!r}")
    return [f"draw: Deployment {p}" for p in found]


@dataclass
class Tally:
    """How the examples of one property test ended."""

    outcomes: Counter

    def line(self, what: str) -> str:
        total = sum(self.outcomes.values())
        detail = ", ".join(f"{n} {k}" for k, n in self.outcomes.most_common())
        return f"{what}: {total} examples tried ({detail})"


@pytest.fixture(scope="module")
def draws_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _require_compatible_hypothesis()
    return tmp_path_factory.mktemp("draws")


def test_valid_draws_render_or_are_rejected_by_a_rule(helm4: HelmVersion, draws_dir: Path, record_property) -> None:  # noqa: ANN001
    tally = Tally(Counter())

    @settings(parent=PROPERTY_SETTINGS, max_examples=VALID_EXAMPLES)
    @given(values=valid_values())
    def prop(values: dict) -> None:
        errors = sorted(VALIDATOR.iter_errors(as_helm_validates(values)), key=str)
        assert not errors, _paste(values, f"the generator drew schema-invalid values: {errors[0].message}")
        note(_paste(values, "the draw:"))
        try:
            docs = render_chart(STANDARD_APP, helm4, values_files=[_write(draws_dir, values)]).docs
        except HelmError as err:
            keys = rule_rejections(err.stderr)
            unknown = [k for k in keys if not schema_has_path(k)]
            assert keys and not unknown, _paste(
                values,
                "schema-valid values crashed the templates or were rejected without naming a key"
                f"{' (unknown key paths ' + str(unknown) + ')' if unknown else ''}:\n{err.stderr.strip()}",
            )
            tally.outcomes[f"rejected by the rule on {keys[0]}"] += 1
            return
        problems = check_rendered(docs, values)
        assert not problems, _paste(values, "rendered, but the documents break the contract:\n" + "\n".join(problems))
        tally.outcomes["rendered and valid"] += 1

    prop()
    summary = tally.line("valid draws")
    print(summary)
    record_property("hypothesis", summary)
    assert tally.outcomes["rendered and valid"] >= VALID_EXAMPLES // 4, (
        f"{summary}: too few draws rendered to say much; the generator or the rules need a look"
    )


# --- mutated draws -----------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """A place in the schema where a values file can break it on purpose."""

    kind: str  # "type", "unknown", "range"
    path: tuple[str, ...]
    node: dict

    def __str__(self) -> str:
        return f"{self.kind} at {'.'.join(self.path) or '(top level)'}"


def mutation_sites(node: dict | None = None, path: tuple[str, ...] = ()) -> Iterator[Site]:
    """Every fixed key of every record (arrays and maps not entered), with what can break it."""
    node = resolve(node if node is not None else SCHEMA)
    if node.get("additionalProperties") is False:
        yield Site("unknown", path, node)
    for key, child in (node.get("properties") or {}).items():
        child = resolve(child)
        where = (*path, key)
        if isinstance(child.get("type"), str) and child["type"] in ("string", "integer", "boolean", "array", "object"):
            yield Site("type", where, child)
        if "minimum" in child or "maximum" in child or "enum" in child or "maxLength" in child:
            yield Site("range", where, child)
        if _is_record(child):
            yield from mutation_sites(child, where)


SITES = list(mutation_sites())
MUTATION_KINDS = ("type", "unknown", "range")  # wrong type, unknown key, out of range
CASE_FILES = [c.values_file for c in discover_cases()]
_WRONG = {"string": 12345, "integer": "12", "boolean": "yes", "array": "not-a-list", "object": ["not", "a", "map"]}


def _bad_value(site: Site, draw: st.DrawFn) -> Any:
    if site.kind == "type":
        return _WRONG[site.node["type"]]
    node = site.node
    choices = []
    if "maximum" in node:
        choices.append(node["maximum"] + draw(st.integers(1, 1000)))
    if "minimum" in node:
        choices.append(node["minimum"] - draw(st.integers(1, 1000)))
    if "enum" in node:
        choices.append(draw(st.sampled_from(["", "Invalid", "clusterip"]).filter(lambda v: v not in node["enum"])))
    if "maxLength" in node:
        choices.append("a" * (node["maxLength"] + 1))
    return draw(st.sampled_from(choices))


@st.composite
def mutated_values(draw: st.DrawFn, kind: str) -> tuple[dict, Site, Any, str]:
    """(values, site, bad value, key) -- a valid ci values file broken at one site."""
    base = yaml.safe_load(draw(st.sampled_from(CASE_FILES)).read_text(encoding="utf-8"))
    site = draw(st.sampled_from([s for s in SITES if s.kind == kind]))
    values = json.loads(json.dumps(base))
    parent = values
    for key in site.path[:-1] if site.kind != "unknown" else site.path:
        parent = parent.setdefault(key, {})
        if not isinstance(parent, dict):  # a list or scalar in the way: not a record path here
            parent = None
            break
    assume(parent is not None)
    if site.kind == "unknown":
        known = set(site.node.get("properties") or {})
        key = draw(st.from_regex(r"\A[a-z][a-zA-Z]{2,14}\Z").filter(lambda k: k not in known))
        bad: Any = draw(st.sampled_from(["x", 1, True]))
    else:
        key = site.path[-1]
        bad = _bad_value(site, draw)
    parent[key] = bad
    return values, site, bad, key


def expected_fragments(site: Site, key: str) -> tuple[str, ...]:
    """What Helm's error must contain (any one): the JSON pointer of the key, the unknown key,
    or, for a dependency's values scope such as `common-lib`, Helm's "type mismatch on <key>"."""
    if site.kind == "unknown":
        return (f"additional properties '{key}' not allowed",)
    return ("at '/" + "/".join(site.path) + "'", f"type mismatch on {key}:")


@pytest.mark.parametrize("kind", MUTATION_KINDS)
def test_mutated_draws_are_rejected_naming_the_key(kind: str, helm4: HelmVersion, draws_dir: Path, record_property) -> None:  # noqa: ANN001
    tally = Tally(Counter())

    @settings(parent=PROPERTY_SETTINGS, max_examples=MUTATED_EXAMPLES_PER_KIND)
    @given(mutation=mutated_values(kind))
    def prop(mutation: tuple[dict, Site, Any, str]) -> None:
        values, site, bad, key = mutation
        note(_paste(values, f"mutation: {site} = {bad!r}"))
        assert not VALIDATOR.is_valid(as_helm_validates(values)), _paste(values, f"the mutation {site} = {bad!r} left the values valid")
        try:
            render_chart(STANDARD_APP, helm4, values_files=[_write(draws_dir, values)])
        except HelmError as err:
            fragments = expected_fragments(site, key)
            assert any(f in err.stderr for f in fragments), _paste(
                values, f"helm template rejected {site} = {bad!r}, but without naming it ({fragments[0]!r}):\n{err.stderr.strip()}"
            )
            tally.outcomes[f"{site.kind} rejected"] += 1
            return
        raise AssertionError(_paste(values, f"helm template accepted {site} = {bad!r}"))

    prop()
    summary = tally.line(f"mutated draws ({kind})")
    print(summary)
    record_property("hypothesis", summary)
    assert tally.outcomes, f"{summary}: no {kind} mutation was tried"


# --- the generator's own contract --------------------------------------------------------


def test_passthrough_paths_are_known() -> None:
    """Every place the schema accepts any object is classified in PASSTHROUGH, and back."""
    in_schema = set(passthrough_paths())
    assert in_schema == set(PASSTHROUGH), (
        f"values.schema.json accepts any object at {sorted(in_schema - set(PASSTHROUGH))}; add a strategy of "
        f"valid Kubernetes values to PASSTHROUGH (or constrain the schema); stale entries: "
        f"{sorted(set(PASSTHROUGH) - in_schema)}"
    )


def test_rule_messages_are_recognised() -> None:
    """The outcome classifier accepts the chart's rule format and refuses anything else."""
    stderr = "Error: execution error at (standard-app/templates/tests/test-connection.yaml:1:4): \n\nstandard-app: invalid values:\n  - image.tag: \"latest\" is not allowed (got \"latest\")\n  - sidecars[0].image: needs an immutable tag\n"
    assert rule_rejections(stderr) == ["image.tag", "sidecars[0].image"]
    assert all(schema_has_path(k) for k in rule_rejections(stderr))
    assert not schema_has_path("image.tagg") and schema_has_path("env.ANY_NAME")
    assert rule_rejections("Error: template: standard-app/templates/x.yaml:3: nil pointer evaluating interface {}.enabled") == []

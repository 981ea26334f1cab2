"""Values corpora: standard-app's schema, jsonschema errors in Helm's format, and the
header loader of tests/adversarial-corpus/ (tests/test_schema.py and
tests/test_adversarial_corpus.py share them).

Adversarial corpus headers (comment lines anywhere in the file, usually on top):

    # expect: refused | accepted         the outcome (exactly one such line)
    # expect message: <fragment>         refused only, repeatable: in Helm's stderr under
                                         Helm 4 AND Helm 3. A template refusal is the key
                                         path and a colon (`env.UMASK:`); a schema refusal
                                         Helm's JSON pointer (`at '/probes'`) plus, if
                                         useful, the property name in quotes (`'liveness'`)
    # expect level: baseline             the file lowers Pod Security through
                                         `podSecurity.level`: admitted under "baseline",
                                         rejected or warned under "restricted"
    # expect cluster: rejected           refused only: without the chart's guards, the API
                                         server or Pod Security "restricted" refuses it too
    # expect cluster: admitted           with `level: baseline`: restricted Pod Security
                                         does not check what the file loosens (e.g.
                                         readOnlyRootFilesystem), so restricted admits it
    # generate: config-bytes <N>         at test time, `config.BLOB` is set to N bytes
                                         ("x" * N): keeps megabyte inputs out of git.
                                         CorpusFile.values_file() writes the materialized
                                         file under .cache/adversarial/ (content-named).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jsonschema
import yaml

from chart_harness.files import atomic_write_text
from .tools import cache_dir, STANDARD_APP
from .values import chart_defaults, coalesce

SCHEMA_FILE = STANDARD_APP / "values.schema.json"
GENERATED_DIR = cache_dir() / "adversarial"


@cache
def chart_schema() -> dict:
    """standard-app's values.schema.json, parsed once per process."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def _escape(part: object) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def schema_errors(values: dict) -> list[str]:
    """Every jsonschema error, as "at '/key/path': message" (Helm's format: a JSON pointer,
    so `/` in a key is `~1` and `~` is `~0`)."""
    schema = chart_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    return sorted(
        f"at '{''.join(f'/{_escape(p)}' for p in error.absolute_path)}': {error.message}"
        for error in validator.iter_errors(values)
    )


# --------------------------------------------------------------------------- adversarial

_HEADER = re.compile(r"^#\s*(expect(?:\s+(message|level|cluster))?|generate):\s*(.*?)\s*$")
OUTCOMES = ("refused", "accepted")
GENERATORS = ("config-bytes",)


class CorpusHeaderError(ValueError):
    pass


def json_keys(value: Any) -> Any:
    """`value` with every map key a string, as Helm's YAML-to-JSON reading leaves it
    (True -> "true", 8 -> "8"), where PyYAML keeps YAML 1.1 booleans and numbers."""
    if isinstance(value, dict):
        return {(json.dumps(k) if not isinstance(k, str) else k): json_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_keys(v) for v in value]
    return value


@dataclass(frozen=True)
class AdversarialFile:
    path: Path
    outcome: str | None  # "refused" | "accepted" | None (missing: a test reports it)
    messages: tuple[str, ...] = ()
    level: str | None = None  # "baseline" when the file lowers Pod Security
    cluster: str | None = None  # "rejected" | "admitted"
    generate: tuple[tuple[str, int], ...] = ()
    problems: tuple[str, ...] = field(default=())  # malformed headers

    @property
    def id(self) -> str:
        return self.path.stem

    @property
    def schema_refusal(self) -> bool:
        """Refused by values.schema.json (some fragment is Helm's JSON-pointer form)."""
        return any(m.startswith("at '") for m in self.messages)

    def user_values(self) -> dict:
        """The file's values, generated parts included."""
        values = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
        for name, size in self.generate:
            if name == "config-bytes":
                config = values.setdefault("config", {}) or {}
                config["BLOB"] = "x" * size
                values["config"] = config
        return values

    def coalesced(self) -> dict:
        """What Helm validates against the schema: chart defaults + the file, with map keys
        as Helm reads them (YAML to JSON: an unquoted ON key is the string "true")."""
        return coalesce(chart_defaults(), json_keys(self.user_values()))

    def values_file(self) -> Path:
        """A values file to give Helm: the file itself, or its materialized copy."""
        if not self.generate:
            return self.path
        text = self.path.read_text(encoding="utf-8")
        body = yaml.safe_dump(self.user_values(), sort_keys=False, width=2**31)
        digest = hashlib.sha256((text + body).encode()).hexdigest()[:16]
        target = GENERATED_DIR / f"{self.id}-{digest}.yaml"
        if not target.is_file():
            header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
            atomic_write_text(target, header + body)
        return target


def load_adversarial_file(path: Path) -> AdversarialFile:
    outcome, level, cluster = None, None, None
    messages: list[str] = []
    generate: list[tuple[str, int]] = []
    problems: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = _HEADER.match(line)
        if not match:
            if re.match(r"^#\s*(expect|generate)\b", line):
                problems.append(f"line {number}: unknown header {line!r}")
            continue
        head, kind, value = match[1], match[2], match[3]
        if head == "generate":
            parts = value.split()
            if len(parts) != 2 or parts[0] not in GENERATORS or not parts[1].isdigit():
                problems.append(f"line {number}: `# generate: config-bytes <N>`, got {value!r}")
            else:
                generate.append((parts[0], int(parts[1])))
        elif kind is None:
            if value not in OUTCOMES or outcome is not None:
                problems.append(f"line {number}: one `# expect: refused|accepted`, got {value!r}")
            outcome = outcome or (value if value in OUTCOMES else None)
        elif kind == "message":
            if not value:
                problems.append(f"line {number}: empty message fragment")
            messages.append(value)
        elif kind == "level":
            if value != "baseline":
                problems.append(f"line {number}: `# expect level: baseline`, got {value!r}")
            level = value
        elif kind == "cluster":
            if value not in ("rejected", "admitted"):
                problems.append(f"line {number}: `# expect cluster: rejected|admitted`, got {value!r}")
            cluster = value
    if outcome == "refused" and not messages:
        problems.append("a refused file needs `# expect message: <fragment>` lines")
    if outcome == "accepted" and messages:
        problems.append("an accepted file has no `# expect message:`")
    if cluster == "rejected" and outcome != "refused":
        problems.append("`# expect cluster: rejected` is for refused files")
    if cluster == "admitted" and level != "baseline":
        problems.append("`# expect cluster: admitted` is for `# expect level: baseline` files")
    if level and outcome != "accepted":
        problems.append("`# expect level: baseline` is for accepted files")
    return AdversarialFile(path, outcome, tuple(messages), level, cluster, tuple(generate),
                           tuple(problems))


def load_adversarial_corpus(directory: Path) -> list[AdversarialFile]:
    return [load_adversarial_file(p) for p in sorted(directory.glob("*.yaml"))]

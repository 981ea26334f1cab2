"""Chart hygiene rules over the template and schema sources (no rendering needed).

The rules (docs/validation.md explains each):
  define-prefix         every `define` is "common-lib.*" in common-lib, "standard-app.*" in the app
  no-template-directive no `template` (nor `block`) action: `include` is pipeable, `template` is not
  no-env-conditionals   no branching on an environment: no comparison of .Values.env/environment/
                        stage/tier/cluster..., no env-name literal ("prod", "staging"...) in a
                        comparison or condition, no .Values.isProduction-like flags
  max-conditionals      at most MAX_CONDITIONALS branch points per template file, counting
                        `if`, `else if`, `with`, `else with` and `ternary`
                        (`range` is a loop and `and`/`or` combine one condition: not counted)
  include-indent        an `include` whose output lands in the manifest either sits inline after
                        a key on the same line (a scalar: `name: {{ include ... }}`), or is piped
                        through nindent/indent; a bare `{{ include }}` at the start of a line is
                        only allowed as the whole body of a define that forwards another define
  helm4-only-function   no template function that the pinned Helm 3 lacks (HELM4_ONLY below, from
                        diffing pkg/engine/funcs.go of Helm v3.22.0 and v4.3.1; a Helm probe in
                        tests/test_hygiene.py re-derives it from the binaries)
  no-remote-ref         a chart's values.schema.json only uses "#..." references; other schemas in
                        the repository never use a URI with a scheme (http:, https:, file:...)
  pinned-dependency     every Chart.yaml dependency version is one exact SemVer version
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from chart_harness.findings import Finding
from chart_harness.semver import is_exact
from .tools import ROOT

MAX_CONDITIONALS = 15
# Template functions Helm 4.3.1 has and Helm 3.22.0 does not: Helm 4's pkg/engine/funcs.go adds
# them over Helm 3's, and both use sprig v3.3.0. (mustToJson is NOT in this list: Helm 4 adds its
# own, but Helm 3 already has sprig's, with the same json.Marshal behaviour.) Go's text/template is
# the same in both builds. tests/test_hygiene.py re-derives this list from the two binaries.
HELM4_ONLY = frozenset(
    {
        "mustToYaml",
        "mustToToml",
        "mustToDuration",
        "durationSeconds",
        "durationMilliseconds",
        "durationMicroseconds",
        "durationNanoseconds",
        "durationMinutes",
        "durationHours",
        "durationDays",
        "durationWeeks",
        "durationRoundTo",
        "durationTruncateTo",
    }
)
# Chart directory name -> required define prefix.
DEFINE_PREFIX = {"common-lib": "common-lib.", "standard-app": "standard-app."}
ENV_NAMES = frozenset(
    {"prod", "production", "prd", "staging", "stage", "stg", "dev", "develop", "development",
     "qa", "uat", "preprod", "pre-prod", "sandbox", "live", "int", "integration"}
)
ENV_KEYS = r"(env|environment|stage|tier|cluster|clusterName|deployEnv|envName|profile)"
_ENV_FIELD = re.compile(rf"\.Values(\.global)?\.{ENV_KEYS}\b(?!\.)")
_ENV_FLAG = re.compile(r"\.(is)?(prod|production|staging|dev|development)\b", re.IGNORECASE)
COMPARISONS = ("eq", "ne", "has", "contains", "hasPrefix", "hasSuffix", "regexMatch", "mustRegexMatch", "in")
KEYWORDS = frozenset(
    {"if", "else", "end", "range", "with", "define", "template", "block", "break", "continue", "nil", "true", "false"}
)


# --- a small Go-template lexer ------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One {{ ... }} action of a template file."""

    start: int  # offset of "{{"
    end: int  # offset just after "}}"
    line: int  # 1-based line of "{{"
    body: str  # between the delimiters and trim markers, stripped
    comment: bool

    @property
    def code(self) -> str:
        """The body with string literals replaced by "" (so no literal can fake a keyword)."""
        return _STRING.sub('""', self.body)

    @property
    def words(self) -> list[str]:
        return self.code.split()

    @property
    def keyword(self) -> str:
        words = self.words
        if not words:
            return ""
        if words[0] == "else" and len(words) > 1 and words[1] in ("if", "with"):
            return f"else {words[1]}"
        return words[0] if words[0] in KEYWORDS else ""

    def strings(self) -> list[str]:
        return [json.loads(s) if s.startswith('"') else s[1:-1] for s in _STRING.findall(self.body)]

    def identifiers(self) -> set[str]:
        """Function names used in the action (bare identifiers that are not keywords)."""
        return {w for w in _IDENT.findall(self.code) if w not in KEYWORDS}


_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`')
_IDENT = re.compile(r"(?<![\w.$])([A-Za-z_][A-Za-z0-9_]*)")


def actions(text: str) -> list[Action]:
    """Every action of a template, in order (comments included, marked)."""
    found = []
    pos = 0
    while (start := text.find("{{", pos)) >= 0:
        i = start + 2
        if text.startswith("- ", i) or text.startswith("-\n", i) or text.startswith("-\t", i):
            i += 1
        j = i
        while j < len(text):
            ch = text[j]
            if ch in "\"`'":
                match = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|\'(?:[^\'\\]|\\.)+\'').match(text, j)
                j = match.end() if match else j + 1
                continue
            if text.startswith("/*", j):
                close = text.find("*/", j + 2)
                j = len(text) if close < 0 else close + 2
                continue
            if text.startswith("}}", j):
                break
            j += 1
        body = text[i:j]
        body = re.sub(r"\s-$", "", body.rstrip()) if body.rstrip().endswith(" -") else body
        body = body.strip()
        found.append(
            Action(start=start, end=j + 2, line=text.count("\n", 0, start) + 1, body=body, comment=body.startswith("/*"))
        )
        pos = j + 2
    return found


def _top_level_pipeline(code: str) -> list[str]:
    """The commands of the action's pipeline, split on | outside parentheses."""
    parts, depth, current = [], 0, []
    for ch in code:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return parts


# --- rules --------------------------------------------------------------------------------


def template_files(chart_dir: Path) -> list[Path]:
    """Every file Helm treats as a template (templates/**), sorted."""
    return sorted(p for p in (chart_dir / "templates").rglob("*") if p.is_file())


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _f(path: Path, line: int | None, rule: str, detail: str) -> Finding:
    return Finding("", f"{_rel(path)}:{line}" if line else _rel(path), "", f"hygiene:{rule}", detail)


def check_template(path: Path, chart_name: str, text: str | None = None) -> list[Finding]:
    """Every source rule for one template file."""
    text = path.read_text(encoding="utf-8") if text is None else text
    acts = [a for a in actions(text) if not a.comment]
    found: list[Finding] = []
    prefix = DEFINE_PREFIX.get(chart_name)
    conditionals = 0
    for act in acts:
        kw = act.keyword
        if kw == "define" and prefix:
            name = (act.strings() or [""])[0]
            if not name.startswith(prefix):
                found.append(_f(path, act.line, "define-prefix", f'define "{name}" must be named "{prefix}<topic>.<name>" or "{prefix}<name>"'))
        if kw in ("template", "block"):
            found.append(_f(path, act.line, "no-template-directive", f"`{kw}` cannot be piped (to nindent, fromYaml...); use include"))
        conditionals += branch_points(act)
        env = _env_conditional(act, kw)
        if env:
            found.append(_f(path, act.line, "no-env-conditionals", env))
        for name in sorted(act.identifiers() & HELM4_ONLY):
            found.append(_f(path, act.line, "helm4-only-function", f"{name} does not exist in Helm 3, which must render this chart too"))
    if conditionals > MAX_CONDITIONALS:
        found.append(
            _f(path, None, "max-conditionals", f"{conditionals} conditionals (if/else if/with/else with/ternary); at most {MAX_CONDITIONALS} per file: split the template")
        )
    if path.suffix != ".txt":  # NOTES.txt is text, not YAML
        found.extend(_include_indent(path, text, acts))
    return found


def _env_conditional(act: Action, kw: str) -> str:
    code = act.code
    words = set(re.findall(r"[A-Za-z_]+", code))
    compares = bool(words & set(COMPARISONS)) or kw in ("if", "else if", "with", "else with") or "ternary" in words
    if not compares:
        return ""
    literals = [s for s in act.strings() if s.lower() in ENV_NAMES]
    if literals:
        return f"branches on an environment name {literals[0]!r}: make it a value with a production-safe default instead"
    if words & set(COMPARISONS):
        field = _ENV_FIELD.search(code)
        if field:
            return f"compares {field.group(0)}: environment differences belong in values files, not templates"
    flag = _ENV_FLAG.search(re.sub(r"\.Values\.(env|environment)\b", "", code))
    if flag and kw:
        return f"branches on an environment flag {flag.group(0)!r}: make the behaviour a value of its own"
    return ""


def _include_indent(path: Path, text: str, acts: list[Action]) -> Iterator[Finding]:
    defines = _define_bodies(acts)
    for index, act in enumerate(acts):
        if act.keyword or re.match(r"^\$\w*\s*:?=", act.code):
            continue  # control structure or assignment: nothing is printed
        pipeline = _top_level_pipeline(act.code)
        last = pipeline[-1].split()
        if not last or last[0] != "include":
            continue  # not an include, or piped into another function (nindent, quote, ...)
        line_start = text.rfind("\n", 0, act.start) + 1
        before = text[line_start : act.start].strip()
        if before and before != "-":
            continue  # inline after a key: a scalar
        if defines.get(index):
            continue  # the whole body of a forwarding define
        yield _f(
            path,
            act.line,
            "include-indent",
            "include at the start of a line must be piped to nindent/indent "
            "(`{{- include ... | nindent N }}`), or used inline after a key",
        )


def _define_bodies(acts: list[Action]) -> dict[int, bool]:
    """Index of each action that is the only action in the body of a define."""
    forwarding: dict[int, bool] = {}
    stack: list[tuple[str, list[int]]] = []
    for index, act in enumerate(acts):
        kw = act.keyword
        if kw in ("define", "if", "with", "range", "block"):
            stack.append((kw, []))
            continue
        if kw == "end" and stack:
            opened, inner = stack.pop()
            if opened == "define" and len(inner) == 1:
                forwarding[inner[0]] = True
            if stack:
                stack[-1][1].extend(inner)
            continue
        if stack:
            stack[-1][1].append(index)
    return forwarding


def check_chart_templates(chart_dir: Path) -> list[Finding]:
    return [f for path in template_files(chart_dir) for f in check_template(path, chart_dir.name)]


def used_functions(chart_dirs: list[Path]) -> set[str]:
    """Every function name the charts' templates call."""
    names: set[str] = set()
    for chart_dir in chart_dirs:
        for path in template_files(chart_dir):
            for act in actions(path.read_text(encoding="utf-8")):
                if not act.comment:
                    names |= act.identifiers()
    return names


def branch_points(act: Action) -> int:
    """Conditionals in one action: an if/else if/with/else with, plus each ternary call."""
    if act.comment:
        return 0
    return int(act.keyword in ("if", "else if", "with", "else with")) + len(_TERNARY.findall(act.code))


_TERNARY = re.compile(r"(?<![\w.$])ternary\b")


# --- schemas --------------------------------------------------------------------------------


def _refs(node: Any, where: str = "#") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef", "$recursiveRef") and isinstance(value, str):
                yield where, value
            yield from _refs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _refs(value, f"{where}/{i}")


def check_schema(path: Path, chart_schema: bool) -> list[Finding]:
    """No remote reference: chart schemas are self-contained, others never name a URI scheme."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for where, ref in _refs(schema):
        if chart_schema and not ref.startswith("#"):
            found.append(_f(path, None, "no-remote-ref", f"{where}: $ref {ref!r}; a chart schema must be self-contained (\"#/...\" only): Helm would fetch it at install time"))
        elif re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|//)", ref):
            found.append(_f(path, None, "no-remote-ref", f"{where}: $ref {ref!r} is remote; vendor the schema into the repository"))
        elif not ref.startswith("#") and not (path.parent / ref.split("#")[0]).is_file():
            found.append(_f(path, None, "no-remote-ref", f"{where}: $ref {ref!r} names a file that does not exist"))
    return found


# --- dependencies ---------------------------------------------------------------------------

def check_dependencies_pinned(chart_yaml: Path) -> list[Finding]:
    meta = yaml.safe_load(chart_yaml.read_text(encoding="utf-8")) or {}
    found = []
    for dep in meta.get("dependencies") or []:
        version = str(dep.get("version", ""))
        if not is_exact(version):
            found.append(
                _f(chart_yaml, None, "pinned-dependency", f"dependency {dep.get('name')!r} version {version!r} is a range; pin one exact version (e.g. 1.0.0)")
            )
    return found


# --- probing the Helm binaries ----------------------------------------------------------------


def undefined_functions(helm: Any, names: set[str], workdir: Path) -> set[str]:
    """The names among `names` that `helm` does not know as template functions.

    Go's text/template checks that every function exists when it parses a template, even
    in a branch that never runs, so one tiny chart that mentions each name under
    `{{ if false }}` answers the question; Helm reports one unknown name per run.
    """
    chart = workdir / "function-probe"
    (chart / "templates").mkdir(parents=True, exist_ok=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: function-probe\nversion: 0.1.0\n", encoding="utf-8")
    remaining, missing = sorted(names - KEYWORDS), set()
    for _ in range(len(remaining) + 1):
        body = "".join(f"{{{{ {name} }}}}\n" for name in remaining)
        (chart / "templates" / "probe.yaml").write_text(f"{{{{- if false }}}}\n{body}{{{{- end }}}}\n", encoding="utf-8")
        proc = helm.run(["template", "probe", str(chart)], check=False)
        if proc.returncode == 0:
            return missing
        match = re.search(r'function "([^"]+)" not defined', proc.stderr)
        if not match or match.group(1) not in remaining:
            raise AssertionError(f"{helm.label} failed on the function probe: {proc.stderr.strip()}")
        missing.add(match.group(1))
        remaining.remove(match.group(1))
    raise AssertionError("function probe did not converge")


# --- pointers to the work log ----------------------------------------------------------
# Code and docs explain themselves instead of pointing at the work log: no issue numbers,
# no references to the design document. A reference to another project's tracker in its
# owner/repo#N form is a citation of an upstream fact and stays.
_POINTER = re.compile(r"\bDESIGN(?:\.md)?\b|\bdesign brief\b|\b[Ii]ssues? \d+\b")
POINTER_SKIPPED = ("tests/snapshots/", "tests/baselines/", "tests/corpus/")


def check_no_pointers(path: Path, text: str | None = None) -> list[Finding]:
    """A finding per line of a text file that points at the work log (an issue, the design document)."""
    try:
        text = path.read_text(encoding="utf-8") if text is None else text
    except UnicodeDecodeError:
        return []  # a binary file
    return [
        _f(path, number, "pointer", f"{match.group(0)!r}: say what the code does instead of pointing at the work log")
        for number, line in enumerate(text.splitlines(), 1)
        for match in [_POINTER.search(line)]
        if match
    ]

"""The docs are true: the values reference is fresh and complete, and every example runs.

* docs/values.md is what scripts/gen_values_doc.py generates from values.yaml and
  values.schema.json today; every values.yaml key has a `# --` description and every
  schema property appears in the reference.
* Every YAML block of the reader-facing pages carries a marker that says how to test
  it, and the test does exactly that (docs/platform-guide.md#docs-are-tested):

      <!-- example: product-values kinds=Deployment expect=secretKeyRef -->
      ```yaml
      standard-app: ...
      ```

  `product-values` blocks are rendered in a product team's chart built from the
  quickstart's own Chart.yaml, with the dependency resolved from this checkout.
* Relative links between the pages resolve, anchors included.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from chart_harness.helm import helm_matrix, HelmError, HelmVersion
from chart_harness.render import RenderResult, render_chart
from tests.support.tools import ROOT, STANDARD_APP, load_script

DOCS = ROOT / "docs"
VALUES_DOC = DOCS / "values.md"
# Pages written for readers: every YAML/JSON block in them must be a tested example.
STRICT_PAGES = [
    DOCS / "quickstart.md",
    DOCS / "recipes.md",
    DOCS / "troubleshooting.md",
    DOCS / "gitops.md",
    DOCS / "platform-guide.md",
    STANDARD_APP / "README.md",
    ROOT / "examples" / "helmfile" / "README.md",
]
# Every page whose marked examples run (other pages may use the markers too).
EXAMPLE_PAGES = sorted(
    {*DOCS.glob("*.md"), ROOT / "README.md", *ROOT.glob("examples/*/README.md"), *STRICT_PAGES}
)
CHART_VERSION = str(yaml.safe_load((STANDARD_APP / "Chart.yaml").read_text())["version"])
REGENERATE = "run `make docs` (scripts/gen_values_doc.py) and commit docs/values.md"


gen = load_script("gen_values_doc")


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


# --- the generated values reference ------------------------------------------------------


def reference_keys(markdown: str) -> set[str]:
    """Key paths in the first column of the reference table."""
    return set(re.findall(r"^\| `([^`]+)` \|", markdown, flags=re.MULTILINE))


def missing_schema_paths(reference: gen.Reference, markdown: str) -> list[str]:
    """Schema paths with no row of their own and no row below them (a map like `image`
    is documented by its keys' rows)."""
    keys = reference_keys(markdown)
    return [
        p for p in reference.schema_paths()
        if p not in keys and not any(k.startswith((f"{p}.", f"{p}[].")) for k in keys)
    ]


def test_values_reference_is_fresh():
    wanted = gen.generate(STANDARD_APP)
    current = VALUES_DOC.read_text(encoding="utf-8") if VALUES_DOC.is_file() else ""
    assert current == wanted, (
        f"docs/values.md is stale: {REGENERATE}\n{gen.stale_diff(current, wanted)}"
    )


def test_every_values_key_is_documented():
    problems = gen.Reference(STANDARD_APP).undocumented_keys()
    assert not problems, "values.yaml keys without a description:\n  " + "\n  ".join(problems)


def test_every_values_key_is_in_the_schema():
    problems = gen.Reference(STANDARD_APP).keys_missing_from_schema()
    assert not problems, "\n".join(problems)


def test_every_schema_property_is_in_the_reference():
    reference = gen.Reference(STANDARD_APP)
    markdown = VALUES_DOC.read_text(encoding="utf-8")
    assert len(reference.schema_paths()) > 50, "the schema walk found almost nothing"
    missing = missing_schema_paths(reference, markdown)
    assert not missing, f"schema properties missing from docs/values.md ({REGENERATE}): {missing}"


def test_reference_shows_types_defaults_and_constraints():
    """Spot checks that each column carries what it promises, taken from the sources."""
    markdown = VALUES_DOC.read_text(encoding="utf-8")
    rows = {m[0]: m for m in re.findall(r"^\| `([^`]+)` \| (.*?) \| (.*?) \| (.*?) \| (.*) \|$", markdown, re.M)}
    assert rows["replicaCount"][1:4] == ("integer", "`2`", "0 to 1000")
    assert rows["service.type"][3] == 'one of `"ClusterIP"`, `"NodePort"`, `"LoadBalancer"`'
    assert rows["image.repository"][1] == "string, **required**" and rows["image.repository"][2] == "(none)"
    assert "matches `^(sha256:[a-f0-9]{64}\\|sha512:[a-f0-9]{128})?$`" in rows["image.digest"][3]
    assert rows["containerPort"][4].startswith("Port the container listens on.")


def _chart_copy(tmp_path: Path) -> Path:
    chart = tmp_path / "standard-app"
    chart.mkdir()
    for name in ("Chart.yaml", "values.yaml", "values.schema.json"):
        shutil.copy(STANDARD_APP / name, chart / name)
    return chart


def test_stale_reference_is_detected(tmp_path, capsys):
    """Edit a description in a copy: the reference on disk no longer matches, and --check says how to fix it."""
    chart = _chart_copy(tmp_path)
    values = chart / "values.yaml"
    text = values.read_text(encoding="utf-8")
    assert "# -- Pod count when autoscaling is off." in text
    values.write_text(text.replace("# -- Pod count when autoscaling is off.", "# -- How many pods run."), "utf-8")
    assert gen.generate(chart) != VALUES_DOC.read_text(encoding="utf-8")
    assert gen.main(["--check", "--chart", str(chart), "--out", str(VALUES_DOC)]) == 1
    err = capsys.readouterr().err
    assert "is stale: run `make docs`" in err and "How many pods run." in err


def test_undocumented_key_is_reported(tmp_path):
    chart = _chart_copy(tmp_path)
    with open(chart / "values.yaml", "a", encoding="utf-8") as fh:
        fh.write("\nshinyNewKey: 3\n")
    schema = json.loads((chart / "values.schema.json").read_text("utf-8"))
    schema["properties"]["shinyNewKey"] = {"type": "integer"}
    (chart / "values.schema.json").write_text(json.dumps(schema), "utf-8")
    problems = gen.Reference(chart).undocumented_keys()
    assert len(problems) == 1 and "`shinyNewKey` has no `# --` comment" in problems[0], problems
    assert re.match(r"values\.yaml:\d+: ", problems[0])
    with pytest.raises(gen.ValuesDocError, match="shinyNewKey"):
        gen.generate(chart)


def test_key_missing_from_schema_is_reported(tmp_path):
    chart = _chart_copy(tmp_path)
    with open(chart / "values.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n# -- Not in the schema.\nstrayKey: true\n")
    problems = gen.Reference(chart).keys_missing_from_schema()
    assert len(problems) == 1 and "`strayKey` is not in values.schema.json" in problems[0]


def test_new_schema_property_must_reach_the_reference(tmp_path):
    chart = _chart_copy(tmp_path)
    schema = json.loads((chart / "values.schema.json").read_text("utf-8"))
    schema["properties"]["service"]["properties"]["externalTrafficPolicy"] = {"enum": ["Cluster", "Local"]}
    (chart / "values.schema.json").write_text(json.dumps(schema), "utf-8")
    reference = gen.Reference(chart)
    assert missing_schema_paths(reference, VALUES_DOC.read_text("utf-8")) == ["service.externalTrafficPolicy"]
    assert missing_schema_paths(reference, gen.generate(chart)) == []


def test_generator_output_is_deterministic():
    assert gen.generate(STANDARD_APP) == gen.generate(STANDARD_APP)


# --- examples embedded in the docs -------------------------------------------------------

_MARKER = re.compile(r"^<!-- example: (?P<spec>.+?) -->\s*$")
_FENCE = re.compile(r"^```(?P<lang>[A-Za-z0-9_+-]*)\s*$")
KINDS = {"values", "product-values", "product-values-addon", "chart-yaml", "file"}


@dataclass
class Example:
    page: Path
    line: int  # line of the marker
    kind: str
    arg: str = ""
    kinds: tuple[str, ...] = ()
    expect: tuple[str, ...] = ()
    fails: bool = False
    body: str = ""
    error: str | None = None  # the ```text block after a `fails` example

    @property
    def id(self) -> str:
        return f"{rel(self.page)}:{self.line}"


@dataclass
class Page:
    examples: list[Example] = field(default_factory=list)
    unmarked: list[str] = field(default_factory=list)  # "line N: ```yaml" of untested blocks
    problems: list[str] = field(default_factory=list)


def parse_marker(spec: str) -> dict:
    """'KIND [ARG] [kinds=A,B] [fails] [expect=TEXT,TEXT]' (expect runs to the end)."""
    spec, _, expect = spec.partition("expect=")
    words = spec.split()
    out = {"kind": words[0] if words else "", "arg": "", "kinds": (), "fails": False}
    out["expect"] = tuple(t.strip() for t in expect.split(",") if t.strip())
    for word in words[1:]:
        if word.startswith("kinds="):
            out["kinds"] = tuple(k for k in word[len("kinds="):].split(",") if k)
        elif word == "fails":
            out["fails"] = True
        else:
            out["arg"] = word
    return out


def parse_page(path: Path) -> Page:
    page = Page()
    lines = path.read_text(encoding="utf-8").splitlines()
    pending: Example | None = None  # a marker waiting for its block
    awaiting_error: Example | None = None  # a `fails` example waiting for its ```text block
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        marker = _MARKER.match(line)
        if marker:
            spec = parse_marker(marker.group("spec"))
            if spec["kind"] not in KINDS:
                page.problems.append(f"line {i + 1}: unknown example kind {spec['kind']!r}; use one of {sorted(KINDS)}")
            pending = Example(page=path, line=i + 1, **spec)
        elif fence:
            start, lang = i, fence.group("lang")
            i += 1
            body = []
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            text = "\n".join(body) + "\n"
            if pending is not None:
                pending.body = text
                page.examples.append(pending)
                awaiting_error = pending if pending.fails else None
                pending = None
            elif awaiting_error is not None and lang == "text":
                awaiting_error.error = text
                awaiting_error = None
            elif lang in ("yaml", "yml", "json"):
                page.unmarked.append(f"line {start + 1}: ```{lang}")
        elif pending is not None and line.strip():
            page.problems.append(f"line {pending.line}: example marker not followed by a code block")
            pending = None
        i += 1
    for example in page.examples:
        if example.fails and example.error is None:
            page.problems.append(f"line {example.line}: a `fails` example needs a ```text block with the error after it")
    return page


PAGES = {path: parse_page(path) for path in EXAMPLE_PAGES if path.is_file()}
EXAMPLES = [example for page in PAGES.values() for example in page.examples]


def quickstart_example(kind: str) -> Example:
    found = [e for e in PAGES.get(DOCS / "quickstart.md", Page()).examples if e.kind == kind]
    assert len(found) == 1, f"docs/quickstart.md must have exactly one `{kind}` example, found {len(found)}"
    return found[0]


def chart_yaml_problems(chart: dict) -> list[str]:
    """What a product team's Chart.yaml must say about standard-app."""
    deps = [d for d in chart.get("dependencies") or [] if d.get("name") == "standard-app"]
    if chart.get("apiVersion") != "v2":
        return ["apiVersion must be v2"]
    if len(deps) != 1:
        return ["needs exactly one dependency named standard-app"]
    problems = []
    if not str(deps[0].get("repository", "")).startswith("oci://"):
        problems.append(f"standard-app must come from an oci:// registry, got {deps[0].get('repository')!r}")
    if str(deps[0].get("version")) != CHART_VERSION:
        problems.append(f"pin the current standard-app version {CHART_VERSION}, got {deps[0].get('version')!r}")
    return problems


@pytest.fixture(scope="session")
def product_chart(tmp_path_factory) -> Path:
    """The quickstart's Chart.yaml, with standard-app resolved from this checkout."""
    example = quickstart_example("chart-yaml")
    chart = yaml.safe_load(example.body)
    problems = chart_yaml_problems(chart)
    assert not problems, f"{example.id}: " + "; ".join(problems)
    for dep in chart["dependencies"]:
        if dep["name"] == "standard-app":
            dep["repository"] = f"file://{STANDARD_APP}"
    directory = tmp_path_factory.mktemp("product") / chart["name"]
    directory.mkdir()
    (directory / "Chart.yaml").write_text(yaml.safe_dump(chart, sort_keys=False), encoding="utf-8")
    return directory


@pytest.fixture(scope="session")
def quickstart_values(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("quickstart") / "values.yaml"
    path.write_text(quickstart_example("product-values").body, encoding="utf-8")
    return path


def render_example(example: Example, helm: HelmVersion, tmp_path: Path, product_chart: Path, base: Path) -> RenderResult:
    values = tmp_path / f"example-{example.line}.yaml"
    values.write_text(example.body, encoding="utf-8")
    if example.kind == "values":
        return render_chart(STANDARD_APP, helm, values_files=[values])
    if example.kind == "product-values":
        return render_chart(product_chart, helm, values_files=[values])
    return render_chart(product_chart, helm, values_files=[base, values])


def example_problems(example: Example, tmp_path: Path, product_chart: Path, base: Path) -> list[str]:
    """Everything wrong with one example; [] when it does what its marker says."""
    if example.kind == "file":
        target = ROOT / example.arg
        if not target.is_file():
            return [f"`file {example.arg}`: no such file"]
        if target.read_text(encoding="utf-8") != example.body:
            return [f"the block differs from {example.arg}; copy the file into the page again"]
        return []
    if example.kind == "chart-yaml":
        return chart_yaml_problems(yaml.safe_load(example.body))
    data = yaml.safe_load(example.body)
    if example.kind.startswith("product-values") and (not isinstance(data, dict) or list(data) != ["standard-app"]):
        return ["a product team's values sit under one top-level key, `standard-app:`"]
    if example.fails:
        problems = []
        for helm in helm_matrix():
            try:
                render_example(example, helm.ensure(), tmp_path, product_chart, base)
            except HelmError as err:
                said = {line.strip() for line in err.stderr.splitlines()}
                for line in (example.error or "").splitlines():
                    if line.strip() and line.strip() not in said:
                        problems.append(f"{helm.label} does not print the documented line {line.strip()!r}; it printed:\n{err.stderr}")
            else:
                problems.append(f"{helm.label} accepted values the page says it refuses")
        return problems
    try:
        result = render_example(example, helm_matrix()[0].ensure(), tmp_path, product_chart, base)
    except HelmError as err:
        return [f"helm template failed:\n{err.stderr}"]
    kinds = {doc.get("kind") for doc in result.docs}
    problems = [f"renders no {kind} (rendered: {', '.join(sorted(kinds))})" for kind in example.kinds if kind not in kinds]
    problems += [f"the output does not contain {text!r}" for text in example.expect if text not in result.manifest]
    return problems


def test_pages_have_examples():
    for page in STRICT_PAGES[:4]:
        assert PAGES[page].examples, f"{rel(page)} has no tested example"


@pytest.mark.parametrize("page", [p for p in EXAMPLE_PAGES if p.is_file()], ids=rel)
def test_markers_are_well_formed(page):
    problems = PAGES[page].problems
    assert not problems, f"{rel(page)}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("page", STRICT_PAGES, ids=rel)
def test_every_yaml_block_is_a_tested_example(page):
    assert page.is_file(), f"{rel(page)} is missing"
    unmarked = PAGES[page].unmarked
    assert not unmarked, (
        f"{rel(page)}: YAML/JSON blocks without an `<!-- example: ... -->` marker, so no test runs them "
        f"(see docs/platform-guide.md#docs-are-tested):\n  " + "\n  ".join(unmarked)
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_doc_example(example, tmp_path, product_chart, quickstart_values):
    problems = example_problems(example, tmp_path, product_chart, quickstart_values)
    assert not problems, f"{example.id} ({example.kind}):\n  " + "\n  ".join(problems)


# The example checks must be able to fail: each synthetic page below is wrong in one way.
BROKEN = {
    "invalid-values-claimed-valid": (
        "<!-- example: product-values-addon -->\n```yaml\nstandard-app:\n  replicaCount: \"3\"\n```\n",
        "helm template failed",
    ),
    "valid-values-claimed-invalid": (
        "<!-- example: product-values-addon fails -->\n```yaml\nstandard-app:\n  replicaCount: 3\n```\n"
        "\n```text\nError: nope\n```\n",
        "accepted values the page says it refuses",
    ),
    "wrong-error-text": (
        "<!-- example: product-values-addon fails -->\n```yaml\nstandard-app:\n  replicaCount: \"3\"\n```\n"
        "\n```text\n- at '/replicaCount': got number, want string\n```\n",
        "does not print the documented line",
    ),
    "missing-kind": (
        "<!-- example: product-values-addon kinds=HorizontalPodAutoscaler -->\n```yaml\nstandard-app:\n  replicaCount: 3\n```\n",
        "renders no HorizontalPodAutoscaler",
    ),
    "missing-text": (
        "<!-- example: product-values-addon expect=replicas: 4 -->\n```yaml\nstandard-app:\n  replicaCount: 3\n```\n",
        "does not contain 'replicas: 4'",
    ),
    "not-nested": (
        "<!-- example: product-values -->\n```yaml\nreplicaCount: 3\n```\n",
        "one top-level key, `standard-app:`",
    ),
    "stale-file-copy": (
        "<!-- example: file examples/gitops/flux/helmrelease.yaml -->\n```yaml\nkind: HelmRelease\n```\n",
        "differs from examples/gitops/flux/helmrelease.yaml",
    ),
    "unpinned-chart": (
        "<!-- example: chart-yaml -->\n```yaml\napiVersion: v2\nname: x\nversion: 0.1.0\n"
        "dependencies:\n  - name: standard-app\n    version: \"^1\"\n    repository: oci://r.example.com/charts\n```\n",
        "pin the current standard-app version",
    ),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_example_is_caught(name, tmp_path, product_chart, quickstart_values):
    text, expected = BROKEN[name]
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    parsed = parse_page(page)
    assert not parsed.problems and len(parsed.examples) == 1, parsed.problems
    problems = example_problems(parsed.examples[0], tmp_path, product_chart, quickstart_values)
    assert any(expected in p for p in problems), f"expected a problem containing {expected!r}, got {problems}"


def test_unmarked_block_and_dangling_marker_are_caught(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Text.\n\n```yaml\na: 1\n```\n\n<!-- example: values -->\nProse.\n", encoding="utf-8")
    parsed = parse_page(page)
    assert parsed.unmarked == ["line 3: ```yaml"]
    assert parsed.problems == ["line 7: example marker not followed by a code block"]


# --- links ---------------------------------------------------------------------------------

_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    return {slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)}


def _prose(path: Path) -> str:
    """The page without code blocks and inline code, where brackets are not links."""
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    return re.sub(r"(`+).+?\1", "", text)


def broken_links(page: Path) -> list[str]:
    text = _prose(page)
    problems = []
    for target in _LINK.findall(text):
        if re.match(r"^[a-z]+://", target) or target.startswith("mailto:"):
            continue
        path_part, _, anchor = target.partition("#")
        resolved = (page.parent / path_part).resolve() if path_part else page
        if not resolved.exists():
            problems.append(f"{target}: {rel(resolved)} does not exist")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            problems.append(f"{target}: no heading #{anchor} in {rel(resolved)}")
    return problems


@pytest.mark.parametrize("page", STRICT_PAGES + [VALUES_DOC], ids=rel)
def test_links_resolve(page):
    assert page.is_file(), f"{rel(page)} is missing"
    problems = broken_links(page)
    assert not problems, f"{rel(page)}: broken links:\n  " + "\n  ".join(problems)


def test_broken_link_is_caught(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n[a](missing.md) [b](#title) [c](#nowhere)\n", encoding="utf-8")
    assert [p.split(":")[0] for p in broken_links(page)] == ["missing.md", "#nowhere"]

"""Each make target installs the tools it uses, and only those.

* The sets in TARGET_TOOLS are the contract: `make demo` must stay quick on a fresh
  clone, so a tool that joins a target (in the Makefile, or as a need of another tool
  in scripts/tools.sh) fails here until the set below is changed on purpose. What a
  target installs is read as make would run it: `make -n TARGET` gives its
  `scripts/tools.sh NAME...` lines and `scripts/tools.sh --plan` resolves them.
* The sets are also enough: the demo runs with only what `make demo` installs.
* scripts/tools.sh is quiet and honest: one line as a tool starts, one as it ends, Go's
  output in .tools/logs/, and a failure names the tool, its log and the retry.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.registry import HelmHome
from tests.support.tools import ROOT, TOOLS_DIR, pinned_versions

EVERY_TOOL = {
    "venv", "helm", "helm3", "ct", "kubeconform", "cosign", "helmfile", "checkov",
    "control-plane", "docker-registry", "gpg", "htpasswd", "openssl",
}
HELM = {"venv", "helm", "helm3"}
TARGET_TOOLS = {
    "help": set(),
    "clean": set(),
    "tools": EVERY_TOOL,
    "test": EVERY_TOOL,
    "bench": EVERY_TOOL,
    # The inner loop leaves out the drills (control plane) and the real-registry flows
    # (docker-registry, cosign, gpg, htpasswd, openssl); kubeconform is used by no test.
    "test-fast": HELM | {"ct", "helmfile", "checkov"},
    "drills": HELM | {"openssl", "control-plane"},
    "demo": {"venv", "helm", "cosign", "docker-registry", "gpg"},
    "publish": {"venv", "helm", "cosign"},
    "snapshots": HELM,
    "check-upgrade": {"venv", "helm", "docker-registry"},
    "fleet": {"venv", "helm"},
    "docs": {"venv"},
}
# What a tool puts into .tools/ (Debian packages install system-wide; a Go tool is bin/NAME).
TOOLS_FILES = {
    "venv": ["venv", "bin/yamllint", "bin/yamale"],
    "checkov": ["checkov-venv", "bin/checkov"],
    "control-plane": ["cluster"],
    "docker-registry": [], "gpg": [], "htpasswd": [], "openssl": [],
}
# Variables of an outer make would leak into `make -n`.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}


def makefile_targets(root: Path) -> list[str]:
    return re.findall(r"^([a-z][a-z-]*):", (root / "Makefile").read_text(), flags=re.M)


def installs(root: Path, target: str) -> set[str]:
    """The tools `make TARGET` installs, from its recipe (and its prerequisites') as
    `make -n` prints it, each `scripts/tools.sh` line resolved by the script's --plan."""
    proc = subprocess.run(["make", "-n", "--no-print-directory", "-C", str(root), target],
                          capture_output=True, text=True, env=CLEAN_ENV, check=False)
    assert proc.returncode == 0, f"make -n {target}: {proc.stderr}"
    tools: set[str] = set()
    for line in proc.stdout.splitlines():
        words = shlex.split(line, comments=True)
        for i, word in enumerate(words):
            if word.endswith("scripts/tools.sh"):
                args = []
                for arg in words[i + 1:]:
                    if arg in ("&&", "||", ";", "|"):
                        break
                    args.append(arg)
                tools |= planned(root, args)
    return tools


def planned(root: Path, names: list[str]) -> set[str]:
    proc = subprocess.run(["bash", str(root / "scripts" / "tools.sh"), "--plan", *names],
                          capture_output=True, text=True, env=CLEAN_ENV, check=False)
    assert proc.returncode == 0, f"scripts/tools.sh --plan {' '.join(names)}: {proc.stderr}"
    return {line.split()[0] for line in proc.stdout.splitlines() if line.strip()}


def tool_set_errors(root: Path, targets: list[str] | None = None) -> list[str]:
    """Each target (of the Makefile, or those named) whose tools differ from TARGET_TOOLS, and how."""
    errors = []
    for target in targets or makefile_targets(root):
        if target not in TARGET_TOOLS:
            errors.append(f"make {target}: not in TARGET_TOOLS; add the tools it needs")
            continue
        actual, expected = installs(root, target), TARGET_TOOLS[target]
        if extra := sorted(actual - expected):
            errors.append(f"make {target} would also install {', '.join(extra)}")
        if missing := sorted(expected - actual):
            errors.append(f"make {target} no longer installs {', '.join(missing)}")
    return errors


def copy_of_the_build_files(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy2(ROOT / "Makefile", root / "Makefile")
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(ROOT / "scripts", root / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    return root


# --- the sets ---------------------------------------------------------------------------


def test_each_target_installs_exactly_its_tools() -> None:
    errors = tool_set_errors(ROOT)
    assert not errors, "\n".join(errors)


def test_every_tool_of_the_script_is_known_here() -> None:
    assert planned(ROOT, ["all"]) == EVERY_TOOL


@pytest.mark.parametrize(
    ("edit", "target", "expected"),
    [
        pytest.param(("Makefile", "DEMO_TOOLS := venv", "DEMO_TOOLS := helmfile venv"), "demo",
                     "make demo would also install helmfile", id="tool-added-to-the-demo"),
        pytest.param(("Makefile", "\ndemo: ##", "\ndemo: tools ##"), "demo",
                     "make demo would also install checkov, control-plane, ct", id="demo-depends-on-tools"),
        pytest.param(("scripts/tools.sh", "[helmfile]=\"helm\")", "[helmfile]=\"helm\" [cosign]=\"helm3\")"), "demo",
                     "make demo would also install helm3", id="cosign-needs-helm3-in-the-script"),
        pytest.param(("Makefile", "test-fast:", "test-fast: drills"), "test-fast",
                     "make test-fast would also install control-plane", id="fast-runs-the-drills"),
        pytest.param(("Makefile", "$(HELM_TOOLS) ct helmfile", "$(HELM_TOOLS) helmfile"), "test-fast",
                     "make test-fast no longer installs ct", id="tool-dropped-from-test-fast"),
    ],
)
def test_the_check_catches_a_changed_tool_set(tmp_path: Path, edit: tuple[str, str, str], target: str,
                                              expected: str) -> None:
    root = copy_of_the_build_files(tmp_path)
    assert tool_set_errors(root, [target]) == []
    path, old, new = edit
    text = (root / path).read_text()
    assert text.count(old) == 1, f"{old!r} not found once in {path}"
    (root / path).write_text(text.replace(old, new))
    errors = tool_set_errors(root, [target])
    assert any(e.startswith(expected) for e in errors), errors


# --- the demo's set is enough ----------------------------------------------------------


@pytest.mark.registry
def test_the_demo_runs_with_only_what_make_demo_installs(tmp_path: Path) -> None:
    """A copy of the project whose .tools/ holds only what `make demo` installs, and a
    PATH without the real .tools/: the demo still publishes, consumes and renders."""
    root = tmp_path / "project"
    for name in ("scripts", "charts", "examples"):
        # Without the charts/ subdirectories dependency builds write, as in a fresh clone.
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("charts", "tmpcharts", "__pycache__"))
    (root / ".tools" / "bin").mkdir(parents=True)
    for tool in installs(ROOT, "demo"):
        for rel in TOOLS_FILES.get(tool, [f"bin/{tool}"]):
            if not (TOOLS_DIR / rel).exists():
                pytest.fail(f".tools/{rel} is missing: run `make demo`", pytrace=False)
            (root / ".tools" / rel).symlink_to(TOOLS_DIR / rel)
    path = [d for d in os.environ["PATH"].split(os.pathsep) if not Path(d).is_relative_to(TOOLS_DIR)]
    home = HelmHome(tmp_path / "home")
    proc = subprocess.run([str(root / "scripts" / "demo.sh")], capture_output=True, text=True, timeout=180,
                          env=home.env(TMPDIR=str(home.dir), PATH=os.pathsep.join(path)),
                          stdin=subprocess.DEVNULL, check=False)
    assert proc.returncode == 0, f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    assert re.search(r"^==> rendered release orders .*Deployment x1", proc.stdout, re.M), proc.stdout[-2000:]


# --- progress and failures ---------------------------------------------------------------

FAKE_GO = r"""#!/usr/bin/env bash
# Stands in for the go command: chatters like it, and fails `go build` when FAKE_GO_FAIL is set.
case "$1 $2" in
  "mod download") exit 0 ;;
  "get "*) echo "go: downloading example.com/dependency v1.0.0" >&2 ;;
  "build "*)
    if [[ -n "${FAKE_GO_FAIL:-}" ]]; then echo "main.go:1:1: $FAKE_GO_FAIL" >&2; exit 1; fi
    while [[ $# -gt 0 && "$1" != -o ]]; do shift; done
    printf '#!/bin/sh\necho fake\n' > "$2"; chmod +x "$2" ;;
esac
"""


def run_tools(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    fake_bin = root.parent / "fake-bin"
    if not fake_bin.exists():
        fake_bin.mkdir()
        (fake_bin / "go").write_text(FAKE_GO)
        (fake_bin / "go").chmod(0o755)
    return subprocess.run(["bash", str(root / "scripts" / "tools.sh"), *args], capture_output=True, text=True,
                          env=CLEAN_ENV | {"PATH": f"{fake_bin}{os.pathsep}{CLEAN_ENV['PATH']}"} | env,
                          stdin=subprocess.DEVNULL, timeout=60, check=False)


def test_one_line_as_a_tool_starts_and_one_as_it_ends_and_go_chatter_in_a_log(tmp_path: Path) -> None:
    root = copy_of_the_build_files(tmp_path)
    versions = pinned_versions()
    proc = run_tools(root, "kubeconform", "helm3")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("[tools] installing helm3 kubeconform: at most about "), lines
    assert lines[-1].startswith("[tools] ready in "), lines
    expected = [
        rf"\[tools\] building helm3 {versions['HELM3_VERSION']} \(1 of 2, about \d+ (s|min) on 2 cores\)…",
        rf"\[tools\] building kubeconform {versions['KUBECONFORM_VERSION']} \(2 of 2, about \d+ (s|min) on 2 cores\)…",
        r"\[tools\] built helm3 in \d+ s",
        r"\[tools\] built kubeconform in \d+ s",
    ]
    assert len(lines) == 2 + len(expected), lines
    for pattern in expected:
        assert any(re.fullmatch(pattern, line) for line in lines[1:-1]), (pattern, lines)
    for tool in ("helm3", "kubeconform"):
        log = (root / ".tools" / "logs" / f"{tool}.log").read_text()
        assert "go: downloading" in log and "go: downloading" not in proc.stderr
        assert (root / ".tools" / "stamps" / f"{tool}@{versions[tool.upper() + '_VERSION']}").is_file()
    again = run_tools(root, "kubeconform", "helm3")
    assert (again.returncode, again.stdout, again.stderr) == (0, "", ""), "a run with nothing to do is silent"


def test_a_failed_build_names_the_tool_its_log_and_the_retry(tmp_path: Path) -> None:
    root = copy_of_the_build_files(tmp_path)
    proc = run_tools(root, "kubeconform", FAKE_GO_FAIL="undefined: frobnicate")
    assert proc.returncode == 1
    version = pinned_versions()["KUBECONFORM_VERSION"]
    assert f"[tools] FAILED: kubeconform {version} (exit 1)" in proc.stderr
    assert "    main.go:1:1: undefined: frobnicate" in proc.stderr, "the end of the log is shown"
    assert "full log: .tools/logs/kubeconform.log" in proc.stderr
    assert "Retry with `scripts/tools.sh kubeconform`" in proc.stderr
    assert not (root / ".tools" / "bin" / "kubeconform").exists(), "no half-built tool"
    assert not (root / ".tools" / "build").exists()

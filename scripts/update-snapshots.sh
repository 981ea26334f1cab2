#!/usr/bin/env bash
# make snapshots: rewrite tests/snapshots/ from the current charts, then show what changed.
#
# Snapshots are reviewed artefacts. This is the only way to rewrite them:
#   * never under CI (CI compares, it never writes),
#   * never in parallel (one writer, deterministic output),
#   * only the snapshot tests run; snapshots of deleted matrix cases are removed.
# Extra arguments go to pytest, e.g. scripts/update-snapshots.sh -k minimal
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() { printf 'update-snapshots: %s\n' "$*" >&2; exit 2; }

ci="${CI:-}"
case "${ci,,}" in
  ""|0|false|no) ;;
  *) die "refusing to rewrite snapshots under CI=$ci: CI checks snapshots; update them locally with \`make snapshots\` and commit the result" ;;
esac

for arg in "$@" ${PYTEST_ADDOPTS:-}; do
  case "$arg" in
    -n|-n*|--numprocesses|--numprocesses=*|--dist|--dist=*|-d|--tx|--tx=*)
      die "snapshot updates run serially; drop '$arg' (pytest-xdist)" ;;
  esac
done

PYTEST=.tools/venv/bin/pytest
[[ -x "$PYTEST" ]] || die "pytest is not installed in .tools/venv: run \`make tools\`"

# -p no:xdist: even an addopts "-n" cannot make this run parallel (pytest would reject it).
HARNESS_SNAPSHOT_UPDATE=1 "$PYTEST" -p no:xdist tests/test_snapshots.py \
  --snapshot-update "$@"

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  changes="$(git status --porcelain --untracked-files=all -- tests/snapshots)"
  if [[ -n "$changes" ]]; then
    printf '\nSnapshot files changed (review with `git diff -- tests/snapshots`, then commit):\n%s\n' "$changes"
  else
    printf '\nSnapshots unchanged.\n'
  fi
fi

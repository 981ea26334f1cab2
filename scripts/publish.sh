#!/usr/bin/env bash
# `make publish`: package, sign and push the charts to REGISTRY=oci://host[:port]/path.
# The work is done by scripts/publish.py (run by the project's venv Python, which has
# PyYAML); see `scripts/publish.sh --help` and docs/distribution.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$ROOT/.tools/venv/bin/python"
if [[ ! -x "$PY" ]]; then
  echo "publish: error: $PY not found: run \`make tools\`" >&2
  exit 1
fi
exec "$PY" "$ROOT/scripts/publish.py" "$@"

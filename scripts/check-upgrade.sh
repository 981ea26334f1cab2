#!/usr/bin/env bash
# The immutable-field guard outside pytest's usual entry points.
#
#   scripts/check-upgrade.sh                     the guard: previous release vs charts/standard-app
#   scripts/check-upgrade.sh --chart DIR         the guard for another copy of standard-app
#   scripts/check-upgrade.sh --refresh-baseline  after a release: package charts/standard-app into
#                                                tests/baselines/ (and drop older baselines)
#
# The previous release comes from REGISTRY=oci://host[:port]/path when set (with
# REGISTRY_PLAIN_HTTP / REGISTRY_CA_FILE / REGISTRY_USERNAME+REGISTRY_PASSWORD as for
# make publish), else from the newest git tag standard-app-<version> <= Chart.yaml's
# version, else from tests/baselines/standard-app-<version>.tgz. docs/upgrades.md
# explains the report and what to do about each finding.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="$ROOT/.tools/venv/bin/python"
[[ -x "$PYTHON" ]] || { echo "check-upgrade: $PYTHON is missing: run \`make tools\`" >&2; exit 2; }

chart=""
case "${1:-}" in
  --refresh-baseline)
    [[ $# -eq 1 ]] || { echo "usage: $0 --refresh-baseline" >&2; exit 2; }
    cd "$ROOT"
    exec "$PYTHON" - <<'EOF'
from chart_harness.chart_version import chart_name
from chart_harness.helm import primary_helm
from chart_harness.previous_release import baseline_packages, package_baseline
from tests.support.tools import ROOT, STANDARD_APP

package = package_baseline(STANDARD_APP, primary_helm().ensure())
for version, old in baseline_packages(chart_name(STANDARD_APP)).items():
    if old != package:
        old.unlink()
        print(f"check-upgrade: removed {old.relative_to(ROOT)} (git history keeps it)")
print(f"check-upgrade: wrote {package.relative_to(ROOT)} ({package.stat().st_size} bytes); commit it")
EOF
    ;;
  --chart)
    [[ $# -ge 2 ]] || { echo "usage: $0 --chart DIR [pytest args]" >&2; exit 2; }
    chart="$(cd "$2" && pwd)"
    shift 2
    ;;
  -h|--help)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
esac

cd "$ROOT"
export UPGRADE_CHART="$chart"
# The guard runs no property tests: without Hypothesis' plugin pytest starts ~0.5 s sooner.
exec "$ROOT/.tools/venv/bin/pytest" -q -p no:hypothesispytest "tests/test_upgrade_guard.py::test_upgrade_guard" "$@"

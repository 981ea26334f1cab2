#!/usr/bin/env bash
# Bootstrap every tool the project needs into the git-ignored .tools/ directory.
#
#   scripts/tools.sh            # everything (what `make tools` runs)
#   scripts/tools.sh helm       # only Helm 4 and Helm 3 (and the venv)
#
# Idempotent: each tool is stamped with its pinned version (.tools/stamps/) and
# skipped on later runs, so a second run takes seconds. Only the registries this
# machine reaches are used: the Go module proxy, PyPI and Debian's packages.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
STAMPS="$TOOLS/stamps"
VENV="$TOOLS/venv"
CHECKOV_VENV="$TOOLS/checkov-venv"
# shellcheck source=versions.env
source "$ROOT/scripts/versions.env"
mkdir -p "$BIN" "$STAMPS"
# One bootstrap at a time: parallel `make` targets and pytest-xdist workers wait here.
exec 9>"$TOOLS/.lock"
flock 9

say() { printf '[tools] %s\n' "$*" >&2; }

# go_tool NAME PACKAGE@VERSION [LDFLAGS]
# Builds one Go command at an exact version in a scratch module (go get + go build: the
# same module graph as `go install pkg@version`, but it also works for modules whose
# version list the proxy does not serve, such as chart-testing), then moves it to
# .tools/bin/NAME atomically, so an interrupted build never leaves a broken tool.
go_tool() {
  local name="$1" pkg="$2" ldflags="${3:-}"
  local stamp="$STAMPS/$name@${pkg##*@}"
  if [[ -x "$BIN/$name" && -f "$stamp" ]]; then return 0; fi
  command -v go >/dev/null || { say "go is required to build $name (install Go 1.24+)"; exit 1; }
  say "building $name from $pkg"
  local tmp; tmp="$(mktemp -d "$TOOLS/build.XXXXXX")"
  local start=$SECONDS
  (
    cd "$tmp"
    export GOFLAGS="-buildvcs=false" CGO_ENABLED=0 GOWORK=off
    go mod init "toolbuild/$name" >/dev/null 2>&1
    apply_upstream_replaces "$pkg"
    go get "$pkg" 2>&1 | grep -v '^go: downloading' || true
    go build -trimpath -ldflags "-s -w $ldflags" -o "$tmp/$name.bin" "${pkg%@*}"
  ) || { rm -rf "$tmp"; say "FAILED to build $name from $pkg"; exit 1; }
  mv -f "$tmp/$name.bin" "$BIN/$name"
  rm -rf "$tmp"
  rm -f "$STAMPS/$name@"*
  touch "$stamp"
  say "built $name in $((SECONDS - start))s"
}

# apply_upstream_replaces MODULE@VERSION: copy the tool module's own `replace` directives
# (to module versions, not local paths) into the scratch module, as its release build
# has them; `go install pkg@version` refuses such modules (helmfile is one). A package
# path that is not a module root (ct) has nothing to apply.
apply_upstream_replaces() {
  local gomod
  gomod="$(go mod download -json "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin).get("GoMod",""))' 2>/dev/null)" || true
  [[ -n "$gomod" && -f "$gomod" ]] || return 0
  local edits
  edits="$(go mod edit -json "$gomod" | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("Replace") or []:
    new = r["New"]
    if new.get("Version"):
        old = r["Old"]["Path"] + ("@" + r["Old"]["Version"] if r["Old"].get("Version") else "")
        print("-replace=%s=%s@%s" % (old, new["Path"], new["Version"]))
')"
  if [[ -n "$edits" ]]; then
    say "applying the replace directives of $1"
    # shellcheck disable=SC2086
    go mod edit $edits
  fi
}

apt_tool() {
  local cmd="$1" pkg="$2"
  if command -v "$cmd" >/dev/null; then return 0; fi
  say "installing Debian package $pkg (for $cmd)"
  local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y --no-install-recommends "$pkg" >/dev/null 2>&1; then
    $sudo apt-get update -qq >/dev/null
    $sudo apt-get install -y --no-install-recommends "$pkg" >/dev/null
  fi
}

# python_env VENV GROUP: a venv with the pinned dependency group from pyproject.toml.
python_env() {
  local venv="$1" group="$2"
  local reqs; reqs="$(python3 - "$ROOT/pyproject.toml" "$group" <<'PY'
import sys, tomllib
data = tomllib.load(open(sys.argv[1], "rb"))
deps = data["project"]["dependencies"] if sys.argv[2] == "main" else data["project"]["optional-dependencies"][sys.argv[2]]
print("\n".join(deps))
PY
)"
  # Every transitive version is pinned too, by scripts/constraints/<group>.txt
  # (regenerate with `pip freeze` after changing pyproject.toml).
  local constraints="$ROOT/scripts/constraints/$group.txt"
  local hash; hash="$( (printf '%s' "$reqs"; cat "$constraints"; python3 --version) | sha256sum | cut -c1-16)"
  local stamp="$venv/.stamp-$hash"
  if [[ -f "$stamp" ]]; then return 0; fi
  say "creating Python venv $venv ($group)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -c "$constraints" $reqs
  touch "$stamp"
}

helm_tools() {
  go_tool helm  "helm.sh/helm/v4/cmd/helm@$HELM4_VERSION" "-X helm.sh/helm/v4/internal/version.version=$HELM4_VERSION"
  go_tool helm3 "helm.sh/helm/v3/cmd/helm@$HELM3_VERSION" "-X helm.sh/helm/v3/internal/version.version=$HELM3_VERSION"
}

all_tools() {
  helm_tools
  go_tool ct          "github.com/helm/chart-testing/v3/ct@$CT_VERSION" "-X github.com/helm/chart-testing/v3/ct/cmd.Version=$CT_VERSION"
  go_tool kubeconform "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION" "-X main.version=$KUBECONFORM_VERSION"
  go_tool cosign      "github.com/sigstore/cosign/v2/cmd/cosign@$COSIGN_VERSION"
  go_tool helmfile    "github.com/helmfile/helmfile@$HELMFILE_VERSION"
  apt_tool docker-registry docker-registry
  apt_tool gpg gnupg
  apt_tool htpasswd apache2-utils   # bcrypt htpasswd files for the authenticated-registry tests
  apt_tool openssl openssl          # throwaway CAs and certificates (registry TLS, control plane)
  # Control plane for the release drills: etcd, kube-apiserver, kube-controller-manager,
  # kube-scheduler and kwok, pinned by scripts/cluster/go.mod and scripts/cluster/kwok/go.mod.
  "$ROOT/scripts/cluster/build.sh"
}

python_env "$VENV" main
case "${1:-all}" in
  helm) helm_tools ;;
  all)  all_tools; python_env "$CHECKOV_VENV" policy
        ln -sf "$CHECKOV_VENV/bin/checkov" "$BIN/checkov" ;;
  *) say "unknown target: $1 (use: all | helm)"; exit 2 ;;
esac
# yamllint and yamale live in the main venv; ct finds them on PATH.
for exe in yamllint yamale; do ln -sf "$VENV/bin/$exe" "$BIN/$exe"; done
say "tools ready in $BIN"

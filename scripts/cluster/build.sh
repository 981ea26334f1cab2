#!/usr/bin/env bash
# Build the release drills' control plane from pinned Go modules:
#
#   etcd, kube-apiserver, kube-controller-manager, kube-scheduler
#       scripts/cluster/go.mod       k8s.io/kubernetes + every staging module
#                                    replaced by its published v0.X.Y; etcd's
#                                    server module at the version Kubernetes pins
#   kwok
#       scripts/cluster/kwok/go.mod  sigs.k8s.io/kwok with its own dependencies
#
# into .tools/cluster/<kubernetes-version>/bin. Called by scripts/tools.sh
# (tool control-plane); `build.sh --check` only says, by its exit code, whether the
# build is up to date. Idempotent: .tools/cluster/<version>/.stamp holds a digest of
# every input (both go.mod/go.sum pairs and this script), written after the last
# binary; a second run with the same inputs costs nothing. Bumping a version in
# a go.mod builds into a new directory and removes the old one.
# A cold build takes about 12 minutes of two idle cores (far more under load) and 2.7 GB of memory.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE="$ROOT/.tools/cluster"
INPUTS=("$HERE/go.mod" "$HERE/go.sum" "$HERE/kwok/go.mod" "$HERE/kwok/go.sum" "$HERE/build.sh")

say() { printf '[cluster] %s\n' "$*" >&2; }

k8s_version="$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' "$HERE/go.mod")"
[[ "$k8s_version" == v1.* ]] || { say "no k8s.io/kubernetes requirement in $HERE/go.mod"; exit 1; }
dest="$CACHE/$k8s_version"
# Same digest as tests/support/cluster.py build_inputs_digest().
digest="$(cat "${INPUTS[@]}" | sha256sum | cut -d' ' -f1)"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

up_to_date() {
  [[ -f "$dest/.stamp" && "$(cat "$dest/.stamp")" == "$digest" ]] || return 1
  local b
  for b in "${binaries[@]}"; do [[ -x "$dest/bin/$b" ]] || return 1; done
}

if [[ "${1:-}" == --check ]]; then up_to_date; exit; fi
mkdir -p "$CACHE"
if up_to_date; then exit 0; fi
exec 8>"$CACHE/.lock"
flock 8
if up_to_date; then exit 0; fi   # built by a concurrent run while we waited

command -v go >/dev/null || { say "go is required to build the control plane (install Go 1.26+)"; exit 1; }
say "building the control plane $k8s_version (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok)"
start=$SECONDS
tmp="$(mktemp -d "$CACHE/build.XXXXXX")"; chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

# No DWARF: -s -w strips it from the binaries anyway, and not generating it saves
# about 5% of the compile time and a fifth of the build cache.
export CGO_ENABLED=0 GOFLAGS="-buildvcs=false -trimpath -mod=readonly -gcflags=all=-dwarf=false"
# The version the binaries report (kube-apiserver's /version is what Helm reads
# as .Capabilities.KubeVersion); release builds stamp it the same way.
minor="${k8s_version#v1.}"; minor="${minor%%.*}"
kube_ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$k8s_version"
kube_ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
kube_ldflags+=" -X k8s.io/component-base/version.gitTreeState=clean"

# Download first, FETCH_PROCS modules at a time (go's default is GOMAXPROCS, and a
# download mostly waits on the network), then compile.
fetch="${FETCH_PROCS:-16}"
(cd "$HERE" && GOMAXPROCS=$fetch go list -deps tool >/dev/null)
(cd "$HERE/kwok" && GOMAXPROCS=$fetch go list -deps tool >/dev/null)
# `tool` builds every tool directive of the module: one go build shares the
# compilation of the packages the four commands have in common.
(cd "$HERE" && nice -n 10 go build -o "$tmp/" -ldflags "$kube_ldflags" tool)
mv "$tmp/server" "$tmp/etcd"   # go.etcd.io/etcd/server/v3 is etcd's main package
(cd "$HERE/kwok" && nice -n 10 go build -o "$tmp/" -ldflags "-s -w" tool)

for b in "${binaries[@]}"; do [[ -x "$tmp/$b" ]] || { say "build produced no $b"; exit 1; }; done
"$tmp/kube-apiserver" --version | grep -qx "Kubernetes $k8s_version" \
  || { say "kube-apiserver does not report $k8s_version"; exit 1; }

rm -rf "$dest"
mkdir -p "$dest"
mv "$tmp" "$dest/bin"
trap - EXIT
printf '%s\n' "$digest" > "$dest/.stamp"
# Only one version is kept: each is ~350 MB.
for old in "$CACHE"/v*; do [[ "$old" == "$dest" ]] || rm -rf "$old"; done
say "built the control plane $k8s_version in $((SECONDS - start))s: $(du -sh "$dest/bin" | cut -f1)"

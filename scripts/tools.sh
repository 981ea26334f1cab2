#!/usr/bin/env bash
# Install pinned tools into the git-ignored .tools/ directory. Each Makefile target
# names the tools it uses, and only those are installed:
#
#   scripts/tools.sh venv helm cosign     # these and what they need, if missing or outdated
#   scripts/tools.sh all                  # every tool (make tools, make test)
#   scripts/tools.sh --plan NAME...       # what NAME... resolves to, and its state; installs nothing
#
# Versions come from scripts/versions.env (the control plane: scripts/cluster/go.mod).
# Idempotent: each tool is stamped with its pinned version, so a run with nothing to do
# takes a fraction of a second and prints nothing. Otherwise one line as each tool
# starts and one as it ends; the builds' own output goes to .tools/logs/NAME.log.
# Go tools first download their modules, all at once, then compile two at a time in the
# order of the table below (Helm 4 first); the control plane compiles alongside at low
# priority. Only registries this machine reaches are used: the Go module proxy, PyPI
# and Debian's packages.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
STAMPS="$TOOLS/stamps"
LOGS="$TOOLS/logs"
RUN="$TOOLS/run"   # compile slots of the current run
# shellcheck source=versions.env
source "$ROOT/scripts/versions.env"
K8S_VERSION="$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' "$ROOT/scripts/cluster/go.mod")"
GO_BUILDS="${GO_BUILDS:-2}"   # Go compilations at a time, besides the control plane
# The go command downloads GOMAXPROCS modules at a time, 2 on 2 cores, and a download
# mostly waits on the network: 16 at a time halves Helm 4's (60 s to 30 s, measured).
export FETCH_PROCS=16

# The tools, in build order. ABOUT: seconds each takes alone with empty Go caches on an
# otherwise idle 2-core machine (measured); in parallel each takes longer, all together less.
#    name            kind     version              ABOUT
TABLE="
     venv            venv     main                 60
     helm            go       $HELM4_VERSION       150
     cosign          go       $COSIGN_VERSION      160
     docker-registry apt      docker-registry      20
     gpg             apt      gnupg                10
     helm3           go       $HELM3_VERSION       70
     ct              go       $CT_VERSION          20
     kubeconform     go       $KUBECONFORM_VERSION 10
     helmfile        go       $HELMFILE_VERSION    300
     checkov         venv     policy               90
     htpasswd        apt      apache2-utils        10
     openssl         apt      openssl              10
     control-plane   cluster  $K8S_VERSION         750
"
declare -A GO_PKG=(
  [helm]="helm.sh/helm/v4/cmd/helm"
  [helm3]="helm.sh/helm/v3/cmd/helm"
  [ct]="github.com/helm/chart-testing/v3/ct"
  [kubeconform]="github.com/yannh/kubeconform/cmd/kubeconform"
  [cosign]="github.com/sigstore/cosign/v2/cmd/cosign"
  [helmfile]="github.com/helmfile/helmfile"
)
# Release builds stamp the version into the binary; so do we.
declare -A GO_LDFLAGS=(
  [helm]="-X helm.sh/helm/v4/internal/version.version=$HELM4_VERSION"
  [helm3]="-X helm.sh/helm/v3/internal/version.version=$HELM3_VERSION"
  [ct]="-X github.com/helm/chart-testing/v3/ct/cmd.Version=$CT_VERSION"
  [kubeconform]="-X main.version=$KUBECONFORM_VERSION"
)
# What a tool runs, so it comes along: ct runs helm, yamllint and yamale (the venv);
# helmfile runs helm.
declare -A NEEDS=([ct]="venv helm" [helmfile]="helm")

declare -A KIND VERSION ABOUT RANK
ORDER=()
while read -r name kind version about; do
  [[ -n "$name" ]] || continue
  KIND[$name]=$kind VERSION[$name]=$version ABOUT[$name]=$about RANK[$name]=${#ORDER[@]}
  ORDER+=("$name")
done <<<"$TABLE"

say() { printf '[tools] %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }
# Progress goes to the terminal (fd 3) also from the background jobs, whose own
# output goes to their log.
exec 3>&2
tell() { printf '[tools] %s\n' "$*" >&3; }
human() { (($1 < 90)) && echo "$1 s" || echo "$((($1 + 30) / 60)) min"; }

label() {
  case "${KIND[$1]}" in
    venv)    echo "$1 (Python packages: pyproject.toml ${VERSION[$1]}, scripts/constraints/${VERSION[$1]}.txt)" ;;
    apt)     echo "$1 (Debian package ${VERSION[$1]})" ;;
    cluster) echo "control plane ${VERSION[$1]} (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok)" ;;
    *)       echo "$1 ${VERSION[$1]}" ;;
  esac
}

# --- is a tool there, at its pinned version? ------------------------------------

venv_dir() { [[ "$1" == venv ]] && echo "$TOOLS/venv" || echo "$TOOLS/$1-venv"; }
# The commands of a venv linked into .tools/bin (ct finds yamllint and yamale on PATH).
venv_links() { [[ "$1" == venv ]] && echo "yamllint yamale" || echo "$1"; }

# venv_stamp NAME: a file whose name hashes the group's requirements, constraints and Python.
# One Python call gives the requirements and, as its last line, what `python3 --version`
# prints (sys.version up to the first space): under pyenv every call forks a shim chain.
venv_stamp() {
  local group="${VERSION[$1]}" out reqs version hash
  out="$(venv_requirements "$group" --version)"
  reqs="${out%$'\n'*}"; version="${out##*$'\n'}"
  hash="$( (printf '%s' "$reqs" "$([[ $group == main ]] && echo plugin-editable)"; cat "$ROOT/scripts/constraints/$group.txt"; echo "$version") | sha256sum | cut -c1-16)"
  echo "$(venv_dir "$1")/.stamp-$hash"
}

# venv_requirements GROUP [--version]: the group's requirements, one a line (main: the
# plugin's dependencies and the suite extra); with --version, then a last line as
# `python3 --version` prints it.
venv_requirements() {
  python3 - "$ROOT/pyproject.toml" "$@" <<'PY'
import sys, tomllib
data = tomllib.load(open(sys.argv[1], "rb"))
extras = data["project"]["optional-dependencies"]
deps = data["project"]["dependencies"] + extras["suite"] if sys.argv[2] == "main" else extras[sys.argv[2]]
print("\n".join(deps))
if sys.argv[3:] == ["--version"]:
    print("Python " + sys.version.split()[0])
PY
}

installed() {
  case "${KIND[$1]}" in
    go)      [[ -x "$BIN/$1" && -f "$STAMPS/$1@${VERSION[$1]}" ]] ;;
    venv)    [[ -f "$(venv_stamp "$1")" ]] && for exe in $(venv_links "$1"); do [[ -e "$BIN/$exe" ]] || return 1; done ;;
    apt)     command -v "$1" >/dev/null ;;
    cluster) "$ROOT/scripts/cluster/build.sh" --check ;;
  esac
}

# --- installing one tool (each runs as a background job; output to its log) -----

# go_tool NAME: builds one Go command at its pinned version in a scratch module (go get
# + go build: the same module graph as `go install pkg@version`, but it also works for
# modules whose version list the proxy does not serve, such as chart-testing), then
# moves it to .tools/bin/NAME atomically, so an interrupted build never leaves a broken
# tool. Its modules are downloaded before it waits for a compile slot.
go_tool() {
  local name="$1" pkg="${GO_PKG[$1]}" version="${VERSION[$1]}"
  local tmp="$TOOLS/build/$name"
  rm -rf "$tmp"; mkdir -p "$tmp"; cd "$tmp"
  export GOFLAGS="-buildvcs=false" CGO_ENABLED=0 GOWORK=off
  go mod init "toolbuild/$name"
  after_first_download "$name"
  apply_upstream_replaces "$pkg@$version"
  GOMAXPROCS=$FETCH_PROCS go get "$pkg@$version"
  GOMAXPROCS=$FETCH_PROCS go list -deps "$pkg" >/dev/null
  echo "modules downloaded after $SECONDS s"
  touch "$RUN/downloaded.$name"
  acquire_slot "${RANK[$name]}"
  echo "compile slot taken after $SECONDS s"
  started "$name"
  # No DWARF: -s -w strips it anyway, and not generating it saves about 5% of the compile.
  go build -trimpath -gcflags=all=-dwarf=false -ldflags "-s -w ${GO_LDFLAGS[$name]:-}" -o "$tmp/$name.bin" "$pkg"
  mv -f "$tmp/$name.bin" "$BIN/$name"
  rm -f "$STAMPS/$name@"*
  touch "$STAMPS/$name@$version"
  cd "$TOOLS"; rm -rf "$tmp"
  finished "$name" built
}

# apply_upstream_replaces MODULE@VERSION: copy the tool module's own `replace` directives
# (to module versions, not local paths) into the scratch module, as its release build
# has them; `go install pkg@version` refuses such modules (helmfile is one). A package
# path that is not a module root (ct) has nothing to apply.
apply_upstream_replaces() {
  local gomod
  gomod="$(GOMAXPROCS=$FETCH_PROCS go mod download -json "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin).get("GoMod",""))' 2>/dev/null)" || true
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
    echo "applying the replace directives of $1"
    # shellcheck disable=SC2086
    go mod edit $edits
  fi
}

# python_env NAME: a venv with the pinned dependency group; every transitive version is
# pinned too, by scripts/constraints/<group>.txt (regenerate with `pip freeze` after
# changing pyproject.toml).
python_env() {
  local name="$1" group="${VERSION[$1]}" venv stamp
  venv="$(venv_dir "$name")"; stamp="$(venv_stamp "$name")"
  after_first_download "$name"
  started "$name"
  rm -rf "$venv"
  python3 -m venv "$venv"
  # shellcheck disable=SC2046
  "$venv/bin/pip" install --disable-pip-version-check --progress-bar off \
    -c "$ROOT/scripts/constraints/$group.txt" $(venv_requirements "$group")
  # The main venv also holds the chart harness plugin (src/chart_harness), editable;
  # pip fetches its pinned build backend (pyproject.toml [build-system]).
  if [[ "$group" == main ]]; then
    "$venv/bin/pip" install --disable-pip-version-check --progress-bar off \
      --no-deps --editable "$ROOT"
  fi
  for exe in $(venv_links "$name"); do ln -sf "$venv/bin/$exe" "$BIN/$exe"; done
  touch "$stamp"
  finished "$name" installed
}

apt_tool() {
  local name="$1" pkg="${VERSION[$1]}" sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  exec 6>"$RUN/apt.lock"; flock 6   # one apt-get at a time
  started "$name"
  if ! $sudo apt-get install -y --no-install-recommends "$pkg"; then
    $sudo apt-get update -qq
    $sudo apt-get install -y --no-install-recommends "$pkg"
  fi
  finished "$name" installed
}

# The control plane builds at low priority (build.sh runs go with nice) without a slot:
# it is by far the longest build and soaks up whatever CPU the others leave.
cluster_tool() {
  after_first_download "$1"
  started "$1"
  "$ROOT/scripts/cluster/build.sh"
  finished "$1" built
}

started() {
  local verb=installing; [[ "${KIND[$1]}" == go || "${KIND[$1]}" == cluster ]] && verb=building
  tell "$verb $(label "$1") ($(( ${POSITION[$1]} + 1 )) of $TOTAL, about $(human "${ABOUT[$1]}") on 2 cores)…"
  echo "$SECONDS" > "$RUN/$1.start"
}
finished() { tell "$2 $1 in $((SECONDS - $(cat "$RUN/$1.start"))) s"; }

# after_first_download NAME: the first Go tool of the run downloads its modules alone
# (in about 30 s for Helm 4), so that its compilation starts as early as it can; the
# other downloads, pip's included, share the network afterwards.
after_first_download() {
  [[ -n "$FIRST_GO" && "$1" != "$FIRST_GO" ]] || return 0
  while [[ ! -e "$RUN/downloaded.$FIRST_GO" ]]; do sleep 0.5; done
}

# acquire_slot RANK: wait until one of the GO_BUILDS compile slots is free and no
# earlier tool in the table is waiting for one; the slot is held (fd 7) until the job ends.
acquire_slot() {
  local rank; rank="$(printf '%02d' "$1")"
  touch "$RUN/wait.$rank"
  while :; do
    local first; first="$(cd "$RUN" && ls wait.* | sort | head -1)"
    if [[ "$first" == "wait.$rank" ]]; then
      local i
      for ((i = 0; i < GO_BUILDS; i++)); do
        exec 7>"$RUN/slot.$i"
        if flock -n 7; then rm -f "$RUN/wait.$rank"; return 0; fi
        exec 7>&-
      done
    fi
    sleep 0.5
  done
}

install_one() {
  case "${KIND[$1]}" in
    go)      go_tool "$1" ;;
    venv)    python_env "$1" ;;
    apt)     apt_tool "$1" ;;
    cluster) cluster_tool "$1" ;;
  esac
}

# --- which tools, in which order -------------------------------------------------

# resolve NAME...: the named tools and what they need, in table order, one a line.
resolve() {
  local -A want=()
  local pending=("$@") name
  while ((${#pending[@]})); do
    name="${pending[0]}"; pending=("${pending[@]:1}")
    if [[ "$name" == all ]]; then pending+=("${ORDER[@]}"); continue; fi
    [[ -n "${KIND[$name]:-}" ]] || die "unknown tool: $name (tools: all ${ORDER[*]})"
    [[ -n "${want[$name]:-}" ]] && continue
    want[$name]=1
    # shellcheck disable=SC2206
    pending+=(${NEEDS[$name]:-})
  done
  for name in "${ORDER[@]}"; do [[ -z "${want[$name]:-}" ]] || echo "$name"; done
}

plan() {
  local name state
  for name in $(resolve "$@"); do
    if installed "$name" 2>/dev/null; then state="installed"
    else state="to install, about $(human "${ABOUT[$name]}") on 2 cores"; fi
    printf '%-16s %-28s %s\n' "$name" "${VERSION[$name]}" "$state"
  done
}

# --- main --------------------------------------------------------------------------

[[ $# -gt 0 ]] || die "name the tools to install (scripts/tools.sh all | NAME...; tools: ${ORDER[*]})"
if [[ "$1" == --plan ]]; then shift; plan "$@"; exit 0; fi
names="$(resolve "$@")"

mkdir -p "$BIN" "$STAMPS" "$LOGS"
# One bootstrap at a time: parallel `make` targets wait here.
exec 9>"$TOOLS/.lock"
flock 9

todo=()
for name in $names; do installed "$name" 2>/dev/null || todo+=("$name"); done
((${#todo[@]})) || exit 0

declare -A POSITION=()
for name in "${todo[@]}"; do
  POSITION[$name]=${#POSITION[@]}
  if [[ "${KIND[$name]}" == go || "${KIND[$name]}" == cluster ]]; then
    command -v go >/dev/null || die "go is required to build $name (install Go 1.26+)"
  fi
done
TOTAL=${#todo[@]}
FIRST_GO=""
for name in "${todo[@]}"; do [[ "${KIND[$name]}" != go ]] || { FIRST_GO=$name; break; }; done
# At most the builds one after the other; the venvs and Debian packages come alongside.
total_about=0
for name in "${todo[@]}"; do
  case "${KIND[$name]}" in
    go|cluster) total_about=$((total_about + ${ABOUT[$name]})) ;;
    *) ((${ABOUT[$name]} <= total_about)) || total_about=${ABOUT[$name]} ;;
  esac
done
rm -rf "$RUN" "$TOOLS/build"; mkdir -p "$RUN"
say "installing ${todo[*]}: at most about $(human "$total_about") on 2 cores with empty Go caches;" \
    "the builds' output goes to ${LOGS#"$ROOT/"}/"

# Each tool is a background job in a process group of its own (set -m): a failure or an
# interrupt stops the others, whose finished tools stay installed.
set -m
declare -A JOB=()
stop_jobs() {
  local pid
  for pid in "${!JOB[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
  for pid in "${!JOB[@]}"; do wait "$pid" 2>/dev/null || true; done
  JOB=()
}
trap 'stop_jobs; rm -rf "$RUN" "$TOOLS/build"' EXIT
trap 'exit 130' INT TERM
for name in "${todo[@]}"; do
  (trap - EXIT INT TERM; set +m; install_one "$name"; echo "CPU time (user, system):"; times) \
    </dev/null >"$LOGS/$name.log" 2>&1 &
  JOB[$!]=$name
done

start=$SECONDS
while ((${#JOB[@]})); do
  rc=0; wait -n -p done "${!JOB[@]}" || rc=$?
  name="${JOB[$done]}"; unset "JOB[$done]"
  if ((rc != 0)); then
    log="${LOGS#"$ROOT/"}/$name.log"
    say "FAILED: $(label "$name") (exit $rc). The end of $log:"
    tail -n 25 "$LOGS/$name.log" | sed 's/^/    /' >&2
    ((${#JOB[@]})) && say "stopping the other builds (${JOB[*]}); what they finished stays installed"
    stop_jobs
    say "full log: $log. Retry with \`scripts/tools.sh $name\` or by running the make target again."
    exit 1
  fi
done
say "ready in $(human $((SECONDS - start))): ${todo[*]}"

#!/usr/bin/env bash
# `make demo`, the main job: publish the platform charts to an OCI registry, then
# consume standard-app from the product-team example (examples/orders) through
# oci:// and Chart.lock, verify what was pulled, and render it.
#
#   make demo                                        # embedded registry on 127.0.0.1
#   REGISTRY=oci://host:port/path make demo          # an existing registry instead
#     (with REGISTRY_PLAIN_HTTP=true or REGISTRY_CA_FILE=ca.pem, and REGISTRY_USERNAME /
#      REGISTRY_PASSWORD if it needs a login; see docs/distribution.md)
#
# Signing keys: HELM_SIGNING_KEY + HELM_SIGNING_KEYRING (+ HELM_SIGNING_PUBRING for the
# consumer-side check) and COSIGN_KEY + COSIGN_PUB (+ COSIGN_PASSWORD) if set; otherwise
# throwaway keys are generated for this run and deleted afterwards.
#
# The committed example names the canonical registry URL in its Chart.yaml. The demo
# never edits it: it renders a temporary copy whose `repository:` points at the registry
# actually used (a random port for the embedded one), and prints that rewrite.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/.tools/bin:$PATH"
PY="$ROOT/.tools/venv/bin/python"
EXAMPLE="$ROOT/examples/orders"
RELEASE=orders
NAMESPACE=shop
KUBE_VERSION="${DEMO_KUBE_VERSION:-1.34.0}"

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: error: %s\n' "$*" >&2; exit 1; }

for t in helm cosign gpg docker-registry; do
  command -v "$t" >/dev/null || die "\`$t\` not found: run \`make tools\`"
done
[[ -x "$PY" ]] || die "$PY not found: run \`make tools\`"
[[ -f "$EXAMPLE/Chart.yaml" ]] || die "$EXAMPLE/Chart.yaml not found"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/demo.XXXXXX")"
REGISTRY_PID=""
DEMO_GNUPGHOME=""   # set only when the demo creates a throwaway GnuPG home
cleanup() {
  local rc=$?
  if [[ -n "$REGISTRY_PID" ]] && kill -0 "$REGISTRY_PID" 2>/dev/null; then
    kill "$REGISTRY_PID" 2>/dev/null || true
    wait "$REGISTRY_PID" 2>/dev/null || true
    step "embedded registry stopped; its data directory is removed"
  fi
  if [[ -n "$DEMO_GNUPGHOME" && -d "$DEMO_GNUPGHOME" ]]; then
    GNUPGHOME="$DEMO_GNUPGHOME" gpgconf --kill gpg-agent 2>/dev/null || true
    rm -rf "$DEMO_GNUPGHOME"
  fi
  rm -rf "$WORK"
  if [[ $rc -ne 0 ]]; then printf '\ndemo: FAILED (exit %s); see the last step above\n' "$rc" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

json() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]] or "")' "$@"; }

# --- 1. the registry -------------------------------------------------------------
if [[ -z "${REGISTRY:-}" ]]; then
  # Everything Helm writes (registry logins, caches) stays in the temporary directory.
  export HELM_CONFIG_HOME="$WORK/helm/config" HELM_CACHE_HOME="$WORK/helm/cache" \
         HELM_DATA_HOME="$WORK/helm/data"
  unset HELM_REGISTRY_CONFIG REGISTRY_USERNAME REGISTRY_PASSWORD REGISTRY_CA_FILE
  "$PY" "$ROOT/scripts/registry.py" serve --info-file "$WORK/registry.json" &
  REGISTRY_PID=$!
  for _ in $(seq 1 150); do
    [[ -f "$WORK/registry.json" ]] && break
    kill -0 "$REGISTRY_PID" 2>/dev/null || die "the embedded registry did not start (see above)"
    sleep 0.1
  done
  [[ -f "$WORK/registry.json" ]] || die "the embedded registry did not start within 15 s"
  REGISTRY="$(json "$WORK/registry.json" url)"
  export REGISTRY_PLAIN_HTTP=true
  step "embedded registry: docker-registry $(docker-registry --version | awk '{print $3}') on" \
       "$(json "$WORK/registry.json" host) (plain HTTP), data in $(json "$WORK/registry.json" data_dir)," \
       "stopped and removed when the demo ends"
else
  step "using the registry from REGISTRY=$REGISTRY"
fi
export REGISTRY
# REGISTRY and its options go through the parser `make publish` uses (chart_harness.registry_options):
# a bad value stops here. It prints shell-quoted REGISTRY, REGISTRY_HOST, REGISTRY_PATH,
# REGISTRY_PLAIN_HTTP, REGISTRY_CA_FILE and the flag arrays REGISTRY_HELM_TLS, REGISTRY_COSIGN_TLS.
OPTIONS="$("$PY" -m chart_harness.registry_options 2>"$WORK/registry-options.err")" \
  || die "$(cat "$WORK/registry-options.err")"
eval "$OPTIONS"

if [[ -n "${REGISTRY_USERNAME:-}" ]]; then
  # The consumer side (helm dependency update, cosign verify) needs the login too; it goes
  # to a registry config in the temporary directory, never to the user's Helm config.
  mkdir -p "$WORK/auth"
  export HELM_REGISTRY_CONFIG="$WORK/auth/config.json" DOCKER_CONFIG="$WORK/auth"
  printf '%s' "${REGISTRY_PASSWORD:-}" | helm registry login "$REGISTRY_HOST" --username "$REGISTRY_USERNAME" \
    --password-stdin "${REGISTRY_HELM_TLS[@]}" >/dev/null || die "helm registry login $REGISTRY_HOST failed (see above)"
  step "logged in to $REGISTRY_HOST as $REGISTRY_USERNAME (credentials in $WORK/auth, removed afterwards)"
fi

# --- 2. signing keys ---------------------------------------------------------------
if [[ -z "${HELM_SIGNING_KEY:-}" ]]; then
  # A short path: gpg-agent's socket lives in GNUPGHOME and socket paths max out at 107 bytes.
  DEMO_GNUPGHOME="$(mktemp -d /tmp/gnupg.XXXXXX)"
  export GNUPGHOME="$DEMO_GNUPGHOME"
  gpg --batch --quiet --passphrase '' --quick-gen-key \
      'Platform Charts Demo (throwaway) <platform-demo@example.invalid>' ed25519 sign 1d 2>"$WORK/gpg.err" \
    || die "gpg could not generate the throwaway key: $(tail -1 "$WORK/gpg.err")"
  gpg --batch --quiet --export-secret-keys > "$WORK/secring.gpg" 2>/dev/null  # Helm reads the legacy format only
  gpg --batch --quiet --export > "$WORK/pubring.gpg" 2>/dev/null
  export HELM_SIGNING_KEY="Platform Charts Demo" HELM_SIGNING_KEYRING="$WORK/secring.gpg"
  export HELM_SIGNING_PUBRING="$WORK/pubring.gpg"
  step "throwaway GPG key generated for the .prov signatures:" \
       "$(gpg --batch --with-colons --list-keys 2>/dev/null | awk -F: '/^fpr/{print $10; exit}') (keyring $WORK/secring.gpg)"
fi
if [[ -z "${COSIGN_KEY:-}" ]]; then
  export COSIGN_PASSWORD="demo-$RANDOM$RANDOM"
  (cd "$WORK" && cosign generate-key-pair --output-key-prefix cosign >/dev/null 2>&1) \
    || die "cosign generate-key-pair failed"
  export COSIGN_KEY="$WORK/cosign.key" COSIGN_PUB="$WORK/cosign.pub"
  step "throwaway cosign key pair generated: $COSIGN_KEY (public: $COSIGN_PUB)"
fi

# --- 3. publish with exactly what `make publish` runs ------------------------------
step "publishing charts/common-lib and charts/standard-app to $REGISTRY (scripts/publish.sh)"
"$ROOT/scripts/publish.sh" --out "$WORK/dist" | tee "$WORK/publish.log"
DIGEST="$(sed -n 's#^publish: pushed .*/standard-app:[^ ]* digest \(sha256:[0-9a-f]*\)$#\1#p' "$WORK/publish.log")"
[[ -n "$DIGEST" ]] || die "publish printed no digest for standard-app"

# --- 4. the product team's side ------------------------------------------------------
APP="$WORK/orders"
mkdir "$APP"
(cd "$EXAMPLE" && tar --exclude=./charts --exclude=./tmpcharts -cf - .) | (cd "$APP" && tar -xf -)
CANONICAL="$("$PY" - "$APP/Chart.yaml" <<'PY'
import sys, yaml
deps = yaml.safe_load(open(sys.argv[1])).get("dependencies") or []
print(next((d["repository"] for d in deps if d.get("name") == "standard-app"), ""))
PY
)"
[[ "$CANONICAL" == oci://* ]] || die "examples/orders/Chart.yaml has no oci:// dependency on standard-app"
if [[ "$CANONICAL" != "$REGISTRY" ]]; then
  # Replace the URL on the `repository:` line only; comments and layout stay as committed.
  CANONICAL="$CANONICAL" REGISTRY="$REGISTRY" "$PY" - "$APP/Chart.yaml" <<'PY'
import os, re, sys
path = sys.argv[1]
text = open(path).read()
pattern = re.compile(r"^(\s*repository:\s*[\"']?)" + re.escape(os.environ["CANONICAL"]) + r"([\"']?\s*)$", re.M)
new, n = pattern.subn(lambda m: m.group(1) + os.environ["REGISTRY"] + m.group(2), text)
if n != 1:
    sys.exit(f"expected one repository: {os.environ['CANONICAL']} line, found {n}")
open(path, "w").write(new)
PY
  step "product-team example copied to $APP; its repository $CANONICAL now reads $REGISTRY" \
       "(examples/orders itself is unchanged)"
else
  step "product-team example copied to $APP (its repository already is $REGISTRY)"
fi
rm -f "$APP/Chart.lock"

VERIFY_ARGS=()
if [[ -n "${HELM_SIGNING_PUBRING:-}" ]]; then VERIFY_ARGS=(--verify --keyring "$HELM_SIGNING_PUBRING"); fi
step "helm dependency update: resolving standard-app from $REGISTRY" \
     "${VERIFY_ARGS:+(checking its .prov signature against $HELM_SIGNING_PUBRING)}"
if ! helm dependency update "$APP" "${REGISTRY_HELM_TLS[@]}" "${VERIFY_ARGS[@]}" >"$WORK/dep.log" 2>&1; then
  cat "$WORK/dep.log" >&2
  die "helm dependency update failed: $(grep -i error "$WORK/dep.log" | tail -1)"
fi
# Helm also offers the downloaded .prov to its archive check and says "Skipping"; noise.
grep -v 'does not appear to be a gzipped archive' "$WORK/dep.log" || true
[[ -f "$APP/Chart.lock" ]] || die "helm dependency update wrote no Chart.lock"
ls "$APP"/charts/standard-app-*.tgz >/dev/null 2>&1 || die "helm dependency update fetched no standard-app archive"
step "Chart.lock written ($APP/Chart.lock); it pins:"
cat "$APP/Chart.lock"

if [[ -n "${COSIGN_PUB:-}" ]]; then
  REF="${REGISTRY#oci://}/standard-app@$DIGEST"
  cosign verify --key "$COSIGN_PUB" --insecure-ignore-tlog "${REGISTRY_COSIGN_TLS[@]}" "$REF" >/dev/null 2>"$WORK/cosign.err" \
    || die "cosign verify $REF failed: $(grep -i error "$WORK/cosign.err" | tail -1)"
  step "cosign verified $REF against $COSIGN_PUB (key-based, no transparency log)"
else
  step "cosign verification skipped: set COSIGN_PUB to the public key to check the signature"
fi

step "helm template $RELEASE $APP --namespace $NAMESPACE --kube-version $KUBE_VERSION"
helm template "$RELEASE" "$APP" --namespace "$NAMESPACE" --kube-version "$KUBE_VERSION" > "$WORK/manifests.yaml"
cat "$WORK/manifests.yaml"
KINDS="$(grep -E '^kind: ' "$WORK/manifests.yaml" | awk '{print $2}' | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')"
step "rendered release $RELEASE in namespace $NAMESPACE from standard-app via $REGISTRY: $KINDS"

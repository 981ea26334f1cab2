"""Environment layering with Helmfile (examples/helmfile/): every override lands exactly where intended.

`helmfile -e <env> template` runs for dev, staging and prod with the pinned Helm 4
(--helm-binary) in the suite's isolated Helm homes, against this checkout's chart, so
it works offline. The renders are then compared field by field: each declared
override has its declared value in each environment, and no other field differs
between environments. A prod-only value therefore appears only in prod.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from chart_harness.helm import primary_helm, HelmVersion
from chart_harness.settings import active
from chart_harness.render import ensure_dependencies
from tests.support.tools import cache_dir, ROOT, STANDARD_APP, require_tool
from chart_harness.yamlio import load_manifest

EXAMPLE = ROOT / "examples" / "helmfile"
ENVIRONMENTS = ("dev", "staging", "prod")
CHART_VERSION = str(yaml.safe_load((STANDARD_APP / "Chart.yaml").read_text())["version"])
ABSENT = "<absent>"
# One pytest-xdist worker renders the three environments once and runs every check.
pytestmark = pytest.mark.xdist_group("helmfile")

# --- what each environment must render ---------------------------------------------------

_COMMON_OBJECTS = {
    "ConfigMap/orders-config",
    "Deployment/orders",
    "ExternalSecret/orders",
    "Ingress/orders",
    "NetworkPolicy/orders",
    "Pod/orders-test",
    "Service/orders",
    "ServiceAccount/orders",
}
OBJECTS = {
    "dev": _COMMON_OBJECTS,  # one replica: no PodDisruptionBudget, it would block drains
    "staging": _COMMON_OBJECTS | {"PodDisruptionBudget/orders"},
    "prod": _COMMON_OBJECTS | {"PodDisruptionBudget/orders", "HorizontalPodAutoscaler/orders"},
}

_POD = "Deployment/orders:spec.template.spec"
_APP = f"{_POD}.containers[app]"
# field -> value in each environment (ABSENT: the field is not rendered there).
OVERRIDES: dict[str, dict[str, Any]] = {
    "Deployment/orders:spec.replicas": {"dev": 1, "staging": 2, "prod": ABSENT},  # prod: the HPA owns it
    f"{_APP}.env[LOG_LEVEL].value": {"dev": "debug", "staging": "info", "prod": "info"},
    f"{_APP}.env[FEATURE_CHECKOUT_V2].value": {"dev": ABSENT, "staging": "true", "prod": ABSENT},
    f"{_APP}.resources.requests.cpu": {"dev": "50m", "staging": "100m", "prod": "500m"},
    f"{_APP}.resources.requests.memory": {"dev": "128Mi", "staging": "128Mi", "prod": "512Mi"},
    f"{_APP}.resources.limits.memory": {"dev": "256Mi", "staging": "256Mi", "prod": "1Gi"},
    f"{_POD}.priorityClassName": {"dev": ABSENT, "staging": ABSENT, "prod": "business-critical"},
    "Ingress/orders:spec.rules[0].host": {
        "dev": "orders.dev.example.com",
        "staging": "orders.staging.example.com",
        "prod": "orders.example.com",
    },
    "Ingress/orders:spec.tls[0].secretName": {"dev": ABSENT, "staging": ABSENT, "prod": "orders-tls"},
    "Ingress/orders:spec.tls[0].hosts[0]": {"dev": ABSENT, "staging": ABSENT, "prod": "orders.example.com"},
    "ExternalSecret/orders:spec.secretStoreRef.name": {
        "dev": "vault-dev",
        "staging": "vault-staging",
        "prod": "vault-prod",
    },
    "ExternalSecret/orders:spec.data[0].remoteRef.key": {
        "dev": "shop/dev/orders/payment",
        "staging": "shop/staging/orders/payment",
        "prod": "shop/prod/orders/payment",
    },
}
# Values that belong to prod alone: they must not appear anywhere else.
PROD_ONLY = ["business-critical", "orders-tls", "HorizontalPodAutoscaler"]


# --- running helmfile --------------------------------------------------------------------


def helmfile_env(helm: HelmVersion, chart: Path | str | None = None) -> dict[str, str]:
    """Helm's isolated homes for Helmfile's helm calls, and Helmfile's own cache under .cache/."""
    env = helm.env()
    env["HELMFILE_CACHE_HOME"] = str(cache_dir() / "helmfile")
    env["XDG_CACHE_HOME"] = str(cache_dir() / "xdg")
    env.pop("STANDARD_APP_CHART", None)
    env.pop("STANDARD_APP_VERSION", None)
    if chart is not None:
        env["STANDARD_APP_CHART"] = str(chart)
    return env


def helmfile(args: list[str], directory: Path, helm: HelmVersion, chart: Path | str | None = None,
             extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    binary = require_tool("helmfile")
    env = helmfile_env(helm, chart)
    env.update(extra_env or {})
    for sub in ("config", "cache", "data"):
        (helm.home / sub).mkdir(parents=True, exist_ok=True)
    command = [str(binary), "--helm-binary", str(helm.binary), "--file", "helmfile.yaml.gotmpl", *args]
    return subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True, timeout=120)


def render_environment(environment: str, directory: Path = EXAMPLE, chart: Path | None = None,
                       helm: HelmVersion = primary_helm()) -> tuple[list[dict], str]:
    """`helmfile -e <environment> template`: the documents and the manifest text."""
    proc = helmfile(
        ["--environment", environment, "template", "--skip-deps", "--kube-version", active().kube_version],
        directory, helm, chart,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"helmfile -e {environment} template failed in {directory}:\n{proc.stderr.strip()}",
            pytrace=False,
        )
    docs, _ = load_manifest(proc.stdout)
    return docs, proc.stdout


@pytest.fixture(scope="module")
def renders(helm4) -> dict[str, tuple[list[dict], str]]:
    """Every environment rendered once, in parallel (each helmfile run is mostly waiting on helm)."""
    ensure_dependencies(STANDARD_APP, helm4)  # --skip-deps: the chart's charts/ must be current
    with ThreadPoolExecutor(max_workers=len(ENVIRONMENTS)) as pool:
        results = pool.map(lambda env: render_environment(env, helm=helm4), ENVIRONMENTS)
    return dict(zip(ENVIRONMENTS, results))


# --- flattening and comparing ---------------------------------------------------------------


def flatten(docs: list[dict]) -> dict[str, Any]:
    """{"Kind/name:field.path": leaf value}; list items with a `name` are addressed by it."""
    flat: dict[str, Any] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict) and value:
            for key, sub in value.items():
                walk(sub, f"{path}.{key}" if not path.endswith(":") else f"{path}{key}")
        elif isinstance(value, list) and value:
            named = all(isinstance(i, dict) and "name" in i for i in value)
            for index, item in enumerate(value):
                if named:  # the name is the address: do not repeat it as a field
                    walk({k: v for k, v in item.items() if k != "name"} or None, f"{path}[{item['name']}]")
                else:
                    walk(item, f"{path}[{index}]")
        else:
            flat[path] = value

    for doc in docs:
        walk(doc, f"{doc['kind']}/{doc['metadata']['name']}:")
    return flat


def objects(flat: dict[str, Any]) -> set[str]:
    return {path.split(":", 1)[0] for path in flat}


def override_problems(environment: str, flat: dict[str, Any]) -> list[str]:
    """Declared overrides that do not have their declared value in this environment."""
    problems = []
    for path, values in OVERRIDES.items():
        want, got = values[environment], flat.get(path, ABSENT)
        if got != want:
            problems.append(f"{environment}: {path} is {got!r}, expected {want!r}")
    return problems


def undeclared_differences(flats: dict[str, dict[str, Any]]) -> list[str]:
    """Fields that differ between environments (where the object exists) but are not declared."""
    problems = []
    for path in sorted(set().union(*flats.values())):
        if path in OVERRIDES:
            continue
        obj = path.split(":", 1)[0]
        present = {env: flat.get(path, ABSENT) for env, flat in flats.items() if obj in objects(flat)}
        if len({repr(v) for v in present.values()}) > 1:
            problems.append(f"{path} differs: " + ", ".join(f"{e}={v!r}" for e, v in present.items()))
    return problems


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_environment_renders_the_declared_objects(renders, environment):
    docs, _ = renders[environment]
    assert all(d["metadata"].get("namespace") == "shop" for d in docs)
    got = objects(flatten(docs))
    assert got == OBJECTS[environment], (
        f"{environment}: unexpected objects {sorted(got - OBJECTS[environment])}, "
        f"missing {sorted(OBJECTS[environment] - got)}"
    )


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_override_lands_where_declared(renders, environment):
    problems = override_problems(environment, flatten(renders[environment][0]))
    assert not problems, "\n".join(problems)


def test_nothing_else_differs_between_environments(renders):
    flats = {env: flatten(docs) for env, (docs, _) in renders.items()}
    problems = undeclared_differences(flats)
    assert not problems, (
        "fields differ between environments without being declared in OVERRIDES "
        "(a layer sets more than it should, or OVERRIDES is out of date):\n  " + "\n  ".join(problems)
    )


@pytest.mark.parametrize("value", PROD_ONLY)
def test_prod_only_value_appears_only_in_prod(renders, value):
    where = [env for env in ENVIRONMENTS if value in renders[env][1]]
    assert where == ["prod"], f"{value!r} appears in {where}; it belongs to prod only"


def test_common_layer_reaches_every_environment(renders):
    for environment, (docs, _) in renders.items():
        flat = flatten(docs)
        assert flat[f"{_APP}.image"] == "registry.example.com/shop/orders:1.4.2", environment
        assert flat["ConfigMap/orders-config:data.UPSTREAM_URL"] == "http://inventory.shop.svc:80", environment
        assert flat[f"{_APP}.env[DATABASE_URL].valueFrom.secretKeyRef.name"] == "orders-db", environment


def test_a_prod_value_in_the_common_layer_is_caught(tmp_path, helm4):
    """Move prod's priority class into the common layer: dev now differs from what is declared."""
    copy = tmp_path / "helmfile"
    shutil.copytree(EXAMPLE, copy)
    prod = copy / "values" / "prod.yaml"
    prod.write_text(prod.read_text().replace("priorityClassName: business-critical\n", ""), "utf-8")
    with open(copy / "values" / "common.yaml", "a", encoding="utf-8") as fh:
        fh.write("priorityClassName: business-critical\n")
    docs, _ = render_environment("dev", copy, chart=STANDARD_APP, helm=helm4)
    problems = override_problems("dev", flatten(docs))
    assert problems == [f"dev: {_POD}.priorityClassName is 'business-critical', expected '<absent>'"], problems


def test_undeclared_difference_is_caught(renders):
    flats = {env: flatten(docs) for env, (docs, _) in renders.items()}
    flats["staging"]["Service/orders:spec.type"] = "NodePort"
    assert undeclared_differences(flats) == [
        "Service/orders:spec.type differs: dev='ClusterIP', staging='NodePort', prod='ClusterIP'"
    ]


# --- the secrets layer ---------------------------------------------------------------------

# Leaves the secrets layer may set: names of Secrets and keys in them, and secret-store paths.
_REFERENCE = re.compile(
    r"^(migration\.)?secretEnv\.[A-Za-z_][A-Za-z0-9_]*\.(secretName|key)$"
    r"|^externalSecret\.(enabled|refreshInterval|secretStoreRef\.(name|kind))$"
    r"|^externalSecret\.data\[\d+\]\.(secretKey|remoteRef\.(key|property|version))$"
    r"|^imagePullSecrets\[\d+\]$"
)


def secrets_layer_problems(path: Path) -> list[str]:
    """Leaves of the secrets layer that are not references to secrets."""
    text = re.sub(r"\{\{.*?\}\}", "TEMPLATED", path.read_text(encoding="utf-8"))
    data = yaml.safe_load(text) or {}
    problems = []

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(sub, f"{where}.{key}" if where else str(key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]")
        elif not _REFERENCE.match(where):
            problems.append(
                f"{path.name}: `{where}` is not a reference to a secret; this layer holds only Secret "
                "names and keys (secretEnv) and secret-store paths (externalSecret)"
            )

    walk(data, "")
    return problems


def test_secrets_layer_holds_only_references():
    layer = EXAMPLE / "values" / "secrets.yaml.gotmpl"
    problems = secrets_layer_problems(layer)
    assert not problems, "\n".join(problems)
    assert "secretEnv" in yaml.safe_load(re.sub(r"\{\{.*?\}\}", "x", layer.read_text()))


def test_a_secret_value_in_the_secrets_layer_is_caught(tmp_path):
    layer = tmp_path / "secrets.yaml.gotmpl"
    original = (EXAMPLE / "values" / "secrets.yaml.gotmpl").read_text(encoding="utf-8")
    layer.write_text(original + "env:\n  DATABASE_PASSWORD: hunter2\n", encoding="utf-8")
    assert secrets_layer_problems(layer) == [
        "secrets.yaml.gotmpl: `env.DATABASE_PASSWORD` is not a reference to a secret; this layer holds "
        "only Secret names and keys (secretEnv) and secret-store paths (externalSecret)"
    ]


# A plain `value` for a variable whose name looks like a secret (the chart's own rule).
_SECRETISH_PLAIN_ENV = re.compile(
    r"\.env\[[A-Z0-9_]*(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)[A-Z0-9_]*\]\.value$"
)


def test_no_environment_renders_a_secret(renders):
    for environment, (docs, _) in renders.items():
        kinds = {d["kind"] for d in docs}
        assert "Secret" not in kinds, f"{environment} renders a Secret: secret values must stay in the store"
        flat = flatten(docs)
        secret_env = [p for p in flat if _SECRETISH_PLAIN_ENV.search(p)]
        assert not secret_env, f"{environment}: secret-looking variables set as plain values: {secret_env}"


# --- the chart source --------------------------------------------------------------------------


def test_default_chart_is_this_checkout_pinned_to_the_current_version():
    text = (EXAMPLE / "helmfile.yaml.gotmpl").read_text(encoding="utf-8")
    assert '| default "../../charts/standard-app"' in text
    assert (EXAMPLE / "../../charts/standard-app").resolve() == STANDARD_APP
    assert f'| default "{CHART_VERSION}"' in text, f"pin the current chart version {CHART_VERSION}"


def test_oci_chart_source_changes_only_the_source(helm4):
    """STANDARD_APP_CHART=oci://... : the release points at the registry, pinned, nothing else changes."""
    oci = "oci://registry.example.com/charts/standard-app"

    def releases(chart: str | None) -> list[dict]:
        # `list` reads the state without fetching charts, so this needs no registry.
        proc = helmfile(["--environment", "prod", "list", "--output", "json"], EXAMPLE, helm4, chart)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    with ThreadPoolExecutor(max_workers=2) as pool:
        (local,), (remote,) = pool.map(releases, (None, oci))
    assert local["chart"] == "../../charts/standard-app"
    assert remote["chart"] == oci and str(remote["version"]) == CHART_VERSION
    assert {k: v for k, v in remote.items() if k != "chart"} == {k: v for k, v in local.items() if k != "chart"}

"""A registry as production runs it: HTTPS (a throwaway CA) and htpasswd logins.

`helm registry login` takes a bare host:port; wrong credentials and an untrusted
certificate each give one clear line and push nothing; with the CA passed through
--ca-file, publish, pull and cosign all work. Credentials only ever land in the
test's own Helm home.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chart_harness.helm import helm_matrix, primary_helm
from tests.support.registry import (
    HelmHome,
    manifest,
    run_publish,
    sha256_file,
)
from tests.support.tools import ROOT

pytestmark = [pytest.mark.registry, pytest.mark.xdist_group("oci-auth-tls")]

USER, PASSWORD = "ci-publisher", "correct-horse-battery-staple"


@pytest.fixture(scope="module")
def registry_settings() -> dict:
    """The module's registry: HTTPS with a throwaway CA, and an htpasswd login."""
    return {"users": {USER: PASSWORD}, "tls": True}


def tls_publish_args(registry) -> list[str]:
    return ["--registry", registry.url, "--ca-file", str(registry.ca_file)]


def test_the_registry_really_requires_auth_and_tls(registry):
    """Guard for the rest of the module: anonymous access is refused."""
    status, headers, _ = registry.api("/v2/")
    assert status == 401 and "Basic" in headers.get("Www-Authenticate", "")
    assert registry.api("/v2/", user=USER)[0] == 200
    assert registry.ca_file.read_text().startswith("-----BEGIN CERTIFICATE-----")


@pytest.mark.parametrize("helm", helm_matrix(), ids=lambda h: h.name)
def test_registry_login_with_bare_host_port(helm, registry, home):
    proc = home.helm(helm, "registry", "login", registry.host, "--username", USER, "--password-stdin",
                     "--ca-file", str(registry.ca_file), input=PASSWORD)
    assert "Login Succeeded" in proc.stdout + proc.stderr
    auths = json.loads(home.registry_config.read_text())["auths"]
    assert list(auths) == [registry.host]
    # ... and nowhere else: not in the user's Helm config, not in the suite's shared homes.
    elsewhere = [Path.home() / ".config" / "helm" / "registry" / "config.json",
                 *(ROOT / ".cache" / "helm").glob("*/config/registry/config.json")]
    for config in elsewhere:
        assert not config.is_file() or registry.host not in config.read_text(), config


@pytest.mark.parametrize("helm", helm_matrix(), ids=lambda h: h.name)
def test_registry_login_with_wrong_credentials_fails_clearly(helm, registry, home):
    proc = home.helm(helm, "registry", "login", registry.host, "--username", USER, "--password-stdin",
                     "--ca-file", str(registry.ca_file), input="wrong", check=False)
    assert proc.returncode != 0
    assert "401" in proc.stderr and "unauthorized" in proc.stderr.lower()
    assert not home.registry_config.is_file() or registry.host not in home.registry_config.read_text()


def test_publish_with_wrong_credentials_says_so_and_pushes_nothing(registry, keys, tmp_path, home):
    run = run_publish(home, keys, "--registry", f"oci://{registry.host}/wrong-creds",
                      "--ca-file", str(registry.ca_file), "--out", str(tmp_path / "dist"),
                      REGISTRY_USERNAME=USER, REGISTRY_PASSWORD="wrong")
    assert run.returncode == 1
    assert run.errors == [f"publish: error: registry {registry.host} rejected the credentials of user "
                          f"'{USER}' (401 Unauthorized); nothing was pushed"], str(run)
    assert not [r for r in registry.repositories() if r.startswith("wrong-creds/")]


def test_publish_without_credentials_names_the_missing_login(registry, keys, tmp_path, home):
    run = run_publish(home, keys, *tls_publish_args(registry),
                      "--out", str(tmp_path / "dist"))
    assert run.returncode == 1
    assert len(run.errors) == 1 and "requires authentication" in run.errors[0], str(run)
    assert f"helm registry login {registry.host}" in run.errors[0]


def test_publish_without_the_ca_says_the_certificate_is_untrusted(registry, keys, tmp_path, home):
    run = run_publish(home, keys, "--registry", registry.url,
                      "--out", str(tmp_path / "dist"),
                      REGISTRY_USERNAME=USER, REGISTRY_PASSWORD=PASSWORD)
    assert run.returncode == 1
    assert len(run.errors) == 1, str(run)
    assert f"registry {registry.host}'s TLS certificate is not trusted: pass --ca-file" in run.errors[0]


def test_publish_with_plain_http_to_a_tls_registry_says_so(registry, keys, tmp_path, home):
    run = run_publish(home, keys, "--registry", registry.url, "--plain-http",
                      "--out", str(tmp_path / "dist"),
                      REGISTRY_USERNAME=USER, REGISTRY_PASSWORD=PASSWORD)
    assert run.returncode == 1
    assert len(run.errors) == 1 and "it speaks HTTPS, drop --plain-http" in run.errors[0], str(run)


@pytest.fixture(scope="module")
def published_tls(registry, keys, workdir):
    home = HelmHome(workdir / "publisher")
    run = run_publish(home, keys, *tls_publish_args(registry), "--out", str(workdir / "dist"),
                      REGISTRY_USERNAME=USER, REGISTRY_PASSWORD=PASSWORD)
    assert run.returncode == 0, str(run)
    return run, home


def test_publish_over_tls_with_login_from_the_environment(published_tls, registry, workdir):
    run, home = published_tls
    assert set(run.pushed) == {"common-lib", "standard-app"}
    for name, (version, digest) in run.pushed.items():
        assert manifest(registry, f"{registry.path}/{name}", version)[0] == digest
    # The credentials went to a temporary registry config, not to the publisher's Helm home.
    assert not home.registry_config.exists()
    assert f"logged in to {registry.host} as '{USER}'" in run.stdout


@pytest.mark.parametrize("helm", helm_matrix(), ids=lambda h: h.name)
def test_pull_over_tls_after_login(helm, published_tls, registry, workdir, tmp_path, home):
    home.helm(helm, "registry", "login", registry.host, "--username", USER, "--password-stdin",
              "--ca-file", str(registry.ca_file), input=PASSWORD)
    dest = tmp_path / "pulled"
    dest.mkdir()
    run, _ = published_tls
    version, _ = run.pushed["standard-app"]
    home.helm(helm, "pull", f"{registry.url}/standard-app", "--version", version,
              "--destination", str(dest), "--ca-file", str(registry.ca_file))
    archive = f"standard-app-{version}.tgz"
    assert sha256_file(dest / archive) == sha256_file(workdir / "dist" / archive)


def test_pull_without_the_ca_is_refused(published_tls, registry, tmp_path, home):
    proc = home.helm(primary_helm(), "pull", f"{registry.url}/standard-app", "--destination",
                     str(tmp_path), check=False)
    assert proc.returncode != 0
    assert "x509: certificate signed by unknown authority" in proc.stderr


def test_cosign_verifies_over_tls_with_the_login(published_tls, registry, keys, home):
    run, _ = published_tls
    _, digest = run.pushed["standard-app"]
    ref = f"{registry.host}/{registry.path}/standard-app@{digest}"
    args = ("verify", "--key", str(keys.cosign_pub), "--insecure-ignore-tlog",
            "--registry-cacert", str(registry.ca_file), ref)
    anonymous = home.cosign(*args, check=False)
    assert anonymous.returncode != 0 and "UNAUTHORIZED" in anonymous.stderr
    home.helm(primary_helm(), "registry", "login", registry.host, "--username", USER,
              "--password-stdin", "--ca-file", str(registry.ca_file), input=PASSWORD)
    proc = home.cosign(*args, check=False)  # DOCKER_CONFIG = the Helm registry config's directory
    assert proc.returncode == 0, proc.stderr
    assert f'"docker-manifest-digest":"{digest}"' in proc.stdout

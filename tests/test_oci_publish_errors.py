"""`make publish` on bad input: one clear line naming the cause, and nothing half-published.

Each case breaks one thing on purpose (a dead port, a foreign key name, a missing
password, a lock out of sync, a registry that refuses standard-app's upload) and
checks both the message and what the registry holds afterwards.
"""

from __future__ import annotations

import re
import shutil
import socket
from types import SimpleNamespace

import pytest
import yaml

from tests.support.registry import (
    FaultProxy,
    make_signing_keys,
    manifest,
    run_publish,
)
from tests.support.tools import CHARTS_DIR, load_script

# The chart versions in the working tree: what publish packages.
VERSIONS = {n: str(yaml.safe_load((CHARTS_DIR / n / "Chart.yaml").read_text())["version"]) for n in ("common-lib", "standard-app")}

pytestmark = [pytest.mark.registry, pytest.mark.xdist_group("oci-publish-errors")]


def url_in(registry, path: str) -> str:
    """A registry URL with its own path, so every test sees only what it pushed."""
    return f"oci://{registry.host}/{path}"


def pushed_under(registry, path: str) -> dict[str, list[str]]:
    return {repo: registry.tags(repo) for repo in registry.repositories() if repo.startswith(f"{path}/")}


def single_error(run) -> str:
    assert run.returncode == 1, str(run)
    assert len(run.errors) == 1, f"expected exactly one error line:\n{run}"
    return run.errors[0].removeprefix("publish: error: ")


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nobody listens


# --------------------------------------------------------------------------- inputs
def test_no_registry_configured(home, keys, tmp_path):
    run = run_publish(home, keys, "--out", str(tmp_path))
    assert single_error(run) == "no registry: set REGISTRY=oci://host[:port]/path (or --registry)"


@pytest.mark.parametrize("url", ["https://127.0.0.1:5000/charts", "oci://127.0.0.1:5000/Charts", "127.0.0.1:5000"])
def test_registry_that_is_not_an_oci_url(url, home, keys, tmp_path):
    run = run_publish(home, keys, "--registry", url, "--out", str(tmp_path))
    assert single_error(run).startswith(f"registry {url!r} is not an OCI URL: expected oci://host[:port]/path")


def test_unreachable_registry(home, keys, tmp_path):
    port = dead_port()
    run = run_publish(home, keys, "--registry", f"oci://127.0.0.1:{port}/charts", "--plain-http",
                      "--out", str(tmp_path))
    assert single_error(run) == (f"registry 127.0.0.1:{port} is unreachable: connection refused "
                                 "(is it running, is the port right?); nothing was pushed")


def test_plain_http_registry_without_plain_http(registry, home, keys, tmp_path):
    run = run_publish(home, keys, "--registry", url_in(registry, "no-plain-http"), "--out", str(tmp_path))
    assert single_error(run).startswith(f"registry {registry.host} speaks plain HTTP: pass --plain-http")
    assert pushed_under(registry, "no-plain-http") == {}


def test_signing_key_missing_from_the_keyring(registry, home, keys, tmp_path):
    run = run_publish(home, keys, "--registry", url_in(registry, "no-key"), "--plain-http",
                      "--out", str(tmp_path), HELM_SIGNING_KEY="Nobody We Know")
    assert single_error(run).startswith(f"signing key 'Nobody We Know' is not in keyring {keys.secring}")
    assert pushed_under(registry, "no-key") == {}


def test_signing_keyring_missing(registry, home, keys, tmp_path):
    missing = tmp_path / "nowhere" / "secring.gpg"
    run = run_publish(home, keys, "--registry", url_in(registry, "no-keyring"), "--plain-http",
                      "--out", str(tmp_path), HELM_SIGNING_KEYRING=str(missing))
    assert single_error(run) == f"signing keyring {missing}: no such file"


def test_public_keyring_instead_of_secret_keyring(registry, home, keys, tmp_path):
    run = run_publish(home, keys, "--registry", url_in(registry, "pubring"), "--plain-http",
                      "--out", str(tmp_path), HELM_SIGNING_KEYRING=str(keys.pubring))
    assert single_error(run).startswith(f"keyring {keys.pubring} holds no secret key")


def test_no_signing_key_at_all(registry, home, keys, tmp_path):
    run = run_publish(home, keys, "--registry", url_in(registry, "unsigned"), "--plain-http",
                      "--out", str(tmp_path), HELM_SIGNING_KEY="")
    assert single_error(run).startswith("no signing key: set HELM_SIGNING_KEY")


@pytest.fixture(scope="module")
def protected_keys(workdir):
    return make_signing_keys(workdir / "protected-keys", name="Protected Key", gpg_passphrase="open sesame")


def test_passphrase_protected_key_without_passphrase_file(home, protected_keys, tmp_path):
    run = run_publish(home, protected_keys, "--package-only", "--out", str(tmp_path))
    assert single_error(run) == ("signing key 'Protected Key' is passphrase-protected: pass "
                                 "--passphrase-file (env HELM_SIGNING_PASSPHRASE_FILE)")


def test_passphrase_protected_key_with_wrong_and_right_passphrase(home, protected_keys, tmp_path):
    wrong, right = tmp_path / "wrong", tmp_path / "right"
    wrong.write_text("open barley\n")
    right.write_text("open sesame\n")
    run = run_publish(home, protected_keys, "--package-only", "--out", str(tmp_path / "a"),
                      "--passphrase-file", str(wrong))
    assert single_error(run) == f"wrong passphrase for signing key 'Protected Key' ({wrong})"
    run = run_publish(home, protected_keys, "--package-only", "--out", str(tmp_path / "b"),
                      "--passphrase-file", str(right))
    assert run.returncode == 0, str(run)
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == sorted(
        f"{n}-{v}.tgz{ext}" for n, v in VERSIONS.items() for ext in ("", ".prov"))


def test_wrong_cosign_password(registry, home, keys, tmp_path):
    run = run_publish(home, keys, "--registry", url_in(registry, "cosign-pw"), "--plain-http",
                      "--out", str(tmp_path), COSIGN_PASSWORD="not-the-password")
    assert single_error(run) == (f"cosign key {keys.cosign_key} cannot be decrypted: "
                                 "wrong or missing COSIGN_PASSWORD")
    assert pushed_under(registry, "cosign-pw") == {}


def test_lock_out_of_sync_in_a_platform_chart(registry, home, keys, tmp_path):
    charts = tmp_path / "charts"
    shutil.copytree(CHARTS_DIR, charts, ignore=shutil.ignore_patterns("charts"))
    chart_yaml = charts / "standard-app" / "Chart.yaml"
    text, n = re.subn(r"(?m)^(\s*repository:\s*file://\.\./common-lib)\s*$", r"\1/", chart_yaml.read_text())
    assert n == 1
    chart_yaml.write_text(text)
    run = run_publish(home, keys, "--registry", url_in(registry, "drift"), "--plain-http",
                      "--charts-dir", str(charts), "--out", str(tmp_path / "dist"))
    assert single_error(run) == (f"{charts}/standard-app/Chart.lock is out of sync with Chart.yaml: run "
                                 f"`helm dependency update {charts}/standard-app` and commit Chart.lock")
    assert pushed_under(registry, "drift") == {}


# --------------------------------------------------------------------------- half-way
def test_failure_after_common_lib_says_exactly_what_is_in_the_registry(registry, home, keys, tmp_path):
    with FaultProxy(registry, deny=r"/standard-app/") as proxy:
        run = run_publish(home, keys, "--registry", f"oci://127.0.0.1:{proxy.port}/partial",
                          "--plain-http", "--out", str(tmp_path / "dist"))
    assert run.returncode == 1, str(run)
    assert list(run.pushed) == ["common-lib"]
    version, digest = run.pushed["common-lib"]
    host = f"127.0.0.1:{proxy.port}"
    assert version == VERSIONS["common-lib"]
    assert run.errors == [f"publish: error: pushing standard-app {VERSIONS['standard-app']} failed: registry {host} "
                          "denied the request (403 Forbidden): the account may not push there"], str(run)
    report = run.stderr.splitlines()[1:]
    assert report == [
        "publish: the registry now holds (pushed by this run):",
        f"publish:   oci://{host}/partial/common-lib:{version} {digest} (cosign-signed, .prov attached)",
        f"publish: NOT published: standard-app {VERSIONS['standard-app']}",
        "publish: after fixing the cause, publish the rest with: --chart standard-app",
    ], run.stderr
    # The report is the truth: common-lib (and its cosign signature) is there, standard-app is not.
    tags = pushed_under(registry, "partial")
    assert set(tags) == {"partial/common-lib"}
    assert version in tags["partial/common-lib"]
    assert any(t.startswith("sha256-") and t.endswith(".sig") for t in tags["partial/common-lib"])
    assert manifest(registry, "partial/common-lib", version)[0] == digest

    # Recovery as the report says: publish the rest, straight to the registry.
    rest = run_publish(home, keys, "--registry", url_in(registry, "partial"), "--plain-http",
                       "--chart", "standard-app", "--out", str(tmp_path / "dist"))
    assert rest.returncode == 0, str(rest)
    assert list(rest.pushed) == ["standard-app"]


def test_force_overwrites_an_existing_version(registry, home, keys, tmp_path):
    args = ("--registry", url_in(registry, "forced"), "--plain-http", "--chart", "common-lib",
            "--out", str(tmp_path / "dist"))
    first = run_publish(home, keys, *args)
    assert first.returncode == 0, str(first)
    forced = run_publish(home, keys, *args, "--force")
    assert forced.returncode == 0, str(forced)
    assert list(forced.pushed) == ["common-lib"]
    for name, (version, digest) in forced.pushed.items():
        assert f"publish: WARNING: --force: overwriting {name} {version} in {url_in(registry, 'forced')} " \
               f"(was {first.pushed[name][1]})" in forced.stdout
        assert manifest(registry, f"forced/{name}", version)[0] == digest


@pytest.mark.parametrize("host", ["127.0.0.1:5000", "127.0.0.1:40301", "127.0.0.1:54031", "127.0.0.1:40140"])
@pytest.mark.parametrize("raw, username, expected", [
    ("pushing to oci://{host}/charts: basic credential not found", None, "requires authentication"),
    ("HEAD \"https://{host}/v2/charts/x/manifests/1.0.0\": response status code 401: Unauthorized",
     None, "requires authentication"),
    ("unexpected status from HEAD request to https://{host}/v2/x/manifests/1.0.0: 401 Unauthorized",
     None, "requires authentication"),
    ("unexpected status from HEAD request to https://{host}/v2/x/manifests/1.0.0: 401 Unauthorized",
     "ci", "rejected the credentials of user 'ci'"),
    ("failed to push to https://{host}/v2/x/blobs/uploads/: 403 Forbidden",
     "ci", "denied the request (403 Forbidden)"),
])
def test_a_port_that_holds_a_status_code_does_not_change_the_verdict(host, raw, username, expected):
    """The registry's port (random in tests, e.g. 54031) is not read as an HTTP status."""
    opts = SimpleNamespace(host=host, plain_http=False, ca_file=None, username=username)
    line = load_script("publish").explain_registry_error(raw.format(host=host), opts)
    assert expected in line, line

"""The one parser of REGISTRY and its options (src/chart_harness/registry_options.py).

make publish, make demo and the upgrade guard all read REGISTRY, REGISTRY_PLAIN_HTTP,
REGISTRY_CA_FILE and REGISTRY_USERNAME/REGISTRY_PASSWORD through it. These tests give
it good and bad values; each bad one must be named in the message, with what is allowed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from chart_harness.registry_options import RegistryOptionError, RegistryOptions, from_env, parse


@pytest.mark.parametrize(
    ("url", "host", "path"),
    [
        ("oci://127.0.0.1:5000/charts", "127.0.0.1:5000", "charts"),
        ("oci://registry.example.com/platform/charts/", "registry.example.com", "platform/charts"),
        ("oci://registry.example.com", "registry.example.com", ""),
        ("oci://[::1]:5000/charts", "[::1]:5000", "charts"),
        ("oci://[2001:db8::7]/a-b/c_d.e", "[2001:db8::7]", "a-b/c_d.e"),
        ("oci://localhost:65535/charts", "localhost:65535", "charts"),
    ],
)
def test_a_good_url_gives_host_and_path(url: str, host: str, path: str) -> None:
    options = parse(url)
    assert (options.url, options.host, options.path) == (url.rstrip("/"), host, path)
    assert options.helm_tls_args() == [] and options.cosign_tls_args() == []


@pytest.mark.parametrize(
    "url",
    ["https://127.0.0.1:5000/charts", "127.0.0.1:5000/charts", "oci://127.0.0.1:5000/Charts", "oci://", "oci://::1:5000/charts",
     "oci://host:port/charts"],
)
def test_a_url_that_is_not_oci_is_refused_with_what_is_allowed(url: str) -> None:
    with pytest.raises(RegistryOptionError) as err:
        parse(url)
    assert str(err.value) == (
        f"registry {url!r} is not an OCI URL: expected oci://host[:port]/path with a lowercase path, "
        "e.g. oci://127.0.0.1:5000/charts (REGISTRY)"
    )


@pytest.mark.parametrize("port", ["0", "65536", "99999"])
def test_a_port_out_of_range_is_refused(port: str) -> None:
    url = f"oci://127.0.0.1:{port}/charts"
    with pytest.raises(RegistryOptionError) as err:
        parse(url)
    assert str(err.value) == f"registry {url!r} is not an OCI URL: port {port} is out of range 1-65535 (REGISTRY)"


@pytest.mark.parametrize("spelling", ["1", "true", "TRUE", "yes", "On", " true "])
def test_truthy_plain_http_spellings(spelling: str) -> None:
    options = parse("oci://127.0.0.1:5000/charts", plain_http=spelling)
    assert options.plain_http is True
    assert options.helm_tls_args() == ["--plain-http"]
    assert options.cosign_tls_args() == ["--allow-http-registry"]


@pytest.mark.parametrize("spelling", ["", "0", "false", "False", "no", "OFF"])
def test_falsy_plain_http_spellings(spelling: str) -> None:
    assert parse("oci://127.0.0.1:5000/charts", plain_http=spelling).plain_http is False


@pytest.mark.parametrize("spelling", ["ture", "y", "2", "plain"])
def test_an_unknown_plain_http_spelling_is_refused(spelling: str) -> None:
    with pytest.raises(RegistryOptionError) as err:
        parse("oci://127.0.0.1:5000/charts", plain_http=spelling)
    assert str(err.value) == (
        f"REGISTRY_PLAIN_HTTP={spelling!r} is not a yes/no value: expected one of 1, true, yes, on "
        "(plain HTTP) or 0, false, no, off or empty (HTTPS)"
    )


def test_a_ca_file_is_resolved_and_passed_to_helm_and_cosign(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.chdir(tmp_path)
    options = parse("oci://127.0.0.1:5000/charts", ca_file="ca.pem")
    assert options.ca_file == tmp_path / "ca.pem"
    assert options.helm_tls_args() == ["--ca-file", str(tmp_path / "ca.pem")]
    assert options.cosign_tls_args() == ["--registry-cacert", str(tmp_path / "ca.pem")]


def test_a_missing_ca_file_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    with pytest.raises(RegistryOptionError) as err:
        parse("oci://127.0.0.1:5000/charts", ca_file=missing)
    assert str(err.value) == f"CA file {missing} (REGISTRY_CA_FILE, --ca-file): no such file"


def test_plain_http_with_a_ca_file_is_a_contradiction(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("")
    with pytest.raises(RegistryOptionError) as err:
        parse("oci://127.0.0.1:5000/charts", plain_http="true", ca_file=ca)
    assert str(err.value) == (
        f"REGISTRY_PLAIN_HTTP (--plain-http) and REGISTRY_CA_FILE={str(ca)!r} (--ca-file) contradict "
        "each other: a CA is for HTTPS; set one of them"
    )


def test_username_without_password_is_refused() -> None:
    with pytest.raises(RegistryOptionError) as err:
        parse("oci://127.0.0.1:5000/charts", username="ci-publisher")
    assert str(err.value) == (
        "set both REGISTRY_USERNAME and REGISTRY_PASSWORD, or neither: REGISTRY_USERNAME='ci-publisher' "
        "has no REGISTRY_PASSWORD"
    )


def test_password_without_username_is_refused_without_showing_it() -> None:
    with pytest.raises(RegistryOptionError) as err:
        parse("oci://127.0.0.1:5000/charts", password="s3cret")
    assert "s3cret" not in str(err.value)
    assert str(err.value) == (
        "set both REGISTRY_USERNAME and REGISTRY_PASSWORD, or neither: REGISTRY_PASSWORD is set without REGISTRY_USERNAME"
    )


def test_the_password_never_shows_in_the_repr() -> None:
    options = parse("oci://127.0.0.1:5000/charts", username="u", password="s3cret")
    assert (options.username, options.password) == ("u", "s3cret")
    assert "s3cret" not in repr(options)


def test_from_env_reads_every_variable() -> None:
    env = {"REGISTRY": "oci://[::1]:5000/charts", "REGISTRY_PLAIN_HTTP": "yes",
           "REGISTRY_USERNAME": "u", "REGISTRY_PASSWORD": "p", "UNRELATED": "x"}
    assert from_env(env) == RegistryOptions("oci://[::1]:5000/charts", "[::1]:5000", "charts", True, None, "u", "p")


@pytest.mark.parametrize("env", [{}, {"REGISTRY": ""}, {"REGISTRY": "  ", "REGISTRY_PLAIN_HTTP": "true"}])
def test_from_env_without_registry_is_none(env: dict[str, str]) -> None:
    assert from_env(env) is None


def _cli(env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python -m chart_harness.registry_options` as scripts/demo.sh runs it."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY")}
    return subprocess.run([sys.executable, "-m", "chart_harness.registry_options"], env={**base, **env},
                          capture_output=True, text=True, timeout=60, check=False)


def test_cli_prints_assignments_bash_can_eval() -> None:
    url = "oci://[::1]:5000/charts/"
    cli = _cli({"REGISTRY": url, "REGISTRY_PLAIN_HTTP": "On"})
    assert cli.returncode == 0, cli.stderr
    script = cli.stdout + '\nprintf "%s|" "$REGISTRY" "$REGISTRY_HOST" "$REGISTRY_PATH" "$REGISTRY_PLAIN_HTTP" ' \
        '"$REGISTRY_CA_FILE" "${REGISTRY_HELM_TLS[@]}" "${REGISTRY_COSIGN_TLS[@]}"'
    shell = subprocess.run(["bash", "-euc", script], capture_output=True, text=True, timeout=60, check=False)
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout == "oci://[::1]:5000/charts|[::1]:5000|charts|true||--plain-http|--allow-http-registry|"


def test_cli_refuses_a_bad_value_on_stderr() -> None:
    cli = _cli({"REGISTRY": "oci://127.0.0.1:5000/charts", "REGISTRY_USERNAME": "u"})
    assert (cli.returncode, cli.stdout) == (2, "")
    assert cli.stderr.strip() == (
        "set both REGISTRY_USERNAME and REGISTRY_PASSWORD, or neither: REGISTRY_USERNAME='u' has no REGISTRY_PASSWORD"
    )


def test_cli_without_registry_says_so() -> None:
    cli = _cli({})
    assert (cli.returncode, cli.stdout) == (2, "")
    assert cli.stderr.strip() == "REGISTRY is not set: expected oci://host[:port]/path"

"""The REGISTRY options, parsed in one place for `make publish`, `make demo` and the upgrade guard.

    REGISTRY=oci://host[:port]/path          where the charts are pushed and pulled
                                             (an IPv6 host in brackets: oci://[::1]:5000/charts)
    REGISTRY_PLAIN_HTTP=true                 a registry without TLS (1, true, yes, on; or
                                             0, false, no, off, empty for HTTPS)
    REGISTRY_CA_FILE=ca.pem                  the CA that signed the registry's certificate
    REGISTRY_USERNAME, REGISTRY_PASSWORD     a login: both or neither

    from_env(os.environ)   -> RegistryOptions, or None while REGISTRY is unset or empty
    parse(url, plain_http=..., ca_file=..., username=..., password=...) -> RegistryOptions
    RegistryOptionError    a bad value: the message names the setting, the value and what is allowed
    options.helm_tls_args(), options.cosign_tls_args()   the matching Helm / cosign flags

    python -m chart_harness.registry_options
        checks REGISTRY and its options in the environment and prints them as shell
        assignments for `eval` (scripts/demo.sh); a bad value: the message on stderr, exit 2
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

OCI_URL_RE = re.compile(
    r"^oci://(?P<host>(?P<name>[A-Za-z0-9.\-]+|\[[0-9a-fA-F:.]+\])(:(?P<port>[0-9]+))?)"
    r"(?P<path>(/[a-z0-9]+([._\-][a-z0-9]+)*)*)/?$"
)
EXPECTED_URL = "expected oci://host[:port]/path with a lowercase path, e.g. oci://127.0.0.1:5000/charts"
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("", "0", "false", "no", "off")


class RegistryOptionError(ValueError):
    """A REGISTRY option with a value that cannot work; str() is the one line to show."""


@dataclass(frozen=True)
class RegistryOptions:
    """One registry and how to talk to it.

    url         oci://host[:port]/path, without a trailing slash
    host        host[:port] as `helm registry login` takes it ([v6-address]:port for IPv6)
    path        the repository path under the host, without the leading slash ("" at the root)
    plain_http  the registry speaks plain HTTP
    ca_file     the CA bundle for its TLS certificate (None: the system's)
    username, password   a login (both empty: none)
    """

    url: str
    host: str
    path: str
    plain_http: bool = False
    ca_file: Path | None = None
    username: str = ""
    password: str = field(default="", repr=False)

    def helm_tls_args(self) -> list[str]:
        if self.plain_http:
            return ["--plain-http"]
        return ["--ca-file", str(self.ca_file)] if self.ca_file else []

    def cosign_tls_args(self) -> list[str]:
        if self.plain_http:
            return ["--allow-http-registry"]
        return ["--registry-cacert", str(self.ca_file)] if self.ca_file else []


def plain_http_flag(value: str | bool, variable: str = "REGISTRY_PLAIN_HTTP") -> bool:
    """REGISTRY_PLAIN_HTTP's yes/no spelling as a bool; any other spelling is an error."""
    if isinstance(value, bool):
        return value
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise RegistryOptionError(
        f"{variable}={value!r} is not a yes/no value: expected one of {', '.join(TRUE_WORDS)} "
        f"(plain HTTP) or {', '.join(w for w in FALSE_WORDS if w)} or empty (HTTPS)"
    )


def check_credentials(username: str, password: str) -> None:
    """A login needs both REGISTRY_USERNAME and REGISTRY_PASSWORD."""
    if username and not password:
        raise RegistryOptionError(
            f"set both REGISTRY_USERNAME and REGISTRY_PASSWORD, or neither: REGISTRY_USERNAME={username!r} "
            "has no REGISTRY_PASSWORD"
        )
    if password and not username:
        raise RegistryOptionError(
            "set both REGISTRY_USERNAME and REGISTRY_PASSWORD, or neither: REGISTRY_PASSWORD is set "
            "without REGISTRY_USERNAME"
        )


def parse(
    url: str,
    *,
    plain_http: str | bool = False,
    ca_file: str | Path | None = None,
    username: str = "",
    password: str = "",
) -> RegistryOptions:
    """Check every option of one registry; RegistryOptionError names the first bad one."""
    match = OCI_URL_RE.match(url)
    if not match:
        raise RegistryOptionError(f"registry {url!r} is not an OCI URL: {EXPECTED_URL} (REGISTRY)")
    port = match.group("port")
    if port is not None and not 1 <= int(port) <= 65535:
        raise RegistryOptionError(
            f"registry {url!r} is not an OCI URL: port {port} is out of range 1-65535 (REGISTRY)"
        )
    plain = plain_http_flag(plain_http)
    ca = Path(ca_file).expanduser() if ca_file else None
    if plain and ca:
        raise RegistryOptionError(
            f"REGISTRY_PLAIN_HTTP (--plain-http) and REGISTRY_CA_FILE={str(ca_file)!r} (--ca-file) "
            "contradict each other: a CA is for HTTPS; set one of them"
        )
    if ca is not None:
        if not ca.is_file():
            raise RegistryOptionError(f"CA file {ca_file} (REGISTRY_CA_FILE, --ca-file): no such file")
        ca = ca.resolve()
    check_credentials(username, password)
    return RegistryOptions(
        url=url.rstrip("/"),
        host=match.group("host"),
        path=match.group("path").strip("/"),
        plain_http=plain,
        ca_file=ca,
        username=username,
        password=password,
    )


def from_env(env: Mapping[str, str] = os.environ) -> RegistryOptions | None:
    """REGISTRY and its options from the environment; None while REGISTRY is unset or empty."""
    url = env.get("REGISTRY", "").strip()
    if not url:
        return None
    return parse(
        url,
        plain_http=env.get("REGISTRY_PLAIN_HTTP", ""),
        ca_file=env.get("REGISTRY_CA_FILE") or None,
        username=env.get("REGISTRY_USERNAME", ""),
        password=env.get("REGISTRY_PASSWORD", ""),
    )


def shell_assignments(options: RegistryOptions) -> str:
    """The options as bash assignments (arrays for the flags), every value quoted for `eval`."""

    def array(args: list[str]) -> str:
        return "(" + " ".join(shlex.quote(a) for a in args) + ")"

    lines = [
        f"REGISTRY={shlex.quote(options.url)}",
        f"REGISTRY_HOST={shlex.quote(options.host)}",
        f"REGISTRY_PATH={shlex.quote(options.path)}",
        f"REGISTRY_PLAIN_HTTP={'true' if options.plain_http else 'false'}",
        f"REGISTRY_CA_FILE={shlex.quote(str(options.ca_file or ''))}",
        f"REGISTRY_HELM_TLS={array(options.helm_tls_args())}",
        f"REGISTRY_COSIGN_TLS={array(options.cosign_tls_args())}",
    ]
    return "\n".join(lines)


def main(env: Mapping[str, str] = os.environ) -> int:
    try:
        options = from_env(env)
    except RegistryOptionError as err:
        print(err, file=sys.stderr)
        return 2
    if options is None:
        print("REGISTRY is not set: expected oci://host[:port]/path", file=sys.stderr)
        return 2
    print(shell_assignments(options))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Package, sign and push the platform charts to an OCI registry (`make publish`).

    scripts/publish.sh --registry oci://host[:port]/path --key NAME --keyring secring.gpg \
                       --cosign-key cosign.key [--plain-http | --ca-file CA.pem] [--force]

Order of work, so that nothing is half-published by accident:
  1. check every input (tools, keys, cosign password, registry URL) and read the charts;
  2. log in and ask the registry about every version: unreachable, wrong credentials or
     an untrusted certificate stop here;
  3. package every chart in dependency order (common-lib, then standard-app with its
     charts/ rebuilt from Chart.lock), reproducibly (SOURCE_DATE_EPOCH) and signed (.prov);
     a version that already exists in the registry stops here (compared byte for byte);
  4. push each chart and sign its digest with cosign. If a later chart fails, say exactly
     which charts (and digests) are now in the registry and which are not.

The registry options (REGISTRY, REGISTRY_PLAIN_HTTP, REGISTRY_CA_FILE,
REGISTRY_USERNAME/REGISTRY_PASSWORD) are checked by chart_harness.registry_options,
the same parser `make demo` and the upgrade guard use.

Every failure is one line naming the cause. Run with --help for every option; each
option has an environment variable so CI can configure it without arguments.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from chart_harness.registry_options import RegistryOptionError, RegistryOptions, check_credentials, parse, plain_http_flag

ROOT = Path(__file__).resolve().parent.parent
TOOLS_BIN = ROOT / ".tools" / "bin"
FALLBACK_EPOCH = 315532800  # 1980-01-01T00:00:00Z, for archives built outside git
DIGEST_RE = re.compile(r"Digest:\s*(sha256:[0-9a-f]{64})")


class PublishError(Exception):
    """A failure a person can act on. str() is the one line we print."""


def say(msg: str) -> None:
    print(f"publish: {msg}", flush=True)


# --------------------------------------------------------------------------- tools
def tool(name: str) -> str:
    local = TOOLS_BIN / name
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    found = shutil.which(name)
    if not found:
        raise PublishError(f"`{name}` not found in {TOOLS_BIN} or PATH: run `make tools`")
    return found


def run(cmd: list[str], *, env: dict | None = None, input: str | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, env=env, input=input, cwd=cwd,
                          stdin=None if input is not None else subprocess.DEVNULL)


def last_error(proc: subprocess.CompletedProcess) -> str:
    """The most useful line of a failed command's output."""
    lines = [ln.strip() for ln in (proc.stderr + "\n" + proc.stdout).splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.lower().startswith(("error", "fatal"))]
    text = (errors or lines or [f"exit code {proc.returncode}"])[-1]
    return re.sub(r"^(Error|error during command execution):\s*", "", text)


# ------------------------------------------------------------------------- charts
@dataclass
class Chart:
    name: str
    version: str
    source: Path                      # charts/<name> in the working tree
    local_deps: list[str]             # names of sibling charts (file://../<name>)
    has_deps: bool
    archive: Path | None = None       # packaged .tgz in the staging dir
    sha256: str = ""
    digest: str = ""                  # OCI manifest digest after push
    epoch: int = 0
    epoch_source: str = ""
    remote: dict = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.name} {self.version}"


def read_charts(charts_dir: Path, only: list[str]) -> list[Chart]:
    charts: dict[str, Chart] = {}
    for chart_yaml in sorted(charts_dir.glob("*/Chart.yaml")):
        try:
            meta = yaml.safe_load(chart_yaml.read_text()) or {}
        except yaml.YAMLError as exc:
            raise PublishError(f"{chart_yaml}: not valid YAML: {exc}".splitlines()[0]) from None
        for key in ("name", "version"):
            if not meta.get(key):
                raise PublishError(f"{chart_yaml}: `{key}` is missing")
        deps = meta.get("dependencies") or []
        local = []
        for dep in deps:
            repo = str(dep.get("repository", ""))
            if repo.startswith("file://"):
                target = (chart_yaml.parent / repo[len("file://"):]).resolve()
                if target.parent == charts_dir.resolve():
                    local.append(target.name)
        if deps and not (chart_yaml.parent / "Chart.lock").is_file():
            raise PublishError(f"{chart_yaml.parent}/Chart.lock is missing: run `helm dependency "
                               f"update {chart_yaml.parent}` and commit Chart.lock")
        charts[chart_yaml.parent.name] = Chart(str(meta["name"]), str(meta["version"]),
                                               chart_yaml.parent, local, bool(deps))
    if not charts:
        raise PublishError(f"no charts (*/Chart.yaml) under {charts_dir}")
    unknown = [n for n in only if n not in charts]
    if unknown:
        raise PublishError(f"--chart {', '.join(unknown)}: no such chart under {charts_dir} "
                           f"(have: {', '.join(sorted(charts))})")
    ordered: list[Chart] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if any(c.source.name == name for c in ordered):
            return
        if name in visiting:
            raise PublishError(f"dependency cycle through charts/{name}")
        visiting.add(name)
        for dep in charts[name].local_deps:
            if dep in charts:
                visit(dep)
        ordered.append(charts[name])

    for name in sorted(charts):
        visit(name)
    return [c for c in ordered if not only or c.source.name in only]


def source_date_epoch(chart_dir: Path) -> tuple[int, str]:
    """SOURCE_DATE_EPOCH for one chart: env, else the last commit touching it, else HEAD."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env:
        if not env.isdigit():
            raise PublishError(f"SOURCE_DATE_EPOCH={env!r} is not a non-negative integer (Unix seconds)")
        return int(env), "from the environment"
    git = shutil.which("git")
    if git:
        for args, what in ((["--", "."], f"last commit touching {chart_dir.name}/"), ([], "HEAD commit")):
            proc = run([git, "log", "-1", "--format=%ct", *args], cwd=chart_dir)
            if proc.returncode == 0 and proc.stdout.strip().isdigit():
                return int(proc.stdout.strip()), what
    return FALLBACK_EPOCH, "fixed fallback (not a git checkout)"


# ------------------------------------------------------------------------ options
@dataclass
class Options:
    registry: RegistryOptions | None  # None with --package-only
    charts_dir: Path
    only: list[str]
    key: str
    keyring: Path | None
    passphrase_file: Path | None
    cosign_key: Path | None
    force: bool
    package_only: bool
    out: Path


def parse_args(argv: list[str]) -> Options:
    e = os.environ.get
    p = argparse.ArgumentParser(prog="scripts/publish.sh", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--registry", default=e("REGISTRY", ""),
                   help="oci://host[:port]/path to push to (env REGISTRY)")
    p.add_argument("--charts-dir", default=e("CHARTS_DIR", str(ROOT / "charts")),
                   help="directory holding the charts (default: charts/)")
    p.add_argument("--chart", action="append", default=[], metavar="NAME",
                   help="publish only this chart (repeatable); default: every chart")
    p.add_argument("--key", default=e("HELM_SIGNING_KEY", ""),
                   help="GPG key name (uid or part of it) for the .prov signature (env HELM_SIGNING_KEY)")
    p.add_argument("--keyring", default=e("HELM_SIGNING_KEYRING", ""),
                   help="legacy secret keyring (gpg --export-secret-keys) (env HELM_SIGNING_KEYRING)")
    p.add_argument("--passphrase-file", default=e("HELM_SIGNING_PASSPHRASE_FILE", ""),
                   help="file with the GPG key's passphrase (env HELM_SIGNING_PASSPHRASE_FILE)")
    p.add_argument("--cosign-key", default=e("COSIGN_KEY", ""),
                   help="cosign private key; its password comes from COSIGN_PASSWORD (env COSIGN_KEY)")
    p.add_argument("--plain-http", action="store_true", default=plain_http_flag(e("REGISTRY_PLAIN_HTTP", "")),
                   help="the registry speaks plain HTTP (env REGISTRY_PLAIN_HTTP=true)")
    p.add_argument("--ca-file", default=e("REGISTRY_CA_FILE", ""),
                   help="CA bundle that signed the registry's TLS certificate (env REGISTRY_CA_FILE)")
    p.add_argument("--force", action="store_true",
                   help="overwrite versions that already exist in the registry (breaks immutability)")
    p.add_argument("--package-only", action="store_true",
                   help="package (and sign, if a key is given) into --out; push nothing")
    p.add_argument("--out", default=e("PUBLISH_OUT", str(ROOT / "dist")),
                   help="where the packaged .tgz and .prov files are kept (default: dist/)")
    a = p.parse_args(argv)

    def existing(value: str, what: str) -> Path | None:
        if not value:
            return None
        path = Path(value).expanduser()
        if not path.is_file():
            raise PublishError(f"{what} {value}: no such file")
        return path.resolve()

    username, password = e("REGISTRY_USERNAME", ""), e("REGISTRY_PASSWORD", "")
    registry = None
    if not a.package_only:
        if not a.registry:
            raise PublishError("no registry: set REGISTRY=oci://host[:port]/path (or --registry)")
        registry = parse(a.registry, plain_http=a.plain_http, ca_file=a.ca_file or None,
                         username=username, password=password)
        if not a.key:
            raise PublishError("no signing key: set HELM_SIGNING_KEY (or --key) to the GPG key's name")
        if not a.cosign_key:
            raise PublishError("no cosign key: set COSIGN_KEY (or --cosign-key) to the cosign private key")
    if a.key and not a.keyring:
        raise PublishError("no keyring: set HELM_SIGNING_KEYRING (or --keyring) to the exported secret keyring")
    check_credentials(username, password)
    return Options(
        registry=registry, charts_dir=Path(a.charts_dir).resolve(),
        only=a.chart, key=a.key, keyring=existing(a.keyring, "signing keyring"),
        passphrase_file=existing(a.passphrase_file, "passphrase file"),
        cosign_key=existing(a.cosign_key, "cosign key"), force=a.force, package_only=a.package_only,
        out=Path(a.out).resolve())


# ------------------------------------------------------------------------ errors
def explain_registry_error(message: str, registry: RegistryOptions) -> str:
    """Turn Helm's or cosign's registry error into one line naming the cause."""
    host = registry.host
    # The host's port must not read as a status code (a port such as 54031 holds "403").
    m = message.lower().replace(host.lower(), "<registry>")
    status = set(re.findall(r"\b(400|401|403)\b", m))
    if "connection refused" in m:
        return f"registry {host} is unreachable: connection refused (is it running, is the port right?)"
    if "no such host" in m or "server misbehaving" in m:
        return f"registry {host} is unreachable: the host name does not resolve"
    if "i/o timeout" in m or "deadline exceeded" in m or "timed out" in m:
        return f"registry {host} is unreachable: the connection timed out"
    if "server gave http response to https client" in m:
        return f"registry {host} speaks plain HTTP: pass --plain-http (env REGISTRY_PLAIN_HTTP=true)"
    if registry.plain_http and "400" in status and "bad request" in m:
        return f"registry {host} rejected plain HTTP (400): it speaks HTTPS, drop --plain-http"
    if "x509" in m or "certificate" in m and "tls" in m:
        hint = "pass --ca-file with the CA that signed it" if not registry.ca_file else \
            f"{registry.ca_file} did not sign it"
        return f"registry {host}'s TLS certificate is not trusted: {hint}"
    # A 403 first: on a denied write, the OCI client may also try (and fail) to find
    # credentials, so a 403 message can mention them too.
    if ("403" in status or "forbidden" in m or "denied" in m) and "401" not in status:
        return f"registry {host} denied the request (403 Forbidden): the account may not push there"
    if "401" in status or "unauthorized" in m or "basic credential not found" in m \
            or "authentication required" in m:
        if registry.username:
            return f"registry {host} rejected the credentials of user {registry.username!r} (401 Unauthorized)"
        return (f"registry {host} requires authentication: set REGISTRY_USERNAME and REGISTRY_PASSWORD, "
                f"or run `helm registry login {host}` first")
    if "403" in status or "denied" in m or "forbidden" in m:
        return f"registry {host} denied the request (403 Forbidden): the account may not push there"
    return f"registry {host}: {message}"


def explain_signing_error(message: str, opts: Options) -> str | None:
    """The cause of a failed `helm package --sign`, or None if it was not the signing."""
    m = message.lower()
    if "private key not found" in m:
        return (f"signing key {opts.key!r} is not in keyring {opts.keyring} (list it with "
                f"`gpg --no-default-keyring --keyring {opts.keyring} --list-secret-keys`)")
    if "not a private key" in m:
        return f"keyring {opts.keyring} holds no secret key: export it with `gpg --export-secret-keys`"
    if "checksum failure" in m or "incorrect key" in m:  # before "invalid data": Helm says both
        return f"wrong passphrase for signing key {opts.key!r} ({opts.passphrase_file})"
    if "inappropriate ioctl" in m or "passphrase" in m and "empty" in m:
        return f"signing key {opts.key!r} is passphrase-protected: pass --passphrase-file (env HELM_SIGNING_PASSPHRASE_FILE)"
    if "invalid data" in m or "unexpected eof" in m:
        return f"keyring {opts.keyring} is not a binary OpenPGP keyring (`gpg --export-secret-keys KEY > FILE`)"
    if "openpgp" in m or "keyring" in m:
        return f"signing with key {opts.key!r} failed: {message}"
    return None


def is_missing_version(message: str) -> bool:
    """Helm's answer for an absent tag or repository (not "basic credential not found")."""
    m = message.lower().strip()
    return m.endswith(": not found") and "credential" not in m


def shown(path: Path) -> str:
    """A path relative to the repository when it is inside it, for shorter messages."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# ----------------------------------------------------------------------- the run
class Publisher:
    def __init__(self, opts: Options, work: Path):
        self.o = opts
        self.reg = opts.registry
        self.work = work
        self.helm = tool("helm")
        self.env = dict(os.environ)
        self.registry_config: Path | None = None
        self.published: list[Chart] = []
        self.signed: set[str] = set()

    # helm ------------------------------------------------------------------------
    def helm_run(self, *args: str, env: dict | None = None, input: str | None = None):
        cmd = [self.helm, *args]
        if self.registry_config:
            cmd += ["--registry-config", str(self.registry_config)]
        return run(cmd, env=env or self.env, input=input)

    # steps -----------------------------------------------------------------------
    def check_cosign_key(self) -> None:
        cosign = tool("cosign")
        proc = run([cosign, "public-key", "--key", str(self.o.cosign_key)], env=self.env)
        if proc.returncode != 0:
            msg = last_error(proc)
            if "decrypt" in msg or "password" in msg.lower():
                raise PublishError(f"cosign key {self.o.cosign_key} cannot be decrypted: "
                                   "wrong or missing COSIGN_PASSWORD")
            raise PublishError(f"cosign key {self.o.cosign_key} is unusable: {msg}")

    def login(self) -> None:
        """Credentials from the environment go into a private registry config for this run."""
        if self.reg.username:
            self.registry_config = self.work / "registry" / "config.json"
            self.registry_config.parent.mkdir(parents=True)
            proc = self.helm_run("registry", "login", self.reg.host, "--username", self.reg.username,
                                 "--password-stdin", *self.reg.helm_tls_args(), input=self.reg.password)
            if proc.returncode != 0:
                raise PublishError(explain_registry_error(last_error(proc), self.reg) + "; nothing was pushed")
            say(f"logged in to {self.reg.host} as {self.reg.username!r} (credentials kept in a "
                "temporary config, removed afterwards)")
            docker_config = self.registry_config.parent
        else:
            proc = run([self.helm, "env", "HELM_REGISTRY_CONFIG"], env=self.env)
            path = Path(proc.stdout.strip()) if proc.returncode == 0 and proc.stdout.strip() else None
            docker_config = None
            if path and path.is_file():
                docker_config = self.work / "docker"
                docker_config.mkdir()
                shutil.copy(path, docker_config / "config.json")
        # cosign reads Docker's config format, which is what Helm writes.
        if docker_config:
            self.env["DOCKER_CONFIG"] = str(docker_config)

    def package(self, charts: list[Chart]) -> None:
        stage = self.work / "stage"
        out = self.work / "packages"
        stage.mkdir()
        out.mkdir()
        # Copy every chart, so file://../<dep> resolves inside the staging dir.
        # A chart's own charts/ is dropped when it has a Chart.lock: it is rebuilt from the lock.
        for src in sorted(self.o.charts_dir.glob("*/Chart.yaml")):
            top, locked = src.parent, (src.parent / "Chart.lock").is_file()

            def ignore(directory: str, names: list[str], top=top, locked=locked) -> set[str]:
                return {"charts"} if locked and Path(directory) == top and "charts" in names else set()

            shutil.copytree(top, stage / top.name, ignore=ignore)
        for chart in charts:
            chart.epoch, chart.epoch_source = source_date_epoch(chart.source)
            env = dict(self.env, SOURCE_DATE_EPOCH=str(chart.epoch))
            staged = stage / chart.source.name
            if chart.has_deps:
                proc = self.helm_run("dependency", "build", str(staged), env=env)
                if proc.returncode != 0:
                    msg = last_error(proc)
                    if "out of sync" in msg:
                        raise PublishError(f"{chart.source}/Chart.lock is out of sync with Chart.yaml: run "
                                           f"`helm dependency update {chart.source}` and commit Chart.lock")
                    raise PublishError(f"{chart.ref}: rebuilding charts/ from Chart.lock failed: {msg}")
                deps = sorted(p.name for p in (staged / "charts").glob("*.tgz"))
                say(f"{chart.name}: charts/ rebuilt from Chart.lock ({', '.join(deps) or 'nothing'})")
            args = ["package", str(staged), "--destination", str(out)]
            if self.o.key:
                args += ["--sign", "--key", self.o.key, "--keyring", str(self.o.keyring)]
                if self.o.passphrase_file:
                    args += ["--passphrase-file", str(self.o.passphrase_file)]
            proc = self.helm_run(*args, env=env)
            if proc.returncode != 0:
                msg = last_error(proc)
                raise PublishError((self.o.key and explain_signing_error(msg, self.o))
                                   or f"{chart.ref}: helm package failed: {msg}")
            chart.archive = out / f"{chart.name}-{chart.version}.tgz"
            # Helm stamps the OCI "created" annotation from the archive's mtime.
            os.utime(chart.archive, (chart.epoch, chart.epoch))
            chart.sha256 = hashlib.sha256(chart.archive.read_bytes()).hexdigest()
            signed = f", signed with {self.o.key!r} (.prov)" if self.o.key else ", NOT signed (no key)"
            say(f"packaged {chart.archive.name} ({chart.archive.stat().st_size / 1024:.1f} kB, "
                f"sha256:{chart.sha256[:12]}…, SOURCE_DATE_EPOCH={chart.epoch} {chart.epoch_source}){signed}")
        self.o.out.mkdir(parents=True, exist_ok=True)
        for chart in charts:
            for f in (chart.archive, Path(f"{chart.archive}.prov")):
                if f.exists():
                    shutil.copy2(f, self.o.out / f.name)
        say(f"archives kept in {self.o.out}")

    def probe_remote(self, charts: list[Chart]) -> None:
        """Before packaging: is the registry there, do we get in, which versions exist?

        An existing version is pulled, so that its archive can be compared with ours later.
        """
        for chart in charts:
            dest = self.work / "remote" / chart.name
            dest.mkdir(parents=True)
            proc = self.helm_run("pull", f"{self.reg.url}/{chart.name}", "--version", chart.version,
                                 "--destination", str(dest), *self.reg.helm_tls_args())
            if proc.returncode == 0:
                m = DIGEST_RE.search(proc.stdout + proc.stderr)
                chart.remote = {"digest": m.group(1) if m else "?",
                                "archive": dest / f"{chart.name}-{chart.version}.tgz"}
            elif not is_missing_version(last_error(proc)):
                raise PublishError(explain_registry_error(last_error(proc), self.reg) + "; nothing was pushed")
        existing = [c for c in charts if c.remote]
        say(f"registry {self.reg.url} reachable; "
            + ("no chart version exists yet" if not existing else
               f"already there: {', '.join(c.ref for c in existing)}"))

    def refuse_existing(self, charts: list[Chart]) -> None:
        """After packaging: released versions are immutable, unless --force."""
        existing = [c for c in charts if c.remote]
        if existing and not self.o.force:
            lines = []
            for c in existing:
                pulled = c.remote["archive"]
                same = pulled.is_file() and hashlib.sha256(pulled.read_bytes()).hexdigest() == c.sha256
                content = "identical archive" if same else "different content"
                lines.append(f"{c.ref} already exists in {self.reg.url} ({c.remote['digest']}, "
                             f"{content}): released versions are immutable; bump `version` in "
                             f"{shown(c.source)}/Chart.yaml, leave the chart out (--chart NAME "
                             f"selects charts), or overwrite with --force; nothing was pushed")
            raise PublishError("\n".join(lines))
        for c in existing:
            say(f"WARNING: --force: overwriting {c.ref} in {self.reg.url} (was {c.remote['digest']})")

    def push_and_sign(self, chart: Chart) -> None:
        proc = self.helm_run("push", str(chart.archive), self.reg.url, *self.reg.helm_tls_args())
        if proc.returncode != 0:
            raise PublishError(f"pushing {chart.ref} failed: "
                               + explain_registry_error(last_error(proc), self.reg))
        m = DIGEST_RE.search(proc.stdout + proc.stderr)
        if not m:
            raise PublishError(f"pushing {chart.ref}: Helm printed no digest: {proc.stdout.strip()}")
        chart.digest = m.group(1)
        self.published.append(chart)
        say(f"pushed {self.reg.url}/{chart.name}:{chart.version} digest {chart.digest}")
        ref = f"{self.reg.url[len('oci://'):]}/{chart.name}@{chart.digest}"
        cmd = [tool("cosign"), "sign", "--key", str(self.o.cosign_key), "--tlog-upload=false", "--yes"]
        proc = run([*cmd, *self.reg.cosign_tls_args(), ref], env=self.env)
        if proc.returncode != 0:
            raise PublishError(f"cosign signing of {ref} failed: "
                               + explain_registry_error(last_error(proc), self.reg))
        self.signed.add(chart.name)
        say(f"cosign signed {ref} (key {self.o.cosign_key.name}, no transparency log)")

    def state_report(self, charts: list[Chart]) -> list[str]:
        """After a failure mid-way: exactly what the registry now holds."""
        if not self.published:
            return ["nothing was pushed; the registry is unchanged"]
        lines = ["the registry now holds (pushed by this run):"]
        for c in self.published:
            sig = "cosign-signed" if c.name in self.signed else "NOT cosign-signed"
            lines.append(f"  {self.reg.url}/{c.name}:{c.version} {c.digest} ({sig}, .prov attached)")
        missing = [c for c in charts if c not in self.published]
        if missing:
            lines.append("NOT published: " + ", ".join(c.ref for c in missing))
            lines.append("after fixing the cause, publish the rest with: "
                         + " ".join(f"--chart {c.source.name}" for c in missing))
        unsigned = [c for c in self.published if c.name not in self.signed]
        if unsigned:
            lines.append("sign what is unsigned with: " + "; ".join(
                f"cosign sign --key KEY --tlog-upload=false {self.reg.url[6:]}/{c.name}@{c.digest}"
                for c in unsigned))
        return lines


def main(argv: list[str]) -> int:
    pub = None
    charts: list[Chart] = []
    try:
        opts = parse_args(argv)
        charts = read_charts(opts.charts_dir, opts.only)
        say("charts in dependency order: " + ", ".join(c.ref for c in charts))
        with tempfile.TemporaryDirectory(prefix="publish-") as tmp:
            pub = Publisher(opts, Path(tmp))
            if not opts.package_only:
                tool("cosign")
                pub.check_cosign_key()
                say(f"registry {opts.registry.url} ({'plain HTTP' if opts.registry.plain_http else 'HTTPS'}"
                    f"{', CA ' + str(opts.registry.ca_file) if opts.registry.ca_file else ''})")
                pub.login()
                pub.probe_remote(charts)
            pub.package(charts)
            if opts.package_only:
                say("--package-only: nothing pushed")
                return 0
            pub.refuse_existing(charts)
            for chart in charts:
                pub.push_and_sign(chart)
            say(f"done: published {len(charts)} chart(s) to {opts.registry.url}:")
            for c in charts:
                print(f"  {opts.registry.url}/{c.name}:{c.version}@{c.digest}", flush=True)
            return 0
    except (PublishError, RegistryOptionError) as exc:
        lines = str(exc).splitlines()
        for line in lines:
            print(f"publish: error: {line}", file=sys.stderr, flush=True)
        if pub and pub.published:
            for line in pub.state_report(charts):
                print(f"publish: {line}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("publish: interrupted", file=sys.stderr)
        if pub:
            for line in pub.state_report(charts):
                print(f"publish: {line}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Distribution end to end against a real registry: publish, pull, verify, consume.

One plain-HTTP docker-registry for the module; `scripts/publish.sh` (what `make
publish` runs) publishes the real charts into it once; every test then looks at
that registry with Helm 4, Helm 3 and cosign, each in an isolated Helm home.
"""

from __future__ import annotations

import re
import shutil
import tarfile
from pathlib import Path

import pytest
import yaml

from chart_harness.helm import helm_matrix, primary_helm, HelmVersion
from chart_harness.settings import active
from tests.support.registry import (
    CHART_MEDIA_TYPE,
    CONFIG_MEDIA_TYPE,
    EXAMPLE,
    PROV_MEDIA_TYPE,
    HelmHome,
    example_copy,
    make_signing_keys,
    manifest,
    registry_args,
    run_publish,
    sha256_file,
)
from tests.support.tools import CHARTS_DIR

pytestmark = [pytest.mark.registry, pytest.mark.xdist_group("oci-distribution")]

CHARTS = ("common-lib", "standard-app")


def chart_version(name: str) -> str:
    return str(yaml.safe_load((CHARTS_DIR / name / "Chart.yaml").read_text())["version"])


@pytest.fixture(scope="module")
def foreign_keys(workdir):
    return make_signing_keys(workdir / "foreign-keys", name="Somebody Else")


@pytest.fixture(scope="module")
def home(workdir) -> HelmHome:
    """One Helm home for the module (instead of one per test): the pulls share its cache."""
    return HelmHome(workdir / "helm")


@pytest.fixture(scope="module")
def charts(workdir) -> Path:
    """A snapshot of charts/ for this module, so edits during the run cannot skew it.

    Outside git, publish stamps archives with its fixed fallback SOURCE_DATE_EPOCH.
    """
    copy = workdir / "charts"
    shutil.copytree(CHARTS_DIR, copy, ignore=shutil.ignore_patterns("charts"))
    return copy


@pytest.fixture(scope="module")
def published(registry, keys, home, workdir, charts):
    """The charts published once with scripts/publish.sh; returns (run, dist dir)."""
    dist = workdir / "dist"
    run = run_publish(home, keys, *registry_args(registry), "--charts-dir", str(charts), "--out", str(dist))
    assert run.returncode == 0, f"publish failed:\n{run}"
    return run, dist


def pulled(home: HelmHome, helm: HelmVersion, registry, name: str, dest: Path, *extra: str):
    dest.mkdir(parents=True, exist_ok=True)
    return home.helm(helm, "pull", f"{registry.url}/{name}", "--version", chart_version(name),
                     "--destination", str(dest), *registry.helm_tls_args(), *extra, check=False)


# --------------------------------------------------------------------------- publish
def test_publish_pushes_both_charts_in_dependency_order_and_prints_digests(published, registry):
    run, _ = published
    assert list(run.pushed) == list(CHARTS), run.stdout
    for name in CHARTS:
        version, digest = run.pushed[name]
        assert version == chart_version(name)
        served_digest, _ = manifest(registry, f"{registry.path}/{name}", version)
        assert served_digest == digest, f"{name}: printed {digest}, registry serves {served_digest}"
        assert f"{registry.url}/{name}:{version}@{digest}" in run.stdout


def test_pushed_artifacts_are_helm_charts_with_provenance(published, registry):
    """What Helm 4 pushed: Helm's config, the chart archive and its .prov as layers."""
    run, dist = published
    for name in CHARTS:
        version = chart_version(name)
        _, doc = manifest(registry, f"{registry.path}/{name}", version)
        assert doc["config"]["mediaType"] == CONFIG_MEDIA_TYPE
        layers = {layer["mediaType"]: layer["digest"] for layer in doc["layers"]}
        assert set(layers) == {CHART_MEDIA_TYPE, PROV_MEDIA_TYPE}, doc
        # The registry holds exactly the archive publish packaged and kept in dist/.
        assert layers[CHART_MEDIA_TYPE] == sha256_file(dist / f"{name}-{version}.tgz")
        assert layers[PROV_MEDIA_TYPE] == sha256_file(dist / f"{name}-{version}.tgz.prov")
        assert doc["annotations"]["org.opencontainers.image.version"] == version


def test_standard_app_archive_vendors_common_lib_from_the_lock(published):
    _, dist = published
    lock = yaml.safe_load((CHARTS_DIR / "standard-app" / "Chart.lock").read_text())
    with tarfile.open(dist / f"standard-app-{chart_version('standard-app')}.tgz") as tar:
        for dep in lock["dependencies"]:
            member = tar.extractfile(f"standard-app/charts/{dep['name']}/Chart.yaml")
            assert yaml.safe_load(member)["version"] == dep["version"], dep
        templates = [n for n in tar.getnames() if n.startswith("standard-app/charts/common-lib/templates/")]
    assert templates, "common-lib's templates are missing from the standard-app archive"


def test_packaging_is_reproducible(published, home, workdir, charts):
    """Packaging the same sources again gives byte-identical archives (SOURCE_DATE_EPOCH)."""
    _, dist = published
    again = workdir / "repackaged"
    run = run_publish(home, None, "--package-only", "--charts-dir", str(charts), "--out", str(again))
    assert run.returncode == 0, str(run)
    for name in CHARTS:
        archive = f"{name}-{chart_version(name)}.tgz"
        assert sha256_file(again / archive) == sha256_file(dist / archive), archive


def test_packaging_the_checkout_is_stamped_with_the_last_commit(home, workdir):
    """In the git checkout, each chart's archive carries its last commit time, every run."""
    outs = [workdir / f"checkout-{i}" for i in (1, 2)]
    runs = [run_publish(home, None, "--package-only", "--out", str(out)) for out in outs]
    assert all(r.returncode == 0 for r in runs), "\n".join(map(str, runs))
    assert "last commit touching" in runs[0].stdout or "HEAD commit" in runs[0].stdout, runs[0].stdout
    for name in CHARTS:
        archive = f"{name}-{chart_version(name)}.tgz"
        assert sha256_file(outs[0] / archive) == sha256_file(outs[1] / archive), archive
        with tarfile.open(outs[0] / archive) as tar:
            mtimes = {m.mtime for m in tar.getmembers()}
        assert len(mtimes) == 1 and mtimes != {0}, mtimes


# --------------------------------------------------------------------------- pull
@pytest.mark.parametrize("helm", helm_matrix(), ids=lambda h: h.name)
def test_pull_returns_the_published_archive(helm, published, registry, home, workdir):
    _, dist = published
    dest = workdir / f"pull-{helm.name}"
    for name in CHARTS:
        proc = pulled(home, helm, registry, name, dest)
        assert proc.returncode == 0, proc.stderr
        archive = f"{name}-{chart_version(name)}.tgz"
        assert sha256_file(dest / archive) == sha256_file(dist / archive)


@pytest.mark.parametrize("helm", helm_matrix(), ids=lambda h: h.name)
def test_pull_verify_passes_with_the_platform_public_keyring(helm, published, registry, home, keys, workdir):
    proc = pulled(home, helm, registry, "standard-app", workdir / f"verify-{helm.name}",
                  "--verify", "--keyring", str(keys.pubring))
    assert proc.returncode == 0, proc.stderr
    assert f"Using Key With Fingerprint: {keys.fingerprint}" in proc.stdout
    assert "Chart Hash Verified: sha256:" in proc.stdout


@pytest.mark.parametrize("helm", helm_matrix(), ids=lambda h: h.name)
def test_pull_verify_fails_with_a_foreign_keyring(helm, published, registry, home, foreign_keys, workdir):
    proc = pulled(home, helm, registry, "standard-app", workdir / f"foreign-{helm.name}",
                  "--verify", "--keyring", str(foreign_keys.pubring))
    assert proc.returncode != 0
    assert "signature made by unknown entity" in proc.stderr


@pytest.fixture(scope="module")
def tampered(published, registry, home, workdir):
    """standard-app with one changed default, pushed with the ORIGINAL .prov to another path.

    That is what a registry-side attacker can do; --verify must catch it.
    """
    _, dist = published
    version = chart_version("standard-app")
    src = workdir / "tamper-src"
    with tarfile.open(dist / f"standard-app-{version}.tgz") as tar:
        tar.extractall(src, filter="data")
    values = src / "standard-app" / "values.yaml"
    values.write_text(values.read_text() + "\n# tampered\n")
    out = workdir / "tampered"
    home.helm(primary_helm(), "package", str(src / "standard-app"), "--destination", str(out))
    archive = out / f"standard-app-{version}.tgz"
    shutil.copy(dist / f"standard-app-{version}.tgz.prov", f"{archive}.prov")
    url = registry.url.rsplit("/", 1)[0] + "/tampered"
    home.helm(primary_helm(), "push", str(archive), url, *registry.helm_tls_args())
    return url, archive


@pytest.mark.parametrize("helm", helm_matrix(), ids=lambda h: h.name)
def test_pull_verify_fails_for_a_tampered_archive(helm, tampered, registry, home, keys, workdir):
    url, _ = tampered
    dest = workdir / f"tampered-pull-{helm.name}"
    dest.mkdir()
    proc = home.helm(helm, "pull", f"{url}/standard-app", "--version", chart_version("standard-app"),
                     "--destination", str(dest), *registry.helm_tls_args(),
                     "--verify", "--keyring", str(keys.pubring), check=False)
    assert proc.returncode != 0
    assert "sha256 sum does not match" in proc.stderr


@pytest.mark.parametrize("helm", helm_matrix(), ids=lambda h: h.name)
def test_helm_verify_rejects_a_tampered_local_archive(helm, tampered, home, keys):
    _, archive = tampered
    proc = home.helm(helm, "verify", str(archive), "--keyring", str(keys.pubring), check=False)
    assert proc.returncode != 0
    assert "sha256 sum does not match" in proc.stderr


# --------------------------------------------------------------------------- cosign
def cosign_verify(home, registry, key: Path, name: str, digest: str):
    ref = f"{registry.host}/{registry.path}/{name}@{digest}"
    return home.cosign("verify", "--key", str(key), "--insecure-ignore-tlog", "--allow-http-registry",
                       ref, check=False)


@pytest.mark.parametrize("name", CHARTS)
def test_cosign_verifies_the_pushed_digest(name, published, registry, home, keys):
    run, _ = published
    _, digest = run.pushed[name]
    proc = cosign_verify(home, registry, keys.cosign_pub, name, digest)
    assert proc.returncode == 0, proc.stderr
    assert f'"docker-manifest-digest":"{digest}"' in proc.stdout
    assert "The signatures were verified against the specified public key" in proc.stderr


def test_cosign_rejects_a_foreign_key(published, registry, home, foreign_keys):
    run, _ = published
    _, digest = run.pushed["standard-app"]
    proc = cosign_verify(home, registry, foreign_keys.cosign_pub, "standard-app", digest)
    assert proc.returncode != 0
    assert "no matching signatures" in proc.stderr


def test_cosign_finds_no_signature_on_an_unpublished_digest(tampered, registry, home, keys):
    url, _ = tampered
    digest, _ = manifest(registry, url.split("/", 3)[3] + "/standard-app", chart_version("standard-app"))
    ref = f"{registry.host}/{url.split('/', 3)[3]}/standard-app@{digest}"
    proc = home.cosign("verify", "--key", str(keys.cosign_pub), "--insecure-ignore-tlog",
                       "--allow-http-registry", ref, check=False)
    assert proc.returncode != 0
    assert "no signatures found" in proc.stderr


# --------------------------------------------------------------------------- immutability
def test_republishing_an_existing_version_is_refused(published, registry, home, keys, charts):
    run, _ = published
    tags_before = {n: registry.tags(f"{registry.path}/{n}") for n in CHARTS}
    again = run_publish(home, keys, *registry_args(registry), "--charts-dir", str(charts),
                        "--out", str(home.dir / "dist-again"))
    assert again.returncode == 1, str(again)
    assert not again.pushed
    for name in CHARTS:
        version, digest = run.pushed[name]
        assert any(f"{name} {version} already exists in {registry.url} ({digest}, identical archive)" in e
                   and "released versions are immutable" in e and "nothing was pushed" in e
                   for e in again.errors), again.stderr
        assert manifest(registry, f"{registry.path}/{name}", version)[0] == digest
    assert {n: registry.tags(f"{registry.path}/{n}") for n in CHARTS} == tags_before


# --------------------------------------------------------------------------- consume
@pytest.fixture(scope="module")
def locked_example(published, registry, home, workdir) -> Path:
    """The product-team example resolved once with `helm dependency update` (Helm 4)."""
    app = example_copy(workdir / "orders", registry.url)
    home.helm(primary_helm(), "dependency", "update", str(app), *registry.helm_tls_args())
    return app


def test_dependency_update_writes_a_lock_pinning_the_published_version(locked_example, registry):
    lock = yaml.safe_load((locked_example / "Chart.lock").read_text())
    assert lock["dependencies"] == [{"name": "standard-app", "repository": registry.url,
                                     "version": chart_version("standard-app")}]
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", lock["digest"])


@pytest.mark.parametrize("helm", helm_matrix(), ids=lambda h: h.name)
def test_dependency_build_from_the_lock_and_render(helm, locked_example, published, registry, home, keys, tmp_path):
    _, dist = published
    app = tmp_path / "orders"
    shutil.copytree(locked_example, app, ignore=shutil.ignore_patterns("charts"))
    home.helm(helm, "dependency", "build", str(app), *registry.helm_tls_args(),
              "--verify", "--keyring", str(keys.pubring))
    archive = f"standard-app-{chart_version('standard-app')}.tgz"
    assert sha256_file(app / "charts" / archive) == sha256_file(dist / archive)
    manifest_text = home.helm(helm, "template", "orders", str(app), "--namespace", "shop",
                              "--kube-version", active().kube_version).stdout
    docs = [d for d in yaml.safe_load_all(manifest_text) if d]
    deployments = [d for d in docs if d["kind"] == "Deployment"]
    assert [d["metadata"]["name"] for d in deployments] == ["orders"]
    assert all(d["metadata"].get("namespace") == "shop" for d in docs if d["kind"] != "Pod")
    image = deployments[0]["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image.startswith("registry.example.com/shop/orders")


@pytest.mark.parametrize("helm", helm_matrix(), ids=lambda h: h.name)
def test_dependency_build_verify_fails_with_a_foreign_keyring(helm, locked_example, registry, home,
                                                              foreign_keys, tmp_path):
    app = tmp_path / "orders"
    shutil.copytree(locked_example, app, ignore=shutil.ignore_patterns("charts"))
    proc = home.helm(helm, "dependency", "build", str(app), *registry.helm_tls_args(),
                     "--verify", "--keyring", str(foreign_keys.pubring), check=False)
    assert proc.returncode != 0
    assert "signature made by unknown entity" in proc.stderr
    assert not list(app.glob("charts/*.tgz")), "an unverified archive was left in charts/"


@pytest.mark.parametrize("helm", helm_matrix(), ids=lambda h: h.name)
def test_dependency_build_fails_when_chart_yaml_drifts_from_the_lock(helm, locked_example, registry, home, tmp_path):
    app = tmp_path / "orders"
    shutil.copytree(locked_example, app, ignore=shutil.ignore_patterns("charts"))
    chart_yaml = app / "Chart.yaml"
    text, n = re.subn(r"(?m)^(\s*version:\s*)" + re.escape(chart_version("standard-app")) + r"\s*$",
                      r"\g<1>~1.0.0 || ~2.0.0", chart_yaml.read_text())
    assert n == 1, "the dependency version line was not found"
    chart_yaml.write_text(text)
    proc = home.helm(helm, "dependency", "build", str(app), *registry.helm_tls_args(), check=False)
    assert proc.returncode != 0
    assert "out of sync" in proc.stderr, proc.stderr
    assert not (app / "charts").exists() or not list((app / "charts").glob("*.tgz"))


@pytest.mark.parametrize("helm", helm_matrix(), ids=lambda h: h.name)
def test_committed_example_lock_is_in_sync_with_its_chart_yaml(helm, home, tmp_path):
    """examples/orders commits Chart.lock, as a product team must; it may not drift."""
    chart = yaml.safe_load((EXAMPLE / "Chart.yaml").read_text())
    lock = yaml.safe_load((EXAMPLE / "Chart.lock").read_text())
    dep = next(d for d in chart["dependencies"] if d["name"] == "standard-app")
    assert dep["repository"].startswith("oci://")
    assert [(d["name"], d["repository"]) for d in lock["dependencies"]] == [("standard-app", dep["repository"])]
    if re.fullmatch(r"\d+\.\d+\.\d+", str(dep["version"])):
        assert lock["dependencies"][0]["version"] == str(dep["version"])
    # `dependency build` checks the lock before it downloads: in sync, it gets as far as the
    # (canonical, here absent) registry; drifted, it stops at the lock.
    app = tmp_path / "orders"
    shutil.copytree(EXAMPLE, app, ignore=shutil.ignore_patterns("charts", "tmpcharts*"))
    proc = home.helm(helm, "dependency", "build", str(app), check=False)
    assert "out of sync" not in proc.stderr, proc.stderr
    chart_yaml = app / "Chart.yaml"
    head, deps = chart_yaml.read_text().split("dependencies:", 1)
    chart_yaml.write_text(head + "dependencies:" + deps.replace(f"version: {dep['version']}", "version: 9.9.9", 1))
    proc = home.helm(helm, "dependency", "build", str(app), check=False)
    assert proc.returncode != 0 and "out of sync" in proc.stderr, proc.stderr


def test_lock_keeps_the_pinned_version_when_a_newer_one_is_published(
        locked_example, registry, home, keys, workdir, charts, tmp_path):
    """A range in Chart.yaml resolves once; Chart.lock keeps it until `dependency update`."""
    app = tmp_path / "orders"
    shutil.copytree(locked_example, app, ignore=shutil.ignore_patterns("charts", "Chart.lock"))
    pinned = chart_version("standard-app")
    major_minor = ".".join(pinned.split(".")[:2])
    chart_yaml = app / "Chart.yaml"
    chart_yaml.write_text(re.sub(r"(?m)^(\s*version:\s*)" + re.escape(pinned) + r"\s*$",
                                 rf"\g<1>~{major_minor}.0", chart_yaml.read_text()))
    home.helm(primary_helm(), "dependency", "update", str(app), *registry.helm_tls_args())
    assert yaml.safe_load((app / "Chart.lock").read_text())["dependencies"][0]["version"] == pinned

    # The platform team publishes a patch release of standard-app only.
    next_release = workdir / "next-release"
    shutil.copytree(charts, next_release)
    patch = pinned.rsplit(".", 1)[0] + "." + str(int(pinned.rsplit(".", 1)[1]) + 1)
    sa_yaml = next_release / "standard-app" / "Chart.yaml"
    sa_yaml.write_text(re.sub(r"(?m)^version:.*$", f"version: {patch}", sa_yaml.read_text()))
    run = run_publish(home, keys, *registry_args(registry), "--charts-dir", str(next_release),
                      "--chart", "standard-app", "--out", str(workdir / "dist-next"))
    assert run.returncode == 0, str(run)
    assert list(run.pushed) == ["standard-app"] and run.pushed["standard-app"][0] == patch

    shutil.rmtree(app / "charts")
    for helm in helm_matrix():
        home.helm(helm, "dependency", "build", str(app), *registry.helm_tls_args())
        assert sorted(p.name for p in (app / "charts").glob("*.tgz")) == [f"standard-app-{pinned}.tgz"], helm
        shutil.rmtree(app / "charts")
    home.helm(primary_helm(), "dependency", "update", str(app), *registry.helm_tls_args())
    assert yaml.safe_load((app / "Chart.lock").read_text())["dependencies"][0]["version"] == patch
    assert sorted(p.name for p in (app / "charts").glob("*.tgz")) == [f"standard-app-{patch}.tgz"]

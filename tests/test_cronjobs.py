"""CronJobs (`cronJobs`): the schedule grammar against the API server's, the env merge,
the config checksum, and the pods' separation from the app's selectors and the mesh.

The corpus (tests/adversarial-corpus/shape-*cronjob*) holds the careless and hostile
files; this file pins the schedule rules case by case. Without a cluster every schedule
renders or is refused as the tables say; with one (`-m cluster`), the API server parses
each of them the same way, except the schedules the chart refuses on purpose.
"""

from __future__ import annotations

import json

import pytest
import yaml

from chart_harness.helm import HelmError, primary_helm
from chart_harness.render import render_chart
from tests.support.cluster import ApiError, ControlPlane, control_plane  # noqa: F401 - fixture
from tests.support.edits import edit
from tests.support.tools import COMMON_LIB, STANDARD_APP

EXAMPLE = STANDARD_APP / "ci" / "cronjobs-values.yaml"
BASE = ["nameOverride=orders", "image.repository=registry.example.com/shop/orders", "image.tag=1.4.2"]

# Schedules the chart renders, and the API server accepts.
ACCEPTED = [
    "0 3 * * *", "0 0 29 2 *", "0 0 31 2 1", "*/15 * * * *", "0 0 1 1 *", "59 23 31 12 6", "0-59/5 * * * *", "5/10 * * * *",
    "30 6 1-7 JAN,apr,Jul,OCT MON-FRI/2", "0 9 ? * sun", "0  3 * * *", "0 0 * * 0,6", "*/99999999999 * * * *",
    "@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually",
    # day 31 of February runs when the day of the week is restricted (either field matches),
    # and a step over the months reaches a month with 31 days
    "0 0 31 2 0-6", "0 0 31 */2 *",
]
# Schedules the chart refuses, with the problem it names; all but CHART_ONLY are rejected
# by the API server too.
REFUSED = {
    "* * * *": "has 4 fields",
    "0 0 31 2 *": 'never runs: no month in "2" has a day 31 (the longest has 29)',
    "0 0 31 APR,JUN *": 'never runs: no month in "APR,JUN" has a day 31 (the longest has 30)',
    "0 0 30-31 2 *": 'never runs: no month in "2" has a day 30 (the longest has 29)',
    "0 0 31 APR-JUN/2 *": 'never runs: no month in "APR-JUN/2" has a day 31 (the longest has 30)',
    "0 0 31 2 */1": 'never runs: no month in "2" has a day 31 (the longest has 29)',
    "* * * * * *": "has 6 fields",
    "60 * * * *": 'has a bad minute field "60": 60 is outside 0-59',
    "0-60/5 * * * *": "60 is outside 0-59",
    "0 24 * * *": "24 is outside 0-23",
    "0 0 0 * *": "0 is outside 1-31",
    "0 0 * 13 *": "13 is outside 1-12",
    "0 0 * * 7": "7 is outside 0-6",
    "0 0 * * SAT-MON": 'the range "SAT-MON" runs backwards',
    "5-1 * * * *": 'the range "5-1" runs backwards',
    "*/0 * * * *": 'the step in "*/0" must be above 0',
    "0 0 L * *": '"L" is not *, ?, a value',
    "0 0 * * 1#2": '"1#2" is not *, ?, a value',
    "0 0 * * 1,,2": '"" is not *, ?, a value',
    "0 0 * FOO *": '"FOO" is not a number from 1 to 12 or a name such as JAN',
    "0 0 * JANUARY *": '"JANUARY" is not *, ?, a value',
    "99999999999999999999 * * * *": '"99999999999999999999" is not *, ?, a value',
    "@reboot": "is not a known macro",
    "TZ=UTC 0 0 * * *": "sets a time zone in the schedule",
    "CRON_TZ=Europe/Berlin 0 0 * * *": "sets a time zone in the schedule",
    "@every 5m": "uses @every",
    " 0 0 * * *": "has leading or trailing spaces",
}
# Refused by the chart on purpose, though the API server accepts them (an empty list item
# is dropped there; here it is taken for the typo it is).
CHART_ONLY = {"@every 5m", " 0 0 * * *", "0 0 * * 1,,2", "0 0 31 2 *", "0 0 31 APR,JUN *",
              "0 0 30-31 2 *", "0 0 31 APR-JUN/2 *", "0 0 31 2 */1"}


# Time zones: the chart checks the form of the name, the API server looks it up.
ZONES_ACCEPTED = ["Europe/Berlin", "UTC", "Etc/GMT+1", "Etc/GMT-14", "America/Argentina/Buenos_Aires",
                  "America/Port-au-Prince", "EST5EDT", "GMT-0"]
ZONES_REFUSED = ["CET ", " UTC", "Europe Berlin", "+01:00", "UTC+1", "GMT+01:00", "Local", "local", "Europe/", "/UTC"]
# Names of the right form that the tz database does not have (a typo, the wrong case, a
# link removed in 2020): refused as not in the database.
ZONES_UNKNOWN = ["Europe/Berln", "europe/berlin", "US/Pacific-New"]


def job_key(index: int) -> str:
    return f"j{index}"


def values_with(schedules: list[str]) -> dict:
    return {"cronJobs": {job_key(i): {"schedule": s, "command": ["/app/orders", "report"]}
                         for i, s in enumerate(schedules)}}


def render(tmp_path, values: dict, chart=STANDARD_APP, helm=None):
    path = tmp_path / "values.yaml"
    path.write_text(yaml.safe_dump(values), encoding="utf-8")
    return render_chart(chart, helm or primary_helm().ensure(), values_files=[path], set_values=BASE)


def test_every_accepted_schedule_renders(tmp_path, helm_version):
    docs = render(tmp_path, values_with(ACCEPTED), helm=helm_version).of_kind("CronJob")
    schedules = {d["metadata"]["name"]: d["spec"]["schedule"] for d in docs}
    assert schedules == {f"orders-{job_key(i)}": s for i, s in enumerate(ACCEPTED)}
    # sorted by key, so the output is stable
    assert [d["metadata"]["name"] for d in docs] == sorted(schedules)


def test_every_refused_schedule_names_its_problem(tmp_path, helm_version):
    schedules = list(REFUSED)
    with pytest.raises(HelmError) as err:
        render(tmp_path, values_with(schedules), helm=helm_version)
    lines = [line.strip() for line in err.value.stderr.splitlines()]
    for i, schedule in enumerate(schedules):
        start = f"- cronJobs.{job_key(i)}.schedule: {json.dumps(schedule)} "
        [line] = [line for line in lines if line.startswith(start)] or [f"no line {start!r}"]
        assert REFUSED[schedule] in line, line
        assert "want 5 fields" in line or "timeZone" in line or "choose a day" in line, line


def _zone_jobs(zones: list[str]) -> dict:
    return {"cronJobs": {f"z{i}": {"schedule": "@daily", "command": ["/app/orders"], "timeZone": zone}
                         for i, zone in enumerate(zones)}}


def test_time_zones(tmp_path, helm_version):
    docs = render(tmp_path, _zone_jobs(ZONES_ACCEPTED), helm=helm_version).of_kind("CronJob")
    assert sorted(d["spec"]["timeZone"] for d in docs) == sorted(ZONES_ACCEPTED)
    for zones, problem in ((ZONES_REFUSED, "is not an IANA time zone name"),
                           (ZONES_UNKNOWN, "is not in the tz database")):
        with pytest.raises(HelmError) as err:
            render(tmp_path, _zone_jobs(zones), helm=helm_version)
        for i, zone in enumerate(zones):
            assert f"- cronJobs.z{i}.timeZone: {json.dumps(zone)} {problem}" in err.value.stderr


def chart_zones() -> list[str]:
    text = (COMMON_LIB / "templates" / "cronjob" / "_zones.tpl").read_text(encoding="utf-8")
    return text.split("-}}\n", 1)[1].rsplit("{{- end", 1)[0].split()


def _cronjob(name: str, schedule: str, namespace: str, zone: str | None = None) -> dict:
    return {
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"schedule": schedule, **({"timeZone": zone} if zone is not None else {}), "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "Never",
            "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": "run", "image": "registry.example.com/shop/orders:1.4.2",
                            "securityContext": {"allowPrivilegeEscalation": False,
                                                "capabilities": {"drop": ["ALL"]}}}],
        }}}}},
    }


@pytest.mark.cluster
@pytest.mark.xdist_group(f"cluster-{primary_helm().name}")
def test_the_api_server_parses_schedules_and_zones_as_the_chart_does(control_plane: ControlPlane):
    namespace = "cronjob-schedules"
    control_plane.create_namespace(namespace)
    verdicts = {}
    for i, schedule in enumerate([*ACCEPTED, *REFUSED]):
        try:
            control_plane.api.create(_cronjob(f"s{i}", schedule, namespace), dry_run=True)
            verdicts[schedule] = "accepted"
        except ApiError:
            verdicts[schedule] = "rejected"
    expected = {s: "accepted" for s in [*ACCEPTED, *CHART_ONLY]} | {
        s: "rejected" for s in REFUSED if s not in CHART_ONLY}
    differ = {s: v for s, v in verdicts.items() if v != expected[s]}
    assert not differ, f"the API server disagrees with the chart on: {differ}"

    zones = {}
    for i, zone in enumerate([*ZONES_ACCEPTED, *ZONES_REFUSED]):
        try:
            control_plane.api.create(_cronjob(f"z{i}", "@daily", namespace, zone), dry_run=True)
            zones[zone] = "accepted"
        except ApiError:
            zones[zone] = "rejected"
    for i, zone in enumerate([*ZONES_UNKNOWN, *chart_zones()]):
        try:
            control_plane.api.create(_cronjob(f"t{i}", "@daily", namespace, zone), dry_run=True)
            zones[zone] = "accepted"
        except ApiError:
            zones[zone] = "rejected"
    expected = ({z: "accepted" for z in [*ZONES_ACCEPTED, *chart_zones()]}
                | {z: "rejected" for z in [*ZONES_REFUSED, *ZONES_UNKNOWN]})
    differ = {z: v for z, v in zones.items() if v != expected[z]}
    assert not differ, f"the API server disagrees with the chart on these time zones: {differ}"


def test_job_env_merges_over_the_app_env_by_name(tmp_path):
    values = {
        "env": {"MODE": "server", "KEEP": "1", "SOURCE": "plain", "FEATURE": "on"},
        "downwardEnv": {"POD": "metadata.name", "NODE": "spec.nodeName"},
        "secretEnv": {"DB_URL": {"secretName": "db", "key": "url"}, "LEVEL": {"secretName": "app", "key": "level"}},
        "cronJobs": {"report": {
            "schedule": "0 3 * * *", "command": ["/app/orders", "report"],
            "env": {"MODE": "report", "LEVEL": "debug", "FEATURE": "", "NODE": "fixed"},
            "secretEnv": {"SOURCE": {"secretName": "job", "key": "source"}},
        }},
    }
    cronjob = render(tmp_path, values).one("CronJob")
    [container] = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    assert env == {
        "KEEP": "1",  # the app's, untouched
        "MODE": "report",  # the job's value wins
        "FEATURE": "",  # even when it is empty
        "POD": {"fieldRef": {"fieldPath": "metadata.name"}},  # the app's downward-API variable
        "NODE": "fixed",  # replaced by the job's plain one
        "LEVEL": "debug",  # a job plain variable replaces the app's Secret one
        "DB_URL": {"secretKeyRef": {"name": "db", "key": "url"}},
        "SOURCE": {"secretKeyRef": {"name": "job", "key": "source"}},  # and the other way round
    }


def test_job_image_tag_replaces_the_app_digest(tmp_path):
    digest = "sha256:" + "a" * 64
    values = {"image": {"digest": digest},
              "cronJobs": {"report": {"schedule": "@daily", "args": ["report"], "image": {"tag": "1.5.0"}}}}
    result = render(tmp_path, values)
    job_pod = result.one("CronJob")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert job_pod["containers"][0]["image"] == "registry.example.com/shop/orders:1.5.0"
    assert result.one("Deployment")["spec"]["template"]["spec"]["containers"][0]["image"].endswith(digest)


def test_config_checksum_rolls_the_jobs_too(tmp_path):
    values = {"config": {"REPORT_BUCKET": "shop-reports"},
              "cronJobs": {"report": {"schedule": "@daily", "command": ["/app/orders", "report"]}}}
    result = render(tmp_path, values)
    app = result.one("Deployment")["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    job_template = result.one("CronJob")["spec"]["jobTemplate"]["spec"]["template"]
    assert job_template["metadata"]["annotations"]["checksum/config"] == app
    [container] = job_template["spec"]["containers"]
    assert container["envFrom"] == [{"configMapRef": {"name": "orders-config"}}]


def selected_by(docs: list[dict], labels: dict) -> list[str]:
    """The app objects whose pod selector matches `labels`."""
    selectors = []
    for doc in docs:
        kind, spec = doc["kind"], doc.get("spec") or {}
        if kind == "Service":
            selectors.append((kind, spec.get("selector") or {}))
        elif kind in ("Deployment", "PodDisruptionBudget"):
            selectors.append((kind, spec["selector"]["matchLabels"]))
    return [kind for kind, selector in selectors if selector and selector.items() <= labels.items()]


def job_pod_metadata(docs: list[dict]) -> dict:
    [cronjob] = [d for d in docs if d["kind"] == "CronJob"]
    return cronjob["spec"]["jobTemplate"]["spec"]["template"]["metadata"]


def test_job_pods_are_outside_the_app_selectors_and_the_mesh():
    helm = primary_helm().ensure()
    docs = render_chart(STANDARD_APP, helm, values_files=[EXAMPLE], set_values=["mesh=istio"]).docs
    metadata = job_pod_metadata(docs)
    assert selected_by(docs, metadata["labels"]) == []
    assert metadata["labels"]["sidecar.istio.io/inject"] == "false"


def test_the_separation_guard_bites(chart_copy):
    """The test above can fail: give the job pods the app's component in a copy, and the
    Service, the PDB and the Deployment select them, and they join the mesh."""
    helm = primary_helm().ensure()
    edit(chart_copy.parent / "common-lib/templates/cronjob/_cronjob.tpl",
         '"app" $app "component" "cronjob" "annotations"', '"app" $app "component" "app" "annotations"')
    docs = render_chart(chart_copy, helm, values_files=[EXAMPLE], set_values=["mesh=istio"]).docs
    metadata = job_pod_metadata(docs)
    assert sorted(selected_by(docs, metadata["labels"])) == ["Deployment", "PodDisruptionBudget", "Service"]
    assert metadata["labels"]["sidecar.istio.io/inject"] == "true"

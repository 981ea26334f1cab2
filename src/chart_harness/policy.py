"""Our restricted Pod Security Standard checks (the policy half of the gate that checkov lacks).

pss_findings() is the restricted Pod Security Standard, control by control, as the
PodSecurity admission controller enforces it at level "restricted" (every baseline
control too), plus one rule of ours beyond the standard: readOnlyRootFilesystem. It
covers every pod spec (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob)
and every container in it: init, regular and ephemeral containers, sidecars included.
checkov (tests/support/checkov.py) has checks for some of these fields, but not at
container level for seccomp, not for `drop: [ALL]` plus the one allowed added
capability, nor for volume types, sysctls, AppArmor, SELinux or procMount.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .documents import MISSING, Container, Doc, PodSpec, containers, field_path, get, pod_specs, resource_id
from .findings import Finding

# --- restricted Pod Security Standard ----------------------------------------------------

# https://kubernetes.io/docs/concepts/security/pod-security-standards/ (v1.29+)
RESTRICTED_VOLUME_TYPES = frozenset(
    {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}
)
ADDABLE_CAPABILITIES = frozenset({"NET_BIND_SERVICE"})
SECCOMP_TYPES = ("RuntimeDefault", "Localhost")
APPARMOR_TYPES = ("RuntimeDefault", "Localhost")
SELINUX_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"})
SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    }
)
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def _show(value: Any) -> str:
    return "missing" if value is MISSING or value is None else json.dumps(value)


class _Checker:
    def __init__(self, case: str, doc: Doc) -> None:
        self.case, self.doc, self.found = case, doc, []

    def bad(self, path: Sequence[Any], rule: str, detail: str) -> None:
        self.found.append(Finding(self.case, resource_id(self.doc), field_path(self.doc, path), rule, detail))


def pss_findings(docs: Iterable[Doc], case: str) -> list[Finding]:
    """Restricted Pod Security Standard (+ readOnlyRootFilesystem) findings for every pod spec."""
    found: list[Finding] = []
    for doc in docs:
        for pod in pod_specs(doc):
            check = _Checker(case, doc)
            _check_pod(check, pod)
            found.extend(check.found)
    return found


def _check_pod(c: _Checker, pod: PodSpec) -> None:
    spec, path = pod.spec, pod.keys
    psc = spec.get("securityContext") or {}
    psc_path = (*path, "securityContext")
    for host in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(host) is True:
            c.bad((*path, host), "pss:hostNamespaces", "must be unset or false")
    if get(psc, ("windowsOptions", "hostProcess")) is True:
        c.bad((*psc_path, "windowsOptions", "hostProcess"), "pss:hostProcess", "must be unset or false")
    for index, volume in enumerate(spec.get("volumes") or []):
        for volume_type in sorted(set(volume) - {"name"} - RESTRICTED_VOLUME_TYPES):
            rule = "pss:hostPathVolumes" if volume_type == "hostPath" else "pss:volumeTypes"
            allowed = ", ".join(sorted(RESTRICTED_VOLUME_TYPES))
            c.bad((*path, "volumes", index, volume_type), rule, f"volume type not allowed; allowed: {allowed}")
    for index, sysctl in enumerate(psc.get("sysctls") or []):
        if sysctl.get("name") not in SAFE_SYSCTLS:
            c.bad((*psc_path, "sysctls", index, "name"), "pss:sysctls", f"{_show(sysctl.get('name'))} is not a safe sysctl")
    _check_selinux(c, psc, psc_path)
    _check_apparmor(c, psc, psc_path)
    for key, value in pod.annotations.items():
        if key.startswith(APPARMOR_ANNOTATION) and not (value == "runtime/default" or str(value).startswith("localhost/")):
            c.bad((*pod.metadata_keys, "annotations", key), "pss:appArmor", f"{_show(value)}; allowed: runtime/default, localhost/*")
    if psc.get("runAsUser") == 0:
        c.bad((*psc_path, "runAsUser"), "pss:runAsUser", "must not be 0")

    if psc.get("runAsNonRoot") is False:
        c.bad((*psc_path, "runAsNonRoot"), "pss:runAsNonRoot", "must not be false (true, or unset when every container sets true)")
    pod_non_root = psc.get("runAsNonRoot") is True
    pod_seccomp = get(psc, ("seccompProfile", "type"))
    if pod_seccomp is not None and pod_seccomp not in SECCOMP_TYPES:
        c.bad((*psc_path, "seccompProfile", "type"), "pss:seccomp", f"{_show(pod_seccomp)}; allowed: RuntimeDefault, Localhost")
    for container in containers(pod):
        _check_container(c, container, pod_non_root=pod_non_root, pod_seccomp=pod_seccomp in SECCOMP_TYPES)


def _check_selinux(c: _Checker, sc: Mapping[str, Any], path: tuple[Any, ...]) -> None:
    options = sc.get("seLinuxOptions") or {}
    if options.get("type", "") not in SELINUX_TYPES:
        c.bad((*path, "seLinuxOptions", "type"), "pss:seLinux", f"{_show(options.get('type'))}; allowed: {', '.join(sorted(SELINUX_TYPES - {''}))}")
    for key in ("user", "role"):
        if options.get(key):
            c.bad((*path, "seLinuxOptions", key), "pss:seLinux", "must be unset")


def _check_apparmor(c: _Checker, sc: Mapping[str, Any], path: tuple[Any, ...]) -> None:
    profile = get(sc, ("appArmorProfile", "type"))
    if profile is not None and profile not in APPARMOR_TYPES:
        c.bad((*path, "appArmorProfile", "type"), "pss:appArmor", f"{_show(profile)}; allowed: RuntimeDefault, Localhost")


def _check_container(c: _Checker, container: Container, *, pod_non_root: bool, pod_seccomp: bool) -> None:
    path, spec = container.keys, container.spec
    sc = spec.get("securityContext") or {}
    sc_path = (*path, "securityContext")
    if sc.get("privileged") is True:
        c.bad((*sc_path, "privileged"), "pss:privileged", "must be unset or false")
    if get(sc, ("windowsOptions", "hostProcess")) is True:
        c.bad((*sc_path, "windowsOptions", "hostProcess"), "pss:hostProcess", "must be unset or false")
    if sc.get("procMount", "Default") != "Default":
        c.bad((*sc_path, "procMount"), "pss:procMount", f"{_show(sc.get('procMount'))}; allowed: Default")
    for index, port in enumerate(spec.get("ports") or []):
        if port.get("hostPort"):
            c.bad((*path, "ports", index, "hostPort"), "pss:hostPorts", f"{_show(port['hostPort'])}; must be unset or 0")
    _check_selinux(c, sc, sc_path)
    _check_apparmor(c, sc, sc_path)
    if sc.get("allowPrivilegeEscalation") is not False:
        c.bad((*sc_path, "allowPrivilegeEscalation"), "pss:allowPrivilegeEscalation", f"must be false (got {_show(sc.get('allowPrivilegeEscalation', MISSING))})")
    non_root = sc.get("runAsNonRoot", MISSING)
    if non_root is False or (non_root is not True and not pod_non_root):
        c.bad((*sc_path, "runAsNonRoot"), "pss:runAsNonRoot", f"must be true here or at pod level (got {_show(non_root)})")
    if sc.get("runAsUser") == 0:
        c.bad((*sc_path, "runAsUser"), "pss:runAsUser", "must not be 0")
    seccomp = get(sc, ("seccompProfile", "type"))
    if (seccomp is None and not pod_seccomp) or (seccomp is not None and seccomp not in SECCOMP_TYPES):
        c.bad((*sc_path, "seccompProfile", "type"), "pss:seccomp", f"must be RuntimeDefault or Localhost here or at pod level (got {_show(seccomp)})")
    drop = get(sc, ("capabilities", "drop")) or []
    if "ALL" not in drop:
        c.bad((*sc_path, "capabilities", "drop"), "pss:capabilities", f"must contain ALL (got {_show(drop or None)})")
    added = sorted(set(get(sc, ("capabilities", "add")) or []) - ADDABLE_CAPABILITIES)
    if added:
        c.bad((*sc_path, "capabilities", "add"), "pss:capabilities", f"may add only NET_BIND_SERVICE (got {_show(added)})")
    if sc.get("readOnlyRootFilesystem") is not True:
        c.bad((*sc_path, "readOnlyRootFilesystem"), "ours:readOnlyRootFilesystem", f"must be true, mount an emptyDir where the app writes (got {_show(sc.get('readOnlyRootFilesystem', MISSING))})")


def pss_coverage(docs: Iterable[Doc]) -> tuple[int, int]:
    """(pod specs, containers) the PSS checks look at, to prove they are not vacuous."""
    pods = [pod for doc in docs for pod in pod_specs(doc)]
    return len(pods), sum(1 for pod in pods for _ in containers(pod))

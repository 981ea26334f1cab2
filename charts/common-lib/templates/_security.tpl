{{/*
common-lib.security.podSecurityContext: the restricted Pod Security Standard pod context
(runAsNonRoot, seccomp RuntimeDefault) with an override merged over it (`null` drops a
default). No runAsUser/fsGroup is set: OpenShift's restricted SCC assigns a UID from the
namespace range and rejects a fixed one. The image must declare a numeric non-root USER.
Input: an override map, or nil
Usage:
  securityContext: {{- include "common-lib.security.podSecurityContext" .Values.podSecurityContext | nindent 8 }}
*/}}
{{- define "common-lib.security.podSecurityContext" -}}
{{- if . -}}
{{- $context := include "common-lib.security.restrictedPod" dict | fromYaml -}}
{{- $_ := include "common-lib.util.merge" (list $context .) -}}
{{- toYaml $context -}}
{{- else -}}
{{- include "common-lib.security.restrictedPod" dict | trim -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.security.containerSecurityContext: the restricted container context (no
privilege escalation, all capabilities dropped, read-only root filesystem, non-root,
seccomp RuntimeDefault) with an override merged over it (`null` drops a default).
Input: an override map, or nil
Usage:
  securityContext: {{- include "common-lib.security.containerSecurityContext" .Values.containerSecurityContext | nindent 12 }}
*/}}
{{- define "common-lib.security.containerSecurityContext" -}}
{{- if . -}}
{{- $context := include "common-lib.security.restrictedContainer" dict | fromYaml -}}
{{- $_ := include "common-lib.util.merge" (list $context .) -}}
{{- toYaml $context -}}
{{- else -}}
{{- include "common-lib.security.restrictedContainer" dict | trim -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.security.restrictedPod / common-lib.security.restrictedContainer: the
restricted contexts themselves, as YAML, the one place they are written. Printed as they
are when there is no override (no YAML round trip), parsed and merged when there is one.
Input: none (pass dict)
Usage:
  {{- $context := include "common-lib.security.restrictedContainer" dict | fromYaml }}
*/}}
{{- define "common-lib.security.restrictedPod" -}}
runAsNonRoot: true
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "common-lib.security.restrictedContainer" -}}
allowPrivilegeEscalation: false
capabilities:
  drop:
  - ALL
privileged: false
readOnlyRootFilesystem: true
runAsNonRoot: true
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
common-lib.security.tmpVolume / common-lib.security.tmpVolumeMount: the writable /tmp, an
emptyDir, because the root filesystem is read-only. common-lib.pod.spec adds the volume
when one of its containers asks for `tmp`; common-lib.container.spec adds the mount.
Input: tmpVolume (dict "sizeLimit" "64Mi"); tmpVolumeMount none
Usage:
  volumes: {{- include "common-lib.security.tmpVolume" (dict "sizeLimit" "64Mi") | nindent 2 }}
  volumeMounts: {{- include "common-lib.security.tmpVolumeMount" dict | nindent 2 }}
*/}}
{{- define "common-lib.security.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .sizeLimit | default "64Mi" }}
{{- end -}}

{{- define "common-lib.security.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

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
{{- $context := dict "runAsNonRoot" true "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- $_ := include "common-lib.util.merge" (list $context .) -}}
{{- toYaml $context -}}
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
{{- $context := dict
  "allowPrivilegeEscalation" false
  "privileged" false
  "readOnlyRootFilesystem" true
  "runAsNonRoot" true
  "capabilities" (dict "drop" (list "ALL"))
  "seccompProfile" (dict "type" "RuntimeDefault")
-}}
{{- $_ := include "common-lib.util.merge" (list $context .) -}}
{{- toYaml $context -}}
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

{{/*
common-lib.security.podSecurityContext: the restricted Pod Security Standard pod context
(runAsNonRoot, seccomp RuntimeDefault) with `.Values.podSecurityContext` merged over it.
No runAsUser/fsGroup is set: OpenShift's restricted SCC assigns a UID from the namespace
range and rejects a fixed one. The image must declare a numeric non-root USER.
Usage:
  securityContext: {{- include "common-lib.security.podSecurityContext" . | nindent 8 }}
*/}}
{{- define "common-lib.security.podSecurityContext" -}}
{{- $context := dict "runAsNonRoot" true "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- $_ := include "common-lib.util.merge" (list $context (.Values.podSecurityContext | default dict)) -}}
{{- toYaml $context -}}
{{- end -}}

{{/*
common-lib.security.containerSecurityContext: the restricted container context (no
privilege escalation, all capabilities dropped, read-only root filesystem, non-root,
seccomp RuntimeDefault) with an override merged over it. Pass `.Values.containerSecurityContext`
for the app container, or a sidecar's own `securityContext`.
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
{{- $_ := include "common-lib.util.merge" (list $context (. | default dict)) -}}
{{- toYaml $context -}}
{{- end -}}

{{/*
common-lib.security.tmpVolume / tmpVolumeMount: the writable /tmp every container gets,
because the root filesystem is read-only.
Usage:
  volumes: {{- include "common-lib.security.tmpVolume" . | nindent 8 }}
  volumeMounts: {{- include "common-lib.security.tmpVolumeMount" . | nindent 12 }}
*/}}
{{- define "common-lib.security.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit | default "64Mi" }}
{{- end -}}

{{- define "common-lib.security.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/*
common-lib.floor.container: one line per way a container's security context, as rendered
(the restricted defaults with the override merged over them, next to the pod's merged
context), falls below the Pod Security level. At every level: not privileged, the
default /proc mount, capabilities only from the baseline set, and seccomp and AppArmor
never Unconfined. At `restricted` (the standard) also: no privilege escalation, ALL dropped
(only NET_BIND_SERVICE added), non-root, a non-zero UID, a seccomp profile and a
read-only root filesystem.
Input: (dict "key" "containerSecurityContext" "context" $merged "pod" $mergedPod "level" "restricted")
Usage:
  {{ include "common-lib.floor.container" (dict "key" "sidecars[0].securityContext" "context" $ctx "pod" $podCtx "level" "restricted") }}
*/}}
{{- define "common-lib.floor.container" -}}
{{- $key := .key -}}
{{- $c := .context -}}
{{- $restricted := ne .level "baseline" -}}
{{- $caps := $c.capabilities | default dict -}}
{{- $allowedCaps := ternary (list "NET_BIND_SERVICE") (list "AUDIT_WRITE" "CHOWN" "DAC_OVERRIDE" "FOWNER" "FSETID" "KILL" "MKNOD" "NET_BIND_SERVICE" "SETFCAP" "SETGID" "SETPCAP" "SETUID" "SYS_CHROOT") $restricted -}}
{{- $seccomp := $c.seccompProfile | default .pod.seccompProfile | default dict -}}
{{- $nonRoot := $c.runAsNonRoot -}}
{{- if kindIs "invalid" $nonRoot }}{{ $nonRoot = .pod.runAsNonRoot }}{{ end -}}
{{- $uid := $c.runAsUser -}}
{{- if kindIs "invalid" $uid }}{{ $uid = .pod.runAsUser }}{{ end -}}
{{- if $c.privileged }}
{{ $key }}.privileged: privileged containers are never allowed (got true); remove it, and add only the capability the process needs
{{- end }}
{{- if and $c.procMount (ne $c.procMount "Default") }}
{{ $key }}.procMount: must be Default (got {{ $c.procMount | quote }}); an unmasked /proc is never allowed
{{- end }}
{{- range $i, $cap := $caps.add | default list }}
{{- if not (has (toString $cap) $allowedCaps) }}
{{ $key }}.capabilities.add[{{ $i }}]: {{ $cap | quote }} is not allowed at Pod Security level {{ $.level }} (got {{ $caps.add | toJson }}); allowed, spelled exactly so: {{ join ", " $allowedCaps }}
{{- end }}
{{- end }}
{{- range $field := list "seccompProfile" "appArmorProfile" }}
{{- include "common-lib.floor.profile" (dict "key" (printf "%s.%s" $key $field) "profile" (get $c $field)) | nindent 0 }}
{{- end }}
{{- if and $restricted (not (has (toString $seccomp.type) (list "RuntimeDefault" "Localhost"))) }}
{{ $key }}.seccompProfile: a seccomp profile is required at Pod Security level restricted (got {{ $seccomp | toJson }}, and none on the pod); use {type: RuntimeDefault}
{{- end }}
{{- if $restricted }}
{{- if not (eq (toString $c.allowPrivilegeEscalation) "false") }}
{{ $key }}.allowPrivilegeEscalation: must be false at Pod Security level restricted (got {{ $c.allowPrivilegeEscalation | toJson }}); leave the default
{{- end }}
{{- if not (has "ALL" ($caps.drop | default list)) }}
{{ $key }}.capabilities.drop: must include ALL at Pod Security level restricted (got {{ $caps.drop | toJson }}); leave the default [ALL] and add back only NET_BIND_SERVICE
{{- end }}
{{- if not $nonRoot }}
{{ $key }}.runAsNonRoot: must be true at Pod Security level restricted, here or on the pod (got {{ $nonRoot | toJson }}); the image must run as a numeric non-root USER
{{- end }}
{{- if and (not (kindIs "invalid" $uid)) (eq (int64 $uid) 0) }}
{{ $key }}.runAsUser: 0 (root) is not allowed at Pod Security level restricted (got 0); use a non-zero UID such as 10001, or none (the image's USER)
{{- end }}
{{- if not $c.readOnlyRootFilesystem }}
{{ $key }}.readOnlyRootFilesystem: must be true at Pod Security level restricted (got {{ $c.readOnlyRootFilesystem | toJson }}); write to /tmp or to a mounted emptyDir instead
{{- end }}
{{- end }}
{{- end -}}

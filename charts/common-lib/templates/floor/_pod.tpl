{{/*
common-lib.floor.pod: one line per way a pod falls below the Pod Security level: its
security context as rendered (restricted defaults, override merged), its annotations and
its priority class. At every level: seccomp and AppArmor never Unconfined, only the safe
sysctls of Pod Security at `kubeVersion` (the cluster's), no AppArmor or seccomp annotation (deprecated: use appArmorProfile, seccompProfile) and
no `system-*` priority class (those are for cluster components and may preempt them). At
`restricted` also: runAsNonRoot not false and no UID 0.
Input: (dict "keys" {securityContext, annotations, priorityClassName: key paths} "context" $merged "annotations" {..} "priorityClassName" "" "level" "restricted" "kubeVersion" "v1.34.0")
Usage:
  {{ include "common-lib.floor.pod" (dict "keys" $keys "context" $podCtx "annotations" .app.podAnnotations "priorityClassName" .app.priorityClassName "level" "restricted" "kubeVersion" $.Capabilities.KubeVersion.Version) }}
*/}}
{{- define "common-lib.floor.pod" -}}
{{- $key := .keys.securityContext -}}
{{- $p := .context -}}
{{- $safeSysctls := list "kernel.shm_rmid_forced" "net.ipv4.ip_local_port_range" "net.ipv4.ip_unprivileged_port_start" "net.ipv4.tcp_syncookies" "net.ipv4.ping_group_range" "net.ipv4.ip_local_reserved_ports" "net.ipv4.tcp_keepalive_time" "net.ipv4.tcp_fin_timeout" "net.ipv4.tcp_keepalive_intvl" "net.ipv4.tcp_keepalive_probes" -}}
{{- /* Pod Security adds safe sysctls in later minors: judge by the cluster's version */}}
{{- $version := .kubeVersion | default "v1.29.0" -}}
{{- if semverCompare ">=1.32-0" $version }}{{ $safeSysctls = concat $safeSysctls (list "net.ipv4.tcp_rmem" "net.ipv4.tcp_wmem") }}{{ end -}}
{{- if semverCompare ">=1.37-0" $version }}{{ $safeSysctls = concat $safeSysctls (list "net.ipv4.tcp_slow_start_after_idle" "net.ipv4.tcp_notsent_lowat") }}{{ end -}}
{{- if ne .level "baseline" }}
{{- if eq (toString $p.runAsNonRoot) "false" }}
{{ $key }}.runAsNonRoot: must not be false at Pod Security level restricted (got false); leave the default true
{{- end }}
{{- if and (not (kindIs "invalid" $p.runAsUser)) (eq (int64 $p.runAsUser) 0) }}
{{ $key }}.runAsUser: 0 (root) is not allowed at Pod Security level restricted (got 0); use a non-zero UID such as 10001, or none (the image's USER)
{{- end }}
{{- end }}
{{- range $field := list "seccompProfile" "appArmorProfile" }}
{{- include "common-lib.floor.profile" (dict "key" (printf "%s.%s" $key $field) "profile" (get $p $field)) | nindent 0 }}
{{- end }}
{{- range $i, $s := $p.sysctls | default list }}
{{- if not (has (toString $s.name) $safeSysctls) }}
{{ $key }}.sysctls[{{ $i }}].name: {{ $s.name | quote }} is not a safe sysctl on Kubernetes {{ $version }} and is never allowed (got {{ $s.name | quote }}); allowed: {{ join ", " $safeSysctls }}
{{- end }}
{{- end }}
{{- range $name, $_ := .annotations | default dict }}
{{- if hasPrefix "container.apparmor.security.beta.kubernetes.io/" $name }}
{{ $.keys.annotations }}.{{ $name }}: AppArmor annotations are not allowed (got {{ get $.annotations $name | quote }}); they are deprecated since Kubernetes 1.30: set podSecurityContext.appArmorProfile {type: RuntimeDefault or Localhost} instead (the runtime's default profile already applies without it)
{{- else if regexMatch "^(container\\.)?seccomp\\.security\\.alpha\\.kubernetes\\.io/" $name }}
{{ $.keys.annotations }}.{{ $name }}: seccomp annotations are not allowed (got {{ get $.annotations $name | quote }}); Kubernetes replaced them with the seccompProfile field in 1.19 and refuses an annotation that disagrees with it: set podSecurityContext.seccompProfile (RuntimeDefault by default) instead
{{- end }}
{{- end }}
{{- if hasPrefix "system-" (toString .priorityClassName) }}
{{ .keys.priorityClassName }}: {{ .priorityClassName | quote }} is reserved for cluster components, which it could preempt (got {{ .priorityClassName | quote }}); use a PriorityClass the platform defines for services, or none
{{- end }}
{{- end -}}

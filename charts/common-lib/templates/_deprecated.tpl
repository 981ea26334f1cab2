{{/*
common-lib.validate.deprecatedKeys: one line per key in values that Kubernetes has
replaced and warns about on every apply: the beta node labels as nodeSelector keys
(common-lib.scheduling.deprecatedNodeLabel; the affinity rules check their own keys), the
pod annotations for critical pods and sysctls, the Service annotation for topology-aware
hints. Each message names the key that replaced it.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{- include "common-lib.validate.deprecatedKeys" (dict "context" $ "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.validate.deprecatedKeys" -}}
{{- $app := .app -}}
{{- range $name := keys ($app.nodeSelector | default dict) | sortAlpha }}
{{- include "common-lib.scheduling.deprecatedNodeLabel" (dict "key" (printf "nodeSelector.%s" $name) "name" $name) | nindent 0 }}
{{- end }}
{{- $replaced := dict
  "podAnnotations" (dict "scheduler.alpha.kubernetes.io/critical-pod" "priorityClassName" "security.alpha.kubernetes.io/sysctls" "podSecurityContext.sysctls" "security.alpha.kubernetes.io/unsafe-sysctls" "podSecurityContext.sysctls")
  "service.annotations" (dict "service.kubernetes.io/topology-aware-hints" "service.annotations.service.kubernetes.io/topology-mode")
-}}
{{- $given := dict "podAnnotations" ($app.podAnnotations | default dict) "service.annotations" ($app.service.annotations | default dict) -}}
{{- range $map := list "podAnnotations" "service.annotations" }}
{{- range $name, $use := get $replaced $map }}
{{- if hasKey (get $given $map) $name }}
{{ $map }}.{{ $name }}: is deprecated and no longer works, and the API server warns on every apply (got {{ get (get $given $map) $name | toJson }}); use {{ $use }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.scheduling.deprecatedNodeLabel: one line when a node label key is one of the
beta labels Kubernetes replaced and warns about (beta.kubernetes.io/os, /arch,
/instance-type, failure-domain.beta.kubernetes.io/zone, /region), naming its replacement.
Input: (dict "key" "nodeSelector.beta.kubernetes.io/os" "name" "beta.kubernetes.io/os")
Usage:
  {{- include "common-lib.scheduling.deprecatedNodeLabel" (dict "key" $key "name" $name) | nindent 0 }}
*/}}
{{- define "common-lib.scheduling.deprecatedNodeLabel" -}}
{{- $labels := dict "beta.kubernetes.io/os" "kubernetes.io/os" "beta.kubernetes.io/arch" "kubernetes.io/arch" "beta.kubernetes.io/instance-type" "node.kubernetes.io/instance-type" "failure-domain.beta.kubernetes.io/zone" "topology.kubernetes.io/zone" "failure-domain.beta.kubernetes.io/region" "topology.kubernetes.io/region" -}}
{{- if hasKey $labels (toString .name) }}
{{ .key }}: {{ .name | quote }} is a deprecated node label, and the API server warns on every apply (got {{ .name | quote }}); use {{ get $labels (toString .name) | quote }}
{{- end }}
{{- end -}}

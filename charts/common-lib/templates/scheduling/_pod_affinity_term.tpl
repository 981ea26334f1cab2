{{/*
common-lib.scheduling.podAffinityTerm: one line per problem with a PodAffinityTerm: a
topologyKey, and its label selectors as the API server checks them.
Input: (dict "key" "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]" "term" {..})
Usage:
  {{- include "common-lib.scheduling.podAffinityTerm" (dict "key" $key "term" $term) | nindent 0 }}
*/}}
{{- define "common-lib.scheduling.podAffinityTerm" -}}
{{- $term := .term | default dict -}}
{{- if kindIs "map" $term }}
{{- if not $term.topologyKey }}
{{ .key }}.topologyKey: is required (got {{ $term.topologyKey | toJson }}); e.g. kubernetes.io/hostname or topology.kubernetes.io/zone
{{- end }}
{{- range $field := list "labelSelector" "namespaceSelector" }}
{{- with get $term $field }}
{{- include "common-lib.metadata.validateSelector" (dict "key" (printf "%s.%s" $.key $field) "selector" .) | nindent 0 }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

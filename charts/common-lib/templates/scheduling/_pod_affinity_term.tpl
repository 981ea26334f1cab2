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
{{- else }}
{{- include "common-lib.metadata.validateLabelKey" (dict "key" (printf "%s.topologyKey" .key) "name" $term.topologyKey) | nindent 0 }}
{{- include "common-lib.scheduling.deprecatedNodeLabel" (dict "key" (printf "%s.topologyKey" .key) "name" $term.topologyKey) | nindent 0 }}
{{- end }}
{{- range $i, $ns := ternary $term.namespaces list (kindIs "slice" $term.namespaces) }}
{{- if not (and (kindIs "string" $ns) (le (len $ns) 63) (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" $ns)) }}
{{ $.key }}.namespaces[{{ $i }}]: is not a namespace name (got {{ $ns | toJson }}); a DNS-1123 label of at most 63 characters
{{- end }}
{{- end }}
{{- range $field := list "labelSelector" "namespaceSelector" }}
{{- with get $term $field }}
{{- include "common-lib.metadata.validateSelector" (dict "key" (printf "%s.%s" $.key $field) "selector" .) | nindent 0 }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

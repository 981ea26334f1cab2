{{/*
common-lib.scheduling.nodeSelectorTerm: one line per problem with a NodeSelectorTerm: each
requirement has a label key, an operator In, NotIn, Exists, DoesNotExist, Gt or Lt, values
for In and NotIn, none for Exists and DoesNotExist, one whole number for Gt and Lt;
matchFields only metadata.name with In or NotIn and one value.
Input: (dict "key" "affinity.nodeAffinity...nodeSelectorTerms[0]" "term" {..})
Usage:
  {{- include "common-lib.scheduling.nodeSelectorTerm" (dict "key" $key "term" $term) | nindent 0 }}
*/}}
{{- define "common-lib.scheduling.nodeSelectorTerm" -}}
{{- $term := .term | default dict -}}
{{- if kindIs "map" $term }}
{{- range $field := list "matchExpressions" "matchFields" }}
{{- range $i, $r := ternary (get $term $field) list (kindIs "slice" (get $term $field)) }}
{{- $at := printf "%s.%s[%d]" $.key $field $i }}
{{- if kindIs "map" $r }}
{{- $op := toString $r.operator }}
{{- $values := ternary $r.values list (kindIs "slice" $r.values) }}
{{- if eq $field "matchExpressions" }}{{ include "common-lib.scheduling.deprecatedNodeLabel" (dict "key" (printf "%s.key" $at) "name" $r.key) | nindent 0 }}{{ end }}
{{- if not $r.key }}
{{ $at }}.key: is required (got {{ $r.key | toJson }}); a node label, e.g. kubernetes.io/arch
{{- else if and (eq $field "matchExpressions") (include "common-lib.metadata.validateLabelKey" (dict "key" (printf "%s.key" $at) "name" $r.key)) }}
{{- include "common-lib.metadata.validateLabelKey" (dict "key" (printf "%s.key" $at) "name" $r.key) | nindent 0 }}
{{- else if and (eq $field "matchFields") (or (ne (toString $r.key) "metadata.name") (not (has $op (list "In" "NotIn"))) (ne (len $values) 1)) }}
{{ $at }}: matchFields takes only key metadata.name, operator In or NotIn and one value (got {{ $r | toJson }})
{{- else if not (has $op (list "In" "NotIn" "Exists" "DoesNotExist" "Gt" "Lt")) }}
{{ $at }}.operator: must be In, NotIn, Exists, DoesNotExist, Gt or Lt (got {{ $r.operator | toJson }})
{{- else if and (has $op (list "In" "NotIn")) (not $values) }}
{{ $at }}.values: {{ $op }} needs at least one value (got {{ $r.values | toJson }})
{{- else if and (has $op (list "Exists" "DoesNotExist")) $values }}
{{ $at }}.values: {{ $op }} takes no values (got {{ $r.values | toJson }})
{{- else if and (has $op (list "Gt" "Lt")) (not (and (eq (len $values) 1) (regexMatch "^-?[0-9]+$" (include "common-lib.util.string" (first $values))))) }}
{{ $at }}.values: {{ $op }} takes one whole number (got {{ $r.values | toJson }}), e.g. ["4"]
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.metadata.validateSelector: one line per problem with a label selector, as the
API server checks it: matchLabels with label keys and text values (reserved keys allowed:
a selector may pick another app's pods); each of matchExpressions with a label key, an
operator In, NotIn, Exists or DoesNotExist, values of label values for In and NotIn and
none for the others.
Input: (dict "key" "networkPolicy.from[0].podSelector" "selector" {..})
Usage:
  {{- include "common-lib.metadata.validateSelector" (dict "key" $key "selector" $peer.podSelector) | nindent 0 }}
*/}}
{{- define "common-lib.metadata.validateSelector" -}}
{{- $key := .key -}}
{{- if kindIs "map" .selector }}
{{- range $name, $value := .selector.matchLabels | default dict }}
{{- if not (kindIs "string" $value) }}
{{ $key }}.matchLabels.{{ $name }}: is a YAML {{ kindOf $value }}, not text (got {{ $value | toJson }}); quote it, e.g. "1"
{{- end }}
{{- end }}
{{- include "common-lib.metadata.validate" (dict "key" (printf "%s.matchLabels" $key) "values" .selector.matchLabels "kind" "labels" "reserved" false) | nindent 0 }}
{{- range $i, $e := ternary .selector.matchExpressions list (kindIs "slice" .selector.matchExpressions) }}
{{- $at := printf "%s.matchExpressions[%d]" $key $i }}
{{- if kindIs "map" $e }}
{{- include "common-lib.metadata.validateLabelKey" (dict "key" (printf "%s.key" $at) "name" $e.key) | nindent 0 }}
{{- $values := ternary $e.values list (kindIs "slice" $e.values) }}
{{- if not (has (toString $e.operator) (list "In" "NotIn" "Exists" "DoesNotExist")) }}
{{ $at }}.operator: must be In, NotIn, Exists or DoesNotExist (got {{ $e.operator | toJson }})
{{- else if and (has (toString $e.operator) (list "In" "NotIn")) (not $values) }}
{{ $at }}.values: {{ $e.operator }} needs at least one value (got {{ $e.values | toJson }})
{{- else if and (has (toString $e.operator) (list "Exists" "DoesNotExist")) $values }}
{{ $at }}.values: {{ $e.operator }} takes no values (got {{ $e.values | toJson }}); remove them, or use In
{{- end }}
{{- range $j, $v := $values }}
{{- if not (and (kindIs "string" $v) (le (len $v) 63) (regexMatch "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$" $v)) }}
{{ $at }}.values[{{ $j }}]: is not a label value (got {{ $v | toJson }}); text of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}
{{/*
common-lib.metadata.validateLabelKey: one line when a value is not a label key (also the
form of an annotation key, a toleration key and a topologyKey): [prefix/]name, the prefix
a DNS subdomain of at most 253 characters, the name at most 63 letters, digits, "-", "_"
and ".", starting and ending with a letter or digit. Nothing when it is one.
Input: (dict "key" "tolerations[0].key" "name" "node-role.kubernetes.io/ci")
Usage:
  {{- include "common-lib.metadata.validateLabelKey" (dict "key" $key "name" $t.key) | nindent 0 }}
*/}}
{{- define "common-lib.metadata.validateLabelKey" -}}
{{- $name := toString .name -}}
{{- $prefix := ternary (regexReplaceAll "/[^/]*$" $name "") "" (contains "/" $name) -}}
{{- if or (not (kindIs "string" .name)) (gt (len $prefix) 253) (gt (len (base $name)) 63) (not (regexMatch "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$" $name)) }}
{{ .key }}: is not a label key (got {{ .name | toJson | trunc 80 }}); [prefix/]name, the prefix a DNS subdomain of at most 253 characters, the name at most 63 letters, digits, "-", "_" and ".", e.g. topology.kubernetes.io/zone
{{- end }}
{{- end -}}

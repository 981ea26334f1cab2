{{/*
common-lib.fields.scalarProblem: the line "<key>: <problem>" when a value does not fit a
scalar field of a Kubernetes type, or nothing (null is fine): a map or a list is not a scalar; `kind` is the field's encoding in common-lib.fields.types
("" a string, 0 an integer, false a boolean, null any scalar). An integer must be whole
and within ±(2^53-1): Helm carries numbers as floating point, so a larger one arrives changed.
The API server cannot decode a number where text belongs, or text where a number does.
Input: (dict "key" "sidecars[0].lifecycle.preStop.exec.command[1]" "kind" "" "value" 5)
Usage:
  {{- $line := include "common-lib.fields.scalarProblem" (dict "key" $key "kind" $spec "value" $v) }}
*/}}
{{- define "common-lib.fields.scalarProblem" -}}
{{- $v := .value -}}
{{- if or (kindIs "map" $v) (kindIs "slice" $v) -}}
{{ .key }}: must be a scalar (got {{ toJson $v | abbrev 60 }})
{{- else if kindIs "invalid" $v -}}
{{- else if and (kindIs "string" .kind) (not (kindIs "string" $v)) -}}
{{ .key }}: must be text (got {{ toJson $v }}); quote it, e.g. "{{ toJson $v | trimAll "\"" }}"
{{- else if kindIs "bool" .kind -}}
{{- if not (kindIs "bool" $v) }}{{ .key }}: must be true or false (got {{ toJson $v }}){{ end -}}
{{- else if kindIs "float64" .kind -}}
{{- if not (or (kindIs "float64" $v) (kindIs "int64" $v)) -}}
{{ .key }}: must be a whole number (got {{ toJson $v }}); write it without quotes
{{- else if ne (floor (float64 $v)) (float64 $v) -}}
{{ .key }}: must be a whole number (got {{ toJson $v }})
{{- else if or (gt (float64 $v) 9007199254740991.0) (lt (float64 $v) -9007199254740991.0) -}}
{{ .key }}: must be from -9007199254740991 to 9007199254740991 (got {{ toJson $v }}); Helm carries numbers as floating point, and a larger one would change on the way through
{{- end -}}
{{- end -}}
{{- end -}}

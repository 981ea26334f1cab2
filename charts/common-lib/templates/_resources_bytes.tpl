{{/*
common-lib.resources.validateBytes: one line per memory, ephemeral-storage or hugepages
request or limit that is not a whole number of bytes ("100.5", "1500m", "0.1Ki"): the API
server stores it as a fraction of a byte and warns on every object that holds it.
Input: (dict "key" "resources" "resources" {requests: {..}, limits: {..}})
Usage:
  {{- include "common-lib.resources.validateBytes" (dict "key" $key "resources" $resources) | nindent 0 }}
*/}}
{{- define "common-lib.resources.validateBytes" -}}
{{- range $kind := list "requests" "limits" }}
{{- range $name, $quantity := get $.resources $kind | default dict }}
{{- if or (eq $name "memory") (eq $name "ephemeral-storage") (hasPrefix "hugepages-" $name) }}
{{- $bytes := float64 (include "common-lib.resources.quantity" $quantity) }}
{{- $fraction := subf $bytes (round $bytes 0) }}
{{- if or (gt $fraction 0.001) (lt $fraction -0.001) }}
{{ $.key }}.{{ $kind }}.{{ $name }}: is not a whole number of bytes (got {{ include "common-lib.util.string" $quantity }}, {{ $bytes }} bytes); the API server stores a fraction of a byte and warns about it: use a unit, e.g. 128Mi or 1G
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.container.validateHandlers: one line per probe or lifecycle hook given in
values that the API server would refuse: a probe names exactly one of exec, httpGet,
tcpSocket and grpc (liveness and startup probes with successThreshold 1); a postStart or
preStop hook exactly one of exec, httpGet, tcpSocket and sleep.
Input: (dict "key" "sidecars[0].livenessProbe" "field" "livenessProbe" "value" {..})
Usage:
  {{ include "common-lib.container.validateHandlers" (dict "key" $key "field" "lifecycle" "value" $c.lifecycle) }}
*/}}
{{- define "common-lib.container.validateHandlers" -}}
{{- $handlers := dict -}}
{{- $kinds := list "exec" "httpGet" "tcpSocket" "grpc" -}}
{{- if eq .field "lifecycle" }}
{{- $kinds = list "exec" "httpGet" "tcpSocket" "sleep" -}}
{{- range $phase := list "postStart" "preStop" }}{{ if hasKey $.value $phase }}{{ $_ := set $handlers (printf "%s.%s" $.key $phase) (get $.value $phase) }}{{ end }}{{ end }}
{{- else }}
{{- $_ := set $handlers .key .value -}}
{{- if and (has .field (list "livenessProbe" "startupProbe")) (not (kindIs "invalid" .value.successThreshold)) (ne (toString .value.successThreshold) "1") }}
{{ .key }}.successThreshold: must be 1 for a {{ .field }} (got {{ .value.successThreshold | toJson }})
{{- end }}
{{- end }}
{{- range $key, $handler := $handlers }}
{{- $set := keys (pick (ternary $handler dict (kindIs "map" $handler)) "exec" "httpGet" "tcpSocket" "grpc" "sleep") | sortAlpha }}
{{- if ne (len $set) 1 }}
{{ $key }}: needs exactly one handler (got {{ $set | toJson }}); one of {{ join ", " $kinds }}
{{- end }}
{{- end }}
{{- end -}}

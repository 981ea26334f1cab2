{{/*
common-lib.probes.validatePorts: http and tcp probes use a port the app container
declares (`http`, `metrics` when separate, or one of `ports`), over TCP; exec probes and
none name no port.
Input: (dict "app" $app "declared" {name: protocol})
Usage:
  {{ include "common-lib.probes.validatePorts" (dict "app" .Values "declared" (dict "http" "TCP")) }}
*/}}
{{- define "common-lib.probes.validatePorts" -}}
{{- $probes := .app.probes | default dict -}}
{{- range $kind := list "" "liveness" "readiness" "startup" }}
{{- $given := ternary $probes (index $probes $kind | default dict) (eq $kind "") }}
{{- if and (not (has (toString $probes.type) (list "http" "tcp"))) (hasKey $given "port") (or $kind (ne (toString $given.port) "http")) }}
{{ ternary "probes.port" (printf "probes.%s.port" $kind) (eq $kind "") }}: is used only by http and tcp probes (got {{ $given.port | toJson }} with type {{ toString $probes.type | quote }}); remove it, or set probes.type: http or tcp
{{- end }}
{{- end }}
{{- if has (toString $probes.type) (list "http" "tcp") }}
{{- range $kind := list "" "liveness" "readiness" "startup" }}
{{- $given := ternary $probes (index $probes $kind | default dict) (eq $kind "") }}
{{- $key := ternary "probes.port" (printf "probes.%s.port" $kind) (eq $kind "") }}
{{- if and (hasKey $given "port") (not (eq (toString (get $.declared (toString $given.port))) "TCP")) }}
{{ $key }}: {{ ternary "is a UDP port, and probes connect over TCP" "is not a port of the app container" (hasKey $.declared (toString $given.port)) }} (got {{ $given.port | toJson }}); one of {{ include "common-lib.probes.tcpPorts" $.declared }} (http, metrics or a name from ports, over TCP)
{{- end }}
{{- end }}
{{- end }}
{{- end -}}
{{/*
common-lib.probes.readinessPort: the name of the port the readiness probe checks (its
own `port`, else the Probes' `port`, else `http`), which the test pod calls too.
Input: Probes
Usage:
  {{ include "common-lib.probes.readinessPort" .Values.probes }}
*/}}
{{- define "common-lib.probes.readinessPort" -}}
{{- (.readiness | default dict).port | default .port | default "http" -}}
{{- end -}}
{{/*
common-lib.probes.tcpPorts: the names of the declared TCP ports, sorted, joined by ", ".
Input: {name: protocol}
Usage:
  {{ include "common-lib.probes.tcpPorts" (dict "http" "TCP" "dns" "UDP") }}
*/}}
{{- define "common-lib.probes.tcpPorts" -}}
{{- $names := list -}}
{{- range $name, $protocol := . }}{{ if eq $protocol "TCP" }}{{ $names = append $names $name }}{{ end }}{{ end -}}
{{- $names | sortAlpha | join ", " -}}
{{- end -}}

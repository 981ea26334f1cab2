{{/*
common-lib.container.validateHandler: one line per problem with the one handler of a
probe or lifecycle hook given in values, as the API server checks it: an exec command
that is not empty; an httpGet or tcpSocket port that is a number from 1 to 65535 or a port
name; a grpc port number; an httpGet scheme HTTP or HTTPS and header names that are HTTP
tokens; a sleep of whole seconds, not negative.
Input: (dict "key" "sidecars[0].livenessProbe" "handler" {..} "kind" "httpGet")
Usage:
  {{- include "common-lib.container.validateHandler" (dict "key" $key "handler" $handler "kind" (first $set)) | nindent 0 }}
*/}}
{{- define "common-lib.container.validateHandler" -}}
{{- $h := get .handler .kind | default dict -}}
{{- $at := printf "%s.%s" .key .kind -}}
{{- if not (kindIs "map" $h) }}
{{- else if eq .kind "exec" }}
{{- if not (and (kindIs "slice" $h.command) $h.command) }}
{{ $at }}.command: needs a command (got {{ $h.command | toJson }}); run without a shell, e.g. ["/app/healthcheck"]
{{- end }}
{{- else if eq .kind "sleep" }}
{{- if not (regexMatch "^[0-9]+$" (include "common-lib.util.string" $h.seconds)) }}
{{ $at }}.seconds: must be a whole number of seconds, not negative (got {{ $h.seconds | toJson }})
{{- end }}
{{- else }}
{{- $port := $h.port }}
{{- $number := include "common-lib.util.portNumber" $port }}
{{- if and (eq .kind "grpc") (not $number) }}
{{ $at }}.port: must be a port number from 1 to 65535 (got {{ $port | toJson }}); a gRPC probe takes no port name
{{- else if not (or $number (include "common-lib.util.portName" $port)) }}
{{ $at }}.port: must be a port number from 1 to 65535 or a port name (got {{ $port | toJson }}); e.g. 8080 or http
{{- end }}
{{- if and (eq .kind "httpGet") $h.scheme (not (has (toString $h.scheme) (list "HTTP" "HTTPS"))) }}
{{ $at }}.scheme: must be HTTP or HTTPS, in capitals (got {{ $h.scheme | toJson }})
{{- end }}
{{- range $i, $header := ternary $h.httpHeaders list (and (eq .kind "httpGet") (kindIs "slice" $h.httpHeaders)) }}
{{- if not (and (kindIs "map" $header) (regexMatch "^[-!#$%&'*+.^_`|~0-9A-Za-z]+$" (toString $header.name))) }}
{{ $at }}.httpHeaders[{{ $i }}].name: is not an HTTP header name (got {{ (ternary $header.name $header (kindIs "map" $header)) | toJson }}); letters, digits and !#$%&'*+-.^_`|~, e.g. X-Probe
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.container.validateProbeTimes: one line per number of a probe given in values
that the API server refuses: periodSeconds, timeoutSeconds, successThreshold and
failureThreshold at least 1, initialDelaySeconds at least 0, a probe's own
terminationGracePeriodSeconds at least 1; all whole numbers.
Input: (dict "key" "sidecars[0].livenessProbe" "probe" {..})
Usage:
  {{- include "common-lib.container.validateProbeTimes" (dict "key" $key "probe" $probe) | nindent 0 }}
*/}}
{{- define "common-lib.container.validateProbeTimes" -}}
{{- range $field, $min := dict "periodSeconds" 1 "timeoutSeconds" 1 "successThreshold" 1 "failureThreshold" 1 "initialDelaySeconds" 0 "terminationGracePeriodSeconds" 1 }}
{{- $v := index $.probe $field }}
{{- if and (hasKey $.probe $field) (not (kindIs "invalid" $v)) (not (and (not (kindIs "string" $v)) (regexMatch "^[0-9]+$" (include "common-lib.util.string" $v)) (ge (int $v) $min))) }}
{{ $.key }}.{{ $field }}: must be a whole number of at least {{ $min }} (got {{ $v | toJson }})
{{- end }}
{{- end }}
{{- end -}}

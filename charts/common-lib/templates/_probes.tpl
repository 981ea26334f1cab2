{{/*
common-lib.probes.all: liveness, readiness and startup probes: HTTP GET on the configured
paths or TCP connect on a named port (each probe's `port`, else the Probes' `port`, else
`http`), or `command` run in the container when `type` is exec; nothing when `type` is none.
Input: Probes (dict "type" "http" "command" $list "port" "http" "liveness" $probe "readiness" $probe "startup" $probe)
Usage:
  {{- include "common-lib.probes.all" .Values.probes | nindent 10 }}
*/}}
{{- define "common-lib.probes.all" -}}
{{- if ne (toString .type) "none" -}}
livenessProbe:
  {{- include "common-lib.probes.probe" (dict "type" .type "command" .command "port" .port "probe" .liveness) | nindent 2 }}
readinessProbe:
  {{- include "common-lib.probes.probe" (dict "type" .type "command" .command "port" .port "probe" .readiness) | nindent 2 }}
startupProbe:
  {{- include "common-lib.probes.probe" (dict "type" .type "command" .command "port" .port "probe" .startup) | nindent 2 }}
{{- end -}}
{{- end -}}

{{/*
common-lib.probes.probe: one probe on a named port (the probe's `port`, else `port`, else
`http`), or an exec probe.
Input: (dict "type" "http"|"tcp"|"exec" "command" $list "port" "http" "probe" {path, port, periodSeconds, timeoutSeconds, failureThreshold})
Usage:
  {{- include "common-lib.probes.probe" (dict "type" "http" "probe" .Values.probes.liveness) | nindent 2 }}
*/}}
{{- define "common-lib.probes.probe" -}}
{{- $probe := .probe | default dict -}}
{{- $port := $probe.port | default .port | default "http" -}}
{{- if eq (toString .type) "tcp" -}}
tcpSocket:
  port: {{ $port | quote }}
{{- else if eq (toString .type) "exec" -}}
exec:
  command: {{- toYaml .command | nindent 4 }}
{{- else -}}
httpGet:
  path: {{ $probe.path | default "/" | quote }}
  port: {{ $port | quote }}
{{- end }}
periodSeconds: {{ $probe.periodSeconds | default 10 }}
timeoutSeconds: {{ $probe.timeoutSeconds | default 2 }}
failureThreshold: {{ $probe.failureThreshold | default 3 }}
{{- end -}}

{{/*
common-lib.probes.validate: the probe type fits the shape (a worker has no port, so its
probes are exec or none; a web service needs probes, so not none), and an exec probe has
a command that no other type would silently ignore.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.probes.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.probes.validate" -}}
{{- $probes := .app.probes | default dict -}}
{{- $type := toString $probes.type -}}
{{- $worker := eq (toString .app.shape) "worker" -}}
{{- if and $worker (has $type (list "http" "tcp")) }}
probes.type: a worker (shape: worker) has no port to probe (got {{ $type | quote }}); use exec with probes.command, or none
{{- else if and (not $worker) (eq $type "none") }}
probes.type: none is for shape: worker only (got "none"); a web service needs a readiness probe: use http, tcp or exec
{{- end }}
{{- if and (eq $type "exec") (not $probes.command) }}
probes.command: an exec probe needs a command (got {{ $probes.command | toJson }}); e.g. ["/app/healthcheck"]
{{- else if and (ne $type "exec") $probes.command }}
probes.command: is used only by probes.type exec (got {{ $probes.command | toJson }} with type {{ $type | quote }}); set probes.type: exec or remove it
{{- end }}
{{- end -}}

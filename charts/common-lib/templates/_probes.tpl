{{/*
common-lib.probes.all: liveness, readiness and startup probes on the named port `http`,
HTTP GET on the configured paths, or TCP connect when `type` is tcp.
Input: Probes (dict "type" "http" "liveness" $probe "readiness" $probe "startup" $probe)
Usage:
  {{- include "common-lib.probes.all" .Values.probes | nindent 10 }}
*/}}
{{- define "common-lib.probes.all" -}}
livenessProbe:
  {{- include "common-lib.probes.probe" (dict "type" .type "probe" .liveness) | nindent 2 }}
readinessProbe:
  {{- include "common-lib.probes.probe" (dict "type" .type "probe" .readiness) | nindent 2 }}
startupProbe:
  {{- include "common-lib.probes.probe" (dict "type" .type "probe" .startup) | nindent 2 }}
{{- end -}}

{{/*
common-lib.probes.probe: one probe on the named port `http`.
Input: (dict "type" "http"|"tcp" "probe" {path, periodSeconds, timeoutSeconds, failureThreshold})
Usage:
  {{- include "common-lib.probes.probe" (dict "type" "http" "probe" .Values.probes.liveness) | nindent 2 }}
*/}}
{{- define "common-lib.probes.probe" -}}
{{- $probe := .probe | default dict -}}
{{- if eq (toString .type) "tcp" -}}
tcpSocket:
  port: http
{{- else -}}
httpGet:
  path: {{ $probe.path | default "/" | quote }}
  port: http
{{- end }}
periodSeconds: {{ $probe.periodSeconds | default 10 }}
timeoutSeconds: {{ $probe.timeoutSeconds | default 2 }}
failureThreshold: {{ $probe.failureThreshold | default 3 }}
{{- end -}}

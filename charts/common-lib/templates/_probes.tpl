{{/*
common-lib.probes.all: liveness, readiness and startup probes on the named port `http`,
HTTP GET on the configured paths, or TCP connect when `.Values.probes.type` is tcp.
Usage:
  {{- include "common-lib.probes.all" . | nindent 10 }}
*/}}
{{- define "common-lib.probes.all" -}}
{{- $probes := .Values.probes -}}
livenessProbe:
  {{- include "common-lib.probes.probe" (dict "type" $probes.type "probe" $probes.liveness) | nindent 2 }}
readinessProbe:
  {{- include "common-lib.probes.probe" (dict "type" $probes.type "probe" $probes.readiness) | nindent 2 }}
startupProbe:
  {{- include "common-lib.probes.probe" (dict "type" $probes.type "probe" $probes.startup) | nindent 2 }}
{{- end -}}

{{/*
common-lib.probes.probe: one probe from {type, probe: {path, periodSeconds, timeoutSeconds, failureThreshold}}.
Usage:
  {{- include "common-lib.probes.probe" (dict "type" "http" "probe" .Values.probes.liveness) | nindent 2 }}
*/}}
{{- define "common-lib.probes.probe" -}}
{{- if eq .type "tcp" -}}
tcpSocket:
  port: http
{{- else -}}
httpGet:
  path: {{ .probe.path | default "/" | quote }}
  port: http
{{- end }}
periodSeconds: {{ .probe.periodSeconds | default 10 }}
timeoutSeconds: {{ .probe.timeoutSeconds | default 2 }}
failureThreshold: {{ .probe.failureThreshold | default 3 }}
{{- end -}}

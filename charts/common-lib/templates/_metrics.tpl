{{/*
common-lib.metrics.port: the port that serves metrics: the App's `metrics.port`, or its
`containerPort` when that is 0.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.metrics.port" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.metrics.port" -}}
{{- if and .app.metrics.port (ne (int .app.metrics.port) 0) -}}
{{- .app.metrics.port -}}
{{- else -}}
{{- .app.containerPort -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.metrics.annotations: the `prometheus.io/scrape|port|path` pod annotations when
the App's `metrics.enabled`; nothing otherwise.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{- include "common-lib.metrics.annotations" (dict "context" $ "app" .Values) | nindent 8 }}
*/}}
{{- define "common-lib.metrics.annotations" -}}
{{- if .app.metrics.enabled -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ include "common-lib.metrics.port" . | quote }}
prometheus.io/path: {{ .app.metrics.path | quote }}
{{- end -}}
{{- end -}}

{{/*
common-lib.metrics.containerPort: the `metrics` container port, as a one-item list, when
metrics are served on a port of their own, or by a worker (which has no `http` port);
nothing otherwise.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{- include "common-lib.metrics.containerPort" (dict "context" $ "app" .Values) | nindent 12 }}
*/}}
{{- define "common-lib.metrics.containerPort" -}}
{{- if and .app.metrics.enabled (or (eq (toString .app.shape) "worker") (ne (include "common-lib.metrics.port" .) (toString .app.containerPort))) -}}
- name: metrics
  containerPort: {{ include "common-lib.metrics.port" . }}
  protocol: TCP
{{- end -}}
{{- end -}}

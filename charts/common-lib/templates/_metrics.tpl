{{/*
common-lib.metrics.port: the port that serves metrics: `.Values.metrics.port`, or the
container port when it is 0.
Usage:
  {{ include "common-lib.metrics.port" . }}
*/}}
{{- define "common-lib.metrics.port" -}}
{{- if and .Values.metrics.port (ne (int .Values.metrics.port) 0) -}}
{{- .Values.metrics.port -}}
{{- else -}}
{{- .Values.containerPort -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.metrics.annotations: the `prometheus.io/scrape|port|path` pod annotations when
`.Values.metrics.enabled`; nothing otherwise.
Usage:
  {{- include "common-lib.metrics.annotations" . | nindent 8 }}
*/}}
{{- define "common-lib.metrics.annotations" -}}
{{- if .Values.metrics.enabled -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ include "common-lib.metrics.port" . | quote }}
prometheus.io/path: {{ .Values.metrics.path | quote }}
{{- end -}}
{{- end -}}

{{/*
common-lib.metrics.containerPort: the extra `metrics` container port, when metrics are
served on a port of their own.
Usage:
  {{- include "common-lib.metrics.containerPort" . | nindent 12 }}
*/}}
{{- define "common-lib.metrics.containerPort" -}}
{{- if and .Values.metrics.enabled (ne (include "common-lib.metrics.port" .) (toString .Values.containerPort)) -}}
- name: metrics
  containerPort: {{ include "common-lib.metrics.port" . }}
  protocol: TCP
{{- end -}}
{{- end -}}

{{/*
common-lib.servicemonitor: a prometheus-operator ServiceMonitor, only when
`.Values.metrics.serviceMonitor.enabled`. Installing it needs the monitoring.coreos.com/v1
CRDs; without them `helm install` fails at once, naming the missing kind.
Usage:
  {{- include "common-lib.servicemonitor" (dict "context" . "overrides" (dict)) | nindent 0 }}
*/}}
{{- define "common-lib.servicemonitor" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.servicemonitor.base" "context" .context "overrides" .overrides) -}}
{{- end -}}

{{- define "common-lib.servicemonitor.base" -}}
{{- if and .Values.metrics.enabled .Values.metrics.serviceMonitor.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "common-lib.names.fullname" . | quote }}
  namespace: {{ .Release.Namespace | quote }}
  {{- $labels := include "common-lib.labels.standard" (dict "context" . "component" "app") | fromYaml }}
  {{- $_ := include "common-lib.util.merge" (list $labels .Values.metrics.serviceMonitor.labels) }}
  labels: {{- toYaml $labels | nindent 4 }}
spec:
  selector:
    matchLabels: {{- include "common-lib.labels.selector" (dict "context" . "component" "app") | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  endpoints:
    - port: {{ ternary "http" "metrics" (eq (include "common-lib.metrics.port" .) (toString .Values.containerPort)) }}
      path: {{ .Values.metrics.path | quote }}
      interval: {{ .Values.metrics.serviceMonitor.interval | quote }}
{{- end }}
{{- end -}}

{{/*
common-lib.servicemonitor.validate: a ServiceMonitor belongs to a web service (it selects
a Service; a worker is scraped through the prometheus.io pod annotations); no reserved or
invalid keys in its extra labels; it needs metrics.enabled (else none is rendered).
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.servicemonitor.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.servicemonitor.validate" -}}
{{- $monitor := (.app.metrics | default dict).serviceMonitor | default dict -}}
{{- if and $monitor.enabled (eq (toString .app.shape) "worker") }}
metrics.serviceMonitor.enabled: a worker (shape: worker) has no Service to select (got true); set it to false: metrics.enabled alone adds the prometheus.io scrape annotations
{{- else if and $monitor.enabled (not (.app.metrics | default dict).enabled) }}
metrics.serviceMonitor.enabled: needs metrics.enabled: true (got metrics.enabled {{ (.app.metrics | default dict).enabled | toJson }}); without metrics there is nothing to scrape, and no ServiceMonitor is rendered
{{- end }}
{{- include "common-lib.metadata.validate" (dict "key" "metrics.serviceMonitor.labels" "values" $monitor.labels "kind" "labels") | nindent 0 }}
{{- end -}}

{{/*
common-lib.servicemonitor.validate: no reserved or invalid keys in the ServiceMonitor's
extra labels.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.servicemonitor.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.servicemonitor.validate" -}}
{{- include "common-lib.metadata.validate" (dict "key" "metrics.serviceMonitor.labels" "values" ((.app.metrics | default dict).serviceMonitor | default dict).labels "kind" "labels") | nindent 0 }}
{{- end -}}

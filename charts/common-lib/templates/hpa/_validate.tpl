{{/*
common-lib.hpa.validate: an enabled autoscaler has its bounds in order.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.hpa.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.hpa.validate" -}}
{{- $hpa := .app.autoscaling -}}
{{- if and $hpa.enabled (gt (int $hpa.minReplicas) (int $hpa.maxReplicas)) }}
autoscaling.minReplicas: must be at most autoscaling.maxReplicas (got minReplicas={{ $hpa.minReplicas }}, maxReplicas={{ $hpa.maxReplicas }})
{{- end }}
{{- end -}}

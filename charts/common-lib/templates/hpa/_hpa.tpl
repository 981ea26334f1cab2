{{/*
common-lib.hpa: an autoscaling/v2 HorizontalPodAutoscaler for the Deployment, when the
App's `autoscaling.enabled` (the Deployment then omits `replicas`, so upgrades never
fight the HPA).
Input: (dict "context" $ "app" $app "overrides" {..})
Usage:
  {{- include "common-lib.hpa" (dict "context" . "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.hpa" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.hpa.base" "input" .) -}}
{{- end -}}

{{- define "common-lib.hpa.base" -}}
{{- $hpa := .app.autoscaling -}}
{{- if $hpa.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "common-lib.names.fullname" . | quote }}
  namespace: {{ .context.Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" .context "app" .app "component" "app") | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "common-lib.names.fullname" . | quote }}
  minReplicas: {{ $hpa.minReplicas }}
  maxReplicas: {{ $hpa.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $hpa.targetCPUUtilizationPercentage }}
    {{- with $hpa.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end }}
{{- end -}}

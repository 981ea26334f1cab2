{{/*
common-lib.hpa: an autoscaling/v2 HorizontalPodAutoscaler for the Deployment, when
`autoscaling.enabled` (the Deployment then omits `replicas`, so upgrades never fight the HPA).
Usage:
  {{- include "common-lib.hpa" (dict "context" . "overrides" (dict)) | nindent 0 }}
*/}}
{{- define "common-lib.hpa" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.hpa.base" "context" .context "overrides" .overrides) -}}
{{- end -}}

{{- define "common-lib.hpa.base" -}}
{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "common-lib.names.fullname" . | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" . "component" "app") | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "common-lib.names.fullname" . | quote }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
    {{- with .Values.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end }}
{{- end -}}

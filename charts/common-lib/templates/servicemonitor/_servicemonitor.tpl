{{/*
common-lib.servicemonitor: a prometheus-operator ServiceMonitor, only when the App's
`metrics.enabled` and `metrics.serviceMonitor.enabled`. Installing it needs the
monitoring.coreos.com/v1 CRDs; without them `helm install` fails at once, naming the kind.
Input: (dict "context" $ "app" $app "overrides" {..})
Usage:
  {{- include "common-lib.servicemonitor" (dict "context" . "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.servicemonitor" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.servicemonitor.base" "input" .) -}}
{{- end -}}

{{- define "common-lib.servicemonitor.base" -}}
{{- $metrics := .app.metrics -}}
{{- if and $metrics.enabled $metrics.serviceMonitor.enabled }}
{{- $scope := dict "context" .context "app" .app "component" "app" }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "common-lib.names.fullname" . | quote }}
  namespace: {{ .context.Release.Namespace | quote }}
  {{- $labels := include "common-lib.labels.standard" $scope | fromYaml }}
  {{- $_ := include "common-lib.util.merge" (list $labels $metrics.serviceMonitor.labels) }}
  labels: {{- include "common-lib.util.quotedMap" $labels | nindent 4 }}
spec:
  selector:
    matchLabels: {{- include "common-lib.labels.selector" $scope | nindent 6 }}
  namespaceSelector:
    matchNames:
      - {{ .context.Release.Namespace }}
  endpoints:
    - port: {{ ternary "http" "metrics" (eq (include "common-lib.metrics.port" .) (toString .app.containerPort)) }}
      path: {{ $metrics.path | quote }}
      interval: {{ $metrics.serviceMonitor.interval | quote }}
{{- end }}
{{- end -}}

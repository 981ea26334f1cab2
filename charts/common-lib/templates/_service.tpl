{{/*
common-lib.service: the Service in front of the app pods: `service.port` forwards to the
container's named port `http` (and `metrics` when metrics have a port of their own).
Usage:
  {{- include "common-lib.service" (dict "context" . "overrides" (dict)) | nindent 0 }}
*/}}
{{- define "common-lib.service" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.service.base" "context" .context "overrides" .overrides) -}}
{{- end -}}

{{- define "common-lib.service.base" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "common-lib.names.fullname" . | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" . "component" "app") | nindent 4 }}
  {{- with .Values.service.annotations }}
  annotations: {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .Values.service.type }}
  selector: {{- include "common-lib.labels.selector" (dict "context" . "component" "app") | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
    {{- if include "common-lib.metrics.containerPort" . }}
    - name: metrics
      port: {{ include "common-lib.metrics.port" . }}
      targetPort: metrics
      protocol: TCP
    {{- end }}
{{- end -}}

{{/*
common-lib.service: the Service in front of the app pods: the App's `service.port`
forwards to the container's named port `http`, each of the App's `ports` is exposed on its
own number (and `metrics` when metrics have a port of their own). A worker (`shape: worker`) has none.
Input: (dict "context" $ "app" $app "overrides" {..})
Usage:
  {{- include "common-lib.service" (dict "context" . "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.service" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.service.base" "input" .) -}}
{{- end -}}

{{- define "common-lib.service.base" -}}
{{- if ne (toString .app.shape) "worker" -}}
{{- $scope := dict "context" .context "app" .app "component" "app" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "common-lib.names.fullname" . | quote }}
  namespace: {{ .context.Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" $scope | nindent 4 }}
  {{- with .app.service.annotations }}
  annotations: {{- include "common-lib.util.quotedMap" . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .app.service.type }}
  selector: {{- include "common-lib.labels.selector" $scope | nindent 4 }}
  ports:
    - name: http
      port: {{ .app.service.port }}
      targetPort: http
      protocol: TCP
    {{- with include "common-lib.ports.service" . | trim }}
    {{- . | nindent 4 }}
    {{- end }}
    {{- if include "common-lib.metrics.containerPort" . }}
    - name: metrics
      port: {{ include "common-lib.metrics.port" . }}
      targetPort: metrics
      protocol: TCP
    {{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.ingress: a networking.k8s.io/v1 Ingress to the Service, when `ingress.enabled`.
TLS Secrets are referenced by name, never created here.
Usage:
  {{- include "common-lib.ingress" (dict "context" . "overrides" (dict)) | nindent 0 }}
*/}}
{{- define "common-lib.ingress" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.ingress.base" "context" .context "overrides" .overrides) -}}
{{- end -}}

{{- define "common-lib.ingress.base" -}}
{{- if .Values.ingress.enabled }}
{{- $service := include "common-lib.names.fullname" . }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $service | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" . "component" "app") | nindent 4 }}
  {{- with .Values.ingress.annotations }}
  annotations: {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .Values.ingress.className }}
  ingressClassName: {{ . | quote }}
  {{- end }}
  {{- with .Values.ingress.tls }}
  tls: {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    {{- range .Values.ingress.hosts }}
    - host: {{ .host | quote }}
      http:
        paths:
          {{- range (.paths | default (list (dict "path" "/" "pathType" "Prefix"))) }}
          - path: {{ .path | quote }}
            pathType: {{ .pathType | default "Prefix" }}
            backend:
              service:
                name: {{ $service | quote }}
                port:
                  name: http
          {{- end }}
    {{- end }}
{{- end }}
{{- end -}}

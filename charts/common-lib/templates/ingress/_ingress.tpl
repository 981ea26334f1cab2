{{/*
common-lib.ingress: a networking.k8s.io/v1 Ingress to the Service, when the App's
`ingress.enabled`. TLS Secrets are referenced by name, never created here.
Input: (dict "context" $ "app" $app "overrides" {..})
Usage:
  {{- include "common-lib.ingress" (dict "context" . "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.ingress" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.ingress.base" "input" .) -}}
{{- end -}}

{{- define "common-lib.ingress.base" -}}
{{- $ingress := .app.ingress -}}
{{- if $ingress.enabled }}
{{- $service := include "common-lib.names.fullname" . }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $service | quote }}
  namespace: {{ .context.Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" .context "app" .app "component" "app") | nindent 4 }}
  {{- with $ingress.annotations }}
  annotations: {{- include "common-lib.util.quotedMap" . | nindent 4 }}
  {{- end }}
spec:
  {{- with $ingress.className }}
  ingressClassName: {{ . | quote }}
  {{- end }}
  {{- with $ingress.tls }}
  tls: {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    {{- range $ingress.hosts }}
    - {{- with .host }}
      host: {{ . | quote }}
      {{- end }}
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

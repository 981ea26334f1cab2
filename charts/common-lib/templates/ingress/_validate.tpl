{{/*
common-lib.ingress.validate: an enabled Ingress has at least one host.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.ingress.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.ingress.validate" -}}
{{- if and .app.ingress.enabled (not .app.ingress.hosts) }}
ingress.hosts: needs at least one host when ingress.enabled is true (got []); e.g. [{host: orders.example.com}]
{{- end }}
{{- end -}}

{{/*
common-lib.service.validate: the Service's name is a DNS-1035 label (it starts with a
letter: Kubernetes refuses a Service name such as "1orders"); a separate metrics port is
not the Service port; no reserved annotation keys.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.service.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.service.validate" -}}
{{- $name := include "common-lib.names.fullname" . -}}
{{- if not (regexMatch "^[a-z]([-a-z0-9]*[a-z0-9])?$" $name) }}
{{ ternary "fullnameOverride" "nameOverride" (not (empty .app.fullnameOverride)) }}: the object name {{ $name | quote }} (from the release name {{ .context.Release.Name | quote }} and this key) must start with a letter, as Service names do (got {{ ternary .app.fullnameOverride .app.nameOverride (not (empty .app.fullnameOverride)) | quote }}); e.g. orders, or name the release so that it starts with a letter
{{- end }}
{{- if and (include "common-lib.metrics.containerPort" .) (eq (include "common-lib.metrics.port" .) (toString .app.service.port)) }}
metrics.port: is also the Service port service.port (got {{ .app.metrics.port }}); serve metrics on another port, or on containerPort (metrics.port: 0)
{{- end }}
{{- include "common-lib.metadata.validate" (dict "key" "service.annotations" "values" .app.service.annotations "kind" "annotations") | nindent 0 }}
{{- end -}}

{{/*
common-lib.service.validate: the Service's name is a DNS-1035 label (it starts with a
letter: Kubernetes refuses a Service name such as "1orders"); a separate metrics port is
not the Service port; no reserved annotation keys. A worker has no Service, so only the
last applies.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.service.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.service.validate" -}}
{{- $name := include "common-lib.names.fullname" . -}}
{{- $web := ne (toString .app.shape) "worker" -}}
{{- if and $web (not (regexMatch "^[a-z]([-a-z0-9]*[a-z0-9])?$" $name)) }}
{{ ternary "fullnameOverride" "nameOverride" (not (empty .app.fullnameOverride)) }}: the object name {{ $name | quote }} (from {{ ternary "this key" (printf "the release name %q and this key" .context.Release.Name) (not (empty .app.fullnameOverride)) }}) is not a valid Service name (got {{ ternary .app.fullnameOverride .app.nameOverride (not (empty .app.fullnameOverride)) | quote }}); a DNS-1035 label: a lower-case letter first, then lower-case letters, digits and "-". Set fullnameOverride, or choose such a release name
{{- end }}
{{- if and $web (include "common-lib.metrics.containerPort" .) (eq (include "common-lib.metrics.port" .) (toString .app.service.port)) }}
metrics.port: is also the Service port service.port (got {{ .app.metrics.port }}); serve metrics on another port, or on containerPort (metrics.port: 0)
{{- end }}
{{- include "common-lib.metadata.validate" (dict "key" "service.annotations" "values" .app.service.annotations "kind" "annotations") | nindent 0 }}
{{- end -}}

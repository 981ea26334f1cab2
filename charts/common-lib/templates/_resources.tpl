{{/*
common-lib.resources.container: a container's resources: the given map, or
`.Values.resources` when it is empty. Requests are always required (see _validate.tpl).
Usage:
  resources: {{- include "common-lib.resources.container" (dict "context" . "resources" .Values.migration.resources) | nindent 12 }}
*/}}
{{- define "common-lib.resources.container" -}}
{{- toYaml (.resources | default .context.Values.resources) -}}
{{- end -}}

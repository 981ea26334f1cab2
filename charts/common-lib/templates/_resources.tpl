{{/*
common-lib.resources.container: a container's resources: its own map, or the fallback
when it has none (the migration falls back to the app's resources).
Input: (dict "resources" $own "fallback" $fallback)
Usage:
  resources: {{- include "common-lib.resources.container" (dict "resources" .Values.migration.resources "fallback" .Values.resources) | nindent 12 }}
*/}}
{{- define "common-lib.resources.container" -}}
{{- toYaml (.resources | default .fallback | default dict) -}}
{{- end -}}

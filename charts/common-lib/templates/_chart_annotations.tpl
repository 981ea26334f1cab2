{{/*
common-lib.metadata.validateChartAnnotations: one line per podAnnotations key that the
chart sets itself and would silently overwrite: checksum/config (the config rollout), and
the prometheus.io scrape annotations while metrics.enabled.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{- include "common-lib.metadata.validateChartAnnotations" (dict "context" $ "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.metadata.validateChartAnnotations" -}}
{{- $owned := dict "checksum/config" "the checksum of config, which rolls the pods when config changes: remove it" -}}
{{- range $name, $_ := include "common-lib.metrics.annotations" . | fromYaml | default dict }}{{ $_ := set $owned $name "set from metrics.enabled: use metrics.port and metrics.path, or set metrics.enabled: false" }}{{ end -}}
{{- range $name := keys ($.app.podAnnotations | default dict) | sortAlpha }}
{{- if hasKey $owned $name }}
podAnnotations.{{ $name }}: is set by the chart and would be overwritten (got {{ get $.app.podAnnotations $name | toJson }}); it is {{ get $owned $name }}
{{- end }}
{{- end }}
{{- end -}}

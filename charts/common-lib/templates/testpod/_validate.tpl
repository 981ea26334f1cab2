{{/*
common-lib.testpod.validate: an enabled `helm test` pod as it will be rendered
(common-lib.pod.validate over common-lib.testpod.podInput), its image above all.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.testpod.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.testpod.validate" -}}
{{- $tests := .app.tests -}}
{{- if $tests.enabled }}
{{- $in := dict }}
{{- $_ := include "common-lib.testpod.podInput" (dict "context" .context "app" .app "out" $in) }}
{{- include "common-lib.pod.validate" $in | nindent 0 }}
{{- end }}
{{- end -}}

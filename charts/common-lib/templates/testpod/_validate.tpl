{{/*
common-lib.testpod.validate: an enabled `helm test` pod has an image with a tag or a digest.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.testpod.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.testpod.validate" -}}
{{- $tests := .app.tests -}}
{{- if $tests.enabled }}
{{- $image := $tests.image | default dict }}
{{- if or (not $image.repository) (and (not $image.tag) (not $image.digest)) }}
tests.image: needs a repository and a tag or digest when tests.enabled is true (got {{ $image | toJson }}); e.g. {repository: busybox, tag: "1.37.0"}
{{- end }}
{{- end }}
{{- end -}}

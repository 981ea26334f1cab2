{{/*
common-lib.testpod.validate: an enabled `helm test` pod. Its image and pull secrets are
the parts the values choose; the rest of the pod (restricted security, fixed resources, the command
against the Service) is written by common-lib.testpod.podInput, so checking it on every
render would only cost time: the invariants and the admission tests cover it instead.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.testpod.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.testpod.validate" -}}
{{- $tests := .app.tests | default dict -}}
{{- if $tests.enabled }}
{{- include "common-lib.images.validate" (dict "key" "tests.image" "image" $tests.image) | nindent 0 }}
{{- include "common-lib.pod.validatePullSecrets" (dict "keys" (dict "imagePullSecrets" "tests.imagePullSecrets") "secrets" $tests.imagePullSecrets) | nindent 0 }}
{{- end }}
{{- end -}}

{{/*
common-lib.configmap.validate: no secret-looking names in the App's `config` (they must
come from secretEnv or an ExternalSecret).
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.configmap.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.configmap.validate" -}}
{{- include "common-lib.validate.noSecretNames" (dict "key" "config" "values" .app.config "reference" "secretEnv") | nindent 0 -}}
{{- end -}}

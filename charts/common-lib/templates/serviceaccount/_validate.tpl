{{/*
common-lib.serviceaccount.validate: no reserved annotation keys on the ServiceAccount (a
hook annotation would leave the pods without their account).
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.serviceaccount.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.serviceaccount.validate" -}}
{{- include "common-lib.metadata.validate" (dict "key" "serviceAccount.annotations" "values" .app.serviceAccount.annotations "kind" "annotations") | nindent 0 }}
{{- end -}}

{{/*
common-lib.serviceaccount: the pods' ServiceAccount, when `serviceAccount.create`. Its
token is not mounted unless `serviceAccount.automountToken` is true.
Usage:
  {{- include "common-lib.serviceaccount" (dict "context" . "overrides" (dict)) | nindent 0 }}
*/}}
{{- define "common-lib.serviceaccount" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.serviceaccount.base" "context" .context "overrides" .overrides) -}}
{{- end -}}

{{- define "common-lib.serviceaccount.base" -}}
{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "common-lib.names.serviceAccount" . | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" . "component" "app") | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations: {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
{{- end }}
{{- end -}}

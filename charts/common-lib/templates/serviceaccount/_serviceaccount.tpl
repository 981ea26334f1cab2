{{/*
common-lib.serviceaccount: the app pods' ServiceAccount, when the App's
`serviceAccount.create`. Its token is not mounted unless `serviceAccount.automountToken`.
Input: (dict "context" $ "app" $app "overrides" {..})
Usage:
  {{- include "common-lib.serviceaccount" (dict "context" . "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.serviceaccount" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.serviceaccount.base" "input" .) -}}
{{- end -}}

{{- define "common-lib.serviceaccount.base" -}}
{{- $sa := .app.serviceAccount -}}
{{- if $sa.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "common-lib.names.serviceAccount" . | quote }}
  namespace: {{ .context.Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" .context "app" .app "component" "app") | nindent 4 }}
  {{- with $sa.annotations }}
  annotations: {{- include "common-lib.util.quotedMap" . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ $sa.automountToken | default false }}
{{- end }}
{{- end -}}

{{/*
common-lib.externalsecret.apiVersion: external-secrets.io/v1, or v1beta1 when the cluster
serves only that (External Secrets Operator before 0.17).
Usage:
  apiVersion: {{ include "common-lib.externalsecret.apiVersion" . }}
*/}}
{{- define "common-lib.externalsecret.apiVersion" -}}
{{- if and (not (.Capabilities.APIVersions.Has "external-secrets.io/v1/ExternalSecret")) (.Capabilities.APIVersions.Has "external-secrets.io/v1beta1/ExternalSecret") -}}
external-secrets.io/v1beta1
{{- else -}}
external-secrets.io/v1
{{- end -}}
{{- end -}}

{{/*
common-lib.externalsecret.secretName: the Secret the operator writes, `<fullname>-external`.
Usage:
  {{ include "common-lib.externalsecret.secretName" . }}
*/}}
{{- define "common-lib.externalsecret.secretName" -}}
{{- include "common-lib.names.suffixed" (dict "context" . "suffix" "external") -}}
{{- end -}}

{{/*
common-lib.externalsecret: an External Secrets Operator ExternalSecret that syncs
`externalSecret.data` from a (Cluster)SecretStore into `<fullname>-external`. The values
only name store paths; no secret material passes through Helm.
Usage:
  {{- include "common-lib.externalsecret" (dict "context" . "overrides" (dict)) | nindent 0 }}
*/}}
{{- define "common-lib.externalsecret" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.externalsecret.base" "context" .context "overrides" .overrides) -}}
{{- end -}}

{{- define "common-lib.externalsecret.base" -}}
{{- if .Values.externalSecret.enabled }}
apiVersion: {{ include "common-lib.externalsecret.apiVersion" . }}
kind: ExternalSecret
metadata:
  name: {{ include "common-lib.names.fullname" . | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" . "component" "app") | nindent 4 }}
spec:
  refreshInterval: {{ .Values.externalSecret.refreshInterval | quote }}
  secretStoreRef:
    name: {{ .Values.externalSecret.secretStoreRef.name | quote }}
    kind: {{ .Values.externalSecret.secretStoreRef.kind | quote }}
  target:
    name: {{ include "common-lib.externalsecret.secretName" . | quote }}
    creationPolicy: Owner
  data: {{- toYaml .Values.externalSecret.data | nindent 4 }}
{{- end }}
{{- end -}}

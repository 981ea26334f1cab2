{{/*
common-lib.externalsecret.apiVersion: external-secrets.io/v1, or v1beta1 when the cluster
serves only that (External Secrets Operator before 0.17).
Input: (dict "context" $)
Usage:
  apiVersion: {{ include "common-lib.externalsecret.apiVersion" (dict "context" $) }}
*/}}
{{- define "common-lib.externalsecret.apiVersion" -}}
{{- $api := .context.Capabilities.APIVersions -}}
{{- if and (not ($api.Has "external-secrets.io/v1/ExternalSecret")) ($api.Has "external-secrets.io/v1beta1/ExternalSecret") -}}
external-secrets.io/v1beta1
{{- else -}}
external-secrets.io/v1
{{- end -}}
{{- end -}}

{{/*
common-lib.externalsecret.secretName: the Secret the operator writes, `<fullname>-external`.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.externalsecret.secretName" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.externalsecret.secretName" -}}
{{- include "common-lib.names.suffixed" (dict "context" .context "app" .app "suffix" "external") -}}
{{- end -}}

{{/*
common-lib.externalsecret: an External Secrets Operator ExternalSecret that syncs the
App's `externalSecret.data` from a (Cluster)SecretStore into `<fullname>-external`. The
values only name store paths; no secret material passes through Helm.
Input: (dict "context" $ "app" $app "overrides" {..})
Usage:
  {{- include "common-lib.externalsecret" (dict "context" . "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.externalsecret" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.externalsecret.base" "input" .) -}}
{{- end -}}

{{- define "common-lib.externalsecret.base" -}}
{{- $es := .app.externalSecret -}}
{{- if $es.enabled }}
apiVersion: {{ include "common-lib.externalsecret.apiVersion" . }}
kind: ExternalSecret
metadata:
  name: {{ include "common-lib.names.fullname" . | quote }}
  namespace: {{ .context.Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" .context "app" .app "component" "app") | nindent 4 }}
spec:
  refreshInterval: {{ $es.refreshInterval | quote }}
  secretStoreRef:
    name: {{ $es.secretStoreRef.name | quote }}
    kind: {{ $es.secretStoreRef.kind | quote }}
  target:
    name: {{ include "common-lib.externalsecret.secretName" . | quote }}
    creationPolicy: Owner
  data: {{- toYaml $es.data | nindent 4 }}
{{- end }}
{{- end -}}

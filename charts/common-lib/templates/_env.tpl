{{/*
common-lib.env.vars: a container's `env` list from plain values and Secret references,
plain values first, then Secret references, each sorted by name. Secrets are only ever
referenced (secretKeyRef), never written.
Input: (dict "env" {NAME: value} "secretEnv" {NAME: {secretName, key}})
Usage:
  env: {{- include "common-lib.env.vars" (dict "env" .Values.env "secretEnv" .Values.secretEnv) | nindent 12 }}
*/}}
{{- define "common-lib.env.vars" -}}
{{- $vars := list -}}
{{- range $name, $value := .env | default dict -}}
{{- $vars = append $vars (dict "name" $name "value" (include "common-lib.util.string" $value)) -}}
{{- end -}}
{{- range $name, $ref := .secretEnv | default dict -}}
{{- $vars = append $vars (dict "name" $name "valueFrom" (dict "secretKeyRef" (dict "name" $ref.secretName "key" $ref.key))) -}}
{{- end -}}
{{- toYaml $vars -}}
{{- end -}}

{{/*
common-lib.env.from: the `envFrom` list of the app's own configuration: the ConfigMap
(when the App has `config`) and the ExternalSecret's Secret (when it is enabled).
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{- $envFrom := include "common-lib.env.from" (dict "context" $ "app" .Values) | fromYamlArray }}
*/}}
{{- define "common-lib.env.from" -}}
{{- $envFrom := list -}}
{{- if .app.config -}}
{{- $envFrom = append $envFrom (dict "configMapRef" (dict "name" (include "common-lib.names.suffixed" (dict "context" .context "app" .app "suffix" "config")))) -}}
{{- end -}}
{{- if .app.externalSecret.enabled -}}
{{- $envFrom = append $envFrom (dict "secretRef" (dict "name" (include "common-lib.externalsecret.secretName" .))) -}}
{{- end -}}
{{- toYaml $envFrom -}}
{{- end -}}

{{/*
common-lib.env.vars: a container's `env` list from a map of plain values, Secret
references and downward-API fields: the downward-API variables, then the Secret
references, each sorted by name, then the plain values (common-lib.env.order: by name,
each after the plain variables it uses), so a plain value can use any of them as
$(POD_NAME) or $(DB_PASSWORD): Kubernetes expands only variables listed earlier.
Secrets are only ever referenced (secretKeyRef), never written. A downward field is a pod
field (fieldRef) or one of the container's own requests and limits (resourceFieldRef).
Input: (dict "env" {NAME: value} "secretEnv" {NAME: {secretName, key}} "downwardEnv" {NAME: field})
Usage:
  env: {{- include "common-lib.env.vars" (dict "env" .Values.env "secretEnv" .Values.secretEnv "downwardEnv" .Values.downwardEnv) | nindent 12 }}
*/}}
{{- define "common-lib.env.vars" -}}
{{- $vars := list -}}
{{- range $name, $field := .downwardEnv | default dict -}}
{{- $source := dict "fieldRef" (dict "fieldPath" $field) -}}
{{- if regexMatch "^(limits|requests)\\." (toString $field) -}}
{{- $source = dict "resourceFieldRef" (dict "resource" $field) -}}
{{- end -}}
{{- $vars = append $vars (dict "name" $name "valueFrom" $source) -}}
{{- end -}}
{{- range $name, $ref := .secretEnv | default dict -}}
{{- $vars = append $vars (dict "name" $name "valueFrom" (dict "secretKeyRef" (dict "name" $ref.secretName "key" $ref.key))) -}}
{{- end -}}
{{- $env := .env | default dict -}}
{{- range $name := (include "common-lib.env.order" $env | fromJson).order -}}
{{- $vars = append $vars (dict "name" $name "value" (include "common-lib.util.string" (get $env $name))) -}}
{{- end -}}
{{- /* Every name and value double-quoted, so that no YAML 1.1 reader turns a value such
as "=" or "<<" into a tag or a merge key. */ -}}
{{- $lines := list -}}
{{- range $vars -}}
{{- if hasKey . "value" -}}
{{- $lines = append $lines (printf "- name: %s\n  value: %s" (quote .name) (quote .value)) -}}
{{- else -}}
{{- $lines = append $lines (printf "- name: %s\n  valueFrom:%s" (quote .name) (toYaml .valueFrom | nindent 4)) -}}
{{- end -}}
{{- end -}}
{{- join "\n" $lines -}}
{{- end -}}

{{/*
common-lib.env.downwardFields: the downward-API fields an environment variable can read,
one per line: pod fields (fieldRef; labels and annotations as metadata.labels['key']) and
the container's own requests and limits (resourceFieldRef).
Input: none
Usage:
  {{- $fields := include "common-lib.env.downwardFields" dict | splitList "\n" }}
*/}}
{{- define "common-lib.env.downwardFields" -}}
metadata.name
metadata.namespace
metadata.uid
spec.nodeName
spec.serviceAccountName
status.podIP
status.podIPs
status.hostIP
status.hostIPs
limits.cpu
limits.memory
limits.ephemeral-storage
requests.cpu
requests.memory
requests.ephemeral-storage
limits.hugepages-<size>
requests.hugepages-<size>
{{- end -}}

{{/*
common-lib.env.sources: the App's `envFrom` (existing ConfigMaps and Secrets by name) as
Kubernetes EnvFromSources, in the order given.
Input: the App's envFrom list ([{configMap: name} | {secret: name}, each with an optional prefix])
Usage:
  {{- $envFrom = concat $envFrom (include "common-lib.env.sources" $app.envFrom | fromYamlArray) }}
*/}}
{{- define "common-lib.env.sources" -}}
{{- $sources := list -}}
{{- range . | default list -}}
{{- $source := dict -}}
{{- if .configMap -}}
{{- $source = dict "configMapRef" (dict "name" .configMap) -}}
{{- else -}}
{{- $source = dict "secretRef" (dict "name" .secret) -}}
{{- end -}}
{{- with .prefix }}{{ $_ := set $source "prefix" . }}{{ end -}}
{{- $sources = append $sources $source -}}
{{- end -}}
{{- toYaml $sources -}}
{{- end -}}

{{/*
common-lib.env.from: the `envFrom` list of the app's own configuration: the ConfigMap
(when the App has `config` and does not mount it as files), the ExternalSecret's Secret
(when it is enabled), then the App's `envFrom` sources (common-lib.env.sources).
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{- $envFrom := include "common-lib.env.from" (dict "context" $ "app" .Values) | fromYamlArray }}
*/}}
{{- define "common-lib.env.from" -}}
{{- $envFrom := list -}}
{{- if and .app.config (not .app.configMountPath) -}}
{{- $envFrom = append $envFrom (dict "configMapRef" (dict "name" (include "common-lib.names.suffixed" (dict "context" .context "app" .app "suffix" "config")))) -}}
{{- end -}}
{{- if .app.externalSecret.enabled -}}
{{- $envFrom = append $envFrom (dict "secretRef" (dict "name" (include "common-lib.externalsecret.secretName" .))) -}}
{{- end -}}
{{- $envFrom = concat $envFrom (include "common-lib.env.sources" .app.envFrom | fromYamlArray) -}}
{{- toYaml $envFrom -}}
{{- end -}}

{{/*
common-lib.env.configFiles: the directory where the App's `config` is mounted as files
(`configMountPath`, when there is config), after setting the Pod's `configMap` so
common-lib.pod.spec adds the volume `config`; nothing when config is environment variables.
Input: (dict "context" $ "app" $app "pod" $pod)
Usage:
  {{- $configPath := include "common-lib.env.configFiles" (dict "context" $ "app" .Values "pod" $pod) }}
*/}}
{{- define "common-lib.env.configFiles" -}}
{{- if and .app.config .app.configMountPath -}}
{{- $_ := set .pod "configMap" (include "common-lib.names.suffixed" (dict "context" .context "app" .app "suffix" "config")) -}}
{{- .app.configMountPath -}}
{{- end -}}
{{- end -}}

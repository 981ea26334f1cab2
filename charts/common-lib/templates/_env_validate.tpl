{{/*
common-lib.env.validateSources: one line per problem with the App's `envFrom`: each entry
names exactly one existing ConfigMap or Secret (a DNS-1123 subdomain), once, and not the
chart's own ConfigMap or ExternalSecret target while the chart reads them already (the
ConfigMap may be listed when its files are mounted at `configMountPath`); a prefix is a
variable name.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.env.validateSources" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.env.validateSources" -}}
{{- $scope := . -}}
{{- $seen := dict -}}
{{- if and .app.config (not .app.configMountPath) }}{{ $_ := set $seen (printf "configMap/%s" (include "common-lib.names.suffixed" (dict "context" .context "app" .app "suffix" "config"))) "config (the chart's own ConfigMap)" }}{{ end -}}
{{- if (.app.externalSecret | default dict).enabled }}{{ $_ := set $seen (printf "secret/%s" (include "common-lib.externalsecret.secretName" $scope)) "externalSecret (its target Secret)" }}{{ end -}}
{{- range $i, $source := .app.envFrom | default list }}
{{- $key := printf "envFrom[%d]" $i }}
{{- $kinds := without (list (ternary "configMap" "" (hasKey $source "configMap")) (ternary "secret" "" (hasKey $source "secret"))) "" }}
{{- if ne (len $kinds) 1 }}
{{ $key }}: names {{ len $kinds }} sources (got {{ $source | toJson }}); give exactly one: {configMap: <existing ConfigMap>} or {secret: <existing Secret>}
{{- else }}
{{- $kind := first $kinds }}
{{- $name := toString (index $source $kind) }}
{{- if not (include "common-lib.util.dnsSubdomain" (index $source $kind)) }}
{{ $key }}.{{ $kind }}: is not a {{ $kind }} name (got {{ index $source $kind | toJson }}); a DNS-1123 subdomain of at most 253 characters, e.g. orders-settings
{{- else if hasKey $seen (printf "%s/%s" $kind $name) }}
{{ $key }}.{{ $kind }}: {{ $name | quote }} is already read by {{ get $seen (printf "%s/%s" $kind $name) }}; list each source once
{{- end }}
{{- $_ := set $seen (printf "%s/%s" $kind $name) $key }}
{{- end }}
{{- include "common-lib.env.validatePrefix" (dict "key" (printf "%s.prefix" $key) "prefix" $source.prefix) | nindent 0 }}
{{- end }}
{{- end -}}

{{/*
common-lib.env.validatePrefix: one line when an envFrom prefix is not one the API server
accepts (letters, digits, "_", "-" and ".", not starting with a digit); nothing for none.
Input: (dict "key" "envFrom[0].prefix" "prefix" "DB_")
Usage:
  {{- include "common-lib.env.validatePrefix" (dict "key" $key "prefix" $source.prefix) | nindent 0 }}
*/}}
{{- define "common-lib.env.validatePrefix" -}}
{{- if and .prefix (not (regexMatch "^[-._a-zA-Z][-._a-zA-Z0-9]*$" (toString .prefix))) }}
{{ .key }}: is not a variable-name prefix (got {{ .prefix | toJson }}); letters, digits, "_", "-" and ".", not starting with a digit, e.g. DB_
{{- end }}
{{- end -}}

{{/*
common-lib.env.validateDownwardField: one line when a field is not one the downward API
gives to env: a pod field of common-lib.env.downwardFields, a label or annotation by a
valid key (metadata.labels['key']), or, with "resources" true, the container's own
requests and limits (hugepages too). A downwardAPI volume gives other `fields`, named
with `reader` ("volumes").
Input: (dict "key" "downwardEnv.POD" "field" "metadata.name" "resources" true ["fields" (list ..) "reader" "volumes"])
Usage:
  {{- include "common-lib.env.validateDownwardField" (dict "key" $key "field" $field "resources" true) | nindent 0 }}
*/}}
{{- define "common-lib.env.validateDownwardField" -}}
{{- $field := toString .field -}}
{{- $fields := .fields | default (include "common-lib.env.downwardFields" dict | splitList "\n") -}}
{{- if not .resources }}{{ $fields = without $fields "limits.cpu" "limits.memory" "limits.ephemeral-storage" "requests.cpu" "requests.memory" "requests.ephemeral-storage" "limits.hugepages-<size>" "requests.hugepages-<size>" }}{{ end -}}
{{- $metaKey := regexFind "\\['.*'\\]$" $field | trimPrefix "['" | trimSuffix "']" -}}
{{- if and $metaKey (regexMatch "^metadata\\.(labels|annotations)\\[" $field) }}
{{- /* the API server checks an annotation key lower-cased, a label key as written */}}
{{- include "common-lib.metadata.validateLabelKey" (dict "key" .key "name" (ternary (lower $metaKey) $metaKey (hasPrefix "metadata.annotations" $field))) | nindent 0 }}
{{- else if not (or (has $field $fields) (and .resources (regexMatch "^(limits|requests)\\.hugepages-[0-9]+[KMG]i$" $field))) }}
{{ .key }}: is not a field the downward API gives to {{ .reader | default "env" }} (got {{ .field | toJson }}); one of {{ join ", " $fields }}, or metadata.labels['<key>'] / metadata.annotations['<key>']
{{- end }}
{{- end -}}

{{/*
common-lib.container.validateEnvVar: one line per problem with one entry of an `env` list
(a sidecar's or an init container's) beyond its field names, as the API server checks it:
a name of letters, digits, "-", "_" and "." not starting with a digit; a valueFrom with
exactly one source; a configMapKeyRef or secretKeyRef with a resource name and a key; a
fieldRef the downward API serves (common-lib.env.validateDownwardField); a resourceFieldRef
of one of the pod's `containers` (common-lib.container.validateResourceFieldRef).
Input: (dict "key" "sidecars[0].env[0]" "var" {..} "containers" (list "app" "proxy"))
Usage:
  {{- include "common-lib.container.validateEnvVar" (dict "key" $key "var" $var "containers" $names) | nindent 0 }}
*/}}
{{- define "common-lib.container.validateEnvVar" -}}
{{- $var := .var -}}
{{- if kindIs "map" $var }}
{{- if not (regexMatch "^[-._a-zA-Z][-._a-zA-Z0-9]*$" (toString $var.name)) }}
{{ .key }}.name: is not a variable name (got {{ $var.name | toJson }}); letters, digits, "-", "_" and ".", not starting with a digit, e.g. LOG_LEVEL
{{- end }}
{{- if hasKey $var "valueFrom" }}
{{- with $var.valueFrom | default dict }}
{{- $sources := keys (pick (ternary . dict (kindIs "map" .)) "configMapKeyRef" "secretKeyRef" "fieldRef" "resourceFieldRef") | sortAlpha }}
{{- if ne (len $sources) 1 }}
{{ $.key }}.valueFrom: needs exactly one source (got {{ $sources | toJson }}); one of configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef
{{- else if has (first $sources) (list "configMapKeyRef" "secretKeyRef") }}
{{- $ref := get . (first $sources) | default dict }}
{{- if not (include "common-lib.util.dnsSubdomain" $ref.name) }}
{{ $.key }}.valueFrom.{{ first $sources }}.name: is not a resource name (got {{ $ref.name | toJson }}); a DNS-1123 subdomain, e.g. orders-db
{{- else if not (and (kindIs "string" $ref.key) (regexMatch "^[-._a-zA-Z0-9]+$" $ref.key)) }}
{{ $.key }}.valueFrom.{{ first $sources }}.key: is not a key (got {{ $ref.key | toJson }}); letters, digits, "-", "_" and ".", e.g. password
{{- end }}
{{- else if eq (first $sources) "fieldRef" }}
{{- include "common-lib.env.validateDownwardField" (dict "key" (printf "%s.valueFrom.fieldRef.fieldPath" $.key) "field" (.fieldRef | default dict).fieldPath) | nindent 0 }}
{{- else }}
{{- include "common-lib.container.validateResourceFieldRef" (dict "key" (printf "%s.valueFrom.resourceFieldRef" $.key) "ref" .resourceFieldRef "containers" ($.containers | default list)) | nindent 0 }}
{{- end }}
{{- else }}
{{ $.key }}.valueFrom: needs exactly one source (got {}); one of configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.container.validateEnvSource: one line per problem with one entry of an
`envFrom` list (a sidecar's or an init container's) beyond its field names: exactly one of
configMapRef and secretRef, naming a resource by a DNS-1123 subdomain, and a prefix the
API accepts.
Input: (dict "key" "sidecars[0].envFrom[0]" "source" {..})
Usage:
  {{- include "common-lib.container.validateEnvSource" (dict "key" $key "source" $source) | nindent 0 }}
*/}}
{{- define "common-lib.container.validateEnvSource" -}}
{{- $source := .source -}}
{{- if kindIs "map" $source }}
{{- $refs := keys (pick $source "configMapRef" "secretRef") | sortAlpha }}
{{- if ne (len $refs) 1 }}
{{ .key }}: needs exactly one of configMapRef and secretRef (got {{ $refs | toJson }})
{{- else }}
{{- $name := (get $source (first $refs) | default dict).name }}
{{- if not (include "common-lib.util.dnsSubdomain" $name) }}
{{ .key }}.{{ first $refs }}.name: is not a resource name (got {{ $name | toJson }}); a DNS-1123 subdomain, e.g. orders-settings
{{- end }}
{{- end }}
{{- include "common-lib.env.validatePrefix" (dict "key" (printf "%s.prefix" .key) "prefix" $source.prefix) | nindent 0 }}
{{- end }}
{{- end -}}

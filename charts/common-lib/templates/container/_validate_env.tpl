{{/*
common-lib.container.validateEnv: one line per problem with a container's environment:
plain values from a map must be strings (YAML turns an unquoted NO into false and 0022
into 18, so the text as written is lost: quote it); no secret-looking plain names; a name
only once (in an env list; across the maps, common-lib.container.validateEnvNames); no
plain values that use each other in a cycle (common-lib.env.order); env lists and envFrom
checked against the Kubernetes API.
Input: the input of common-lib.container.validate
Usage:
  {{ include "common-lib.container.validateEnv" $in }}
*/}}
{{- define "common-lib.container.validateEnv" -}}
{{- $c := .container -}}
{{- $keys := $c.keys -}}
{{- if kindIs "map" $c.env }}
{{- /* keys.inherited: names taken from another container's env and checked there */}}
{{- $own := deepCopy $c.env }}
{{- range $keys.inherited | default list }}{{ $_ := unset $own . }}{{ end }}
{{- range $name, $value := $own }}
{{- if not (kindIs "string" $value) }}
{{ $keys.env }}.{{ $name }}: is a YAML {{ ternary "boolean" "number" (kindIs "bool" $value) }}, not text (got {{ $value | toJson }}); quote it as you meant it, so it stays exactly as written (YAML reads an unquoted NO as false and 0022 as 18)
{{- end }}
{{- if hasKey ($c.secretEnv | default dict) $name }}
{{ $keys.env }}.{{ $name }}: is also set in {{ $keys.secretEnv }}.{{ $name }}; set it in one place only
{{- end }}
{{- end }}
{{- include "common-lib.validate.noSecretNames" (dict "key" $keys.env "values" $own "reference" $keys.secretEnv) | nindent 0 }}
{{- range (include "common-lib.env.order" $c.env | fromJson).cyclic }}
{{- if hasKey $own . }}
{{ $keys.env }}.{{ . }}: uses variables that use it in turn (got {{ get $c.env . | toJson | trunc 80 }}); Kubernetes expands $(NAME) only from variables listed before, so in a cycle the first keeps the other's $(NAME) as text: break the cycle, or write $$(NAME) for the text
{{- end }}
{{- end }}
{{- include "common-lib.container.validateEnvNames" . | nindent 0 }}
{{- else }}
{{- $seen := dict }}
{{- range $i, $var := $c.env | default list }}
{{- $key := printf "%s[%d]" $keys.env $i }}
{{- $unknown := include "common-lib.fields.check" (dict "context" $.context "key" $key "value" $var "type" "EnvVar") }}
{{- $unknown | nindent 0 }}
{{- if not $unknown }}{{ include "common-lib.container.validateEnvVar" (dict "key" $key "var" $var "containers" $.containerNames) | nindent 0 }}{{ end }}
{{- if and (kindIs "map" $var) (hasKey $seen (toString $var.name)) }}
{{ $key }}.name: {{ $var.name | quote }} is already set by {{ $keys.env }}[{{ get $seen (toString $var.name) }}]; set each variable once
{{- end }}
{{- if kindIs "map" $var }}{{ $_ := set $seen (toString $var.name) $i }}{{ end }}
{{- if and (kindIs "map" $var) (hasKey $var "value") (not (kindIs "string" $var.value)) (not (kindIs "invalid" $var.value)) }}
{{ $key }}.value: is a YAML {{ ternary "boolean" "number" (kindIs "bool" $var.value) }}, not text (got {{ $var.value | toJson }}); quote it as you meant it (YAML reads an unquoted NO as false and 0022 as 18)
{{- else if and (kindIs "map" $var) $var.value $var.valueFrom }}
{{ $key }}: sets both value and valueFrom (got {{ $var | toJson | trunc 80 }}); keep one
{{- else if and (kindIs "map" $var) (hasKey $var "value") (regexMatch "(?i)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)" (toString $var.name)) }}
{{ $key }}.value: {{ $var.name | quote }} looks like a secret and must not be written into values; use valueFrom.secretKeyRef {name: <existing Secret>, key: <key>}
{{- end }}
{{- end }}
{{- end }}
{{- range $i, $source := $c.envFrom | default list }}
{{- if $keys.envFrom }}
{{- $unknown := include "common-lib.fields.check" (dict "context" $.context "key" (printf "%s[%d]" $keys.envFrom $i) "value" $source "type" "EnvFromSource") }}
{{- $unknown | nindent 0 }}
{{- if not $unknown }}{{ include "common-lib.container.validateEnvSource" (dict "key" (printf "%s[%d]" $keys.envFrom $i) "source" $source) | nindent 0 }}{{ end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.container.validateEnv: one line per problem with a container's environment:
plain values from a map must be strings (YAML turns an unquoted NO into false and 0022
into 18, so the text as written is lost: quote it); no secret-looking plain names; a name
only once (in env, secretEnv and downwardEnv, or in an env list); a downward field that
the API serves to env (common-lib.env.downwardFields); env lists and envFrom checked
against the Kubernetes API.
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
{{- range $field := list "env" "secretEnv" "downwardEnv" }}
{{- range $name := keys (get $c $field | default dict) }}
{{- if has $name (list "true" "false") }}
{{ get $keys $field }}.{{ $name }}: is what YAML makes of an unquoted key ON, OFF, YES, NO, TRUE or FALSE (got the key {{ $name | quote }}); quote the name as you meant it, e.g. "ON"
{{- end }}
{{- end }}
{{- end }}
{{- $fields := include "common-lib.env.downwardFields" dict | splitList "\n" }}
{{- range $name, $field := $c.downwardEnv | default dict }}
{{- $metaKey := regexFind "\\['.*'\\]$" (toString $field) | trimPrefix "['" | trimSuffix "']" }}
{{- if and $metaKey (regexMatch "^metadata\\.(labels|annotations)\\[" (toString $field)) }}
{{- include "common-lib.metadata.validate" (dict "key" (printf "%s.%s" $keys.downwardEnv $name) "values" (dict $metaKey "") "kind" "annotations" "reserved" false) | nindent 0 }}
{{- else if not (has (toString $field) $fields) }}
{{ $keys.downwardEnv }}.{{ $name }}: is not a field the downward API gives to env (got {{ $field | toJson }}); one of {{ join ", " $fields }}, or metadata.labels['<key>'] / metadata.annotations['<key>']
{{- end }}
{{- range $other := list "env" "secretEnv" }}
{{- if hasKey (get $c $other | default dict) $name }}
{{ $keys.downwardEnv }}.{{ $name }}: is also set in {{ get $keys $other }}.{{ $name }}; set it in one place only
{{- end }}
{{- end }}
{{- end }}
{{- else }}
{{- $seen := dict }}
{{- range $i, $var := $c.env | default list }}
{{- $key := printf "%s[%d]" $keys.env $i }}
{{- include "common-lib.fields.check" (dict "context" $.context "key" $key "value" $var "type" "EnvVar") | nindent 0 }}
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
{{- include "common-lib.fields.check" (dict "context" $.context "key" (printf "%s[%d]" $keys.envFrom $i) "value" $source "type" "EnvFromSource") | nindent 0 }}
{{- end }}
{{- end }}
{{- end -}}

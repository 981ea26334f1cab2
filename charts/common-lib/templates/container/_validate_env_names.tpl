{{/*
common-lib.container.validateEnvNames: one line per problem with the names of a
container's env maps (`env`, `secretEnv`, `downwardEnv`): no key that YAML has already
made `true` or `false` (an unquoted ON, OFF, YES or NO); a downward field that the API
serves to env (common-lib.env.validateDownwardField);
a downward name not also in env or secretEnv.
Input: the input of common-lib.container.validate
Usage:
  {{- include "common-lib.container.validateEnvNames" $in | nindent 0 }}
*/}}
{{- define "common-lib.container.validateEnvNames" -}}
{{- $c := .container -}}
{{- $keys := $c.keys -}}
{{- range $field := list "env" "secretEnv" "downwardEnv" }}
{{- range $name := keys (get $c $field | default dict) }}
{{- if has $name (list "true" "false") }}
{{ get $keys $field }}.{{ $name }}: is what YAML makes of an unquoted key ON, OFF, YES, NO, TRUE or FALSE (got the key {{ $name | quote }}); quote the name as you meant it, e.g. "ON"
{{- end }}
{{- end }}
{{- end }}
{{- range $name, $field := $c.downwardEnv | default dict }}
{{- include "common-lib.env.validateDownwardField" (dict "key" (printf "%s.%s" $keys.downwardEnv $name) "field" $field "resources" true) | nindent 0 }}
{{- range $other := list "env" "secretEnv" }}
{{- if hasKey (get $c $other | default dict) $name }}
{{ $keys.downwardEnv }}.{{ $name }}: is also set in {{ get $keys $other }}.{{ $name }}; set it in one place only
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.validate.app: runs every kind's rules (templates/<kind>/_validate.tpl, one line
per problem) and fails once, listing them all. Every entry point calls it; it runs once
per App map and render (remembered on the root context by the map's address, so an App
must not be changed after its first use: build another map for another App).
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{- $_ := include "common-lib.validate.app" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.validate.app" -}}
{{- $done := get .context "common-lib.validated" | default dict -}}
{{- $key := printf "%p" .app -}}
{{- if not (hasKey $done $key) -}}
{{- if not (kindIs "map" .app) -}}
{{- fail "common-lib: an entry point needs (dict \"context\" $ \"app\" <the App>), e.g. (dict \"context\" . \"app\" .Values); common-lib 1.x took (dict \"context\" .), see the library's README" -}}
{{- end -}}
{{- /* The App itself is the value: it keeps the map alive, so no later App can be
given the same address within this render. */ -}}
{{- $_ := set $done $key .app -}}
{{- $_ := set .context "common-lib.validated" $done -}}
{{- $messages := list -}}
{{- range $kind := list "deployment" "service" "serviceaccount" "hpa" "pdb" "configmap" "externalsecret" "ingress" "networkpolicy" "servicemonitor" "httproute" "migration" "cronjob" "testpod" -}}
{{- $out := include (printf "common-lib.%s.validate" $kind) $ | trim -}}
{{- if $out -}}
{{- $messages = concat $messages (compact (splitList "\n" $out)) -}}
{{- end -}}
{{- end -}}
{{- if $messages -}}
{{- /* uniq: a fact shared by several pods (the app's resources, which the migration
also falls back to) is reported once. */ -}}
{{- fail (printf "\n\n%s: invalid values:\n  - %s\n" .context.Chart.Name (join "\n  - " (uniq $messages))) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.validate.noSecretNames: one line per key of a plain map whose name looks like a
secret (PASSWORD, TOKEN, API_KEY, ...): such values must be referenced, never written.
Input: (dict "key" "env" "values" {NAME: value} "reference" "secretEnv")
Usage:
  {{ include "common-lib.validate.noSecretNames" (dict "key" "env" "values" .app.env "reference" "secretEnv") }}
*/}}
{{- define "common-lib.validate.noSecretNames" -}}
{{- $ctx := . -}}
{{- range $name, $_ := .values | default dict -}}
{{- if regexMatch "(?i)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)" $name }}
{{ $ctx.key }}.{{ $name }}: looks like a secret and must not be written into values; reference it with {{ $ctx.reference }}.{{ $name }}: {secretName: <existing Secret>, key: <key>} or an ExternalSecret
{{- end }}
{{- end -}}
{{- end -}}

{{/*
common-lib.validate.requests: one line per required resource field that is missing or
zero (requests.cpu and requests.memory; limits.memory when asked for).
Input: (dict "key" "resources" "resources" {..} "fields" (list "requests.cpu" "requests.memory"))
Usage:
  {{ include "common-lib.validate.requests" (dict "key" "resources" "resources" .app.resources "fields" (list "requests.cpu" "requests.memory")) }}
*/}}
{{- define "common-lib.validate.requests" -}}
{{- $key := .key -}}
{{- $r := .resources | default dict -}}
{{- range $field := .fields -}}
{{- $parts := splitList "." $field -}}
{{- $group := get $r (index $parts 0) | default dict -}}
{{- $present := and (kindIs "map" $group) (hasKey $group (index $parts 1)) -}}
{{- $value := ternary (get $group (index $parts 1)) "" $present -}}
{{- if or (not $present) (regexMatch "^0*(\\.0*)?[A-Za-z]*$" (toString $value)) }}
{{ $key }}.{{ $field }}: is required and must be above zero (got {{ if $present }}{{ $value }}{{ else }}none{{ end }}); e.g. {{ ternary "100m" "128Mi" (eq $field "requests.cpu") }}
{{- end }}
{{- end -}}
{{- end -}}

{{/*
common-lib.validate.knownKeys: one line when a map written in values is not a map, or
has a key the chart does not read (a typo would be ignored silently).
Input: (dict "key" "httpRoute.paths[0]" "value" $map "allowed" (list "path" "type"))
Usage:
  {{- include "common-lib.validate.knownKeys" (dict "key" "httpRoute" "value" .app.httpRoute "allowed" (list "enabled")) | nindent 0 }}
*/}}
{{- define "common-lib.validate.knownKeys" -}}
{{- $ctx := . -}}
{{- if not (kindIs "map" .value) }}
{{ .key }}: must be a map (got {{ .value | toJson | trunc 80 }}); its keys: {{ join ", " .allowed }}
{{- else }}
{{- range $name, $v := .value }}
{{- if not (has $name $ctx.allowed) }}
{{ $ctx.key }}.{{ $name }}: is not a key here (got {{ $v | toJson | trunc 60 }}); allowed: {{ join ", " $ctx.allowed }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

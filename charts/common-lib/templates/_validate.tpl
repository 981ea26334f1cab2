{{/*
common-lib.validate.app: runs the rules of every kind against the App, collects every
problem and fails once, listing them all ("<key path>: <problem> (got <value>); <what is
allowed>"). Every object entry point calls it through common-lib.util.object, so a
consumer cannot forget it; it runs once per App and render (remembered on the chart's
root context, keyed by the App's full name). The rules live with their kind, in
templates/<kind>/_validate.tpl, each printing one line per problem.
Input: the scope (dict "context" $ "app" $app)
Usage (only needed by a chart that renders no entry point):
  {{- include "common-lib.validate.app" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.validate.app" -}}
{{- $done := get .context "common-lib.validated" | default dict -}}
{{- $key := include "common-lib.names.fullname" . -}}
{{- if not (hasKey $done $key) -}}
{{- $_ := set $done $key true -}}
{{- $_ := set .context "common-lib.validated" $done -}}
{{- $messages := list -}}
{{- range $kind := list "deployment" "hpa" "pdb" "configmap" "externalsecret" "ingress" "migration" -}}
{{- $out := include (printf "common-lib.%s.validate" $kind) $ | trim -}}
{{- if $out -}}
{{- $messages = concat $messages (compact (splitList "\n" $out)) -}}
{{- end -}}
{{- end -}}
{{- if $messages -}}
{{- fail (printf "\n\n%s: invalid values:\n  - %s\n" .context.Chart.Name (join "\n  - " $messages)) -}}
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

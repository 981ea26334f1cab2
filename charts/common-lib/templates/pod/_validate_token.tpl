{{/*
common-lib.pod.validateToken: one line per problem with a projected serviceAccountToken, as
the API server checks it: a relative path to write it to (that it has one is
common-lib.fields.check's), and a lifetime from 600 seconds to 2^32 seconds.
Input: (dict "key" "extraVolumes[0].projected.sources[0].serviceAccountToken" "token" {..})
Usage:
  {{- include "common-lib.pod.validateToken" (dict "key" $key "token" $source) | nindent 0 }}
*/}}
{{- define "common-lib.pod.validateToken" -}}
{{- $token := .token -}}
{{- if not (include "common-lib.pod.localPath" $token.path) }}
{{ .key }}.path: must be a relative path without ".." that does not start with ".." (got {{ $token.path | toJson }}); e.g. token
{{- end }}
{{- $seconds := include "common-lib.util.string" $token.expirationSeconds }}
{{- if and (hasKey $token "expirationSeconds") (not (and (regexMatch "^[0-9]{3,10}$" $seconds) (ge (float64 $seconds) 600.0) (le (float64 $seconds) 4294967296.0))) }}
{{ .key }}.expirationSeconds: must be a whole number of seconds from 600 to 4294967296 (got {{ $token.expirationSeconds | toJson }}); the API server refuses shorter- and longer-lived tokens
{{- end }}
{{- end -}}

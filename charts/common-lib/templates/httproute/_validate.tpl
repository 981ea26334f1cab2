{{/*
common-lib.httproute.validate: an enabled HTTPRoute belongs to a web service and names at
least one Gateway; only its own keys; hostnames are DNS names (a wildcard
`*.example.com` is fine, an IP address or a port is not), at most 16; at most 64 paths
(none: PathPrefix /), Exact or PathPrefix, each a clean absolute path of URL path characters (the CRD's CEL
rules). RegularExpression is refused: its syntax and meaning differ between Gateway
implementations (RE2, PCRE, ...), so the chart cannot check it, and a pattern that one
Gateway accepts another rejects or matches more widely. No reserved annotation keys.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.httproute.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.httproute.validate" -}}
{{- $route := .app.httpRoute | default dict -}}
{{- if and $route.enabled (eq (toString .app.shape) "worker") }}
httpRoute.enabled: a worker (shape: worker) has no Service to route to (got true); set httpRoute.enabled: false, or shape: web
{{- end }}
{{- include "common-lib.validate.knownKeys" (dict "key" "httpRoute" "value" $route "allowed" (list "enabled" "annotations" "parentRefs" "hostnames" "paths")) | nindent 0 }}
{{- include "common-lib.httproute.validateParents" (dict "enabled" $route.enabled "refs" $route.parentRefs "namespace" .context.Release.Namespace) | nindent 0 }}
{{- $hosts := $route.hostnames | default list }}
{{- if gt (len $hosts) 16 }}
httpRoute.hostnames: at most 16 host names (got {{ len $hosts }}); the Gateway API allows 16 per route: split them over several releases, or use a wildcard such as *.example.com
{{- end }}
{{- range $i, $host := $hosts }}
{{- include "common-lib.routing.hostname" (dict "key" (printf "httpRoute.hostnames[%d]" $i) "value" $host "hint" "or list none to match every host of the Gateway's listener") | nindent 0 }}
{{- end }}
{{- include "common-lib.httproute.validatePaths" (dict "paths" $route.paths) | nindent 0 }}
{{- include "common-lib.metadata.validate" (dict "key" "httpRoute.annotations" "values" $route.annotations "kind" "annotations") | nindent 0 }}
{{- end -}}

{{/*
common-lib.httproute.validatePaths: one line per problem with `httpRoute.paths`, rendered
as the path matches of the route's one rule.
Input: (dict "paths" $route.paths)
Usage:
  {{- include "common-lib.httproute.validatePaths" (dict "paths" .app.httpRoute.paths) | nindent 0 }}
*/}}
{{- define "common-lib.httproute.validatePaths" -}}
{{- $paths := .paths | default list -}}
{{- if gt (len $paths) 64 }}
httpRoute.paths: at most 64 paths (got {{ len $paths }}); the Gateway API allows 64 matches per rule: use a shorter common prefix
{{- end }}
{{- range $i, $m := $paths }}
{{- $key := printf "httpRoute.paths[%d]" $i }}
{{- include "common-lib.validate.knownKeys" (dict "key" $key "value" $m "allowed" (list "path" "type")) | nindent 0 }}
{{- if kindIs "map" $m }}
{{- $type := toString ($m.type | default "PathPrefix") }}
{{- $dirty := include "common-lib.routing.path" (dict "key" (printf "%s.path" $key) "value" $m.path "type" $type) | trim }}
{{- if not (has $type (list "Exact" "PathPrefix")) }}
{{ $key }}.type: must be Exact or PathPrefix (got {{ $m.type | toJson }}); RegularExpression is not accepted: its syntax differs between Gateway implementations, so the chart cannot check it. List the prefixes, or ask the platform team
{{- else if gt (len (toString $m.path)) 1024 }}
{{ $key }}.path: is longer than 1024 characters (got {{ len (toString $m.path) }}); the Gateway API allows at most 1024
{{- else if $dirty }}
{{ $dirty }}
{{- else if not (regexMatch "^([-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F][0-9a-fA-F])+$" (toString $m.path)) }}
{{ $key }}.path: has characters a URL path cannot carry (got {{ $m.path | toJson }}); letters, digits and -/._~!$&'()*+,;=:@, anything else percent-encoded (%20), no "#"
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

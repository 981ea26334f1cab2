{{/*
common-lib.routing.hostname: one line when a host name an Ingress rule or an HTTPRoute
matches is not a DNS name the API server takes: an IP address or a port, upper case, a
wildcard other than the whole leftmost label (`*.example.com`), or more than 253 characters.
Input: (dict "key" "ingress.hosts[0].host" "value" $host "hint" "or leave it out to match every host")
Usage:
  {{- include "common-lib.routing.hostname" (dict "key" "httpRoute.hostnames[0]" "value" $host "hint" "or list none") | nindent 0 }}
*/}}
{{- define "common-lib.routing.hostname" -}}
{{- $host := toString .value -}}
{{- if regexMatch "^[0-9.]+$|:" $host }}
{{ .key }}: must be a DNS name, not an IP address (got {{ .value | toJson }}); e.g. orders.example.com, {{ .hint }}
{{- else if or (gt (len $host) 253) (not (regexMatch "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" $host)) }}
{{ .key }}: is not a DNS name (got {{ .value | toJson | trunc 80 }}); lower-case letters, digits, "-" and ".", at most 253 characters, a wildcard only as the whole first label (*.example.com), e.g. orders.example.com, {{ .hint }}
{{- end }}
{{- end -}}

{{/*
common-lib.routing.path: one line when an Exact or prefix path is not a clean absolute
path, as the API server requires of Ingress paths and the Gateway API CRD of HTTPRoute
paths: it starts with "/", has no "//", "/./", "/../" or "%2F", and does not end in
"/." or "/..".
Input: (dict "key" "ingress.hosts[0].paths[0].path" "value" $path "type" "Prefix")
Usage:
  {{- include "common-lib.routing.path" (dict "key" "httpRoute.paths[0].path" "value" $p "type" "PathPrefix") | nindent 0 }}
*/}}
{{- define "common-lib.routing.path" -}}
{{- $p := toString .value -}}
{{- if or (regexMatch "//|/\\./|/\\.\\./|%2[fF]|/\\.\\.?$" $p) (not (hasPrefix "/" $p)) }}
{{ .key }}: is not a clean absolute path (got {{ $p | quote }}); a {{ .type }} path starts with "/" and has no "//", "/./", "/../" or "%2F", e.g. /api/v1
{{- end }}
{{- end -}}

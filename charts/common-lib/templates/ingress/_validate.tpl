{{/*
common-lib.ingress.validate: an enabled Ingress belongs to a web service and has at least one rule; each host is a DNS
name (a wildcard `*.example.com` is fine, an IP address is not) or empty for every host;
Prefix and Exact paths are clean absolute paths (no "//", "/./", "/../" or encoded "/");
no reserved annotation keys, and no ingress-nginx `*-snippet` annotations: a snippet is
raw nginx configuration that runs in the shared controller, where it can read other
teams' traffic and the controller's credentials (CVE-2021-25742, CVE-2025-1974), and
ingress-nginx refuses them by default since 1.9.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.ingress.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.ingress.validate" -}}
{{- $ingress := .app.ingress -}}
{{- if and $ingress.enabled (eq (toString .app.shape) "worker") }}
ingress.enabled: a worker (shape: worker) has no Service to route to (got true); set ingress.enabled: false, or shape: web
{{- else if and $ingress.enabled (not $ingress.hosts) }}
ingress.hosts: needs at least one host when ingress.enabled is true (got []); e.g. [{host: orders.example.com}]
{{- end }}
{{- range $i, $rule := $ingress.hosts | default list }}
{{- if regexMatch "^[0-9.]+$|:" (toString $rule.host) }}
ingress.hosts[{{ $i }}].host: must be a DNS name, not an IP address (got {{ $rule.host | quote }}); e.g. orders.example.com, or leave it out to match every host
{{- end }}
{{- range $j, $path := $rule.paths | default list }}
{{- $p := toString $path.path }}
{{- if and (ne (toString $path.pathType) "ImplementationSpecific") (or (regexMatch "//|/\\./|/\\.\\./|%2[fF]|/\\.\\.?$" $p) (not (hasPrefix "/" $p))) }}
ingress.hosts[{{ $i }}].paths[{{ $j }}].path: is not a clean absolute path (got {{ $p | quote }}); a {{ $path.pathType | default "Prefix" }} path starts with "/" and has no "//", "/./", "/../" or "%2F", e.g. /api/v1
{{- end }}
{{- end }}
{{- end }}
{{- include "common-lib.metadata.validate" (dict "key" "ingress.annotations" "values" $ingress.annotations "kind" "annotations") | nindent 0 }}
{{- range $name, $_ := $ingress.annotations | default dict }}
{{- if regexMatch "^nginx\\.ingress\\.kubernetes\\.io/.*snippets?$" $name }}
ingress.annotations.{{ $name }}: snippet annotations are not allowed (got a {{ len (get $ingress.annotations $name) }}-character snippet); they inject raw nginx configuration into the shared controller. Use the dedicated ingress-nginx annotations (e.g. proxy-body-size), or ask the platform team
{{- end }}
{{- end }}
{{- end -}}

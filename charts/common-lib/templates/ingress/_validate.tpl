{{/*
common-lib.ingress.validate: an enabled Ingress belongs to a web service and has at least one rule; each host is a DNS
name (a wildcard `*.example.com` is fine, an IP address is not) or empty for every host;
Prefix and Exact paths are clean absolute paths (both common-lib.routing, shared with the HTTPRoute);
no reserved annotation keys, and no ingress-nginx `*-snippet` annotations: a snippet is
raw nginx configuration that runs in the shared controller, where it can read other
teams' traffic and the controller's credentials (CVE-2021-25742, CVE-2025-1974), and
ingress-nginx refuses them by default since 1.9; no `kubernetes.io/ingress.class` annotation
(deprecated: `className` is the field).
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
{{- with $rule.host }}
{{- include "common-lib.routing.hostname" (dict "key" (printf "ingress.hosts[%d].host" $i) "value" . "hint" "or leave it out to match every host") | nindent 0 }}
{{- end }}
{{- range $j, $path := $rule.paths | default list }}
{{- if ne (toString $path.pathType) "ImplementationSpecific" }}
{{- include "common-lib.routing.path" (dict "key" (printf "ingress.hosts[%d].paths[%d].path" $i $j) "value" $path.path "type" ($path.pathType | default "Prefix")) | nindent 0 }}
{{- end }}
{{- end }}
{{- end }}
{{- include "common-lib.metadata.validate" (dict "key" "ingress.annotations" "values" $ingress.annotations "kind" "annotations") | nindent 0 }}
{{- range $name, $_ := $ingress.annotations | default dict }}
{{- if regexMatch "^nginx\\.ingress\\.kubernetes\\.io/.*snippets?$" $name }}
ingress.annotations.{{ $name }}: snippet annotations are not allowed (got a {{ len (get $ingress.annotations $name) }}-character snippet); they inject raw nginx configuration into the shared controller. Use the dedicated ingress-nginx annotations (e.g. proxy-body-size), or ask the platform team
{{- else if eq $name "kubernetes.io/ingress.class" }}
ingress.annotations.{{ $name }}: the class annotation is deprecated, and the API server refuses it when it differs from spec.ingressClassName (got {{ get $ingress.annotations $name | quote }}); set ingress.className: {{ get $ingress.annotations $name | quote }} instead
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.httproute.validateParents: one line per problem with `httpRoute.parentRefs`,
the Gateways (listeners) the route attaches to: at least one when enabled, at most 32;
each with only name, namespace and sectionName; the name a DNS subdomain, the namespace
a DNS label, the sectionName a listener name; and, as the CRD's CEL rules demand, one
Gateway named twice only with a different sectionName each time (a parentRef without a
namespace is in `namespace`, the release's).
Input: (dict "enabled" $route.enabled "refs" $route.parentRefs)
Usage:
  {{- include "common-lib.httproute.validateParents" (dict "enabled" true "refs" .app.httpRoute.parentRefs "namespace" "shop") | nindent 0 }}
*/}}
{{- define "common-lib.httproute.validateParents" -}}
{{- $refs := .refs | default list -}}
{{- if and .enabled (not $refs) }}
httpRoute.parentRefs: needs at least one Gateway when httpRoute.enabled is true (got []); e.g. [{name: shared-gateway, namespace: gateway-system}]
{{- else if gt (len $refs) 32 }}
httpRoute.parentRefs: at most 32 Gateways (got {{ len $refs }}); the Gateway API allows 32 per route
{{- end }}
{{- range $i, $ref := $refs }}
{{- $key := printf "httpRoute.parentRefs[%d]" $i }}
{{- include "common-lib.validate.knownKeys" (dict "key" $key "value" $ref "allowed" (list "name" "namespace" "sectionName")) | nindent 0 }}
{{- if kindIs "map" $ref }}
{{- if not (include "common-lib.util.dnsSubdomain" $ref.name) }}
{{ $key }}.name: is not a Gateway name (got {{ $ref.name | toJson | trunc 80 }}); a DNS subdomain: lower-case letters, digits, "-" and ".", at most 253 characters, e.g. shared-gateway
{{- end }}
{{- if and (hasKey $ref "namespace") (or (gt (len (toString $ref.namespace)) 63) (not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" (toString $ref.namespace)))) }}
{{ $key }}.namespace: is not a namespace name (got {{ $ref.namespace | toJson | trunc 80 }}); a DNS label: lower-case letters, digits and "-", at most 63 characters; leave it out for the release's namespace
{{- end }}
{{- if and (hasKey $ref "sectionName") (not (include "common-lib.util.dnsSubdomain" $ref.sectionName)) }}
{{ $key }}.sectionName: is not a listener name (got {{ $ref.sectionName | toJson | trunc 80 }}); lower-case letters, digits, "-" and ".", at most 253 characters, e.g. https; leave it out for every listener
{{- end }}
{{- range $j, $other := $refs }}
{{- if and (lt $j $i) (kindIs "map" $other) (eq (toString $ref.name) (toString $other.name)) (eq (toString ($ref.namespace | default $.namespace)) (toString ($other.namespace | default $.namespace))) (or (not $ref.sectionName) (not $other.sectionName) (eq (toString $ref.sectionName) (toString $other.sectionName))) }}
{{ $key }}: names the same Gateway as httpRoute.parentRefs[{{ $j }}] (got {{ $ref | toJson | trunc 120 }}); give each entry of one Gateway a different sectionName (a listener), or list the Gateway once
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

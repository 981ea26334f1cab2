{{/*
common-lib.networkpolicy.validate: every `networkPolicy.from` peer as the API server
would see it (fields known, common-lib.fields.check; then common-lib.networkpolicy.peer),
and the egress settings (common-lib.networkpolicy.egress.validate).
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.networkpolicy.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.networkpolicy.validate" -}}
{{- range $i, $peer := .app.networkPolicy.from | default list }}
{{- $key := printf "networkPolicy.from[%d]" $i }}
{{- include "common-lib.fields.check" (dict "context" $.context "key" $key "value" $peer "type" "NetworkPolicyPeer") | nindent 0 }}
{{- include "common-lib.networkpolicy.peer" (dict "key" $key "peer" $peer "empty" "an empty list networkPolicy.from: [] admits every source") | nindent 0 }}
{{- end }}
{{- include "common-lib.networkpolicy.egress.validate" . | nindent 0 }}
{{- end -}}

{{/*
common-lib.networkpolicy.peer: one line per problem of a NetworkPolicyPeer whose fields
are known: at least one of podSelector, namespaceSelector and ipBlock, and ipBlock
alone; label selectors as the API server checks them (common-lib.metadata.validateSelector);
an ipBlock CIDR with a prefix the address family allows, and `except` ranges of the same
family with a longer prefix, inside the CIDR. `empty` says
what to write instead of an empty peer.
Input: (dict "key" "networkPolicy.from[0]" "peer" $peer "empty" "<hint>")
Usage:
  {{- include "common-lib.networkpolicy.peer" (dict "key" $key "peer" $peer "empty" "...") | nindent 0 }}
*/}}
{{- define "common-lib.networkpolicy.peer" -}}
{{- $key := .key }}
{{- $peer := .peer }}
{{- if kindIs "map" $peer }}
{{- $kinds := keys (pick $peer "podSelector" "namespaceSelector" "ipBlock") | sortAlpha }}
{{- if not $kinds }}
{{ $key }}: names no peer (got {{ $peer | toJson }}); set podSelector, namespaceSelector or ipBlock ({{ .empty }})
{{- else if and (has "ipBlock" $kinds) (gt (len $kinds) 1) }}
{{ $key }}.ipBlock: cannot be combined with a selector (got {{ $kinds | toJson }}); use one peer for the ipBlock and another for the selectors
{{- end }}
{{- range $field := list "podSelector" "namespaceSelector" }}
{{- with get $peer $field }}
{{- include "common-lib.metadata.validateSelector" (dict "key" (printf "%s.%s" $key $field) "selector" .) | nindent 0 }}
{{- end }}
{{- end }}
{{- if hasKey $peer "ipBlock" }}
{{- range list ($peer.ipBlock | default dict) }}
{{- $cidr := include "common-lib.networkpolicy.cidr" (toString .cidr) }}
{{- if not $cidr }}
{{ $key }}.ipBlock.cidr: is not a CIDR (got {{ .cidr | toJson }}); e.g. 10.0.0.0/8 (prefix 0-32) or 2001:db8::/32 (prefix 0-128)
{{- end }}
{{- /* a non-list except is reported by common-lib.fields.check */}}
{{- range $j, $except := ternary .except list (kindIs "slice" .except) }}
{{- $e := include "common-lib.networkpolicy.cidr" (toString $except) }}
{{- $inside := and $e $cidr (eq (splitList "/" $e | first) (splitList "/" $cidr | first)) (gt (int (splitList "/" $e | last)) (int (splitList "/" $cidr | last))) }}
{{- $network := ternary "common-lib.networkpolicy.ipv4Network" "common-lib.networkpolicy.ipv6Network" (hasPrefix "4/" $cidr) }}
{{- if $inside }}
{{- $prefix := int (splitList "/" $cidr | last) }}
{{- $inside = eq (include $network (list (toString $except) $prefix)) (include $network (list (toString $peer.ipBlock.cidr) $prefix)) }}
{{- end }}
{{- if not $inside }}
{{ $key }}.ipBlock.except[{{ $j }}]: must be a CIDR of the same family inside {{ $peer.ipBlock.cidr | toJson }}, with a longer prefix (got {{ $except | toJson }})
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

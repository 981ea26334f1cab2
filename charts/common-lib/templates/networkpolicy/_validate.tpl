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
alone; an ipBlock CIDR with a prefix the address family allows, and `except` ranges of
the same family with a longer prefix, inside the CIDR (checked for IPv4). `empty` says
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
{{- with $peer.ipBlock }}
{{- $cidr := include "common-lib.networkpolicy.cidr" (toString .cidr) }}
{{- if not $cidr }}
{{ $key }}.ipBlock.cidr: is not a CIDR (got {{ .cidr | toJson }}); e.g. 10.0.0.0/8 (prefix 0-32) or 2001:db8::/32 (prefix 0-128)
{{- end }}
{{- /* a non-list except is reported by common-lib.fields.check */}}
{{- range $j, $except := ternary .except list (kindIs "slice" .except) }}
{{- $e := include "common-lib.networkpolicy.cidr" (toString $except) }}
{{- $inside := and $e $cidr (eq (splitList "/" $e | first) (splitList "/" $cidr | first)) (gt (int (splitList "/" $e | last)) (int (splitList "/" $cidr | last))) }}
{{- if and $inside (hasPrefix "4/" $cidr) }}
{{- $prefix := int (splitList "/" $cidr | last) }}
{{- $inside = eq (include "common-lib.networkpolicy.ipv4Network" (list (toString $except) $prefix)) (include "common-lib.networkpolicy.ipv4Network" (list (toString $peer.ipBlock.cidr) $prefix)) }}
{{- end }}
{{- if not $inside }}
{{ $key }}.ipBlock.except[{{ $j }}]: must be a CIDR of the same family inside {{ $peer.ipBlock.cidr | toJson }}, with a longer prefix (got {{ $except | toJson }})
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.networkpolicy.cidr: "<family>/<prefix>" (e.g. "4/8") for a valid CIDR, nothing
otherwise.
Input: a string
Usage:
  {{- if include "common-lib.networkpolicy.cidr" "10.0.0.0/8" }}
*/}}
{{- define "common-lib.networkpolicy.cidr" -}}
{{- $octet := "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])" -}}
{{- if regexMatch (printf "^%s(\\.%s){3}/(3[0-2]|[12]?[0-9])$" $octet $octet) . -}}
4/{{ splitList "/" . | last }}
{{- else if and (regexMatch "^[0-9a-fA-F:]*:[0-9a-fA-F:]*/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$" .) (le (len (regexFindAll "::" . -1)) 1) -}}
6/{{ splitList "/" . | last }}
{{- end -}}
{{- end -}}

{{/*
common-lib.networkpolicy.ipv4Network: the network number of an IPv4 address under a
prefix length (the address shifted right by 32 - prefix bits), to compare two ranges.
Input: (list "10.1.2.3/16" 8)
Usage:
  {{ include "common-lib.networkpolicy.ipv4Network" (list "10.1.2.3/16" 8) }}
*/}}
{{- define "common-lib.networkpolicy.ipv4Network" -}}
{{- $octets := splitList "." (index . 0 | splitList "/" | first) -}}
{{- $address := add (mul (atoi (index $octets 0)) 16777216) (mul (atoi (index $octets 1)) 65536) (mul (atoi (index $octets 2)) 256) (atoi (index $octets 3)) -}}
{{- $size := 1 -}}
{{- range until (int (sub 32 (index . 1))) }}{{ $size = mul $size 2 }}{{ end -}}
{{- div $address $size -}}
{{- end -}}

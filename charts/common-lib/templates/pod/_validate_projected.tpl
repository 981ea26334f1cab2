{{/*
common-lib.pod.validateProjected: one line per problem with a projected volume's sources,
as the API server checks them: each source has exactly one type; a configMap or secret
names its object and has valid items (common-lib.pod.validateItems); downwardAPI items
(common-lib.pod.validateDownwardItems); a serviceAccountToken (common-lib.pod.validateToken);
no two sources write the same path.
Input: (dict "key" "extraVolumes[0].projected" "projected" {..} "containers" (list "app"))
Usage:
  {{- include "common-lib.pod.validateProjected" (dict "key" $key "projected" $v.projected "containers" $names) | nindent 0 }}
*/}}
{{- define "common-lib.pod.validateProjected" -}}
{{- $paths := dict -}}
{{- range $i, $s := ternary .projected.sources list (kindIs "slice" .projected.sources) }}
{{- $key := printf "%s.sources[%d]" $.key $i }}
{{- $types := keys (ternary $s dict (kindIs "map" $s)) | sortAlpha }}
{{- if ne (len $types) 1 }}
{{ $key }}: needs exactly one source type (got {{ $types | toJson }}); one of configMap, secret, downwardAPI, serviceAccountToken
{{- else }}
{{- $type := first $types }}
{{- $source := ternary (get $s $type) dict (kindIs "map" (get $s $type)) }}
{{- if has $type (list "configMap" "secret") }}
{{- if not (include "common-lib.util.dnsSubdomain" $source.name) }}
{{ $key }}.{{ $type }}.name: {{ ternary "is required" "is not an object name" (empty $source.name) }} (got {{ $source.name | toJson }}); the name of an existing {{ ternary "ConfigMap" "Secret" (eq $type "configMap") }} of the namespace, a DNS-1123 subdomain, e.g. orders-settings
{{- end }}
{{- end }}
{{- if has $type (list "configMap" "secret" "downwardAPI") }}
{{- include "common-lib.pod.validateItems" (dict "key" (printf "%s.%s" $key $type) "items" $source.items) | nindent 0 }}
{{- end }}
{{- if eq $type "downwardAPI" }}
{{- include "common-lib.pod.validateDownwardItems" (dict "key" (printf "%s.downwardAPI" $key) "items" $source.items "containers" $.containers) | nindent 0 }}
{{- end }}
{{- $written := list }}
{{- range ternary $source.items list (kindIs "slice" $source.items) }}{{ if kindIs "map" . }}{{ $written = append $written (toString .path) }}{{ end }}{{ end }}
{{- if eq $type "serviceAccountToken" }}
{{- $written = list (toString ($source.path | default "")) }}
{{- include "common-lib.pod.validateToken" (dict "key" (printf "%s.serviceAccountToken" $key) "token" $source) | nindent 0 }}
{{- end }}
{{- range $written }}
{{- if and . (hasKey $paths .) }}
{{ $key }}: writes {{ . | quote }}, which {{ get $paths . }} writes already; each path once in a projected volume
{{- end }}
{{- $_ := set $paths . $key }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

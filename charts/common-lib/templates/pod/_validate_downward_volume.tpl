{{/*
common-lib.pod.validateDownwardItems: one line per problem with the items of a downwardAPI
volume (or of a projected volume's downwardAPI source), as the API server checks them:
each item has exactly one of fieldRef and resourceFieldRef; a fieldRef a volume can read
(metadata.name, .namespace, .uid, .labels, .annotations, or one label or annotation as
metadata.labels['key']: common-lib.env.validateDownwardField); a resourceFieldRef with its containerName
(common-lib.container.validateResourceFieldRef).
Input: (dict "key" "extraVolumes[0].downwardAPI" "items" [..] "containers" (list "app"))
Usage:
  {{- include "common-lib.pod.validateDownwardItems" (dict "key" $key "items" $items "containers" $names) | nindent 0 }}
*/}}
{{- define "common-lib.pod.validateDownwardItems" -}}
{{- $fields := list "metadata.name" "metadata.namespace" "metadata.uid" "metadata.labels" "metadata.annotations" -}}
{{- range $i, $item := ternary .items list (kindIs "slice" .items) }}
{{- $key := printf "%s.items[%d]" $.key $i }}
{{- if kindIs "map" $item }}
{{- $refs := keys (pick $item "fieldRef" "resourceFieldRef") | sortAlpha }}
{{- if ne (len $refs) 1 }}
{{ $key }}: needs exactly one of fieldRef and resourceFieldRef (got {{ $refs | toJson }}); e.g. fieldRef: {fieldPath: metadata.labels}
{{- else if eq (first $refs) "resourceFieldRef" }}
{{- include "common-lib.container.validateResourceFieldRef" (dict "key" (printf "%s.resourceFieldRef" $key) "ref" $item.resourceFieldRef "containers" ($.containers | default list) "volume" true) | nindent 0 }}
{{- else }}
{{- $fieldRef := ternary $item.fieldRef dict (kindIs "map" $item.fieldRef) }}
{{- include "common-lib.env.validateDownwardField" (dict "key" (printf "%s.fieldRef.fieldPath" $key) "field" $fieldRef.fieldPath "fields" $fields "reader" "volumes") | nindent 0 }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

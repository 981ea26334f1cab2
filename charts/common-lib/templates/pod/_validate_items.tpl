{{/*
common-lib.pod.validateItems: one line per problem with the items of a configMap, secret
or downwardAPI volume (or of a projected source), as the API server checks them: a path
that is relative, has no ".." and does not start with ".."; a file mode from 0 to 0777.
(That an item has its key and path is common-lib.fields.check's: they are required.)
Input: (dict "key" "extraVolumes[0].configMap" "items" [..])
Usage:
  {{- include "common-lib.pod.validateItems" (dict "key" $key "items" $items) | nindent 0 }}
*/}}
{{- define "common-lib.pod.validateItems" -}}
{{- range $i, $item := ternary .items list (kindIs "slice" .items) }}
{{- if kindIs "map" $item }}
{{- if not (include "common-lib.pod.localPath" $item.path) }}
{{ $.key }}.items[{{ $i }}].path: must be a relative path without ".." that does not start with ".." (got {{ $item.path | toJson }}); e.g. application.yaml
{{- end }}
{{- if and (hasKey $item "mode") (not (and (regexMatch "^[0-9]+$" (include "common-lib.util.string" $item.mode)) (le (int $item.mode) 511))) }}
{{ $.key }}.items[{{ $i }}].mode: must be a file mode from 0 to 0777 (got {{ $item.mode | toJson }})
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.pod.localPath: "true" for a path a volume may write a file to: relative, with
no ".." element, not starting with ".." (the API server keeps those names for itself).
Input: a value
Usage:
  {{- if include "common-lib.pod.localPath" $item.path }}
*/}}
{{- define "common-lib.pod.localPath" -}}
{{- if and (kindIs "string" .) . (not (hasPrefix "/" .)) (not (hasPrefix ".." .)) (not (regexMatch "(^|/)\\.\\.(/|$)" .)) -}}
true
{{- end -}}
{{- end -}}

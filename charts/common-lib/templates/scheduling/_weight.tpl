{{/*
common-lib.scheduling.weight: the weight of a preferred scheduling term, 1 to 100.
Input: (dict "key" "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]" "item" {..})
Usage:
  {{- include "common-lib.scheduling.weight" (dict "key" $key "item" $p) | nindent 0 }}
*/}}
{{- define "common-lib.scheduling.weight" -}}
{{- $w := (kindIs "map" .item) | ternary .item.weight nil }}
{{- if not (and (not (kindIs "string" $w)) (not (kindIs "invalid" $w)) (regexMatch "^[0-9]+$" (include "common-lib.util.string" $w)) (ge (int $w) 1) (le (int $w) 100)) }}
{{ .key }}.weight: must be a whole number from 1 to 100 (got {{ $w | toJson }})
{{- end }}
{{- end -}}

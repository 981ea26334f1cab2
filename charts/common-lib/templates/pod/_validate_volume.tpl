{{/*
common-lib.pod.validateVolume: one line per problem with one pod volume's source beyond
its field names, as the API server checks it: a persistentVolumeClaim names its claim;
file modes (defaultMode, items[].mode) from 0 to 0777; item paths relative, without ".."; an emptyDir sizeLimit that
is a quantity; a projected serviceAccountToken that lives at least 600 seconds.
Input: (dict "key" "extraVolumes[0]" "volume" {..})
Usage:
  {{- include "common-lib.pod.validateVolume" (dict "key" $key "volume" $v) | nindent 0 }}
*/}}
{{- define "common-lib.pod.validateVolume" -}}
{{- $key := .key -}}
{{- $v := .volume -}}
{{- if hasKey $v "persistentVolumeClaim" }}
{{- if not ($v.persistentVolumeClaim | default dict).claimName }}
{{ $key }}.persistentVolumeClaim.claimName: is required (got {{ $v.persistentVolumeClaim | toJson }}); the name of a PersistentVolumeClaim in the namespace
{{- end }}
{{- end }}
{{- with ($v.emptyDir | default dict).sizeLimit }}
{{- if not (regexMatch "^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][-+]?[0-9]+)?$" (include "common-lib.util.string" .)) }}
{{ $key }}.emptyDir.sizeLimit: is not a quantity (got {{ . | toJson }}); e.g. 64Mi
{{- end }}
{{- end }}
{{- range $source := list "configMap" "secret" "downwardAPI" "projected" }}
{{- with get $v $source }}
{{- if and (hasKey . "defaultMode") (not (and (regexMatch "^[0-9]+$" (include "common-lib.util.string" .defaultMode)) (le (int .defaultMode) 511))) }}
{{ $key }}.{{ $source }}.defaultMode: must be a file mode from 0 to 0777 (got {{ .defaultMode | toJson }}); YAML reads 0644 as octal, 420 in decimal
{{- end }}
{{- range $i, $item := ternary .items list (kindIs "slice" .items) }}
{{- if and (kindIs "map" $item) (or (hasPrefix "/" (toString $item.path)) (regexMatch "(^|/)\\.\\.(/|$)" (toString $item.path)) (not $item.path)) }}
{{ $key }}.{{ $source }}.items[{{ $i }}].path: must be a relative path without ".." (got {{ $item.path | toJson }}); e.g. application.yaml
{{- end }}
{{- if and (kindIs "map" $item) (hasKey $item "mode") (not (and (regexMatch "^[0-9]+$" (include "common-lib.util.string" $item.mode)) (le (int $item.mode) 511))) }}
{{ $key }}.{{ $source }}.items[{{ $i }}].mode: must be a file mode from 0 to 0777 (got {{ $item.mode | toJson }})
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- range $i, $s := ternary ($v.projected | default dict).sources list (kindIs "slice" ($v.projected | default dict).sources) }}
{{- $token := (ternary $s dict (kindIs "map" $s)).serviceAccountToken }}
{{- if and (kindIs "map" $token) (hasKey $token "expirationSeconds") (lt (int $token.expirationSeconds) 600) }}
{{ $key }}.projected.sources[{{ $i }}].serviceAccountToken.expirationSeconds: must be at least 600 (got {{ $token.expirationSeconds | toJson }}); the API server refuses shorter-lived tokens
{{- end }}
{{- end }}
{{- end -}}

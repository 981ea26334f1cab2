{{/*
common-lib.floor.volumes: one line per problem with a pod's own volumes: each a map with
a unique DNS-1123 name not taken by the chart (`tmp`) and exactly one source; hostPath is
never allowed; at `restricted` only configMap, csi, downwardAPI, emptyDir, ephemeral,
persistentVolumeClaim, projected and secret. Every field is checked against the
Volume API (common-lib.fields.check), and the source's values (common-lib.pod.validateVolume).
`containers` are the pod's container names, for downwardAPI items that name one.
Input: (dict "context" $ "key" "extraVolumes" "volumes" [..] "reserved" (list "tmp") "level" "restricted" "containers" (list "app"))
Usage:
  {{ include "common-lib.floor.volumes" (dict "context" $ "key" "extraVolumes" "volumes" .app.extraVolumes "reserved" (list "tmp") "level" "restricted" "containers" (list "app")) }}
*/}}
{{- define "common-lib.floor.volumes" -}}
{{- $restrictedSources := list "configMap" "csi" "downwardAPI" "emptyDir" "ephemeral" "persistentVolumeClaim" "projected" "secret" -}}
{{- $seen := dict -}}
{{- range $i, $v := .volumes | default list }}
{{- $key := printf "%s[%d]" $.key $i }}
{{- if not (kindIs "map" $v) }}
{{ $key }}: must be a volume, a map with a name and one source (got {{ $v | toJson }})
{{- else }}
{{- $name := toString $v.name }}
{{- if not (and (le (len $name) 63) (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" $name)) }}
{{ $key }}.name: must be a DNS-1123 label of at most 63 characters (got {{ $v.name | toJson }}); e.g. data
{{- else if has $name ($.reserved | default list) }}
{{ $key }}.name: {{ $name | quote }} is the chart's own volume (got {{ $name | quote }}); choose another name
{{- else if hasKey $seen $name }}
{{ $key }}.name: {{ $name | quote }} is already the name of {{ $.key }}[{{ get $seen $name }}]; volume names are unique
{{- end }}
{{- $_ := set $seen $name $i }}
{{- $sources := keys (omit $v "name") | sortAlpha }}
{{- $unknown := include "common-lib.fields.check" (dict "context" $.context "key" $key "value" $v "type" "Volume") }}
{{- if $unknown }}
{{- $unknown }}
{{- else if hasKey $v "hostPath" }}
{{ $key }}.hostPath: host paths are never allowed (got {{ $v.hostPath | toJson }}); use an emptyDir, a PersistentVolumeClaim or a CSI volume
{{- else if ne (len $sources) 1 }}
{{ $key }}: needs exactly one volume source besides its name (got {{ $sources | toJson }}); e.g. emptyDir: {}
{{- else if and (ne $.level "baseline") (not (has (first $sources) $restrictedSources)) }}
{{ $key }}.{{ first $sources }}: is not allowed at Pod Security level restricted (got {{ first $sources }}); allowed: {{ join ", " $restrictedSources }}
{{- else }}
{{- include "common-lib.pod.validateVolume" (dict "key" $key "volume" $v "containers" $.containers) | nindent 0 }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

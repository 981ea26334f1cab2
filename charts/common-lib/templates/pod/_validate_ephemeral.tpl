{{/*
common-lib.pod.validateEphemeral: one line per problem with an ephemeral volume's claim
template, as the API server checks it: a template with access modes and a storage
request, whose metadata has only labels and annotations (the name is the pod's).
Input: (dict "key" "extraVolumes[0]" "volume" {..})
Usage:
  {{- include "common-lib.pod.validateEphemeral" (dict "key" $key "volume" $v) | nindent 0 }}
*/}}
{{- define "common-lib.pod.validateEphemeral" -}}
{{- if hasKey .volume "ephemeral" }}
{{- $template := (ternary .volume.ephemeral dict (kindIs "map" .volume.ephemeral)).volumeClaimTemplate }}
{{- $key := printf "%s.ephemeral.volumeClaimTemplate" .key }}
{{- if not (kindIs "map" $template) }}
{{ $key }}: is required (got {{ $template | toJson }}); e.g. {spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}
{{- else }}
{{- $spec := ternary $template.spec dict (kindIs "map" $template.spec) }}
{{- if not (and (kindIs "slice" $spec.accessModes) $spec.accessModes) }}
{{ $key }}.spec.accessModes: is required (got {{ $spec.accessModes | toJson }}); e.g. [ReadWriteOnce]
{{- end }}
{{- if not (dig "resources" "requests" "storage" "" $spec) }}
{{ $key }}.spec.resources.requests.storage: is required (got {{ dig "resources" "requests" "storage" nil $spec | toJson }}); the size of the volume, e.g. 1Gi
{{- end }}
{{- range $field := without (keys (ternary $template.metadata dict (kindIs "map" $template.metadata)) | sortAlpha) "labels" "annotations" }}
{{ $key }}.metadata.{{ $field }}: cannot be set (got {{ get $template.metadata $field | toJson }}); the claim takes its name from the pod: only labels and annotations
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

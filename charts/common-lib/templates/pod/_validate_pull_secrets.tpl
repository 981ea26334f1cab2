{{/*
common-lib.pod.validatePullSecrets: each pull secret of a pod is named once, whether it was
written as a name or as {name: ...}; the API server warns on every object that repeats one.
Input: (dict "keys" Pod.keys "secrets" Pod.imagePullSecrets)
Usage:
  {{ include "common-lib.pod.validatePullSecrets" (dict "keys" $keys "secrets" $pod.imagePullSecrets) }}
*/}}
{{- define "common-lib.pod.validatePullSecrets" -}}
{{- $key := .keys.imagePullSecrets | default "imagePullSecrets" -}}
{{- $seen := dict -}}
{{- range $i, $s := .secrets | default list }}
{{- $name := toString (index (ternary $s (dict "name" $s) (kindIs "map" $s)) "name") }}
{{- if hasKey $seen $name }}
{{ $key }}[{{ $i }}]: {{ $name | quote }} is already listed at {{ $key }}[{{ get $seen $name }}]; list each pull secret once
{{- else }}
{{- $_ := set $seen $name (toString $i) }}
{{- end }}
{{- end }}
{{- end -}}

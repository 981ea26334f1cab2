{{/*
common-lib.container.validateResourceFieldRef: one line per problem with a
resourceFieldRef (an env variable's, or a downwardAPI volume item's), as the API server
and the kubelet check it: a resource the downward API serves (requests and limits of cpu,
memory, ephemeral-storage and hugepages-<size>); a divisor the API accepts for it, written
as the API prints it (cpu: 1m or 1; the others: 1, 1k to 1E, 1Ki to 1Ei); a containerName
that is a container of the pod (required in a volume: the kubelet cannot start a container
whose reference names no container).
Input: (dict "key" "sidecars[0].env[0].valueFrom.resourceFieldRef" "ref" {..} "containers" (list "app" "proxy") "volume" false)
Usage:
  {{- include "common-lib.container.validateResourceFieldRef" (dict "key" $key "ref" $ref "containers" $names "volume" false) | nindent 0 }}
*/}}
{{- define "common-lib.container.validateResourceFieldRef" -}}
{{- $ref := ternary .ref dict (kindIs "map" .ref) -}}
{{- $resource := toString ($ref.resource | default "") -}}
{{- $kind := regexFind "^(limits|requests)\\.(cpu|memory|ephemeral-storage|hugepages-[0-9]+[KMG]i)$" $resource | splitList "." | last -}}
{{- if not $kind }}
{{ .key }}.resource: is not a resource the downward API serves (got {{ $ref.resource | toJson }}); one of requests.cpu, requests.memory, requests.ephemeral-storage, requests.hugepages-<size>, and the same under limits., e.g. limits.memory
{{- else if and (hasKey $ref "divisor") (ne (include "common-lib.util.string" $ref.divisor) "0") }}
{{- $divisors := ternary (list "1m" "1") (list "1" "1k" "1M" "1G" "1T" "1P" "1E" "1Ki" "1Mi" "1Gi" "1Ti" "1Pi" "1Ei") (eq $kind "cpu") }}
{{- if not (has (include "common-lib.util.string" $ref.divisor) $divisors) }}
{{ .key }}.divisor: is not a divisor for {{ $resource }} (got {{ $ref.divisor | toJson }}); one of {{ join ", " $divisors }}
{{- end }}
{{- end }}
{{- if and .volume (not $ref.containerName) }}
{{ .key }}.containerName: is required in a volume (got {{ $ref.containerName | toJson }}); the container whose {{ regexFind "^[a-z]+" $resource | default "requests or limits" }} to read, one of {{ .containers | sortAlpha | join ", " }}
{{- else if $ref.containerName }}
{{- if not (has (toString $ref.containerName) .containers) }}
{{ .key }}.containerName: is not a container of this pod (got {{ $ref.containerName | toJson }}); one of {{ .containers | sortAlpha | join ", " }}
{{- end }}
{{- end }}
{{- end -}}

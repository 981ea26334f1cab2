{{/*
common-lib.pod.validateVolume: one line per problem with one pod volume's source beyond
its field names, as the API server checks it: a persistentVolumeClaim names its claim, a
configMap or secret names its object; file modes (defaultMode) from 0 to 0777; items
(common-lib.pod.validateItems; downwardAPI items also common-lib.pod.validateDownwardItems,
which resolves containerName against `containers`); projected sources
(common-lib.pod.validateProjected); an emptyDir sizeLimit that is a quantity; a csi driver
name; an ephemeral claim template with access modes, a storage request and only labels
and annotations.
Input: (dict "key" "extraVolumes[0]" "volume" {..} "containers" (list "app"))
Usage:
  {{- include "common-lib.pod.validateVolume" (dict "key" $key "volume" $v "containers" $names) | nindent 0 }}
*/}}
{{- define "common-lib.pod.validateVolume" -}}
{{- $key := .key -}}
{{- $v := .volume -}}
{{- range $source, $field := dict "persistentVolumeClaim" "claimName" "configMap" "name" "secret" "secretName" }}
{{- $name := get (ternary (get $v $source) dict (kindIs "map" (get $v $source))) $field }}
{{- if and (hasKey $v $source) (not (include "common-lib.util.dnsSubdomain" $name)) }}
{{ $key }}.{{ $source }}.{{ $field }}: {{ ternary "is required" "is not an object name" (empty $name) }} (got {{ $name | toJson }}); the name of an existing {{ get (dict "persistentVolumeClaim" "PersistentVolumeClaim" "configMap" "ConfigMap" "secret" "Secret") $source }} of the namespace, a DNS-1123 subdomain, e.g. orders-data
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
{{- if ne $source "projected" }}
{{- include "common-lib.pod.validateItems" (dict "key" (printf "%s.%s" $key $source) "items" .items) | nindent 0 }}
{{- end }}
{{- end }}
{{- end }}
{{- with $v.downwardAPI }}
{{- include "common-lib.pod.validateDownwardItems" (dict "key" (printf "%s.downwardAPI" $key) "items" .items "containers" $.containers) | nindent 0 }}
{{- end }}
{{- with $v.projected }}
{{- include "common-lib.pod.validateProjected" (dict "key" (printf "%s.projected" $key) "projected" . "containers" $.containers) | nindent 0 }}
{{- end }}
{{- if hasKey $v "csi" }}
{{- $driver := toString (ternary $v.csi dict (kindIs "map" $v.csi)).driver }}
{{- if not (and (le (len $driver) 63) (include "common-lib.util.dnsSubdomain" (lower $driver))) }}
{{ $key }}.csi.driver: is not a CSI driver name (got {{ (ternary $v.csi dict (kindIs "map" $v.csi)).driver | toJson }}); a DNS-1123 subdomain of at most 63 characters, e.g. secrets-store.csi.k8s.io
{{- end }}
{{- end }}
{{- include "common-lib.pod.validateEphemeral" (dict "key" $key "volume" $v) | nindent 0 }}
{{- end -}}

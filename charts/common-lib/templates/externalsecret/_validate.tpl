{{/*
common-lib.externalsecret.validate: an enabled ExternalSecret names a store and some data,
each key a Secret key (not "." or "..*"), once, and not also an env, secretEnv, downwardEnv or (as variables) config name:
one of them would silently win.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.externalsecret.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.externalsecret.validate" -}}
{{- $es := .app.externalSecret -}}
{{- if $es.enabled }}
{{- if not $es.secretStoreRef.name }}
externalSecret.secretStoreRef.name: is required when externalSecret.enabled is true (got empty); name the SecretStore or ClusterSecretStore
{{- end }}
{{- if not $es.data }}
externalSecret.data: needs at least one entry when externalSecret.enabled is true (got []); e.g. [{secretKey: DB_PASSWORD, remoteRef: {key: shop/orders/db, property: password}}]
{{- end }}
{{- $seen := dict }}
{{- range $i, $entry := $es.data | default list }}
{{- $name := toString ((ternary $entry dict (kindIs "map" $entry)).secretKey) }}
{{- if or (eq $name ".") (hasPrefix ".." $name) }}
externalSecret.data[{{ $i }}].secretKey: is not a Secret key (got {{ $name | quote }}); not "." and not starting with "..": the Secret the operator writes would be refused, and the pods that read it would never start
{{- else if hasKey $seen $name }}
externalSecret.data[{{ $i }}].secretKey: {{ $name | quote }} is already written by externalSecret.data[{{ get $seen $name }}] (the later would silently win); write each key once
{{- else }}
{{- range $other := list "env" "secretEnv" "downwardEnv" "config" }}
{{- if and (hasKey (index $.app $other | default dict) $name) (or (ne $other "config") (not $.app.configMountPath)) }}
externalSecret.data[{{ $i }}].secretKey: {{ $name | quote }} is also set in {{ $other }}.{{ $name }}, and one of them would silently win; set it in one place
{{- end }}
{{- end }}
{{- end }}
{{- $_ := set $seen $name $i }}
{{- end }}
{{- end }}
{{- end -}}

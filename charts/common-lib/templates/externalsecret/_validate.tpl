{{/*
common-lib.externalsecret.validate: an enabled ExternalSecret names a store and some data.
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
{{- end }}
{{- end -}}

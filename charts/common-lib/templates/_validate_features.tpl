{{/*
Validation of the optional features (ExternalSecret, Ingress, migration, sidecars); run
by common-lib.validate.values in _validate.tpl, one message per problem.
*/}}

{{/*
common-lib.validate.externalSecret: an enabled ExternalSecret names a store and some data.
Usage:
  {{ include "common-lib.validate.externalSecret" . }}
*/}}
{{- define "common-lib.validate.externalSecret" -}}
{{- $es := .Values.externalSecret -}}
{{- if $es.enabled }}
{{- if not $es.secretStoreRef.name }}
externalSecret.secretStoreRef.name: is required when externalSecret.enabled is true (got empty); name the SecretStore or ClusterSecretStore
{{- end }}
{{- if not $es.data }}
externalSecret.data: needs at least one entry when externalSecret.enabled is true (got []); e.g. [{secretKey: DB_PASSWORD, remoteRef: {key: shop/orders/db, property: password}}]
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.validate.ingress: an enabled Ingress has at least one host.
Usage:
  {{ include "common-lib.validate.ingress" . }}
*/}}
{{- define "common-lib.validate.ingress" -}}
{{- if and .Values.ingress.enabled (not .Values.ingress.hosts) }}
ingress.hosts: needs at least one host when ingress.enabled is true (got []); e.g. [{host: orders.example.com}]
{{- end }}
{{- end -}}

{{/*
common-lib.validate.migration: an enabled migration has a command and valid hook phases.
Usage:
  {{ include "common-lib.validate.migration" . }}
*/}}
{{- define "common-lib.validate.migration" -}}
{{- $m := .Values.migration -}}
{{- if and $m.enabled (not $m.command) }}
migration.command: is required when migration.enabled is true (got []); e.g. ["./migrate", "up"]
{{- end }}
{{- end -}}

{{/*
common-lib.validate.sidecars: every sidecar has a name, an image and resource requests.
Usage:
  {{ include "common-lib.validate.sidecars" . }}
*/}}
{{- define "common-lib.validate.sidecars" -}}
{{- range $i, $c := .Values.sidecars -}}
{{- if not $c.name }}
sidecars[{{ $i }}].name: is required (got empty)
{{- end }}
{{- if not $c.image }}
sidecars[{{ $i }}].image: is required (got empty); use an immutable tag or digest
{{- else if or (hasSuffix ":latest" $c.image) (not (regexMatch "[:@]" (regexReplaceAll "^[^/]*/" $c.image ""))) }}
sidecars[{{ $i }}].image: needs an immutable tag or digest (got {{ $c.image | quote }})
{{- end }}
{{- if not (and $c.resources $c.resources.requests) }}
sidecars[{{ $i }}].resources.requests: is required (got none); every container declares cpu and memory requests
{{- end }}
{{- end -}}
{{- end -}}

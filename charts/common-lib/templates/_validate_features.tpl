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
common-lib.validate.migration: an enabled migration has a command and, as a pre-install
hook, uses only objects that exist before the release does: not the chart's own
ServiceAccount, not the Secret the chart's ExternalSecret will write (both are created
after pre-install hooks; by pre-upgrade and post-* hooks they exist).
Usage:
  {{ include "common-lib.validate.migration" . }}
*/}}
{{- define "common-lib.validate.migration" -}}
{{- $m := .Values.migration -}}
{{- if $m.enabled }}
{{- if not $m.command }}
migration.command: is required when migration.enabled is true (got []); e.g. ["./migrate", "up"]
{{- end }}
{{- $preInstall := has "pre-install" (splitList "," (nospace $m.hooks)) }}
{{- if and $preInstall .Values.serviceAccount.create (eq (toString $m.serviceAccountName) (include "common-lib.names.serviceAccount" .)) }}
migration.serviceAccountName: names the ServiceAccount this chart creates (got {{ $m.serviceAccountName | quote }}), which does not exist yet when the pre-install hook runs; use one that exists before install, or leave it empty for the namespace's default
{{- end }}
{{- if and $preInstall .Values.externalSecret.enabled }}
{{- $target := include "common-lib.externalsecret.secretName" . }}
{{- range $name, $ref := $m.secretEnv | default dict }}
{{- if eq (toString $ref.secretName) $target }}
migration.secretEnv.{{ $name }}.secretName: is the ExternalSecret's target {{ $target | quote }}, which is created after the hook runs (got {{ $ref.secretName | quote }}); reference a Secret that exists before install
{{- end }}
{{- end }}
{{- end }}
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

{{/*
common-lib.migration.validate: an enabled migration's pod as it will be rendered
(common-lib.pod.validate over common-lib.migration.podInput: security, image, resources
merged with the fallback, env); a command; and, as a pre-install hook, uses only objects that exist before the release does: not
the chart's own ServiceAccount, not the Secret the chart's ExternalSecret will write
(both are created after pre-install hooks; by pre-upgrade and post-* hooks they exist);
and, with Argo CD annotations, phases on one side of the sync only.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.migration.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.migration.validate" -}}
{{- $app := .app -}}
{{- $m := $app.migration -}}
{{- if $m.enabled }}
{{- $in := dict }}
{{- $_ := include "common-lib.migration.podInput" (dict "context" .context "app" $app "out" $in) }}
{{- include "common-lib.pod.validate" $in | nindent 0 }}
{{- if not $m.command }}
migration.command: is required when migration.enabled is true (got []); e.g. ["./migrate", "up"]
{{- end }}
{{- if not (regexMatch "^(pre-install|pre-upgrade|post-install|post-upgrade)(,(pre-install|pre-upgrade|post-install|post-upgrade))*$" (nospace (toString $m.hooks))) }}
migration.hooks: must list Helm hook phases when migration.enabled is true (got {{ $m.hooks | toJson }}); pre-install, pre-upgrade, post-install or post-upgrade, comma-separated, e.g. "pre-install,pre-upgrade" (never a rollback phase: a rollback never undoes a migration)
{{- end }}
{{- $phases := splitList "," (nospace (toString $m.hooks)) }}
{{- $preInstall := has "pre-install" $phases }}
{{- if and $m.argocd (regexMatch "pre-" (join "," $phases)) (regexMatch "post-" (join "," $phases)) }}
migration.hooks: mixes pre- and post- phases while migration.argocd is true (got {{ $m.hooks | toJson }}); Argo CD runs each sync phase on every sync, so the migration would run twice, in PreSync and in PostSync; use "pre-install,pre-upgrade" or "post-install,post-upgrade"
{{- end }}
{{- if and $preInstall $app.serviceAccount.create (eq (toString $m.serviceAccountName) (include "common-lib.names.serviceAccount" .)) }}
migration.serviceAccountName: names the ServiceAccount this chart creates (got {{ $m.serviceAccountName | quote }}), which does not exist yet when the pre-install hook runs; use one that exists before install, or leave it empty for the namespace's default
{{- end }}
{{- if and $preInstall $app.externalSecret.enabled }}
{{- $target := include "common-lib.externalsecret.secretName" . }}
{{- range $name, $ref := $m.secretEnv | default dict }}
{{- if eq (toString $ref.secretName) $target }}
migration.secretEnv.{{ $name }}.secretName: is the ExternalSecret's target {{ $target | quote }}, which is created after the hook runs (got {{ $ref.secretName | quote }}); reference a Secret that exists before install
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

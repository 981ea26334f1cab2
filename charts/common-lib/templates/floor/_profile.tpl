{{/*
common-lib.floor.profile: one line per problem with a seccomp or AppArmor profile: never
Unconfined, and a Localhost profile names its file.
Input: (dict "key" "containerSecurityContext.seccompProfile" "profile" {type, localhostProfile})
Usage:
  {{ include "common-lib.floor.profile" (dict "key" "podSecurityContext.appArmorProfile" "profile" $p.appArmorProfile) }}
*/}}
{{- define "common-lib.floor.profile" -}}
{{- $profile := .profile | default dict -}}
{{- if eq (toString $profile.type) "Unconfined" }}
{{ .key }}.type: Unconfined is never allowed (got "Unconfined"); use RuntimeDefault, or Localhost with localhostProfile
{{- else if and (eq (toString $profile.type) "Localhost") (not $profile.localhostProfile) }}
{{ .key }}.localhostProfile: is required with type Localhost (got none); the profile's name on the node, e.g. profiles/orders.json
{{- else if and $profile.localhostProfile (ne (toString $profile.type) "Localhost") }}
{{ .key }}.localhostProfile: is only allowed with type Localhost (got type {{ $profile.type | toJson }}); set type: Localhost as well, or remove it
{{- else if and $profile.localhostProfile (regexMatch "^/|(^|/)\\.\\.(/|$)" (toString $profile.localhostProfile)) }}
{{ .key }}.localhostProfile: must be a path relative to the node's profile directory, without ".." (got {{ $profile.localhostProfile | quote }}); e.g. profiles/orders.json
{{- end }}
{{- end -}}

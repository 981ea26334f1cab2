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
{{- end }}
{{- end -}}

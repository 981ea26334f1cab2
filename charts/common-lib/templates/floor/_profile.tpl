{{/*
common-lib.floor.profile: one line per problem with a seccomp or AppArmor profile: never
Unconfined, and a Localhost profile names its profile: for seccomp a file relative to the
kubelet's seccomp directory (no leading "/" or ".."), for AppArmor a loaded profile's name
(which may look like a path, /usr/bin/orders).
Input: (dict "key" "containerSecurityContext.seccompProfile" "profile" {type, localhostProfile})
Usage:
  {{ include "common-lib.floor.profile" (dict "key" "podSecurityContext.appArmorProfile" "profile" $p.appArmorProfile) }}
*/}}
{{- define "common-lib.floor.profile" -}}
{{- $profile := .profile | default dict -}}
{{- $seccomp := not (hasSuffix "appArmorProfile" .key) -}}
{{- if eq (toString $profile.type) "Unconfined" }}
{{ .key }}.type: Unconfined is never allowed (got "Unconfined"); use RuntimeDefault, or Localhost with localhostProfile
{{- else if and (eq (toString $profile.type) "Localhost") (not $profile.localhostProfile) }}
{{ .key }}.localhostProfile: is required with type Localhost (got none); the profile on the node, e.g. {{ ternary "profiles/orders.json (a file in the kubelet's seccomp directory)" "k8s-orders (the name of a loaded AppArmor profile)" $seccomp }}
{{- else if and $profile.localhostProfile (ne (toString $profile.type) "Localhost") }}
{{ .key }}.localhostProfile: is only allowed with type Localhost (got type {{ $profile.type | toJson }}); set type: Localhost as well, or remove it
{{- else if and $profile.localhostProfile (ne (trim (toString $profile.localhostProfile)) (toString $profile.localhostProfile)) }}
{{ .key }}.localhostProfile: has leading or trailing white space (got {{ $profile.localhostProfile | quote }}); write the profile's name without it
{{- else if and $seccomp $profile.localhostProfile (regexMatch "^/|(^|/)\\.\\.(/|$)" (toString $profile.localhostProfile)) }}
{{ .key }}.localhostProfile: must be a path relative to the node's profile directory, without ".." (got {{ $profile.localhostProfile | quote }}); e.g. profiles/orders.json
{{- end }}
{{- end -}}

{{/*
common-lib.floor.appArmorField: the appArmorProfile field of a pod or container security
context (as given in values) needs Kubernetes 1.30: before it, the API server drops the
field silently.
Input: (dict "context" $ "key" "sidecars[0].securityContext" "securityContext" $given)
Usage:
  {{ include "common-lib.floor.appArmorField" (dict "context" $ "key" $keys.securityContext "securityContext" $c.securityContext) }}
*/}}
{{- define "common-lib.floor.appArmorField" -}}
{{- if and (kindIs "map" .securityContext) (index .securityContext "appArmorProfile") (semverCompare "<1.30.0-0" .context.Capabilities.KubeVersion.Version) }}
{{ .key }}.appArmorProfile: needs Kubernetes 1.30 or later (got Kubernetes {{ .context.Capabilities.KubeVersion.Version }}); remove it there: the runtime's default AppArmor profile already applies
{{- end }}
{{- end -}}

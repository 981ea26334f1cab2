{{/*
common-lib.images.image: an image reference from an Image {repository, tag, digest}. A
digest wins over the tag (`repo@sha256:...`); otherwise `repo:tag`.
Input: an Image (dict "repository" ... "tag" ... "digest" ...)
Usage:
  image: {{ include "common-lib.images.image" .Values.image | quote }}
*/}}
{{- define "common-lib.images.image" -}}
{{- if .digest -}}
{{- printf "%s@%s" .repository .digest -}}
{{- else -}}
{{- printf "%s:%s" .repository (toString .tag) -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.images.validate: one line per problem with an image, as an Image map or a full
reference string: the repository follows the OCI distribution grammar (lower-case path
components separated by `.`, `_`, `__` or dashes; a host and port only in the first
component); a tag or a digest (sha256 or sha512), never `latest`; a repository with a
`:tag` or `@digest` inside says where to move it.
Input: (dict "key" "image" "image" Image-or-string)
Usage:
  {{ include "common-lib.images.validate" (dict "key" "sidecars[0].image" "image" $c.image) }}
*/}}
{{- define "common-lib.images.validate" -}}
{{- $key := .key -}}
{{- $image := .image | default dict -}}
{{- $in := $image -}}
{{- if kindIs "string" $image -}}
{{- $parts := splitn "@" 2 $image -}}
{{- $name := $parts._0 -}}
{{- $tag := regexFind ":[^:/]*$" $name -}}
{{- $in = dict "repository" (trimSuffix $tag $name) "tag" (trimPrefix ":" $tag) "digest" ($parts._1 | default "") -}}
{{- end -}}
{{- $repo := include "common-lib.util.string" ($in.repository | default "") -}}
{{- $tagKey := ternary (printf "%s.tag" $key) $key (kindIs "map" $image) -}}
{{- $digestKey := ternary (printf "%s.digest" $key) $key (kindIs "map" $image) -}}
{{- $repoKey := ternary (printf "%s.repository" $key) $key (kindIs "map" $image) -}}
{{- if and (kindIs "map" $image) (contains "@" $repo) }}
{{ $repoKey }}: has a digest inside (got {{ $repo | quote }}); move it into {{ $digestKey }} ({{ regexFind "@.*" $repo | trimPrefix "@" | quote }}) and keep only the repository here
{{- else if and (kindIs "map" $image) (regexMatch ":[^/]*$" $repo) (regexMatch "/" $repo) }}
{{ $repoKey }}: has a tag inside (got {{ $repo | quote }}); move it into {{ $tagKey }} ({{ regexFind "[^:]*$" $repo | quote }}) and keep only the repository here
{{- else if not (and (le (len $repo) 255) (regexMatch "^((([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)(\\.([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?))*|\\[[0-9a-fA-F:]+\\])(:[0-9]+)?/)?[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*$" $repo)) }}
{{ $repoKey }}: is not an image repository (got {{ $repo | quote }}); lower-case path components of letters and digits joined by ".", "_", "__" or "-", separated by "/", with an optional registry host[:port] first, e.g. registry.example.com:5000/shop/orders
{{- end }}
{{- $tag := include "common-lib.util.string" ($in.tag | default "") -}}
{{- $digest := include "common-lib.util.string" ($in.digest | default "") -}}
{{- if and (not $tag) (not $digest) }}
{{ $tagKey }}: {{ ternary (printf "is required unless %s is set (got empty)" $digestKey) (printf "needs an immutable tag or digest (got %s)" (toJson .image)) (kindIs "map" $image) }}; set an immutable tag such as "1.4.2", or a digest "sha256:<64 hex>"
{{- else if and (eq $tag "latest") (not $digest) }}
{{ $tagKey }}: "latest" is not allowed (got "latest"); deploy an immutable tag such as "1.4.2", or a digest
{{- else if and $tag (not $digest) (not (and (le (len $tag) 128) (regexMatch "^[A-Za-z0-9_][A-Za-z0-9_.-]*$" $tag))) }}
{{ $tagKey }}: is not an image tag (got {{ $tag | quote }}); up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"
{{- end }}
{{- if and $digest (not (and (regexMatch "^sha(256|512):[a-f0-9]+$" $digest) (eq (len $digest) (ternary 71 135 (hasPrefix "sha256:" $digest))))) }}
{{ $digestKey }}: is not a digest (got {{ $digest | quote }}); "sha256:" and 64 lower-case hex digits, or "sha512:" and 128
{{- end }}
{{- end -}}

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

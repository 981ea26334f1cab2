{{/*
common-lib.env.order: the order in which a container's plain `env` values are listed, as
JSON {"order": [names], "cyclic": [names]}: by name, except that a value naming another
plain variable as $(NAME) comes after it, because Kubernetes expands $(NAME) only from
variables listed earlier ("$$(NAME)" is escaped text, not a use). Names in a cycle (A
uses $(B), B uses $(A)) come last, in `cyclic`: whichever is listed first keeps the other's
$(NAME) as text.
Input: the env map {NAME: value}
Usage:
  {{- $order := include "common-lib.env.order" .env | fromJson }}
*/}}
{{- define "common-lib.env.order" -}}
{{- $plain := . | default dict -}}
{{- $uses := dict -}}
{{- range $name, $value := $plain -}}
{{- $refs := list -}}
{{- /* "$$" is an escaped "$": "$$(NAME)" is the text $(NAME), not a reference */ -}}
{{- range regexFindAll "\\$\\([-._a-zA-Z][-._a-zA-Z0-9]*\\)" (include "common-lib.util.string" $value | replace "$$" "") -1 -}}
{{- $ref := trimPrefix "$(" . | trimSuffix ")" -}}
{{- if and (hasKey $plain $ref) (ne $ref $name) }}{{ $refs = append $refs $ref }}{{ end -}}
{{- end -}}
{{- $_ := set $uses $name $refs -}}
{{- end -}}
{{- $placed := dict -}}
{{- $order := list -}}
{{- range until (len $plain) -}}
{{- range $name := keys $plain | sortAlpha -}}
{{- $ready := not (hasKey $placed $name) -}}
{{- range get $uses $name }}{{ if not (hasKey $placed .) }}{{ $ready = false }}{{ end }}{{ end -}}
{{- if $ready }}{{ $_ := set $placed $name true }}{{ $order = append $order $name }}{{ end -}}
{{- end -}}
{{- end -}}
{{- $cyclic := list -}}
{{- range $name := keys $plain | sortAlpha }}{{ if not (hasKey $placed $name) }}{{ $cyclic = append $cyclic $name }}{{ end }}{{ end -}}
{{- toJson (dict "order" (concat $order $cyclic) "cyclic" $cyclic) -}}
{{- end -}}

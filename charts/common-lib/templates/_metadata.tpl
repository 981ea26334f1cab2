{{/*
common-lib.metadata.validate: one line per problem with a map of labels or annotations
written in values: keys are qualified names ([prefix/]name, the prefix a DNS subdomain of
at most 253 characters, the name at most 63); label values at most 63 characters; all
annotations at most 256 KiB; and no key the chart or its tools own: `helm.sh/*` and
`meta.helm.sh/*` (a `helm.sh/hook` turns the object into a hook, which a release then
deletes or never creates), Argo CD's hook keys, `common-lib/*`, and the chart's own
`app.kubernetes.io/*` labels.
Input: (dict "key" "service.annotations" "values" {..} "kind" "annotations")  (kind: labels or annotations; "reserved" false allows the reserved keys, for selectors)
Usage:
  {{ include "common-lib.metadata.validate" (dict "key" "commonLabels" "values" .app.commonLabels "kind" "labels") }}
*/}}
{{- define "common-lib.metadata.validate" -}}
{{- $ctx := . -}}
{{- $size := 0 -}}
{{- range $name, $value := .values | default dict }}
{{- $prefix := ternary (regexReplaceAll "/[^/]*$" $name "") "" (contains "/" $name) }}
{{- /* Lengths are compared, not written as {0,61}: a counted repetition is expanded
each time regexMatch compiles the expression. */ -}}
{{- if or (gt (len $prefix) 253) (gt (len (base $name)) 63) (not (regexMatch "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$" $name)) }}
{{ $ctx.key }}.{{ $name | trunc 80 }}: is not a valid {{ trimSuffix "s" $ctx.kind }} key (got a {{ len $name }}-character key with a {{ len $prefix }}-character prefix); [prefix/]name, the prefix a DNS subdomain of at most 253 characters, the name at most 63 letters, digits, "-", "_" and "."
{{- else if and (ne (toString $ctx.reserved) "false") (or (regexMatch "^((meta\\.)?helm\\.sh|common-lib)/" $name) (has $name (list "app.kubernetes.io/name" "app.kubernetes.io/instance" "app.kubernetes.io/component" "app.kubernetes.io/version" "app.kubernetes.io/managed-by" "argocd.argoproj.io/hook" "argocd.argoproj.io/hook-delete-policy"))) }}
{{ $ctx.key }}.{{ $name }}: is reserved for the chart and the tools that deploy it (got {{ $value | toJson | trunc 60 }}); {{ ternary "a hook annotation would make Helm treat the object as a hook: it would be deleted or never created. " "" (contains "hook" $name) }}remove it (the chart sets its own labels and hook annotations)
{{- else if and (eq $ctx.kind "labels") (or (gt (len (toString $value)) 63) (not (regexMatch "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$" (toString $value)))) }}
{{ $ctx.key }}.{{ $name }}: is not a label value (got {{ $value | toJson | trunc 80 }}); at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit
{{- end }}
{{- $size = add $size (len $name) (len (toString $value)) }}
{{- end }}
{{- if gt $size 262144 }}
{{ .key }}: annotations are {{ $size }} bytes in total (got more than 262144); the API server refuses more than 256 KiB of annotations on an object
{{- end }}
{{- end -}}

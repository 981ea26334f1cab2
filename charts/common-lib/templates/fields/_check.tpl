{{/*
common-lib.fields.check: one line per problem of a Kubernetes object written into values
(a volume, a toleration, an affinity...), at any depth: a field its type does not have, a
required field that is missing or null, a value that must be a map, a list or a scalar and
is not, and a scalar of the wrong kind (common-lib.fields.scalarProblem: text where a
number belongs, say); null is allowed for a field that is not required.
`<key path>: <problem> (got <value as JSON>); allowed: <the type's fields>`. The types
are common-lib.fields.types, parsed once per render (kept on the root context).
Input: (dict "context" $ "key" "extraVolumes[0]" "value" <the object> "type" "Volume")
Usage:
  {{- include "common-lib.fields.check" (dict "context" $ "key" "affinity" "value" .app.affinity "type" "Affinity") | nindent 0 }}
*/}}
{{- define "common-lib.fields.check" -}}
{{- $types := get .context "common-lib.fields" -}}
{{- if not $types -}}
{{- $types = include "common-lib.fields.types" dict | fromJson -}}
{{- $_ := set .context "common-lib.fields" $types -}}
{{- end -}}
{{- $fields := get $types .type -}}
{{- if not $fields -}}
{{- fail (printf "common-lib.fields.check: no type %q; the types are %s" (toString .type) (keys $types | sortAlpha | join ", ")) -}}
{{- end -}}
{{- /* Nested objects are checked by calls given "out", the lines found so far; the
outermost call prints them. */ -}}
{{- $out := .out | default (dict "lines" list) -}}
{{- $in := . -}}
{{- if kindIs "invalid" .value -}}
{{- else if not (kindIs "map" .value) -}}
{{- $_ := set $out "lines" (append $out.lines (printf "%s: must be a map (got %s)" .key (toJson .value | abbrev 60))) -}}
{{- else -}}
{{- $required := get $fields "!" | default list -}}
{{- range $name := $required -}}
{{- if kindIs "invalid" (index $in.value $name) -}}
{{- $_ := set $out "lines" (append $out.lines (printf "%s.%s: is required (got %s); %s needs %s" $in.key $name (toJson (index $in.value $name)) $in.type (join ", " $required))) -}}
{{- end -}}
{{- end -}}
{{- range $name, $v := .value -}}
{{- $spec := get $fields $name -}}
{{- if or (not (hasKey $fields $name)) (eq $name "!") -}}
{{- $_ := set $out "lines" (append $out.lines (printf "%s.%s: is not a field of %s (got %s); allowed: %s" $in.key $name $in.type (toJson $v | abbrev 60) (keys (omit $fields "!") | sortAlpha | join ", "))) -}}
{{- else if kindIs "invalid" $v -}}
{{- else if not (or (kindIs "map" $spec) (kindIs "slice" $spec) (and (kindIs "string" $spec) $spec)) -}}
{{- /* a scalar: "" text, 0 an integer, false a boolean, null any */ -}}
{{- $_ := set $out "lines" (concat $out.lines (compact (list (include "common-lib.fields.scalarProblem" (dict "key" (printf "%s.%s" $in.key $name) "kind" $spec "value" $v))))) -}}
{{- else if kindIs "string" $spec -}}
{{- $_ := include "common-lib.fields.check" (dict "context" $in.context "key" (printf "%s.%s" $in.key $name) "value" $v "type" $spec "out" $out) -}}
{{- else if kindIs "slice" $spec -}}
{{- if not (kindIs "slice" $v) -}}
{{- $_ := set $out "lines" (append $out.lines (printf "%s.%s: must be a list (got %s)" $in.key $name (toJson $v | abbrev 60))) -}}
{{- else if and $spec (kindIs "string" (first $spec)) (first $spec) -}}
{{- range $i, $item := $v -}}
{{- $_ := include "common-lib.fields.check" (dict "context" $in.context "key" (printf "%s.%s[%d]" $in.key $name $i) "value" $item "type" (first $spec) "out" $out) -}}
{{- end -}}
{{- else -}}
{{- range $i, $item := $v -}}
{{- $_ := set $out "lines" (concat $out.lines (compact (list (include "common-lib.fields.scalarProblem" (dict "key" (printf "%s.%s[%d]" $in.key $name $i) "kind" (first $spec) "value" $item))))) -}}
{{- end -}}
{{- end -}}
{{- else if not (kindIs "map" $v) -}}
{{- $_ := set $out "lines" (append $out.lines (printf "%s.%s: must be a map (got %s)" $in.key $name (toJson $v | abbrev 60))) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if not $in.out -}}
{{- range $out.lines }}
{{ . }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.util.merge: deep-merges a source map into a destination map, in place.
The source wins, including `false`, `0` and `""` (sprig's mergeOverwrite skips those),
and a source value of `null` removes the key. Maps merge recursively; lists are replaced.
Input: (list $destination $source)
Usage:
  {{- $_ := include "common-lib.util.merge" (list $dest $overrides) }}
*/}}
{{- define "common-lib.util.merge" -}}
{{- $dst := index . 0 -}}
{{- $src := index . 1 | default dict -}}
{{- range $key, $value := $src -}}
  {{- if kindIs "invalid" $value -}}
    {{- $_ := unset $dst $key -}}
  {{- else if and (kindIs "map" $value) (kindIs "map" (get $dst $key)) -}}
    {{- $_ := include "common-lib.util.merge" (list (get $dst $key) $value) -}}
  {{- else -}}
    {{- $_ := set $dst $key $value -}}
  {{- end -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.util.object: the body of every entry point: validate the App, render the
kind's base template, and merge `overrides` into it when there are any.
Input: (dict "template" "common-lib.<kind>.base" "input" <the entry point's input>)
Usage:
  {{- include "common-lib.util.object" (dict "template" "common-lib.service.base" "input" .) -}}
*/}}
{{- define "common-lib.util.object" -}}
{{- $_ := include "common-lib.validate.app" .input -}}
{{- $yaml := include .template .input | trim -}}
{{- if and $yaml (not .input.overrides) -}}
{{- /* Nothing to merge: print the base as written, which saves a YAML round trip per
object: about 3 ms of the chart's 11 ms render overhead, measured with make bench. */ -}}
{{- $yaml -}}
{{- else if $yaml -}}
  {{- $object := fromYaml $yaml -}}
  {{- if hasKey $object "Error" -}}
    {{- fail (printf "common-lib: template %s rendered invalid YAML: %s\n%s" .template (get $object "Error") $yaml) -}}
  {{- end -}}
  {{- $_ := include "common-lib.util.merge" (list $object .input.overrides) -}}
  {{- toYaml $object -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.util.string: a scalar as the string a person wrote. YAML numbers reach
templates as float64, and Go prints 1000000 as "1e+06"; toJson prints "1000000".
Strings stay as they are, booleans become "true"/"false".
Input: a scalar
Usage:
  value: {{ include "common-lib.util.string" $value | quote }}
*/}}
{{- define "common-lib.util.string" -}}
{{- if kindIs "string" . -}}
{{- . -}}
{{- else -}}
{{- toJson . -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.util.portNumber: "true" for a port number as a person writes it in values (a
whole number from 1 to 65535, not a string), nothing otherwise.
Input: a value
Usage:
  {{- if include "common-lib.util.portNumber" $port.containerPort }}
*/}}
{{- define "common-lib.util.portNumber" -}}
{{- if and (not (kindIs "string" .)) (regexMatch "^[0-9]{1,5}$" (include "common-lib.util.string" .)) (ge (int .) 1) (le (int .) 65535) -}}
true
{{- end -}}
{{- end -}}

{{/*
common-lib.util.dnsSubdomain: "true" for a DNS-1123 subdomain (the name of most Kubernetes
objects: lower-case letters, digits, "-" and ".", at most 253 characters), nothing otherwise.
Input: a value
Usage:
  {{- if include "common-lib.util.dnsSubdomain" $ref.name }}
*/}}
{{- define "common-lib.util.dnsSubdomain" -}}
{{- if and (kindIs "string" .) (le (len .) 253) (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" .) -}}
true
{{- end -}}
{{- end -}}

{{/*
common-lib.util.portName: "true" for an IANA service name, the name of a container port
(at most 15 lower-case letters, digits and single inner "-", at least one letter),
nothing otherwise.
Input: a value
Usage:
  {{- if include "common-lib.util.portName" $port.name }}
*/}}
{{- define "common-lib.util.portName" -}}
{{- if and (kindIs "string" .) (le (len .) 15) (regexMatch "^[a-z0-9]([a-z0-9]|-[a-z0-9])*$" .) (regexMatch "[a-z]" .) -}}
true
{{- end -}}
{{- end -}}

{{/*
common-lib.util.quotedMap: a map of strings (labels, annotations, a node selector) as YAML
with every key and value double-quoted, so that no YAML reader changes them: Helm's
toYaml leaves `=`, `<<` or `1e3` plain, which a YAML 1.1 reader (PyYAML, and the tools
built on it) turns into another type or a tag.
Input: a map
Usage:
  annotations: {{- include "common-lib.util.quotedMap" .annotations | nindent 4 }}
*/}}
{{- define "common-lib.util.quotedMap" -}}
{{- $lines := list -}}
{{- range $key, $value := . -}}
{{- $lines = append $lines (printf "%s: %s" (quote $key) (include "common-lib.util.string" $value | quote)) -}}
{{- end -}}
{{- join "\n" $lines -}}
{{- end -}}

{{/*
common-lib.util.quotedList: the items of a list, each double-quoted, joined by ", ", for a
YAML flow sequence that no YAML reader changes (a plain "<<" is a merge key to YAML 1.1).
Input: a list
Usage:
  command: [{{ include "common-lib.util.quotedList" .command }}]
*/}}
{{- define "common-lib.util.quotedList" -}}
{{- $items := list -}}
{{- range . }}{{ $items = append $items (include "common-lib.util.string" . | quote) }}{{ end -}}
{{- join ", " $items -}}
{{- end -}}

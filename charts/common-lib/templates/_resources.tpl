{{/*
common-lib.resources.container: a container's resources: its own map, or the fallback
when it has none (the migration falls back to the app's resources).
Input: (dict "resources" $own "fallback" $fallback)
Usage:
  resources: {{- include "common-lib.resources.container" (dict "resources" .Values.migration.resources "fallback" .Values.resources) | nindent 12 }}
*/}}
{{- define "common-lib.resources.container" -}}
{{- toYaml (.resources | default .fallback | default dict) -}}
{{- end -}}

{{/*
common-lib.resources.quantity: a Kubernetes quantity as a plain number, for comparisons
("100m" -> 0.1, "128Mi" -> 134217728, 0.5 -> 0.5).
Input: a quantity (string or number)
Usage:
  {{- if gt (float64 (include "common-lib.resources.quantity" $request)) (float64 (include "common-lib.resources.quantity" $limit)) }}
*/}}
{{- define "common-lib.resources.quantity" -}}
{{- $text := include "common-lib.util.string" . -}}
{{- /* trimAll, not a regular expression: a quantity's unit letters are only at its end */ -}}
{{- $number := trimAll "KMGTPEkmiun" $text -}}
{{- $unit := trimPrefix $number $text -}}
{{- $scale := get (dict "" 1 "n" 1e-9 "u" 1e-6 "m" 0.001 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0) $unit | default 0 -}}
{{- mulf (float64 $number) $scale -}}
{{- end -}}

{{/*
common-lib.resources.validate: one line per problem with a container's resources as
rendered (its own map merged with the defaults, or the fallback): cpu and memory
requests and a memory limit; no request above its limit; whole bytes
(common-lib.resources.validateBytes); extended resources and
hugepages (not overcommitable) as whole numbers with a limit equal to the request.
Input: (dict "key" "resources" "resources" {requests: {..}, limits: {..}})
Usage:
  {{ include "common-lib.resources.validate" (dict "key" "sidecars[0].resources" "resources" $c.resources) }}
*/}}
{{- define "common-lib.resources.validate" -}}
{{- $key := .key -}}
{{- $requests := .resources.requests | default dict -}}
{{- $limits := .resources.limits | default dict -}}
{{- include "common-lib.validate.requests" (dict "key" $key "resources" .resources "fields" (list "requests.cpu" "requests.memory" "limits.memory")) | nindent 0 }}
{{- include "common-lib.resources.validateBytes" (dict "key" $key "resources" .resources) | nindent 0 }}
{{- range $name, $request := $requests }}
{{- $limit := get $limits $name }}
{{- if and (hasKey $limits $name) (gt (float64 (include "common-lib.resources.quantity" $request)) (float64 (include "common-lib.resources.quantity" $limit))) }}
{{ $key }}.requests.{{ $name }}: is above its limit {{ $key }}.limits.{{ $name }} (got request {{ include "common-lib.util.string" $request }}, limit {{ include "common-lib.util.string" $limit }}); a request is at most its limit: raise the limit as well, or lower the request
{{- end }}
{{- end }}
{{- range $name, $limit := $limits }}
{{- if or (contains "/" $name) (hasPrefix "hugepages-" $name) }}
{{- $request := get $requests $name | default $limit }}
{{- if or (ne (include "common-lib.util.string" $request) (include "common-lib.util.string" $limit)) (and (contains "/" $name) (not (regexMatch "^[0-9]+$" (include "common-lib.util.string" $limit)))) }}
{{ $key }}.limits.{{ $name }}: {{ $name }} cannot be overcommitted: its request must equal its limit (a whole number for an extended resource) (got request {{ include "common-lib.util.string" $request }}, limit {{ include "common-lib.util.string" $limit }}); e.g. requests and limits both {{ $name }}: 1
{{- end }}
{{- end }}
{{- end }}
{{- range $name, $request := $requests }}
{{- if and (or (contains "/" $name) (hasPrefix "hugepages-" $name)) (not (hasKey $limits $name)) }}
{{ $key }}.requests.{{ $name }}: {{ $name }} cannot be overcommitted and needs a limit equal to the request (got request {{ include "common-lib.util.string" $request }}, no limit); set {{ $key }}.limits.{{ $name }} too
{{- end }}
{{- end }}
{{- end -}}

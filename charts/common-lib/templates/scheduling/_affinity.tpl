{{/*
common-lib.scheduling.validateAffinity: one line per problem with the App's `affinity`
beyond its field names (common-lib.fields.check does those), as the API server checks it:
a required node affinity has a term that selects nodes (an empty one matches none); node
selector requirements use In, NotIn, Exists, DoesNotExist, Gt or Lt with the values each
needs; a preferred term has a weight from 1 to 100; a pod (anti-)affinity term has a
topologyKey and a label selector as common-lib.metadata.validateSelector checks it.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{- include "common-lib.scheduling.validateAffinity" (dict "context" $ "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.scheduling.validateAffinity" -}}
{{- $affinity := .app.affinity | default dict -}}
{{- if kindIs "map" $affinity }}
{{- $node := $affinity.nodeAffinity | default dict }}
{{- if kindIs "map" $node }}
{{- with $node.requiredDuringSchedulingIgnoredDuringExecution }}
{{- $terms := ternary .nodeSelectorTerms list (kindIs "slice" .nodeSelectorTerms) }}
{{- $selecting := false }}
{{- range $terms }}{{ if and (kindIs "map" .) (or .matchExpressions .matchFields) }}{{ $selecting = true }}{{ end }}{{ end }}
{{- if not $selecting }}
affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: needs a term that selects nodes (got {{ .nodeSelectorTerms | toJson }}): an empty term matches no node, so the pods would never be scheduled; e.g. [{matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [arm64]}]}]
{{- end }}
{{- range $i, $term := $terms }}
{{- include "common-lib.scheduling.nodeSelectorTerm" (dict "key" (printf "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[%d]" $i) "term" $term) | nindent 0 }}
{{- end }}
{{- end }}
{{- range $i, $p := ternary $node.preferredDuringSchedulingIgnoredDuringExecution list (kindIs "slice" $node.preferredDuringSchedulingIgnoredDuringExecution) }}
{{- $key := printf "affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[%d]" $i }}
{{- include "common-lib.scheduling.weight" (dict "key" $key "item" $p) | nindent 0 }}
{{- include "common-lib.scheduling.nodeSelectorTerm" (dict "key" (printf "%s.preference" $key) "term" ((kindIs "map" $p) | ternary $p.preference dict)) | nindent 0 }}
{{- end }}
{{- end }}
{{- range $kind := list "podAffinity" "podAntiAffinity" }}
{{- $pod := get $affinity $kind | default dict }}
{{- if kindIs "map" $pod }}
{{- range $i, $term := ternary $pod.requiredDuringSchedulingIgnoredDuringExecution list (kindIs "slice" $pod.requiredDuringSchedulingIgnoredDuringExecution) }}
{{- include "common-lib.scheduling.podAffinityTerm" (dict "key" (printf "affinity.%s.requiredDuringSchedulingIgnoredDuringExecution[%d]" $kind $i) "term" $term) | nindent 0 }}
{{- end }}
{{- range $i, $p := ternary $pod.preferredDuringSchedulingIgnoredDuringExecution list (kindIs "slice" $pod.preferredDuringSchedulingIgnoredDuringExecution) }}
{{- $key := printf "affinity.%s.preferredDuringSchedulingIgnoredDuringExecution[%d]" $kind $i }}
{{- include "common-lib.scheduling.weight" (dict "key" $key "item" $p) | nindent 0 }}
{{- include "common-lib.scheduling.podAffinityTerm" (dict "key" (printf "%s.podAffinityTerm" $key) "term" ((kindIs "map" $p) | ternary $p.podAffinityTerm dict)) | nindent 0 }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

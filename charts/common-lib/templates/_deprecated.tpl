{{/*
common-lib.validate.deprecatedKeys: one line per key in values that Kubernetes has
replaced and warns about on every apply: the beta node labels (beta.kubernetes.io/os,
/arch, /instance-type, failure-domain.beta.kubernetes.io/zone, /region) in nodeSelector,
node affinity and pod affinity topology keys; the pod annotations for critical pods and
sysctls; the Service annotation for topology-aware hints. Each message names the key that
replaced it.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{- include "common-lib.validate.deprecatedKeys" (dict "context" $ "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.validate.deprecatedKeys" -}}
{{- $app := .app -}}
{{- $labels := dict "beta.kubernetes.io/os" "kubernetes.io/os" "beta.kubernetes.io/arch" "kubernetes.io/arch" "beta.kubernetes.io/instance-type" "node.kubernetes.io/instance-type" "failure-domain.beta.kubernetes.io/zone" "topology.kubernetes.io/zone" "failure-domain.beta.kubernetes.io/region" "topology.kubernetes.io/region" -}}
{{- $uses := dict -}}
{{- range $name, $_ := $app.nodeSelector | default dict }}{{ $_ := set $uses (printf "nodeSelector.%s" $name) $name }}{{ end -}}
{{- $affinity := ternary $app.affinity dict (kindIs "map" $app.affinity) -}}
{{- $node := ternary $affinity.nodeAffinity dict (kindIs "map" $affinity.nodeAffinity) -}}
{{- range $i, $term := dig "requiredDuringSchedulingIgnoredDuringExecution" "nodeSelectorTerms" list $node -}}
{{- range $j, $e := (ternary $term dict (kindIs "map" $term)).matchExpressions | default list }}{{ $_ := set $uses (printf "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[%d].matchExpressions[%d].key" $i $j) (toString (ternary $e dict (kindIs "map" $e)).key) }}{{ end -}}
{{- end -}}
{{- range $i, $pref := $node.preferredDuringSchedulingIgnoredDuringExecution | default list -}}
{{- range $j, $e := dig "preference" "matchExpressions" list (ternary $pref dict (kindIs "map" $pref)) }}{{ $_ := set $uses (printf "affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[%d].preference.matchExpressions[%d].key" $i $j) (toString (ternary $e dict (kindIs "map" $e)).key) }}{{ end -}}
{{- end -}}
{{- range $kind := list "podAffinity" "podAntiAffinity" -}}
{{- $terms := ternary (get $affinity $kind) dict (kindIs "map" (get $affinity $kind)) -}}
{{- range $i, $t := $terms.requiredDuringSchedulingIgnoredDuringExecution | default list }}{{ $_ := set $uses (printf "affinity.%s.requiredDuringSchedulingIgnoredDuringExecution[%d].topologyKey" $kind $i) (toString (ternary $t dict (kindIs "map" $t)).topologyKey) }}{{ end -}}
{{- range $i, $t := $terms.preferredDuringSchedulingIgnoredDuringExecution | default list }}{{ $_ := set $uses (printf "affinity.%s.preferredDuringSchedulingIgnoredDuringExecution[%d].podAffinityTerm.topologyKey" $kind $i) (toString (dig "podAffinityTerm" "topologyKey" "" (ternary $t dict (kindIs "map" $t)))) }}{{ end -}}
{{- end -}}
{{- range $key := keys $uses | sortAlpha }}
{{- $name := get $uses $key }}
{{- if hasKey $labels $name }}
{{ $key }}: {{ $name | quote }} is a deprecated node label, and the API server warns on every apply (got {{ $name | quote }}); use {{ get $labels $name | quote }}
{{- end }}
{{- end }}
{{- $annotations := dict "podAnnotations.scheduler.alpha.kubernetes.io/critical-pod" "priorityClassName" "podAnnotations.security.alpha.kubernetes.io/sysctls" "podSecurityContext.sysctls" "podAnnotations.security.alpha.kubernetes.io/unsafe-sysctls" "podSecurityContext.sysctls" -}}
{{- range $name, $_ := $app.podAnnotations | default dict }}{{ $_ := set $uses (printf "podAnnotations.%s" $name) $name }}{{ end -}}
{{- if hasKey ($app.service.annotations | default dict) "service.kubernetes.io/topology-aware-hints" }}{{ $_ := set $annotations "service.annotations.service.kubernetes.io/topology-aware-hints" "service.annotations.service.kubernetes.io/topology-mode" }}{{ $_ := set $uses "service.annotations.service.kubernetes.io/topology-aware-hints" "" }}{{ end -}}
{{- range $key := keys $annotations | sortAlpha }}
{{- if hasKey $uses $key }}
{{ $key }}: is deprecated and no longer works, and the API server warns on every apply (got {{ get (ternary $app.podAnnotations $app.service.annotations (hasPrefix "podAnnotations." $key)) (trimPrefix "service.annotations." (trimPrefix "podAnnotations." $key)) | toJson }}); use {{ get $annotations $key }}
{{- end }}
{{- end }}
{{- end -}}

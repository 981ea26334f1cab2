{{/*
common-lib.scheduling.podSpec: where the app's pods may run: the App's priority class,
node selector, tolerations, affinity, and (when `topologySpread`) a spread across nodes
that prefers, but never requires, one pod per node.
Input: (dict "context" $ "app" $app "component" "app")
Usage (inside a pod spec; common-lib.pod.spec calls it when the pod asks for `scheduling`):
  {{- include "common-lib.scheduling.podSpec" (dict "context" $ "app" .Values "component" "app") | nindent 2 }}
*/}}
{{- define "common-lib.scheduling.podSpec" -}}
{{- with .app.priorityClassName }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- with .app.nodeSelector }}
nodeSelector: {{- include "common-lib.util.quotedMap" . | nindent 2 }}
{{- end }}
{{- with .app.tolerations }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .app.affinity }}
affinity: {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .app.topologySpread }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels: {{- include "common-lib.labels.selector" . | nindent 8 }}
{{- end }}
{{- end -}}

{{/*
common-lib.scheduling.validate: one line per problem with the App's tolerations and
affinity as the API server would see them: every field known (common-lib.fields.check);
a toleration's operator Exists or Equal, with no value for Exists and Exists for an empty
key; its effect NoSchedule, PreferNoSchedule or NoExecute; tolerationSeconds only with
NoExecute; the affinity's terms and selectors (common-lib.scheduling.validateAffinity).
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.scheduling.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.scheduling.validate" -}}
{{- range $i, $t := .app.tolerations | default list }}
{{- $key := printf "tolerations[%d]" $i }}
{{- include "common-lib.fields.check" (dict "context" $.context "key" $key "value" $t "type" "Toleration") | nindent 0 }}
{{- if kindIs "map" $t }}
{{- with $t.key }}{{ include "common-lib.metadata.validateLabelKey" (dict "key" (printf "%s.key" $key) "name" .) | nindent 0 }}{{ end }}
{{- if and $t.value (not (and (kindIs "string" $t.value) (le (len $t.value) 63) (regexMatch "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$" $t.value))) }}
{{ $key }}.value: is not a label value (got {{ $t.value | toJson | trunc 80 }}); text of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit
{{- end }}
{{- $op := toString ($t.operator | default "Equal") }}
{{- if not (has $op (list "Exists" "Equal")) }}
{{ $key }}.operator: must be Exists or Equal (got {{ $t.operator | toJson }})
{{- else if and (eq $op "Exists") (not (empty $t.value)) }}
{{ $key }}.value: must be empty with operator Exists (got {{ $t.value | toJson }}); remove the value, or use operator Equal
{{- else if and (empty $t.key) (ne $op "Exists") }}
{{ $key }}.operator: must be Exists when the key is empty, to tolerate every taint (got {{ $op | toJson }})
{{- end }}
{{- if and $t.effect (not (has (toString $t.effect) (list "NoSchedule" "PreferNoSchedule" "NoExecute"))) }}
{{ $key }}.effect: must be NoSchedule, PreferNoSchedule or NoExecute (got {{ $t.effect | toJson }}); or empty for every effect
{{- end }}
{{- if and (not (kindIs "invalid" $t.tolerationSeconds)) (or (kindIs "string" $t.tolerationSeconds) (ne (toString $t.effect) "NoExecute")) }}
{{ $key }}.tolerationSeconds: a number of seconds, only with effect NoExecute (got {{ $t.tolerationSeconds | toJson }} with effect {{ $t.effect | toJson }})
{{- end }}
{{- end }}
{{- end }}
{{- with .app.affinity }}
{{- $unknown := include "common-lib.fields.check" (dict "context" $.context "key" "affinity" "value" . "type" "Affinity") }}
{{- $unknown | nindent 0 }}
{{- if not $unknown }}
{{- include "common-lib.scheduling.validateAffinity" $ | nindent 0 }}
{{- end }}
{{- end }}
{{- end -}}

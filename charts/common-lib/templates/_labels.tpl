{{/*
common-lib.labels.selector: the FROZEN selector labels: name, instance and a fixed
component. They never carry a chart or app version: Deployment selectors are immutable,
and changing them would force every release to be deleted and recreated.
Input: (dict "context" $ "app" $app "component" "app")
Usage:
  {{- include "common-lib.labels.selector" (dict "context" $ "app" .Values "component" "app") | nindent 6 }}
*/}}
{{- define "common-lib.labels.selector" -}}
app.kubernetes.io/name: {{ include "common-lib.names.name" . | quote }}
app.kubernetes.io/instance: {{ .context.Release.Name | trunc 63 | trimAll "-" | quote }}
app.kubernetes.io/component: {{ .component | quote }}
{{- end -}}

{{/*
common-lib.labels.standard: object labels: the selector labels, helm.sh/chart, managed-by,
the version (the image tag) and `commonLabels`; computed once per App map and component
in a render (remembered on the root context).
Input: (dict "context" $ "app" $app "component" "app")
Usage:
  {{- include "common-lib.labels.standard" (dict "context" $ "app" .Values "component" "app") | nindent 4 }}
*/}}
{{- define "common-lib.labels.standard" -}}
{{- $cache := get .context "common-lib.labels" | default dict -}}
{{- $key := printf "%p/%s" .app .component -}}
{{- if not (hasKey $cache $key) -}}
{{- $labels := dict
  "helm.sh/chart" (include "common-lib.names.chart" .)
  "app.kubernetes.io/managed-by" .context.Release.Service
-}}
{{- with .app.image.tag -}}
{{- $_ := set $labels "app.kubernetes.io/version" (regexReplaceAll "[^A-Za-z0-9_.-]" (toString .) "_" | trunc 63 | trimAll "-_.") -}}
{{- end -}}
{{- $_ := include "common-lib.util.merge" (list $labels .app.commonLabels) -}}
{{- $_ := include "common-lib.labels.setSelector" (list $labels .) -}}
{{- /* The App is kept with its labels, so no later App gets the same address. */ -}}
{{- $_ := set $cache $key (dict "app" .app "labels" (toYaml $labels)) -}}
{{- $_ := set .context "common-lib.labels" $cache -}}
{{- end -}}
{{- (get $cache $key).labels -}}
{{- end -}}

{{/*
common-lib.labels.pod: labels for a pod template: the selector labels plus the App's
`podLabels`. No chart or app version, so a chart bump alone does not restart pods.
Input: (dict "context" $ "app" $app "component" "app")
Usage:
  {{- include "common-lib.labels.pod" (dict "context" $ "app" .Values "component" "app") | nindent 8 }}
*/}}
{{- define "common-lib.labels.pod" -}}
{{- $labels := deepCopy (.app.podLabels | default dict) -}}
{{- $_ := include "common-lib.labels.setSelector" (list $labels .) -}}
{{- $_ := include "common-lib.util.merge" (list $labels (include "common-lib.mesh.labels" . | fromYaml)) -}}
{{- toYaml $labels -}}
{{- end -}}

{{/*
common-lib.labels.setSelector: sets the selector labels into a map, in place, over what
it holds (no YAML parse).
Input: (list $labels (dict "context" $ "app" $app "component" "app"))
Usage:
  {{- $_ := include "common-lib.labels.setSelector" (list $labels $in) }}
*/}}
{{- define "common-lib.labels.setSelector" -}}
{{- $labels := index . 0 -}}
{{- $in := index . 1 -}}
{{- $_ := set $labels "app.kubernetes.io/name" (include "common-lib.names.name" $in) -}}
{{- $_ := set $labels "app.kubernetes.io/instance" ($in.context.Release.Name | trunc 63 | trimAll "-") -}}
{{- $_ := set $labels "app.kubernetes.io/component" $in.component -}}
{{- end -}}

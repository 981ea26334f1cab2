{{/*
common-lib.labels.selector: the FROZEN selector labels: name, instance and a fixed
component. They never carry a chart or app version: Deployment selectors are immutable,
and changing them would force every release to be deleted and recreated.
Usage:
  {{- include "common-lib.labels.selector" (dict "context" . "component" "app") | nindent 6 }}
*/}}
{{- define "common-lib.labels.selector" -}}
app.kubernetes.io/name: {{ include "common-lib.names.name" .context | quote }}
app.kubernetes.io/instance: {{ .context.Release.Name | trunc 63 | trimAll "-" | quote }}
app.kubernetes.io/component: {{ .component | quote }}
{{- end -}}

{{/*
common-lib.labels.standard: labels for object metadata: the selector labels plus
helm.sh/chart, managed-by, the app version (the image tag) and `.Values.commonLabels`.
Usage:
  {{- include "common-lib.labels.standard" (dict "context" . "component" "app") | nindent 4 }}
*/}}
{{- define "common-lib.labels.standard" -}}
{{- $ctx := .context -}}
{{- $labels := dict
  "helm.sh/chart" (include "common-lib.names.chart" $ctx)
  "app.kubernetes.io/managed-by" $ctx.Release.Service
-}}
{{- with $ctx.Values.image.tag -}}
{{- $_ := set $labels "app.kubernetes.io/version" (regexReplaceAll "[^A-Za-z0-9_.-]" (toString .) "_" | trunc 63 | trimAll "-_.") -}}
{{- end -}}
{{- $_ := include "common-lib.util.merge" (list $labels ($ctx.Values.commonLabels | default dict)) -}}
{{- $_ := include "common-lib.util.merge" (list $labels (include "common-lib.labels.selector" . | fromYaml)) -}}
{{- toYaml $labels -}}
{{- end -}}

{{/*
common-lib.labels.pod: labels for a pod template: the selector labels plus
`.Values.podLabels`. No chart or app version, so a chart bump alone does not restart pods.
Usage:
  {{- include "common-lib.labels.pod" (dict "context" . "component" "app") | nindent 8 }}
*/}}
{{- define "common-lib.labels.pod" -}}
{{- $labels := deepCopy (.context.Values.podLabels | default dict) -}}
{{- $_ := include "common-lib.util.merge" (list $labels (include "common-lib.labels.selector" . | fromYaml)) -}}
{{- toYaml $labels -}}
{{- end -}}

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
common-lib.labels.standard: labels for object metadata: the selector labels plus
helm.sh/chart, managed-by, the app version (the App's image tag) and the App's `commonLabels`.
Input: (dict "context" $ "app" $app "component" "app")
Usage:
  {{- include "common-lib.labels.standard" (dict "context" $ "app" .Values "component" "app") | nindent 4 }}
*/}}
{{- define "common-lib.labels.standard" -}}
{{- $labels := dict
  "helm.sh/chart" (include "common-lib.names.chart" .)
  "app.kubernetes.io/managed-by" .context.Release.Service
-}}
{{- with .app.image.tag -}}
{{- $_ := set $labels "app.kubernetes.io/version" (regexReplaceAll "[^A-Za-z0-9_.-]" (toString .) "_" | trunc 63 | trimAll "-_.") -}}
{{- end -}}
{{- $_ := include "common-lib.util.merge" (list $labels .app.commonLabels) -}}
{{- $_ := include "common-lib.util.merge" (list $labels (include "common-lib.labels.selector" . | fromYaml)) -}}
{{- toYaml $labels -}}
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
{{- $_ := include "common-lib.util.merge" (list $labels (include "common-lib.labels.selector" . | fromYaml)) -}}
{{- toYaml $labels -}}
{{- end -}}

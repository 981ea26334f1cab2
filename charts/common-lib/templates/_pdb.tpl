{{/*
common-lib.pdb.minReplicas: the fewest pods the workload runs: `autoscaling.minReplicas`
with an HPA, `replicaCount` without.
Usage:
  {{ include "common-lib.pdb.minReplicas" . }}
*/}}
{{- define "common-lib.pdb.minReplicas" -}}
{{- if .Values.autoscaling.enabled -}}
{{- .Values.autoscaling.minReplicas -}}
{{- else -}}
{{- .Values.replicaCount -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.pdb: a policy/v1 PodDisruptionBudget with `maxUnavailable` (1 by default).
Rendered only when more than one pod runs: with a single replica any budget would block
node drains forever. `unhealthyPodEvictionPolicy: AlwaysAllow` lets a drain evict pods
that are not Ready anyway, so a crash-looping release never wedges a node.
Usage:
  {{- include "common-lib.pdb" (dict "context" . "overrides" (dict)) | nindent 0 }}
*/}}
{{- define "common-lib.pdb" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.pdb.base" "context" .context "overrides" .overrides) -}}
{{- end -}}

{{- define "common-lib.pdb.base" -}}
{{- if and .Values.podDisruptionBudget.enabled (gt (int (include "common-lib.pdb.minReplicas" .)) 1) }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "common-lib.names.fullname" . | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" . "component" "app") | nindent 4 }}
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable | default 1 }}
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels: {{- include "common-lib.labels.selector" (dict "context" . "component" "app") | nindent 6 }}
{{- end }}
{{- end -}}

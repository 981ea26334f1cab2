{{/*
common-lib.pdb.minReplicas: the fewest pods the App runs: `autoscaling.minReplicas` with
an HPA, `replicaCount` without.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.pdb.minReplicas" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.pdb.minReplicas" -}}
{{- if .app.autoscaling.enabled -}}
{{- .app.autoscaling.minReplicas -}}
{{- else -}}
{{- .app.replicaCount -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.pdb: a policy/v1 PodDisruptionBudget with `maxUnavailable` (1 by default).
Rendered only when more than one pod runs: with a single replica any budget would block
node drains forever. `unhealthyPodEvictionPolicy: AlwaysAllow` lets a drain evict pods
that are not Ready anyway, so a crash-looping release never wedges a node.
Input: (dict "context" $ "app" $app "overrides" {..})
Usage:
  {{- include "common-lib.pdb" (dict "context" . "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.pdb" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.pdb.base" "input" .) -}}
{{- end -}}

{{- define "common-lib.pdb.base" -}}
{{- $pdb := .app.podDisruptionBudget -}}
{{- if and $pdb.enabled (gt (int (include "common-lib.pdb.minReplicas" .)) 1) }}
{{- $scope := dict "context" .context "app" .app "component" "app" }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "common-lib.names.fullname" . | quote }}
  namespace: {{ .context.Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" $scope | nindent 4 }}
spec:
  maxUnavailable: {{ ternary ($pdb.maxUnavailable | quote) ($pdb.maxUnavailable | default 1) (kindIs "string" $pdb.maxUnavailable) }}
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels: {{- include "common-lib.labels.selector" $scope | nindent 6 }}
{{- end }}
{{- end -}}

{{/*
common-lib.scheduling.podSpec: where the pods may run: priority class, node selector,
tolerations, affinity, and (by default) a spread across nodes that prefers, but never
requires, one pod per node.
Usage (inside a pod spec):
  {{- include "common-lib.scheduling.podSpec" . | nindent 2 }}
*/}}
{{- define "common-lib.scheduling.podSpec" -}}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity: {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .Values.topologySpread }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels: {{- include "common-lib.labels.selector" (dict "context" . "component" "app") | nindent 8 }}
{{- end }}
{{- end -}}

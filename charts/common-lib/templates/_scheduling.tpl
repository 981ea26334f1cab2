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
nodeSelector: {{- toYaml . | nindent 2 }}
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

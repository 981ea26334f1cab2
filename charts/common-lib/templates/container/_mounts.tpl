{{/*
common-lib.container.volumeMounts: a container's volume mounts: /tmp when `tmp`, the pod's
`config` volume read-only at `configPath`, then the Container's own `volumeMounts`.
Empty when there are none.
Input: Container
Usage:
  {{- with include "common-lib.container.volumeMounts" . | trim }}
  volumeMounts: {{- . | nindent 2 }}
  {{- end }}
*/}}
{{- define "common-lib.container.volumeMounts" -}}
{{- if .tmp }}
{{- include "common-lib.security.tmpVolumeMount" dict | nindent 0 }}
{{- end }}
{{- with .configPath }}
- name: config
  mountPath: {{ . | quote }}
  readOnly: true
{{- end }}
{{- with .volumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end -}}

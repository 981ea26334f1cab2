{{/*
common-lib.configmap: a ConfigMap `<fullname>-config` from `.Values.config`; nothing when
`.Values.config` is empty. The pods read it through envFrom and carry its checksum.
Usage:
  {{- include "common-lib.configmap" (dict "context" . "overrides" (dict)) | nindent 0 }}
*/}}
{{- define "common-lib.configmap" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.configmap.base" "context" .context "overrides" .overrides) -}}
{{- end -}}

{{- define "common-lib.configmap.base" -}}
{{- if .Values.config }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "common-lib.names.suffixed" (dict "context" . "suffix" "config") | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" . "component" "app") | nindent 4 }}
data:
  {{- range $key, $value := .Values.config }}
  {{ $key }}: {{ include "common-lib.util.string" $value | quote }}
  {{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.configmap.checksum: sha256 of the rendered config, for the pod annotation
`checksum/config`, so that a config change rolls the pods.
Usage:
  checksum/config: {{ include "common-lib.configmap.checksum" . | quote }}
*/}}
{{- define "common-lib.configmap.checksum" -}}
{{- toYaml .Values.config | sha256sum -}}
{{- end -}}

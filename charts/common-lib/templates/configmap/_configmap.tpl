{{/*
common-lib.configmap: a ConfigMap `<fullname>-config` from the App's `config`; nothing
when it is empty. The app pods read it through envFrom and carry its checksum.
Input: (dict "context" $ "app" $app "overrides" {..})
Usage:
  {{- include "common-lib.configmap" (dict "context" . "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.configmap" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.configmap.base" "input" .) -}}
{{- end -}}

{{- define "common-lib.configmap.base" -}}
{{- if .app.config }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "common-lib.names.suffixed" (dict "context" .context "app" .app "suffix" "config") | quote }}
  namespace: {{ .context.Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" .context "app" .app "component" "app") | nindent 4 }}
data:
  {{- range $key, $value := .app.config }}
  {{ $key | quote }}: {{ include "common-lib.util.string" $value | quote }}
  {{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.configmap.checksum: sha256 of the App's `config`, for the pod annotation
`checksum/config`, so that a config change rolls the pods.
Input: the scope (dict "context" $ "app" $app)
Usage:
  checksum/config: {{ include "common-lib.configmap.checksum" (dict "context" $ "app" .Values) | quote }}
*/}}
{{- define "common-lib.configmap.checksum" -}}
{{- /* toJson, not toYaml: Helm's YAML printer orders keys such as "ON", "010" and "0x1F"
differently from one render to the next; encoding/json always sorts them. */ -}}
{{- toJson .app.config | sha256sum -}}
{{- end -}}

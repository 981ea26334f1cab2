{{/*
common-lib.container.spec: the one container spec (app, sidecars, migration, test): the
restricted security context with the container's own merged over it, /tmp when `tmp`,
and the `config` volume read-only at `configPath`. Its input is a Kubernetes Container plus the extensions in the README (Container);
fields it does not own pass through as given.
Input: Container
Usage:
  - {{- include "common-lib.container.spec" (dict "name" "app" "image" .Values.image "tmp" true) | nindent 4 }}
*/}}
{{- define "common-lib.container.spec" -}}
{{- $passthrough := omit . "name" "image" "imagePullPolicy" "command" "args" "ports" "env" "secretEnv" "downwardEnv" "envFrom" "probes" "resources" "fallbackResources" "securityContext" "tmp" "configPath" "volumeMounts" "keys" "runToCompletion" -}}
{{- if .probes -}}
{{- $passthrough = omit $passthrough "livenessProbe" "readinessProbe" "startupProbe" -}}
{{- end -}}
name: {{ .name | quote }}
{{- if kindIs "string" .image }}
image: {{ .image | quote }}
{{- else }}
image: {{ include "common-lib.images.image" .image | quote }}
{{- end }}
{{- with .imagePullPolicy }}
imagePullPolicy: {{ . }}
{{- end }}
{{- with .command }}
command: [{{ include "common-lib.util.quotedList" . }}]
{{- end }}
{{- with .args }}
args: [{{ include "common-lib.util.quotedList" . }}]
{{- end }}
{{- with .ports }}
ports: {{- toYaml . | nindent 2 }}
{{- end }}
{{- if kindIs "slice" .env }}
{{- with .env }}
env: {{- toYaml . | nindent 2 }}
{{- end }}
{{- else if or .env .secretEnv .downwardEnv }}
env: {{- include "common-lib.env.vars" . | nindent 2 }}
{{- end }}
{{- with .envFrom }}
envFrom: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .probes }}
{{- include "common-lib.probes.all" . | nindent 0 }}
{{- end }}
resources: {{- include "common-lib.resources.container" (dict "resources" .resources "fallback" .fallbackResources) | nindent 2 }}
securityContext: {{- include "common-lib.security.containerSecurityContext" .securityContext | nindent 2 }}
{{- with include "common-lib.container.volumeMounts" . | trim }}
volumeMounts: {{- . | nindent 2 }}
{{- end }}
{{- with $passthrough }}
{{ toYaml . }}
{{- end }}
{{- end -}}

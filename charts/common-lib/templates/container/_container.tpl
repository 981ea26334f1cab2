{{/*
common-lib.container.spec: the one container spec every container uses (app, sidecars,
migration, test). Its input is a Kubernetes Container, with a few library extensions;
every field the helper does not own is printed as given (a sidecar's `lifecycle`, say).
Every container gets the restricted security context with its own `securityContext`
merged over it; `tmp: true` mounts the pod's writable /tmp.
Owned fields: name, image, imagePullPolicy, command, args, ports, env, envFrom,
  resources, securityContext, volumeMounts (and the probes, when `probes` is given).
Library extensions:
  image             a reference string, or an Image map (common-lib.images.image)
  env               a list of EnvVar as given, or a map {NAME: value} (common-lib.env.vars)
  secretEnv         {NAME: {secretName, key}}, appended to a map `env`
  probes            Probes (common-lib.probes.all)
  fallbackResources resources when the container has none (common-lib.resources.container)
  tmp               true mounts /tmp (common-lib.pod.spec then adds the volume)
Input: Container
Usage:
  - {{- include "common-lib.container.spec" (dict "name" "app" "image" .Values.image "tmp" true) | nindent 4 }}
*/}}
{{- define "common-lib.container.spec" -}}
{{- $skip := list "name" "image" "imagePullPolicy" "command" "args" "ports" "env" "secretEnv" "envFrom" "probes" "resources" "fallbackResources" "securityContext" "tmp" "volumeMounts" -}}
{{- if .probes -}}
{{- $skip = concat $skip (list "livenessProbe" "readinessProbe" "startupProbe") -}}
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
command: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .args }}
args: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .ports }}
ports: {{- toYaml . | nindent 2 }}
{{- end }}
{{- if kindIs "slice" .env }}
{{- with .env }}
env: {{- toYaml . | nindent 2 }}
{{- end }}
{{- else if or .env .secretEnv }}
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
{{- if or .tmp .volumeMounts }}
volumeMounts:
  {{- if .tmp }}
  {{- include "common-lib.security.tmpVolumeMount" dict | nindent 2 }}
  {{- end }}
  {{- with .volumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
{{- range $key, $value := . }}
{{- if not (has $key $skip) }}
{{ $key }}: {{- toYaml $value | nindent 2 }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.container.validate: one line per problem with a container as it will be
rendered: its image; its security context merged over the restricted defaults, against
the Pod Security level (common-lib.floor.container); its resources, its own or the
fallback (common-lib.resources.validate); its ports, env and mounts; pass-through probes
and lifecycle against the Kubernetes API. Messages name the values key each field came
from: the Container's `keys` (field -> key path).
The security floor runs when `check` (the container or its pod overrides a default).
`containerNames` are the names of every container of the pod (for references by name).
Input: (dict "context" $ "container" Container "pod" $mergedPodSecurityContext "check" true "level" "restricted" "volumes" (list "tmp" "data") "grace" 30 "containerNames" (list "app"))
Usage:
  {{ include "common-lib.container.validate" (dict "context" $ "container" $c "pod" $podCtx "check" true "level" "restricted" "volumes" $names "grace" 30 "containerNames" $containerNames) }}
*/}}
{{- define "common-lib.container.validate" -}}
{{- $c := .container -}}
{{- $keys := $c.keys -}}
{{- include "common-lib.images.validate" (dict "key" $keys.image "image" $c.image) | nindent 0 }}
{{- include "common-lib.floor.appArmorField" (dict "context" .context "key" $keys.securityContext "securityContext" $c.securityContext) | nindent 0 }}
{{- if .check }}
{{- $ctx := include "common-lib.security.containerSecurityContext" $c.securityContext | fromYaml }}
{{- include "common-lib.floor.container" (dict "key" $keys.securityContext "context" $ctx "pod" (.pod | default dict) "level" .level) | nindent 0 }}
{{- end }}
{{- include "common-lib.resources.validate" (dict "key" (ternary $keys.resources ($keys.fallbackResources | default $keys.resources) (not (empty $c.resources))) "resources" ($c.resources | default $c.fallbackResources | default dict)) | nindent 0 }}
{{- include "common-lib.container.validateEnv" . | nindent 0 }}
{{- include "common-lib.container.validateMounts" . | nindent 0 }}
{{- range $field, $type := dict "livenessProbe" "Probe" "readinessProbe" "Probe" "startupProbe" "Probe" "lifecycle" "Lifecycle" }}
{{- /* An empty map is checked too: a probe {} has no handler. Fields without a values
key are the chart's own (the app's probes and drain), which their own rules check. */}}
{{- $v := index $c $field }}
{{- if and (not (kindIs "invalid" $v)) (get $keys $field) }}
{{- include "common-lib.fields.check" (dict "context" $.context "key" (get $keys $field) "value" $v "type" $type) | nindent 0 }}
{{- include "common-lib.floor.handlerHosts" (dict "key" (get $keys $field) "value" $v) | nindent 0 }}
{{- if kindIs "map" $v }}
{{- include "common-lib.container.validateHandlers" (dict "context" $.context "grace" $.grace "key" (get $keys $field) "field" $field "value" $v) | nindent 0 }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

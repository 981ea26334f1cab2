{{/*
common-lib.pod.validate: one line per problem with a pod as common-lib.pod.spec will
render it, from the same input: the pod's merged security context, annotations and
priority class against the Pod Security level (common-lib.floor.pod); its pull secrets
(common-lib.pod.validatePullSecrets); its volumes
(common-lib.floor.volumes); container names and port names and numbers used once in the
pod (the chart's own come first, so a clash is reported on the Container whose
`keys.ports` names the values that added it; the App's own ports are checked by
common-lib.ports.validate); and
every container (common-lib.container.validate). The Pod's `keys` and each Container's
`keys` map fields to the values keys they came from; `podSecurityLevel` is restricted
unless the App lowered it.
Input: the input of common-lib.pod.template
Usage:
  {{ include "common-lib.pod.validate" (dict "context" $ "app" $app "component" "app" "pod" $pod "containers" $containers) }}
*/}}
{{- define "common-lib.pod.validate" -}}
{{- $pod := .pod | default dict -}}
{{- $keys := $pod.keys | default dict -}}
{{- $level := $pod.podSecurityLevel | default "restricted" -}}
{{- $podCtx := include "common-lib.security.podSecurityContext" $pod.securityContext | fromYaml -}}
{{- include "common-lib.floor.appArmorField" (dict "context" .context "key" $keys.securityContext "securityContext" $pod.securityContext) | nindent 0 }}
{{- include "common-lib.floor.pod" (dict "keys" $keys "context" $podCtx "annotations" .annotations "priorityClassName" (ternary .app.priorityClassName "" (and (eq (toString $pod.scheduling) "true") (hasKey .app "priorityClassName"))) "level" $level "kubeVersion" .context.Capabilities.KubeVersion.Version) | nindent 0 }}
{{- $containers := concat .containers (.initContainers | default list) -}}
{{- $containerNames := list -}}
{{- range $containers }}{{ $containerNames = append $containerNames (toString .name) }}{{ end -}}
{{- $volumes := list -}}
{{- range $containers }}{{ if .tmp }}{{ $volumes = list "tmp" }}{{ end }}{{ end -}}
{{- if $pod.configMap }}{{ $volumes = append $volumes "config" }}{{ end -}}
{{- include "common-lib.pod.validatePullSecrets" (dict "keys" $keys "secrets" $pod.imagePullSecrets) | nindent 0 }}
{{- include "common-lib.floor.volumes" (dict "context" .context "key" $keys.volumes "volumes" $pod.volumes "reserved" $volumes "level" $level "containers" $containerNames) | nindent 0 }}
{{- range $pod.volumes | default list }}{{ if kindIs "map" . }}{{ $volumes = append $volumes (toString .name) }}{{ end }}{{ end -}}
{{- $names := dict -}}
{{- $ports := dict -}}
{{- range $c := $containers }}
{{- if not $c.name }}
{{ $c.keys.name }}: is required (got empty); a DNS-1123 label such as log-shipper
{{- else if hasKey $names (toString $c.name) }}
{{ $c.keys.name }}: {{ $c.name | quote }} is already the name of another container in the pod ({{ get $names (toString $c.name) }}); container names are unique
{{- end }}
{{- $_ := set $names (toString $c.name) ($c.keys.name | default $c.name) }}
{{- range $i, $port := $c.ports | default list }}
{{- range $field := list "name" "containerPort" }}
{{- $value := include "common-lib.util.string" (get $port $field | default "") }}
{{- if and $value (eq $field "containerPort") }}{{ $value = printf "%s/%s" $value (toString ($port.protocol | default "TCP")) }}{{ end }}
{{- if and $value $c.keys.ports (hasKey $ports (printf "%s=%s" $field $value)) }}
{{ printf "%s[%d]" ($c.keys.ports | default "ports") $i }}.{{ $field }}: {{ $value }} is already used by {{ get $ports (printf "%s=%s" $field $value) }} in this pod; each port {{ $field }} is used once
{{- end }}
{{- $_ := set $ports (printf "%s=%s" $field $value) (ternary (printf "%s[%d]" ($c.keys.ports | default "") $i) (printf "the %s container's %s port" (toString $c.name) (toString $port.name)) (not (empty $c.keys.ports))) }}
{{- end }}
{{- end }}
{{- include "common-lib.container.validate" (dict "context" $.context "container" $c "pod" $podCtx "check" (or $pod.securityContext $c.securityContext) "level" $level "volumes" $volumes "grace" $pod.terminationGracePeriodSeconds "containerNames" $containerNames) | nindent 0 }}
{{- end }}
{{- include "common-lib.pod.validateTmp" . | nindent 0 }}
{{- range $c := .initContainers }}
{{- if $c.runToCompletion }}
{{- range $field := list "livenessProbe" "readinessProbe" "startupProbe" "lifecycle" "restartPolicy" }}
{{- if hasKey $c $field }}
{{ get $c.keys $field }}: an init container runs to completion and cannot have a {{ $field }} (got {{ get $c $field | toJson }}); for a container that runs beside the app, use sidecars (with restartPolicy Always for a native sidecar)
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- range $c := .containers }}
{{- if $c.restartPolicy }}
{{ $c.keys.restartPolicy }}: only an init container can have a restartPolicy (got {{ $c.restartPolicy | quote }}); a native sidecar is an init container with restartPolicy Always
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.pod.validateTmp: the /tmp emptyDir fits in the ephemeral-storage limit of each
container that mounts it (its own resources, or the fallback): the kubelet counts /tmp in
the pod's ephemeral storage and evicts the pod at the limit, before /tmp is full.
Input: the input of common-lib.pod.template
Usage:
  {{ include "common-lib.pod.validateTmp" $in }}
*/}}
{{- define "common-lib.pod.validateTmp" -}}
{{- $size := (.pod | default dict).tmpSizeLimit -}}
{{- range $c := concat (.initContainers | default list) .containers }}
{{- $key := ternary $c.keys.resources ($c.keys.fallbackResources | default $c.keys.resources) (not (empty $c.resources)) }}
{{- $limit := index (($c.resources | default $c.fallbackResources | default dict).limits | default dict) "ephemeral-storage" }}
{{- if and $c.tmp $size $limit (gt (float64 (include "common-lib.resources.quantity" $size)) (float64 (include "common-lib.resources.quantity" $limit))) }}
tmpSizeLimit: is above {{ $key }}.limits.ephemeral-storage (got {{ include "common-lib.util.string" $size }}, limit {{ include "common-lib.util.string" $limit }}); /tmp counts in the pod's ephemeral storage, so the pod would be evicted before /tmp is full: raise the limit or lower tmpSizeLimit
{{- end }}
{{- end }}
{{- end -}}

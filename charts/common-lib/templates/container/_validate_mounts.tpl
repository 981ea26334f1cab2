{{/*
common-lib.container.validateMounts: one line per problem with a container's volume
mounts and ports. A mount names a volume of the pod, its path is used once and is not
`/tmp` when the chart mounts /tmp itself, nor the config files' `configPath`; a subPath
and a subPathExpr are relative without "..", and not both given; every mount is checked against the VolumeMount
API. Ports given in values (the Container's `keys.ports`) have an IANA service name of at
most 15 characters and no host port (never allowed: it binds the node's network).
Input: the input of common-lib.container.validate
Usage:
  {{ include "common-lib.container.validateMounts" $in }}
*/}}
{{- define "common-lib.container.validateMounts" -}}
{{- $c := .container -}}
{{- $keys := $c.keys -}}
{{- $paths := dict -}}
{{- if $c.tmp }}{{ $_ := set $paths "/tmp" "the chart's own /tmp" }}{{ end -}}
{{- with $c.configPath }}{{ $_ := set $paths (clean .) "the chart's config files (configMountPath)" }}{{ end -}}
{{- range $i, $m := $c.volumeMounts | default list }}
{{- $key := printf "%s[%d]" $keys.volumeMounts $i }}
{{- include "common-lib.fields.check" (dict "context" $.context "key" $key "value" $m "type" "VolumeMount") | nindent 0 }}
{{- if kindIs "map" $m }}
{{- if not (has (toString $m.name) $.volumes) }}
{{ $key }}.name: mounts a volume the pod does not have (got {{ $m.name | toJson }}); volumes: {{ $.volumes | uniq | join ", " }}
{{- end }}
{{- if and $m.subPath $m.subPathExpr }}
{{ $key }}: sets both subPath and subPathExpr (got {{ pick $m "subPath" "subPathExpr" | toJson }}); keep one
{{- else }}
{{- range $field := list "subPath" "subPathExpr" }}
{{- $sub := get $m $field }}
{{- if and $sub (or (hasPrefix "/" (toString $sub)) (regexMatch "(^|/)\\.\\.(/|$)" (toString $sub))) }}
{{ $key }}.{{ $field }}: must be a relative path without ".." (got {{ $sub | toJson }}); e.g. config/app.yaml{{ if eq $field "subPathExpr" }} or $(POD_NAME)/logs{{ end }}
{{- end }}
{{- end }}
{{- end }}
{{- if and $m.mountPropagation (ne (toString $m.mountPropagation) "None") (ne (toString $m.mountPropagation) "HostToContainer") }}
{{ $key }}.mountPropagation: must be None or HostToContainer (got {{ $m.mountPropagation | toJson }}); Bidirectional needs a privileged container, which is never allowed
{{- end }}
{{- $path := clean (toString $m.mountPath) }}
{{- if hasKey $paths $path }}
{{ $key }}.mountPath: {{ $path | quote }} is already mounted by {{ get $paths $path }} (got {{ $m.mountPath | toJson }}); mount each path once
{{- end }}
{{- $_ := set $paths $path $key }}
{{- end }}
{{- end }}
{{- if $keys.ports }}
{{- range $i, $port := $c.ports | default list }}
{{- $key := printf "%s[%d]" $keys.ports $i }}
{{- include "common-lib.fields.check" (dict "context" $.context "key" $key "value" $port "type" "ContainerPort") | nindent 0 }}
{{- if and (kindIs "map" $port) (not (include "common-lib.util.portNumber" $port.containerPort)) }}
{{ $key }}.containerPort: must be a port number from 1 to 65535 (got {{ $port.containerPort | toJson }})
{{- else if and (kindIs "map" $port) $port.protocol (not (has (toString $port.protocol) (list "TCP" "UDP" "SCTP"))) }}
{{ $key }}.protocol: must be TCP, UDP or SCTP, in capitals (got {{ $port.protocol | toJson }})
{{- end }}
{{- if and (kindIs "map" $port) (or $port.hostPort $port.hostIP) }}
{{ $key }}.hostPort: host ports are never allowed (got {{ pick $port "hostPort" "hostIP" | toJson }}); reach the container through a Service
{{- end }}
{{- if and (kindIs "map" $port) $port.name (not (include "common-lib.util.portName" (toString $port.name))) }}
{{ $key }}.name: is not a port name (got {{ $port.name | toJson }}); at most 15 lower-case letters, digits and single inner "-", with at least one letter, e.g. grpc-admin
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.floor.handlerHosts: one line per probe or lifecycle handler that names a host
(`httpGet.host`, `tcpSocket.host`): the kubelet would connect from the node's network, to
any address (the cloud metadata service, another node's kubelet). Never allowed; Pod
Security baseline refuses it since Kubernetes 1.34. The handler reaches its own pod.
Input: (dict "key" "sidecars[0].livenessProbe" "value" $probeOrLifecycle)
Usage:
  {{ include "common-lib.floor.handlerHosts" (dict "key" "sidecars[0].lifecycle" "value" $c.lifecycle) }}
*/}}
{{- define "common-lib.floor.handlerHosts" -}}
{{- $handlers := dict "" .value -}}
{{- if kindIs "map" .value }}
{{- range $phase := list "postStart" "preStop" }}{{ with get $.value $phase }}{{ $_ := set $handlers (printf ".%s" $phase) . }}{{ end }}{{ end }}
{{- end }}
{{- range $path, $handler := $handlers }}
{{- range $action := list "httpGet" "tcpSocket" }}
{{- $h := and (kindIs "map" $handler) (get $handler $action) }}
{{- if and (kindIs "map" $h) (not (empty (get $h "host"))) }}
{{ $.key }}{{ $path }}.{{ $action }}.host: a probe or hook must not name a host (got {{ get $h "host" | quote }}); the kubelet would connect from the node's network. Remove it: the handler reaches the pod's own address
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

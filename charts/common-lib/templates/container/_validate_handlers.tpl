{{/*
common-lib.container.validateHandlers: one line per probe or lifecycle hook given in
values that the API server would refuse: a probe names exactly one of exec, httpGet,
tcpSocket and grpc (liveness and startup probes with successThreshold 1, readiness probes
without terminationGracePeriodSeconds); a postStart or preStop hook exactly one of exec,
httpGet, tcpSocket and sleep (sleep from Kubernetes 1.30, 0 seconds from 1.33, for at most
the pod's `grace` seconds, 30 when unset); the handler's own values
(common-lib.container.validateHandler) and a probe's numbers (common-lib.container.validateProbeTimes).
Input: (dict "context" $ "grace" 30 "key" "sidecars[0].livenessProbe" "field" "livenessProbe" "value" {..})
Usage:
  {{ include "common-lib.container.validateHandlers" (dict "context" $ "key" $key "field" "lifecycle" "value" $c.lifecycle) }}
*/}}
{{- define "common-lib.container.validateHandlers" -}}
{{- $handlers := dict -}}
{{- $kinds := list "exec" "httpGet" "tcpSocket" "grpc" -}}
{{- if eq .field "lifecycle" }}
{{- $kinds = list "exec" "httpGet" "tcpSocket" "sleep" -}}
{{- range $phase := list "postStart" "preStop" }}{{ if hasKey $.value $phase }}{{ $_ := set $handlers (printf "%s.%s" $.key $phase) (get $.value $phase) }}{{ end }}{{ end }}
{{- else }}
{{- $_ := set $handlers .key .value -}}
{{- if and (has .field (list "livenessProbe" "startupProbe")) (not (kindIs "invalid" .value.successThreshold)) (ne (toString .value.successThreshold) "1") }}
{{ .key }}.successThreshold: must be 1 for a {{ .field }} (got {{ .value.successThreshold | toJson }})
{{- else if and (eq .field "readinessProbe") (hasKey .value "terminationGracePeriodSeconds") }}
{{ .key }}.terminationGracePeriodSeconds: must not be set for a readinessProbe (got {{ .value.terminationGracePeriodSeconds | toJson }}); a failed readiness probe only takes the pod out of the Service, it never stops the container
{{- end }}
{{- include "common-lib.container.validateProbeTimes" (dict "key" .key "probe" .value) | nindent 0 }}
{{- end }}
{{- range $key, $handler := $handlers }}
{{- $set := keys (pick (ternary $handler dict (kindIs "map" $handler)) "exec" "httpGet" "tcpSocket" "grpc" "sleep") | sortAlpha }}
{{- if eq (len $set) 1 }}{{ include "common-lib.container.validateHandler" (dict "key" $key "handler" $handler "kind" (first $set)) | nindent 0 }}{{ end }}
{{- if ne (len $set) 1 }}
{{ $key }}: needs exactly one handler (got {{ $set | toJson }}); one of {{ join ", " $kinds }}
{{- else if and (has "sleep" $set) $.context (semverCompare "<1.30.0-0" $.context.Capabilities.KubeVersion.Version) }}
{{ $key }}.sleep: needs Kubernetes 1.30 or later (got Kubernetes {{ $.context.Capabilities.KubeVersion.Version }}); use exec with a sleep command the image has, e.g. {exec: {command: [sleep, "5"]}}
{{- else if and (has "sleep" $set) $.context (kindIs "map" $handler.sleep) (eq (include "common-lib.util.string" $handler.sleep.seconds) "0") (semverCompare "<1.33.0-0" $.context.Capabilities.KubeVersion.Version) }}
{{ $key }}.sleep.seconds: 0 needs Kubernetes 1.33 or later (got Kubernetes {{ $.context.Capabilities.KubeVersion.Version }}); leave the preStop hook out instead
{{- else if and (has "sleep" $set) (kindIs "map" $handler.sleep) (gt (float64 ($handler.sleep.seconds | default 0)) (float64 (ternary 30 $.grace (kindIs "invalid" $.grace)))) }}
{{ $key }}.sleep.seconds: must be at most terminationGracePeriodSeconds (got {{ $handler.sleep.seconds | toJson }}, terminationGracePeriodSeconds {{ ternary 30 $.grace (kindIs "invalid" $.grace) }}); the kubelet kills the container when the grace period ends
{{- end }}
{{- end }}
{{- end -}}

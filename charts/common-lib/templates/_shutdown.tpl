{{/*
common-lib.shutdown.lifecycle: the app container's preStop hook, which waits `seconds`
before the kubelet sends SIGTERM, so the Service endpoints and load balancers stop
sending new requests first. The `sleep` action on Kubernetes 1.30 and later (no shell or
binary needed, so distroless images work); before 1.30, `exec` of `sleep`, which the
image must provide. Empty when `seconds` is 0.
Input: (dict "context" $ "seconds" 5)
Usage:
  {{- $lifecycle := include "common-lib.shutdown.lifecycle" (dict "context" $ "seconds" 5) | fromYaml }}
*/}}
{{- define "common-lib.shutdown.lifecycle" -}}
{{- $seconds := int .seconds -}}
{{- if gt $seconds 0 -}}
preStop:
{{- if semverCompare ">=1.30.0-0" .context.Capabilities.KubeVersion.Version }}
  sleep:
    seconds: {{ $seconds }}
{{- else }}
  exec:
    command: ["sleep", {{ $seconds | quote }}]
{{- end }}
{{- end -}}
{{- end -}}

{{/*
common-lib.shutdown.validate: the pod's grace period outlasts the drain, so the app still
gets SIGTERM and time to finish its requests (the kubelet kills it when the grace period
ends, and the API server refuses a sleep longer than the grace period).
Input: (dict "drainSeconds" 5 "terminationGracePeriodSeconds" 30)
Usage:
  {{ include "common-lib.shutdown.validate" (dict "drainSeconds" .Values.drainSeconds "terminationGracePeriodSeconds" .Values.terminationGracePeriodSeconds) }}
*/}}
{{- define "common-lib.shutdown.validate" -}}
{{- $drain := .drainSeconds | default 0 -}}
{{- /* Unset (null), the API server's default applies: 30 seconds. */ -}}
{{- $grace := ternary 30 .terminationGracePeriodSeconds (kindIs "invalid" .terminationGracePeriodSeconds) -}}
{{- if and (gt (float64 $drain) 0.0) (le (float64 $grace) (float64 $drain)) }}
terminationGracePeriodSeconds: must be above drainSeconds (got {{ $grace | toJson }}, drainSeconds {{ $drain | toJson }}); the app gets SIGTERM only after the drain and needs time to stop: e.g. terminationGracePeriodSeconds: {{ add (int $drain) 30 }}, or lower drainSeconds
{{- end }}
{{- end -}}

{{/*
common-lib.testpod: the `helm test` pod: it requests the readiness path through the
Service (or opens a TCP connection when probes are not http) and exits non-zero on
failure. A worker has no Service, so it has no test pod.
It is a hook with a delete policy, runs restricted through the same pod and container
spec as the app, and is the one place a UID is set (65534, "nobody"), because the busybox
image runs as root by default. Its public image needs none of the App's pull secrets; a
private mirror of it has its own, `tests.imagePullSecrets`.
Input: (dict "context" $ "app" $app "overrides" {..})
Usage:
  {{- include "common-lib.testpod" (dict "context" . "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.testpod" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.testpod.base" "input" .) -}}
{{- end -}}

{{- define "common-lib.testpod.base" -}}
{{- $app := .app -}}
{{- if and $app.tests.enabled (ne (toString $app.shape) "worker") }}
{{- $in := dict }}
{{- $_ := include "common-lib.testpod.podInput" (dict "context" .context "app" $app "out" $in) }}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "common-lib.names.suffixed" (dict "context" .context "app" $app "suffix" "test") | quote }}
  namespace: {{ .context.Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" .context "app" $app "component" "test") | nindent 4 }}
    {{- with include "common-lib.mesh.labels" (dict "app" $app "component" "test") }}
    {{- . | nindent 4 }}
    {{- end }}
  annotations:
    {{- with include "common-lib.mesh.annotations" (dict "app" $app "component" "test") }}
    {{- . | nindent 4 }}
    {{- end }}
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec: {{- include "common-lib.pod.spec" $in | trim | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
common-lib.testpod.podInput: fills `out` with the input of common-lib.pod.spec for the
test pod (the same input builds and validates it): wget (or nc unless probes are http) against
the Service, on the Service port of the readiness probe's port, as UID 65534, with small
fixed resources.
Input: (dict "context" $ "app" $app "out" $emptyDict)
Usage:
  {{- $_ := include "common-lib.testpod.podInput" (dict "context" $ "app" .Values "out" $in) }}
*/}}
{{- define "common-lib.testpod.podInput" -}}
{{- $app := .app -}}
{{- $service := include "common-lib.names.fullname" . -}}
{{- $port := include "common-lib.ports.servicePort" (dict "context" .context "app" $app "name" (include "common-lib.probes.readinessPort" $app.probes)) -}}
{{- $command := list "wget" "-q" "-O" "/dev/null" "-T" "5" (printf "http://%s:%v%s" $service $port $app.probes.readiness.path) -}}
{{- if ne (toString $app.probes.type) "http" -}}
{{- $command = list "nc" "-z" "-w" "5" $service (toString $port) -}}
{{- end -}}
{{- $pod := dict
  "restartPolicy" "Never"
  "imagePullSecrets" ($app.tests.imagePullSecrets | default list)
  "securityContext" (dict "runAsUser" 65534 "runAsGroup" 65534)
  "keys" (dict "securityContext" "tests")
-}}
{{- $container := dict
  "name" "test"
  "image" $app.tests.image
  "imagePullPolicy" "IfNotPresent"
  "command" $command
  "resources" (dict "requests" (dict "cpu" "10m" "memory" "16Mi") "limits" (dict "memory" "32Mi"))
  "keys" (dict "name" "tests" "image" "tests.image" "securityContext" "tests" "resources" "tests")
-}}
{{- $_ := merge .out (dict "context" .context "app" $app "component" "test" "pod" $pod "containers" (list $container)) -}}
{{- end -}}

{{/*
common-lib.deployment.validate: the App's pods as they will be rendered
(common-lib.pod.validate over common-lib.deployment.podInput: security floor, images,
resources, env, volumes, mounts, ports, sidecars); a listen port; the probes for the shape
(common-lib.probes.validate); a grace period that outlasts the drain
(common-lib.shutdown.validate); mesh keys not set by hand (common-lib.mesh.validate); the
`envFrom` sources (common-lib.env.validateSources); the named `ports` and the probes' port
(common-lib.ports.validate); the Pod Security
switch (baseline needs a reason); label and annotation maps, no controller-owned pod
labels; scheduling. One line per
problem (common-lib.validate.app runs it).
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.deployment.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.deployment.validate" -}}
{{- $app := .app -}}
{{- $port := $app.containerPort }}
{{- if not (and (or (kindIs "float64" $port) (regexMatch "^u?int(8|16|32|64)?$" (kindOf $port))) (eq (float64 (int $port)) (float64 $port)) (ge (int $port) 1) (le (int $port) 65535)) }}
containerPort: must be a port number from 1 to 65535 (got {{ $port | toJson }}); the port the app listens on, e.g. 8080
{{- end }}
{{- $level := ($app.podSecurity | default dict).level | default "restricted" }}
{{- if not (has $level (list "restricted" "baseline")) }}
podSecurity.level: must be restricted or baseline (got {{ $level | toJson }}); privileged pods are never allowed
{{- else if and (eq $level "baseline") (lt (len (trim (($app.podSecurity | default dict).reason | default ""))) 10) }}
podSecurity.reason: is required with level baseline, at least 10 characters (got {{ ($app.podSecurity | default dict).reason | default "" | toJson }}); say why this release needs it, e.g. "vendor image runs as root; ticket SHOP-123"
{{- end }}
{{- range $key := list "commonLabels" "podLabels" "podAnnotations" "nodeSelector" }}
{{- include "common-lib.metadata.validate" (dict "key" $key "values" (get $app $key) "kind" (ternary "annotations" "labels" (eq $key "podAnnotations"))) | nindent 0 }}
{{- end }}
{{- range $name := list "pod-template-hash" "controller-revision-hash" "controller-uid" "job-name" "batch.kubernetes.io/controller-uid" "batch.kubernetes.io/job-name" }}
{{- if hasKey ($app.podLabels | default dict) $name }}
podLabels.{{ $name }}: is set by the Kubernetes controller that creates the pods (got {{ index $app.podLabels $name | toJson }}); a value here breaks its selector (a CronJob's Jobs are refused): remove it
{{- end }}
{{- end }}
{{- include "common-lib.metadata.validateChartAnnotations" . | nindent 0 }}
{{- include "common-lib.validate.deprecatedKeys" . | nindent 0 }}
{{- include "common-lib.scheduling.validate" . | nindent 0 }}
{{- include "common-lib.probes.validate" . | nindent 0 }}
{{- include "common-lib.mesh.validate" . | nindent 0 }}
{{- include "common-lib.env.validateSources" . | nindent 0 }}
{{- include "common-lib.ports.validate" . | nindent 0 }}
{{- if ne (toString $app.shape) "worker" }}
{{- include "common-lib.shutdown.validate" (dict "drainSeconds" $app.drainSeconds "terminationGracePeriodSeconds" $app.terminationGracePeriodSeconds) | nindent 0 }}
{{- end }}
{{- $in := dict }}
{{- $_ := include "common-lib.deployment.podInput" (dict "context" .context "app" $app "out" $in) }}
{{- include "common-lib.pod.validate" $in | nindent 0 }}
{{- end -}}

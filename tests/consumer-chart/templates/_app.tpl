{{/*
consumer.app: common-lib's App input, built from this chart's own values layout
(values.yaml) over common-lib.app.defaults. Every template builds it with
`include "consumer.app" . | fromYaml` and passes it to an entry point.
*/}}
{{- define "consumer.app" -}}
{{- $v := .Values -}}
{{- $w := $v.workload -}}
{{- $app := include "common-lib.app.defaults" . | fromYaml -}}
{{- $probe := dict "path" "/healthz" -}}
{{- $_ := include "common-lib.util.merge" (list $app (dict
  "nameOverride" $v.title
  "fullnameOverride" $v.fixedName
  "image" $w.image
  "containerPort" $w.listenPort
  "replicaCount" $w.copies
  "env" $w.variables
  "secretEnv" $w.secretVariables
  "config" $w.settings
  "resources" (dict "requests" (dict "cpu" $w.cpu "memory" $w.memory) "limits" (dict "memory" $w.memoryCap))
  "probes" (dict "type" (ternary "tcp" "http" $w.tcpChecks) "liveness" $probe "readiness" (dict "path" "/readyz") "startup" (dict "path" "/healthz" "periodSeconds" 5 "failureThreshold" 30))
  "containerSecurityContext" $w.hardening
  "podSecurityContext" $w.podHardening
  "sidecars" $w.helpers
  "imagePullSecrets" $w.pullSecrets
  "service" (dict "port" $v.expose.port "annotations" $v.expose.annotations)
  "serviceAccount" (dict "create" $v.runAs.create "name" $v.runAs.name)
  "autoscaling" (dict "enabled" $v.scaling.enabled "minReplicas" $v.scaling.min "maxReplicas" $v.scaling.max "targetCPUUtilizationPercentage" $v.scaling.cpuPercent)
  "podDisruptionBudget" (dict "enabled" $v.guardrails.disruptionBudget "maxUnavailable" 1)
  "networkPolicy" (dict "enabled" $v.guardrails.networkPolicy)
  "topologySpread" $v.guardrails.spread
  "metrics" (dict "enabled" $v.telemetry.enabled "port" $v.telemetry.port "path" "/metrics" "serviceMonitor" (dict "enabled" $v.telemetry.serviceMonitor "interval" "30s" "labels" $v.telemetry.monitorLabels))
  "commonLabels" $v.tags
  "podLabels" $v.podTags
  "podAnnotations" $v.podNotes
  "ingress" $v.extras.ingress
  "httpRoute" $v.extras.httpRoute
  "migration" $v.extras.migration
  "cronJobs" $v.extras.cronJobs
  "externalSecret" $v.extras.externalSecret
  "tests" $v.extras.tests
)) -}}
{{- toYaml $app -}}
{{- end -}}

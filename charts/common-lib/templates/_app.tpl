{{/*
common-lib.app.defaults: the empty App, as YAML: every optional feature off and every
collection empty, nothing else. A chart whose values have a layout of their own starts
from it and sets the fields it has (the README's App table), so that no entry point
meets a missing section. A feature that is turned on needs its settings from the chart.
Input: none (pass any value)
Usage:
  {{- $app := include "common-lib.app.defaults" . | fromYaml }}
  {{- $_ := include "common-lib.util.merge" (list $app (dict "image" .Values.workload.image "containerPort" .Values.workload.port)) }}
*/}}
{{- define "common-lib.app.defaults" -}}
nameOverride: ""
fullnameOverride: ""
image: {repository: "", tag: "", digest: "", pullPolicy: ""}
imagePullSecrets: []
replicaCount: 1
command: []
args: []
env: {}
secretEnv: {}
downwardEnv: {}
envFrom: []
config: {}
configMountPath: ""
externalSecret: {enabled: false, secretStoreRef: {}, data: []}
service: {type: ClusterIP, annotations: {}}
serviceAccount: {create: false, name: "", annotations: {}, automountToken: false}
resources: {}
ports: []
probes: {type: http, port: http, liveness: {}, readiness: {}, startup: {}}
podSecurityContext: {}
containerSecurityContext: {}
autoscaling: {enabled: false}
podDisruptionBudget: {enabled: false}
topologySpread: false
metrics: {enabled: false, serviceMonitor: {enabled: false, labels: {}}}
networkPolicy: {enabled: false, from: [], egress: {enabled: false, dns: [], rules: []}}
ingress: {enabled: false, annotations: {}, hosts: [], tls: []}
httpRoute: {enabled: false, annotations: {}, parentRefs: [], hostnames: [], paths: []}
migration: {enabled: false, command: [], args: [], hooks: "", env: {}, secretEnv: {}, resources: {}, argocd: false}
cronJobs: {}
tests: {enabled: false}
commonLabels: {}
podLabels: {}
podAnnotations: {}
nodeSelector: {}
tolerations: []
affinity: {}
priorityClassName: ""
mesh: none
sidecars: []
initContainers: []
extraVolumes: []
extraVolumeMounts: []
{{- end -}}

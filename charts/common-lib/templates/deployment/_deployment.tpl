{{/*
common-lib.deployment: the App's Deployment. The selector is the frozen selector
(name, instance, component "app"); `replicas` is omitted when an HPA owns the count;
rolling updates never take a pod away before its replacement is Ready.
Input: (dict "context" $ "app" $app "overrides" {..})
Usage:
  {{- include "common-lib.deployment" (dict "context" . "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.deployment" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.deployment.base" "input" .) -}}
{{- end -}}

{{- define "common-lib.deployment.base" -}}
{{- $scope := dict "context" .context "app" .app "component" "app" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "common-lib.names.fullname" . | quote }}
  namespace: {{ .context.Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" $scope | nindent 4 }}
spec:
  {{- if not .app.autoscaling.enabled }}
  replicas: {{ .app.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 10
  selector:
    matchLabels: {{- include "common-lib.labels.selector" $scope | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template: {{- include "common-lib.deployment.podTemplate" . | nindent 4 }}
{{- end -}}

{{/*
common-lib.deployment.podTemplate: the App's pod template, built by common-lib.pod.template
from common-lib.deployment.podInput.
Input: the scope (dict "context" $ "app" $app)
Usage:
  template: {{- include "common-lib.deployment.podTemplate" (dict "context" $ "app" .Values) | nindent 4 }}
*/}}
{{- define "common-lib.deployment.podTemplate" -}}
{{- $in := dict -}}
{{- $_ := include "common-lib.deployment.podInput" (dict "context" .context "app" .app "out" $in) -}}
{{- include "common-lib.pod.template" $in | trim -}}
{{- end -}}

{{/*
common-lib.deployment.podInput: fills `out` with the input of common-lib.pod.template for
the App's pods (the same input builds and validates them): frozen labels; checksum and
scrape annotations; the app container (the named port `http` and the App's `ports` unless
the App is a worker, and `metrics` when it is separate; env, secretEnv and downwardEnv; the
ConfigMap (or its files at `configMountPath`, common-lib.env.configFiles), the
ExternalSecret's Secret and the App's `envFrom` sources through envFrom (common-lib.env.from); probes;
the preStop drain (common-lib.shutdown.lifecycle) unless the App is a worker; resources;
security; /tmp); the sidecars, those with `restartPolicy: Always` as native
sidecars (init containers that outlive the app), then the App's `initContainers`, which run
to completion before the app starts; the App's scheduling and volumes. Every
Container and the Pod carry `keys`: the values key each field came from.
Input: (dict "context" $ "app" $app "out" $emptyDict)
Usage:
  {{- $_ := include "common-lib.deployment.podInput" (dict "context" $ "app" .Values "out" $in) }}
*/}}
{{- define "common-lib.deployment.podInput" -}}
{{- $app := .app -}}
{{- $scope := dict "context" .context "app" $app -}}
{{- $annotations := deepCopy ($app.podAnnotations | default dict) -}}
{{- $_ := include "common-lib.util.merge" (list $annotations (include "common-lib.metrics.annotations" $scope | fromYaml)) -}}
{{- if $app.config -}}
{{- $_ := set $annotations "checksum/config" (include "common-lib.configmap.checksum" $scope) -}}
{{- end -}}
{{- $pod := dict
  "serviceAccountName" (include "common-lib.names.serviceAccount" $scope)
  "automountServiceAccountToken" $app.serviceAccount.automountToken
  "securityContext" $app.podSecurityContext
  "podSecurityLevel" (($app.podSecurity | default dict).level | default "restricted")
  "podSecurityReason" (($app.podSecurity | default dict).reason | default "")
  "terminationGracePeriodSeconds" $app.terminationGracePeriodSeconds
  "imagePullSecrets" $app.imagePullSecrets
  "scheduling" true
  "tmpSizeLimit" $app.tmpSizeLimit
  "volumes" $app.extraVolumes
  "keys" (dict "securityContext" "podSecurityContext" "volumes" "extraVolumes" "annotations" "podAnnotations" "priorityClassName" "priorityClassName")
-}}
{{- $ports := list -}}
{{- if ne (toString $app.shape) "worker" -}}
{{- $ports = list (dict "name" "http" "containerPort" $app.containerPort "protocol" "TCP") -}}
{{- $ports = concat $ports (include "common-lib.ports.container" $scope | fromYamlArray) -}}
{{- end -}}
{{- $ports = concat $ports (include "common-lib.metrics.containerPort" $scope | fromYamlArray) -}}
{{- $envFrom := include "common-lib.env.from" $scope | fromYamlArray -}}
{{- $configPath := include "common-lib.env.configFiles" (dict "context" .context "app" $app "pod" $pod) -}}
{{- $main := dict
  "name" "app"
  "image" $app.image
  "imagePullPolicy" $app.image.pullPolicy
  "command" $app.command
  "args" $app.args
  "ports" $ports
  "env" $app.env
  "secretEnv" $app.secretEnv
  "downwardEnv" $app.downwardEnv
  "envFrom" $envFrom
  "probes" $app.probes
  "resources" $app.resources
  "securityContext" $app.containerSecurityContext
  "tmp" true
  "configPath" $configPath
  "volumeMounts" $app.extraVolumeMounts
  "keys" (dict "name" "app" "image" "image" "securityContext" "containerSecurityContext" "resources" "resources" "env" "env" "secretEnv" "secretEnv" "downwardEnv" "downwardEnv" "volumeMounts" "extraVolumeMounts")
-}}
{{- if ne (toString $app.shape) "worker" -}}
{{- with include "common-lib.shutdown.lifecycle" (dict "context" .context "seconds" ($app.drainSeconds | default 0)) | fromYaml -}}
{{- $_ := set $main "lifecycle" . -}}
{{- end -}}
{{- end -}}
{{- $containers := list $main -}}
{{- $initContainers := list -}}
{{- /* sidecars first, so the native ones start before the App's own init containers */ -}}
{{- range $list := list "sidecars" "initContainers" -}}
{{- range $i, $given := index $app $list | default list -}}
{{- $keys := dict -}}
{{- range $field := list "name" "image" "securityContext" "resources" "env" "secretEnv" "envFrom" "ports" "volumeMounts" "livenessProbe" "readinessProbe" "startupProbe" "lifecycle" "restartPolicy" -}}
{{- $_ := set $keys $field (printf "%s[%d].%s" $list $i $field) -}}
{{- end -}}
{{- $c := merge (dict "keys" $keys "runToCompletion" (eq $list "initContainers")) $given -}}
{{- if eq $list "initContainers" -}}
{{- $initContainers = append $initContainers $c -}}
{{- else if eq (toString $given.restartPolicy) "Always" -}}
{{- $initContainers = append $initContainers $c -}}
{{- else -}}
{{- $containers = append $containers $c -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $_ := merge .out (dict "context" .context "app" $app "component" "app" "annotations" $annotations "pod" $pod "containers" $containers "initContainers" $initContainers) -}}
{{- end -}}

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
common-lib.deployment.podTemplate: the App's pod template: frozen labels, checksum and
scrape annotations; the app container (the named port `http`, and `metrics` when it is
separate; env; the ConfigMap and the ExternalSecret's Secret through envFrom; probes;
resources; security; /tmp) and the sidecars; spread across nodes. Built by
common-lib.pod.template.
Input: the scope (dict "context" $ "app" $app)
Usage:
  template: {{- include "common-lib.deployment.podTemplate" (dict "context" $ "app" .Values) | nindent 4 }}
*/}}
{{- define "common-lib.deployment.podTemplate" -}}
{{- $app := .app -}}
{{- $annotations := deepCopy ($app.podAnnotations | default dict) -}}
{{- $_ := include "common-lib.util.merge" (list $annotations (include "common-lib.metrics.annotations" . | fromYaml)) -}}
{{- if $app.config -}}
{{- $_ := set $annotations "checksum/config" (include "common-lib.configmap.checksum" .) -}}
{{- end -}}
{{- $pod := dict
  "serviceAccountName" (include "common-lib.names.serviceAccount" .)
  "automountServiceAccountToken" $app.serviceAccount.automountToken
  "securityContext" $app.podSecurityContext
  "terminationGracePeriodSeconds" $app.terminationGracePeriodSeconds
  "imagePullSecrets" $app.imagePullSecrets
  "scheduling" true
  "tmpSizeLimit" $app.tmpSizeLimit
  "volumes" $app.extraVolumes
-}}
{{- $ports := list (dict "name" "http" "containerPort" $app.containerPort "protocol" "TCP") -}}
{{- $ports = concat $ports (include "common-lib.metrics.containerPort" . | fromYamlArray) -}}
{{- $envFrom := list -}}
{{- if $app.config -}}
{{- $envFrom = append $envFrom (dict "configMapRef" (dict "name" (include "common-lib.names.suffixed" (dict "context" .context "app" $app "suffix" "config")))) -}}
{{- end -}}
{{- if $app.externalSecret.enabled -}}
{{- $envFrom = append $envFrom (dict "secretRef" (dict "name" (include "common-lib.externalsecret.secretName" .))) -}}
{{- end -}}
{{- $main := dict
  "name" "app"
  "image" $app.image
  "imagePullPolicy" $app.image.pullPolicy
  "command" $app.command
  "args" $app.args
  "ports" $ports
  "env" $app.env
  "secretEnv" $app.secretEnv
  "envFrom" $envFrom
  "probes" $app.probes
  "resources" $app.resources
  "securityContext" $app.containerSecurityContext
  "tmp" true
  "volumeMounts" $app.extraVolumeMounts
-}}
{{- $containers := prepend ($app.sidecars | default list) $main -}}
{{- include "common-lib.pod.template" (dict "context" .context "app" $app "component" "app" "annotations" $annotations "pod" $pod "containers" $containers) | trim -}}
{{- end -}}

{{/*
common-lib.deployment: the app Deployment. The selector is the frozen selector
(name, instance, component "app"); `replicas` is omitted when an HPA owns the count;
rolling updates never take a pod away before its replacement is Ready.
Usage:
  {{- include "common-lib.deployment" (dict "context" . "overrides" (dict)) | nindent 0 }}
*/}}
{{- define "common-lib.deployment" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.deployment.base" "context" .context "overrides" .overrides) -}}
{{- end -}}

{{- define "common-lib.deployment.base" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "common-lib.names.fullname" . | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" . "component" "app") | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 10
  selector:
    matchLabels: {{- include "common-lib.labels.selector" (dict "context" . "component" "app") | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template: {{- include "common-lib.deployment.podTemplate" . | nindent 4 }}
{{- end -}}

{{/*
common-lib.deployment.podTemplate: the app pod template: frozen labels, checksum and
scrape annotations, restricted security, spread across nodes, /tmp as the only writable path.
Usage:
  template: {{- include "common-lib.deployment.podTemplate" . | nindent 4 }}
*/}}
{{- define "common-lib.deployment.podTemplate" -}}
{{- $annotations := deepCopy (.Values.podAnnotations | default dict) -}}
{{- $_ := include "common-lib.util.merge" (list $annotations (include "common-lib.metrics.annotations" . | fromYaml)) -}}
{{- if .Values.config -}}
{{- $_ := set $annotations "checksum/config" (include "common-lib.configmap.checksum" .) -}}
{{- end -}}
metadata:
  labels: {{- include "common-lib.labels.pod" (dict "context" . "component" "app") | nindent 4 }}
  {{- with $annotations }}
  annotations: {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  serviceAccountName: {{ include "common-lib.names.serviceAccount" . | quote }}
  automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
  enableServiceLinks: false
  securityContext: {{- include "common-lib.security.podSecurityContext" . | nindent 4 }}
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - name: {{ . | quote }}
    {{- end }}
  {{- end }}
  {{- include "common-lib.scheduling.podSpec" . | nindent 2 }}
  containers:
    - {{- include "common-lib.deployment.appContainer" . | nindent 6 }}
    {{- range .Values.sidecars }}
    - {{- include "common-lib.deployment.sidecar" . | nindent 6 }}
    {{- end }}
  volumes:
    {{- include "common-lib.security.tmpVolume" . | nindent 4 }}
    {{- with .Values.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/*
common-lib.deployment.appContainer: the application container.
Usage:
  - {{- include "common-lib.deployment.appContainer" . | nindent 6 }}
*/}}
{{- define "common-lib.deployment.appContainer" -}}
name: app
image: {{ include "common-lib.images.image" .Values.image | quote }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
{{- with .Values.command }}
command: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.args }}
args: {{- toYaml . | nindent 2 }}
{{- end }}
ports:
  - name: http
    containerPort: {{ .Values.containerPort }}
    protocol: TCP
  {{- include "common-lib.metrics.containerPort" . | nindent 2 }}
{{- if or .Values.env .Values.secretEnv }}
env: {{- include "common-lib.env.vars" (dict "env" .Values.env "secretEnv" .Values.secretEnv) | nindent 2 }}
{{- end }}
{{- if or .Values.config .Values.externalSecret.enabled }}
envFrom:
  {{- if .Values.config }}
  - configMapRef:
      name: {{ include "common-lib.names.suffixed" (dict "context" . "suffix" "config") | quote }}
  {{- end }}
  {{- if .Values.externalSecret.enabled }}
  - secretRef:
      name: {{ include "common-lib.externalsecret.secretName" . | quote }}
  {{- end }}
{{- end }}
{{- include "common-lib.probes.all" . | nindent 0 }}
resources: {{- include "common-lib.resources.container" (dict "context" . "resources" .Values.resources) | nindent 2 }}
securityContext: {{- include "common-lib.security.containerSecurityContext" .Values.containerSecurityContext | nindent 2 }}
volumeMounts:
  {{- include "common-lib.security.tmpVolumeMount" . | nindent 2 }}
  {{- with .Values.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/*
common-lib.deployment.sidecar: an extra container as given, with the restricted container
security context merged under its own `securityContext`.
Usage:
  - {{- include "common-lib.deployment.sidecar" $container | nindent 6 }}
*/}}
{{- define "common-lib.deployment.sidecar" -}}
{{- $container := deepCopy . -}}
{{- $_ := set $container "securityContext" (include "common-lib.security.containerSecurityContext" (.securityContext | default dict) | fromYaml) -}}
{{- toYaml $container -}}
{{- end -}}

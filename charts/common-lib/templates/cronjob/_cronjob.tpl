{{/*
common-lib.cronjobs: every CronJob of the App's `cronJobs` map, sorted by key so the
output is stable, each through common-lib.cronjob as its own YAML document.
Input: (dict "context" $ "app" $app "overrides" {<key>: {..}})
Usage:
  {{- include "common-lib.cronjobs" (dict "context" . "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.cronjobs" -}}
{{- $_ := include "common-lib.validate.app" . -}}
{{- range $key := keys (.app.cronJobs | default dict) | sortAlpha }}
---
{{- include "common-lib.cronjob" (dict "context" $.context "app" $.app "name" $key "overrides" (get ($.overrides | default dict) $key)) | nindent 0 }}
{{- end }}
{{- end -}}

{{/*
common-lib.cronjob: one scheduled job of the App's `cronJobs` (batch/v1 CronJob), named
`<fullname>-<key>`. Its pods are built like the migration Job's: the one pod spec, no
probes, ports or lifecycle, the app's security, service account and pull secrets, their
own component label (`cronjob`, so no Service, PDB or Deployment selects them) and out
of any mesh (a proxy that never exits would keep the Job running).
Input: (dict "context" $ "app" $app "name" "report" "overrides" {..})
Usage:
  {{- include "common-lib.cronjob" (dict "context" . "app" .Values "name" "report") | nindent 0 }}
*/}}
{{- define "common-lib.cronjob" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.cronjob.base" "input" .) -}}
{{- end -}}

{{- define "common-lib.cronjob.base" -}}
{{- $s := dict }}
{{- $_ := include "common-lib.cronjob.settings" (dict "job" (index .app.cronJobs .name) "out" $s) }}
{{- $in := dict }}
{{- $_ := include "common-lib.cronjob.podInput" (dict "context" .context "app" .app "name" .name "out" $in) }}
{{- $labels := include "common-lib.labels.standard" (dict "context" .context "app" .app "component" "cronjob") }}
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ include "common-lib.cronjob.name" . | quote }}
  namespace: {{ .context.Release.Namespace | quote }}
  labels: {{- $labels | nindent 4 }}
spec:
  schedule: {{ $s.schedule | quote }}
  {{- with $s.timeZone }}
  timeZone: {{ . | quote }}
  {{- end }}
  concurrencyPolicy: {{ $s.concurrencyPolicy }}
  suspend: {{ $s.suspend }}
  {{- range $field := list "startingDeadlineSeconds" "successfulJobsHistoryLimit" "failedJobsHistoryLimit" }}
  {{- if not (kindIs "invalid" (index $s $field)) }}
  {{ $field }}: {{ include "common-lib.util.string" (index $s $field) }}
  {{- end }}
  {{- end }}
  jobTemplate:
    metadata:
      labels: {{- $labels | nindent 8 }}
    spec:
      {{- range $field := list "backoffLimit" "activeDeadlineSeconds" }}
      {{- if not (kindIs "invalid" (index $s $field)) }}
      {{ $field }}: {{ include "common-lib.util.string" (index $s $field) }}
      {{- end }}
      {{- end }}
      template: {{- include "common-lib.pod.template" $in | trim | nindent 8 }}
{{- end -}}

{{/*
common-lib.cronjob.name: `<fullname>-<key>` of one of the App's `cronJobs`, never cut
(common-lib.cronjob.validate refuses one above 52 characters: the CronJob controller
appends an 11-character suffix to the names of its Jobs).
Input: (dict "context" $ "app" $app "name" "report")
Usage:
  name: {{ include "common-lib.cronjob.name" (dict "context" $ "app" .Values "name" "report") | quote }}
*/}}
{{- define "common-lib.cronjob.name" -}}
{{- printf "%s-%s" (include "common-lib.names.fullname" .) (toString .name) -}}
{{- end -}}

{{/*
common-lib.cronjob.settings: fills `out` with one job of `cronJobs` merged over the
defaults: concurrencyPolicy Forbid, not suspended, 3 successful and 1 failed Jobs kept,
backoffLimit 2 (a scheduled run may retry), activeDeadlineSeconds 3600 (a stuck run
under Forbid would block every later one), restartPolicy Never. A key set to null drops
the default.
Input: (dict "job" {..} "out" $emptyDict)
Usage:
  {{- $_ := include "common-lib.cronjob.settings" (dict "job" (index .app.cronJobs "report") "out" $s) }}
*/}}
{{- define "common-lib.cronjob.settings" -}}
{{- $_ := merge .out (dict
  "schedule" ""
  "timeZone" ""
  "concurrencyPolicy" "Forbid"
  "suspend" false
  "successfulJobsHistoryLimit" 3
  "failedJobsHistoryLimit" 1
  "backoffLimit" 2
  "activeDeadlineSeconds" 3600
  "restartPolicy" "Never"
  "command" list
  "args" list
  "image" dict
  "env" dict
  "secretEnv" dict
  "resources" dict
) -}}
{{- if kindIs "map" .job -}}
{{- $_ := include "common-lib.util.merge" (list .out (deepCopy .job)) -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.cronjob.image: the image of one job: the app's, unless the job sets its own.
A job's `image.tag` or `image.digest` replaces both of the app's (an app digest would
otherwise win over the job's tag); its `repository` replaces the app's and then needs a
tag or digest of its own; `pullPolicy` defaults to the app's.
Input: (dict "app" $app "image" {..})
Usage:
  {{- $image := include "common-lib.cronjob.image" (dict "app" .app "image" $s.image) | fromYaml }}
*/}}
{{- define "common-lib.cronjob.image" -}}
{{- $app := deepCopy (.app.image | default dict) -}}
{{- $own := .image | default dict -}}
{{- if or $own.repository $own.tag $own.digest -}}
{{- $app = dict "repository" ($own.repository | default $app.repository) "tag" ($own.tag | default "") "digest" ($own.digest | default "") "pullPolicy" $app.pullPolicy -}}
{{- end -}}
{{- with $own.pullPolicy -}}
{{- $_ := set $app "pullPolicy" . -}}
{{- end -}}
{{- toYaml $app -}}
{{- end -}}

{{/*
common-lib.cronjob.podInput: fills `out` with the input of common-lib.pod.template for
one job's pods (the same input builds and validates them): the app's service account,
security, pull secrets, podAnnotations, /tmp and config checksum; a container named
after the key with the job's command and args (never the app's), its image
(common-lib.cronjob.image), its resources (the app's when it has none) and the app's
environment with the job's merged over it by name (a job variable replaces the app's
plain, Secret or downward-API one of the same name), plus the app's envFrom
(common-lib.env.from) and its config files (common-lib.env.configFiles). `keys` name the values each field came from.
Input: (dict "context" $ "app" $app "name" "report" "out" $emptyDict)
Usage:
  {{- $_ := include "common-lib.cronjob.podInput" (dict "context" $ "app" .Values "name" "report" "out" $in) }}
*/}}
{{- define "common-lib.cronjob.podInput" -}}
{{- $app := .app -}}
{{- $scope := dict "context" .context "app" $app -}}
{{- $s := dict -}}
{{- $_ := include "common-lib.cronjob.settings" (dict "job" (index $app.cronJobs .name) "out" $s) -}}
{{- $key := printf "cronJobs.%s" .name -}}
{{- $annotations := deepCopy ($app.podAnnotations | default dict) -}}
{{- if $app.config -}}
{{- $_ := set $annotations "checksum/config" (include "common-lib.configmap.checksum" $scope) -}}
{{- end -}}
{{- $env := deepCopy ($app.env | default dict) -}}
{{- $secretEnv := deepCopy ($app.secretEnv | default dict) -}}
{{- range $name, $_ := $s.env | default dict }}{{ $_ := unset $secretEnv $name }}{{ end -}}
{{- range $name, $_ := $s.secretEnv | default dict }}{{ $_ := unset $env $name }}{{ end -}}
{{- $downwardEnv := deepCopy ($app.downwardEnv | default dict) -}}
{{- range $name, $_ := merge (deepCopy ($s.env | default dict)) ($s.secretEnv | default dict) }}{{ $_ := unset $downwardEnv $name }}{{ end -}}
{{- $pod := dict
  "restartPolicy" $s.restartPolicy
  "serviceAccountName" (include "common-lib.names.serviceAccount" $scope)
  "automountServiceAccountToken" $app.serviceAccount.automountToken
  "securityContext" $app.podSecurityContext
  "podSecurityLevel" (($app.podSecurity | default dict).level | default "restricted")
  "podSecurityReason" (($app.podSecurity | default dict).reason | default "")
  "imagePullSecrets" $app.imagePullSecrets
  "tmpSizeLimit" $app.tmpSizeLimit
  "keys" (dict "securityContext" "podSecurityContext" "annotations" "podAnnotations")
-}}
{{- /* the job's variables over the app's, by name; common-lib.util.merge, because sprig's
merge would keep the app's value over a job's "" */ -}}
{{- $_ := include "common-lib.util.merge" (list $env $s.env) -}}
{{- $_ := include "common-lib.util.merge" (list $secretEnv $s.secretEnv) -}}
{{- $inherited := list -}}
{{- range $name, $_ := $env }}{{ if not (hasKey ($s.env | default dict) $name) }}{{ $inherited = append $inherited $name }}{{ end }}{{ end -}}
{{- $image := include "common-lib.cronjob.image" (dict "app" $app "image" $s.image) | fromYaml -}}
{{- $container := dict
  "name" (toString .name)
  "image" $image
  "imagePullPolicy" $image.pullPolicy
  "command" $s.command
  "args" $s.args
  "env" $env
  "secretEnv" $secretEnv
  "downwardEnv" $downwardEnv
  "envFrom" (include "common-lib.env.from" $scope | fromYamlArray)
  "configPath" (include "common-lib.env.configFiles" (dict "context" .context "app" $app "pod" $pod))
  "resources" $s.resources
  "fallbackResources" $app.resources
  "securityContext" $app.containerSecurityContext
  "tmp" true
  "keys" (dict "name" $key "image" (ternary (printf "%s.image" $key) "image" (not (empty $s.image))) "securityContext" "containerSecurityContext" "resources" (printf "%s.resources" $key) "fallbackResources" "resources" "env" (printf "%s.env" $key) "secretEnv" (printf "%s.secretEnv" $key) "downwardEnv" "downwardEnv" "inherited" $inherited)
-}}
{{- $_ := merge .out (dict "context" .context "app" $app "component" "cronjob" "annotations" $annotations "pod" $pod "containers" (list $container)) -}}
{{- end -}}

{{/*
common-lib.migration.argocdPhases: the Argo CD sync phases that match the Helm hook
phases in the App's `migration.hooks` (pre-* -> PreSync, post-* -> PostSync).
Input: the scope (dict "context" $ "app" $app)
Usage:
  argocd.argoproj.io/hook: {{ include "common-lib.migration.argocdPhases" (dict "context" $ "app" .Values) | quote }}
*/}}
{{- define "common-lib.migration.argocdPhases" -}}
{{- $phases := list -}}
{{- range splitList "," .app.migration.hooks -}}
{{- $phases = append $phases (ternary "PreSync" "PostSync" (hasPrefix "pre-" (trim .))) -}}
{{- end -}}
{{- $phases | uniq | join "," -}}
{{- end -}}

{{/*
common-lib.migration.job: the database migration hook Job (pre-install,pre-upgrade by
default): never retried (backoffLimit 0), stopped after `activeDeadlineSeconds`, replaced
on the next run and deleted on success, so a failed Job stays for debugging. The app's
image, security and pull secrets; credentials only by secretKeyRef. A rollback never
runs it backwards: migrations stay compatible with the previous release.
Input: (dict "context" $ "app" $app "overrides" {..})
Usage:
  {{- include "common-lib.migration.job" (dict "context" . "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.migration.job" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.migration.base" "input" .) -}}
{{- end -}}

{{- define "common-lib.migration.base" -}}
{{- $app := .app -}}
{{- $m := $app.migration -}}
{{- if $m.enabled }}
{{- $in := dict }}
{{- $_ := include "common-lib.migration.podInput" (dict "context" .context "app" $app "out" $in) }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "common-lib.names.suffixed" (dict "context" .context "app" $app "suffix" "migrate") | quote }}
  namespace: {{ .context.Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" .context "app" $app "component" "migration") | nindent 4 }}
  annotations:
    helm.sh/hook: {{ $m.hooks | quote }}
    helm.sh/hook-weight: {{ $m.hookWeight | toString | quote }}
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
    {{- if $m.argocd }}
    argocd.argoproj.io/hook: {{ include "common-lib.migration.argocdPhases" . | quote }}
    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation,HookSucceeded
    argocd.argoproj.io/sync-wave: {{ $m.hookWeight | toString | quote }}
    {{- end }}
spec:
  backoffLimit: 0
  activeDeadlineSeconds: {{ $m.activeDeadlineSeconds }}
  template: {{- include "common-lib.pod.template" $in | nindent 4 }}
{{- end }}
{{- end -}}

{{/*
common-lib.migration.podInput: fills `out` with the input of common-lib.pod.template for
the migration Job's pod (the same input builds and validates it): the app's image,
security, pull secrets and /tmp; its own command, env and resources (the app's when it
has none); `keys` name the values each field came from.
Input: (dict "context" $ "app" $app "out" $emptyDict)
Usage:
  {{- $_ := include "common-lib.migration.podInput" (dict "context" $ "app" .Values "out" $in) }}
*/}}
{{- define "common-lib.migration.podInput" -}}
{{- $app := .app -}}
{{- $m := $app.migration -}}
{{- $pod := dict
  "restartPolicy" "Never"
  "serviceAccountName" $m.serviceAccountName
  "securityContext" $app.podSecurityContext
  "podSecurityLevel" (($app.podSecurity | default dict).level | default "restricted")
  "podSecurityReason" (($app.podSecurity | default dict).reason | default "")
  "imagePullSecrets" $app.imagePullSecrets
  "tmpSizeLimit" $app.tmpSizeLimit
  "keys" (dict "securityContext" "podSecurityContext")
-}}
{{- $container := dict
  "name" "migrate"
  "image" $app.image
  "imagePullPolicy" $app.image.pullPolicy
  "command" $m.command
  "args" $m.args
  "env" $m.env
  "secretEnv" $m.secretEnv
  "resources" $m.resources
  "fallbackResources" $app.resources
  "securityContext" $app.containerSecurityContext
  "tmp" true
  "keys" (dict "name" "migration" "image" "image" "securityContext" "containerSecurityContext" "resources" "migration.resources" "fallbackResources" "resources" "env" "migration.env" "secretEnv" "migration.secretEnv")
-}}
{{- $_ := merge .out (dict "context" .context "app" $app "component" "migration" "pod" $pod "containers" (list $container)) -}}
{{- end -}}

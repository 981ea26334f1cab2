{{/*
common-lib.migration.argocdPhases: the Argo CD sync phases that match the Helm hook
phases in `migration.hooks` (pre-* -> PreSync, post-* -> PostSync).
Usage:
  argocd.argoproj.io/hook: {{ include "common-lib.migration.argocdPhases" . | quote }}
*/}}
{{- define "common-lib.migration.argocdPhases" -}}
{{- $phases := list -}}
{{- range splitList "," .Values.migration.hooks -}}
{{- $phases = append $phases (ternary "PreSync" "PostSync" (hasPrefix "pre-" (trim .))) -}}
{{- end -}}
{{- $phases | uniq | join "," -}}
{{- end -}}

{{/*
common-lib.migration.job: the database migration Job, a Helm hook (pre-install,pre-upgrade
by default) that runs before the new pods. It never retries (backoffLimit 0), is stopped
after `activeDeadlineSeconds`, is replaced on the next run (before-hook-creation) and deleted
on success (hook-succeeded), so a failed Job stays for debugging. It runs the app image with
the restricted security context; credentials come only from Secrets that exist before
install (secretKeyRef). A rollback never runs it backwards: migrations must be
forward-compatible with the previous release.
Usage:
  {{- include "common-lib.migration.job" (dict "context" . "overrides" (dict)) | nindent 0 }}
*/}}
{{- define "common-lib.migration.job" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.migration.base" "context" .context "overrides" .overrides) -}}
{{- end -}}

{{- define "common-lib.migration.base" -}}
{{- if .Values.migration.enabled }}
{{- $m := .Values.migration }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "common-lib.names.suffixed" (dict "context" . "suffix" "migrate") | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" . "component" "migration") | nindent 4 }}
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
  template:
    metadata:
      labels: {{- include "common-lib.labels.pod" (dict "context" . "component" "migration") | nindent 8 }}
    spec:
      restartPolicy: Never
      {{- with $m.serviceAccountName }}
      serviceAccountName: {{ . | quote }}
      {{- end }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext: {{- include "common-lib.security.podSecurityContext" . | nindent 8 }}
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . | quote }}
        {{- end }}
      {{- end }}
      containers:
        - name: migrate
          image: {{ include "common-lib.images.image" .Values.image | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          command: {{- toYaml $m.command | nindent 12 }}
          {{- with $m.args }}
          args: {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- if or $m.env $m.secretEnv }}
          env: {{- include "common-lib.env.vars" (dict "env" $m.env "secretEnv" $m.secretEnv) | nindent 12 }}
          {{- end }}
          resources: {{- include "common-lib.resources.container" (dict "context" . "resources" $m.resources) | nindent 12 }}
          securityContext: {{- include "common-lib.security.containerSecurityContext" .Values.containerSecurityContext | nindent 12 }}
          volumeMounts: {{- include "common-lib.security.tmpVolumeMount" . | nindent 12 }}
      volumes: {{- include "common-lib.security.tmpVolume" . | nindent 8 }}
{{- end }}
{{- end -}}

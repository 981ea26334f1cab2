{{/*
common-lib.testpod: the `helm test` pod: it requests the readiness path through the
Service (or opens a TCP connection when probes are tcp) and exits non-zero on failure.
It is a hook with a delete policy, runs restricted, and is the one place a UID is set
(65534, "nobody"), because the busybox image runs as root by default.
Usage:
  {{- include "common-lib.testpod" (dict "context" . "overrides" (dict)) | nindent 0 }}
*/}}
{{- define "common-lib.testpod" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.testpod.base" "context" .context "overrides" .overrides) -}}
{{- end -}}

{{- define "common-lib.testpod.base" -}}
{{- if .Values.tests.enabled }}
{{- $service := include "common-lib.names.fullname" . }}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "common-lib.names.suffixed" (dict "context" . "suffix" "test") | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" . "component" "test") | nindent 4 }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  enableServiceLinks: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 65534
    runAsGroup: 65534
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: test
      image: {{ include "common-lib.images.image" .Values.tests.image | quote }}
      imagePullPolicy: IfNotPresent
      {{- if eq .Values.probes.type "tcp" }}
      command: ["nc", "-z", "-w", "5", {{ $service | quote }}, {{ .Values.service.port | quote }}]
      {{- else }}
      command: ["wget", "-q", "-O", "/dev/null", "-T", "5", {{ printf "http://%s:%v%s" $service .Values.service.port .Values.probes.readiness.path | quote }}]
      {{- end }}
      resources:
        requests:
          cpu: 10m
          memory: 16Mi
        limits:
          memory: 32Mi
      securityContext: {{- include "common-lib.security.containerSecurityContext" (dict) | nindent 8 }}
{{- end }}
{{- end -}}

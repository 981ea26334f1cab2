{{/*
common-lib.networkpolicy: covers every pod of the release and admits ingress only on the
declared ports (the container port, the App's `ports`, and the metrics port when it is
separate), from the App's `networkPolicy.from` peers or, when that is empty, from any
source; with `from`, the `helm test` pod also reaches the readiness probe's port. A worker admits only its metrics port, or nothing without metrics. The migration,
CronJob and test pods declare no ports, so nothing reaches them. Egress is restricted only
with `networkPolicy.egress` (common-lib.networkpolicy.egress).
Input: (dict "context" $ "app" $app "overrides" {..})
Usage:
  {{- include "common-lib.networkpolicy" (dict "context" . "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.networkpolicy" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.networkpolicy.base" "input" .) -}}
{{- end -}}

{{- define "common-lib.networkpolicy.base" -}}
{{- if .app.networkPolicy.enabled }}
{{- $scope := dict "context" .context "app" .app "component" "app" }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "common-lib.names.fullname" . | quote }}
  namespace: {{ .context.Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" $scope | nindent 4 }}
spec:
  podSelector:
    {{- /* Every pod of the release (app, migration hook, CronJobs, helm test), not only the
    app: the others serve no port, so they get no ingress at all. */}}
    {{- $release := dict }}
    {{- $_ := include "common-lib.labels.setSelector" (list $release $scope) }}
    matchLabels: {{- omit $release "app.kubernetes.io/component" | toYaml | nindent 6 }}
  policyTypes:
    - Ingress
    {{- if (.app.networkPolicy.egress | default dict).enabled }}
    - Egress
    {{- end }}
  {{- $web := ne (toString .app.shape) "worker" }}
  {{- $metrics := include "common-lib.metrics.containerPort" . }}
  {{- if or $web $metrics }}
  ingress:
    - ports:
        {{- if $web }}
        - port: http
          protocol: TCP
        {{- range .app.ports }}
        - port: {{ .name | quote }}
          protocol: {{ .protocol | default "TCP" }}
        {{- end }}
        {{- end }}
        {{- if $metrics }}
        - port: metrics
          protocol: TCP
        {{- end }}
      {{- with .app.networkPolicy.from }}
      from: {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- if and .app.networkPolicy.from $web .app.tests.enabled }}
    {{- /* the helm test pod calls the readiness port, and is none of the `from` peers */}}
    - ports:
        - port: {{ include "common-lib.probes.readinessPort" .app.probes | quote }}
          protocol: TCP
      from:
        - podSelector:
            matchLabels: {{- include "common-lib.labels.selector" (dict "context" .context "app" .app "component" "test") | nindent 14 }}
    {{- end }}
  {{- else }}
  ingress: []
  {{- end }}
  {{- with include "common-lib.networkpolicy.egress" . }}{{ . | nindent 2 }}{{ end }}
{{- end }}
{{- end -}}

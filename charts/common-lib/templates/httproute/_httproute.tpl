{{/*
common-lib.httproute: a Gateway API HTTPRoute (gateway.networking.k8s.io/v1) to the
Service, when the App's `httpRoute.enabled`: attached to the Gateways in `parentRefs`,
for `hostnames`, one rule whose path matches (none: PathPrefix /) all go to the Service's
http port. It can
be on together with the Ingress (a migration). Like the ServiceMonitor it is not gated on
the CRD: without the Gateway API CRDs `helm install` fails at once, naming the kind.
Input: (dict "context" $ "app" $app "overrides" {..})
Usage:
  {{- include "common-lib.httproute" (dict "context" . "app" .Values) | nindent 0 }}
*/}}
{{- define "common-lib.httproute" -}}
{{- include "common-lib.util.object" (dict "template" "common-lib.httproute.base" "input" .) -}}
{{- end -}}

{{- define "common-lib.httproute.base" -}}
{{- $route := .app.httpRoute | default dict -}}
{{- if $route.enabled }}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: {{ include "common-lib.names.fullname" . | quote }}
  namespace: {{ .context.Release.Namespace | quote }}
  labels: {{- include "common-lib.labels.standard" (dict "context" .context "app" .app "component" "app") | nindent 4 }}
  {{- with $route.annotations }}
  annotations: {{- include "common-lib.util.quotedMap" . | nindent 4 }}
  {{- end }}
spec:
  parentRefs:
    {{- range $route.parentRefs }}
    - name: {{ .name | quote }}
      {{- with .namespace }}
      namespace: {{ . | quote }}
      {{- end }}
      {{- with .sectionName }}
      sectionName: {{ . | quote }}
      {{- end }}
    {{- end }}
  {{- with $route.hostnames }}
  hostnames: {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    - matches:
        {{- range ($route.paths | default (list (dict "path" "/" "type" "PathPrefix"))) }}
        - path:
            type: {{ .type | default "PathPrefix" }}
            value: {{ .path | quote }}
        {{- end }}
      backendRefs: {{- include "common-lib.httproute.backendRefs" . | nindent 8 }}
{{- end }}
{{- end -}}

{{/*
common-lib.httproute.backendRefs: the route's backends: always the chart's own Service on
its http port (`service.port`), never another Service.
Input: the scope (dict "context" $ "app" $app)
Usage:
  backendRefs: {{- include "common-lib.httproute.backendRefs" . | nindent 8 }}
*/}}
{{- define "common-lib.httproute.backendRefs" -}}
- group: ""
  kind: Service
  name: {{ include "common-lib.names.fullname" . | quote }}
  port: {{ .app.service.port }}
{{- end -}}

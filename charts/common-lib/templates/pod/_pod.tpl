{{/*
common-lib.pod.template: a pod template: the component's pod labels, the annotations
(plus `common-lib/pod-security` and its reason when the Pod's `podSecurityLevel` is
baseline, so every exception is visible) and common-lib.pod.spec.
Input: (dict "context" $ "app" $app "component" "app" "annotations" {..} "pod" Pod "containers" [..])
Usage:
  template: {{- include "common-lib.pod.template" $in | nindent 4 }}
*/}}
{{- define "common-lib.pod.template" -}}
{{- $annotations := merge (include "common-lib.mesh.annotations" . | fromYaml) (.annotations | default dict) -}}
{{- if eq (toString (dig "podSecurityLevel" "" (.pod | default dict))) "baseline" -}}
{{- $annotations = merge (dict "common-lib/pod-security" "baseline" "common-lib/pod-security-reason" (toString .pod.podSecurityReason)) ($annotations | default dict) -}}
{{- end }}
metadata:
  labels: {{- include "common-lib.labels.pod" . | nindent 4 }}
  {{- with $annotations }}
  annotations: {{- include "common-lib.util.quotedMap" . | nindent 4 }}
  {{- end }}
spec: {{- include "common-lib.pod.spec" . | trim | nindent 2 }}
{{- end -}}

{{/*
common-lib.pod.spec: the one pod spec: no service links, the restricted pod security
context with the Pod's override merged over it, /tmp when a container asks for it, the
volume `config` of the ConfigMap `configMap`, and every container and init container
through common-lib.container.spec. Pod fields: README (Pod).
Input: (dict "context" $ "app" $app "component" "app" "pod" Pod "containers" [Container...] "initContainers" [Container...])
Usage:
  spec: {{- include "common-lib.pod.spec" $in | nindent 2 }}
*/}}
{{- define "common-lib.pod.spec" -}}
{{- $pod := .pod | default dict -}}
{{- with $pod.restartPolicy }}
restartPolicy: {{ . }}
{{- end }}
{{- with $pod.serviceAccountName }}
serviceAccountName: {{ . | quote }}
{{- end }}
automountServiceAccountToken: {{ $pod.automountServiceAccountToken | default false }}
enableServiceLinks: false
securityContext: {{- include "common-lib.security.podSecurityContext" $pod.securityContext | nindent 2 }}
{{- if not (kindIs "invalid" $pod.terminationGracePeriodSeconds) }}
terminationGracePeriodSeconds: {{ $pod.terminationGracePeriodSeconds }}
{{- end }}
{{- with $pod.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ index (ternary . (dict "name" .) (kindIs "map" .)) "name" | quote }}
  {{- end }}
{{- end }}
{{- if $pod.scheduling }}
{{- with include "common-lib.scheduling.podSpec" . | trim }}
{{ . }}
{{- end }}
{{- end }}
{{- $tmp := false }}
{{- with .initContainers }}
initContainers:
  {{- range . }}
  {{- $tmp = or $tmp .tmp }}
  - {{- include "common-lib.container.spec" . | nindent 4 }}
  {{- end }}
{{- end }}
containers:
  {{- range .containers }}
  {{- $tmp = or $tmp .tmp }}
  - {{- include "common-lib.container.spec" . | nindent 4 }}
  {{- end }}
{{- if or $tmp $pod.configMap $pod.volumes }}
volumes:
  {{- if $tmp }}
  {{- include "common-lib.security.tmpVolume" (dict "sizeLimit" $pod.tmpSizeLimit) | nindent 2 }}
  {{- end }}
  {{- with $pod.configMap }}
  - name: config
    configMap:
      name: {{ . | quote }}
  {{- end }}
  {{- with $pod.volumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
{{- end -}}

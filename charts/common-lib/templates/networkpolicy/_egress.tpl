{{/*
common-lib.networkpolicy.egress: the `egress` rules of the release's NetworkPolicy when
`networkPolicy.egress.enabled`, nothing otherwise. First DNS, always: UDP and TCP 53 to
the `dns` peers. Then, when the release has a `helm test` pod, the release's own app pods
on the readiness probe's port (the test pod calls them through the Service). Then the App's
`rules`, each port with its protocol written out (TCP unless given, as the API server
would default it, so the stored object is what was rendered).
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{- with include "common-lib.networkpolicy.egress" . }}{{ . | nindent 2 }}{{ end }}
*/}}
{{- define "common-lib.networkpolicy.egress" -}}
{{- $egress := .app.networkPolicy.egress | default dict -}}
{{- if $egress.enabled -}}
{{- $dns := list (dict "port" 53 "protocol" "UDP") (dict "port" 53 "protocol" "TCP") -}}
{{- $rules := list (dict "to" $egress.dns "ports" $dns) -}}
{{- if and .app.tests.enabled (ne (toString .app.shape) "worker") -}}
{{- $app := include "common-lib.labels.selector" (dict "context" .context "app" .app "component" "app") | fromYaml -}}
{{- $rules = append $rules (dict "to" (list (dict "podSelector" (dict "matchLabels" $app))) "ports" (list (dict "port" (include "common-lib.probes.readinessPort" .app.probes) "protocol" "TCP"))) -}}
{{- end -}}
{{- range $rule := $egress.rules -}}
{{- $out := dict -}}
{{- with $rule.to }}{{ $_ := set $out "to" . }}{{ end -}}
{{- range $port := $rule.ports -}}
{{- $_ := set $out "ports" (append ($out.ports | default list) (merge (deepCopy $port) (dict "protocol" "TCP"))) -}}
{{- end -}}
{{- $rules = append $rules $out -}}
{{- end -}}
egress: {{- toYaml $rules | nindent 2 }}
{{- end -}}
{{- end -}}

{{/*
common-lib.networkpolicy.egress.validate: one line per problem of `networkPolicy.egress`:
only its known settings; enabled needs networkPolicy.enabled; the `dns` peers (at least
one when enabled: without DNS every lookup times out) and every rule
(common-lib.networkpolicy.egress.rule) as the API server would see them.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{- include "common-lib.networkpolicy.egress.validate" . | nindent 0 }}
*/}}
{{- define "common-lib.networkpolicy.egress.validate" -}}
{{- $np := .app.networkPolicy }}
{{- $egress := $np.egress | default dict }}
{{- if not (kindIs "map" $egress) }}
networkPolicy.egress: must be a map (got {{ $egress | toJson }}); e.g. {enabled: true, rules: [...]}
{{- else }}
{{- range $name, $v := omit $egress "enabled" "dns" "rules" }}
networkPolicy.egress.{{ $name }}: is not a setting (got {{ $v | toJson }}); allowed: dns, enabled, rules
{{- end }}
{{- if and $egress.enabled (not $np.enabled) }}
networkPolicy.egress.enabled: needs networkPolicy.enabled: true (got networkPolicy.enabled: {{ $np.enabled | toJson }}); the egress rules are part of the release's NetworkPolicy
{{- end }}
{{- if and $egress.enabled (not (and (kindIs "slice" $egress.dns) $egress.dns)) }}
networkPolicy.egress.dns: must name the cluster DNS (got {{ $egress.dns | toJson }}); without it every lookup times out. The default: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]; with NodeLocal DNSCache: [{ipBlock: {cidr: 169.254.20.10/32}}]
{{- end }}
{{- range $i, $peer := ternary $egress.dns list (kindIs "slice" $egress.dns) }}
{{- $key := printf "networkPolicy.egress.dns[%d]" $i }}
{{- include "common-lib.fields.check" (dict "context" $.context "key" $key "value" $peer "type" "NetworkPolicyPeer") | nindent 0 }}
{{- include "common-lib.networkpolicy.peer" (dict "key" $key "peer" $peer "empty" "an empty DNS peer would open port 53 to every destination") | nindent 0 }}
{{- if and (kindIs "map" $peer) (kindIs "map" $peer.ipBlock) (hasSuffix "/0" (include "common-lib.networkpolicy.cidr" (toString $peer.ipBlock.cidr))) }}
{{ $key }}.ipBlock: opens port 53 to every destination (got {{ $peer.ipBlock | toJson }}); name the DNS servers, e.g. {cidr: 169.254.20.10/32} for NodeLocal DNSCache
{{- end }}
{{- end }}
{{- range $name := list "dns" "rules" }}
{{- if not (or (empty (get $egress $name)) (kindIs "slice" (get $egress $name))) }}
networkPolicy.egress.{{ $name }}: must be a list (got {{ get $egress $name | toJson }})
{{- end }}
{{- end }}
{{- range $i, $rule := ternary $egress.rules list (kindIs "slice" $egress.rules) }}
{{- include "common-lib.networkpolicy.egress.rule" (dict "context" $.context "key" (printf "networkPolicy.egress.rules[%d]" $i) "rule" $rule) | nindent 0 }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.networkpolicy.egress.rule: one line per problem of one egress rule, a
NetworkPolicyEgressRule (fields known, common-lib.fields.check): its `to` peers as
common-lib.networkpolicy.peer checks them, its ports as common-lib.networkpolicy.egress.port
does, and it limits something: a rule with neither `to` nor `ports`, or with a catch-all
ipBlock (prefix 0, such as 0.0.0.0/0 or ::/0, without except) and no ports, allows all egress.
Input: (dict "context" $ "key" "networkPolicy.egress.rules[0]" "rule" $rule)
Usage:
  {{- include "common-lib.networkpolicy.egress.rule" (dict "context" $.context "key" $key "rule" $rule) | nindent 0 }}
*/}}
{{- define "common-lib.networkpolicy.egress.rule" -}}
{{- $key := .key }}
{{- $rule := .rule }}
{{- include "common-lib.fields.check" (dict "context" .context "key" $key "value" $rule "type" "NetworkPolicyEgressRule") | nindent 0 }}
{{- if kindIs "map" $rule }}
{{- $to := ternary $rule.to list (kindIs "slice" $rule.to) }}
{{- $ports := ternary $rule.ports list (kindIs "slice" $rule.ports) }}
{{- $open := "; to lift egress control, set networkPolicy.egress.enabled: false instead" }}
{{- if not (or $to $ports) }}
{{ $key }}: allows all egress (got {{ $rule | toJson }}); name the destinations in `to`, the ports in `ports`, or both{{ $open }}
{{- end }}
{{- $ipBlock := false }}
{{- range $j, $peer := $to }}
{{- include "common-lib.networkpolicy.peer" (dict "key" (printf "%s.to[%d]" $key $j) "peer" $peer "empty" "a rule without `to` reaches every destination on its ports") | nindent 0 }}
{{- if and (kindIs "map" $peer) (kindIs "map" $peer.ipBlock) }}
{{- $ipBlock = true }}
{{- if and (hasSuffix "/0" (include "common-lib.networkpolicy.cidr" (toString $peer.ipBlock.cidr))) (not $peer.ipBlock.except) (not $ports) }}
{{ $key }}.to[{{ $j }}].ipBlock: allows all egress (got {{ $peer.ipBlock | toJson }}); add the ports, or `except` the ranges to keep out, e.g. {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}{{ $open }}
{{- end }}
{{- end }}
{{- end }}
{{- range $j, $port := $ports }}
{{- include "common-lib.networkpolicy.egress.port" (dict "key" (printf "%s.ports[%d]" $key $j) "port" $port "ipBlock" $ipBlock) | nindent 0 }}
{{- end }}
{{- end }}
{{- end -}}

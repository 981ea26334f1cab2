{{/*
common-lib.networkpolicy.egress.port: one line per problem of one NetworkPolicyPort: the
port a number from 1 to 65535 or a port name (a number when the rule has an ipBlock
destination: a name matches only pods' container ports), the protocol TCP, UDP or SCTP,
and endPort a number not below a numeric port.
Input: (dict "key" "networkPolicy.egress.rules[0].ports[0]" "port" $port "ipBlock" true)
Usage:
  {{- include "common-lib.networkpolicy.egress.port" (dict "key" $key "port" $port "ipBlock" false) | nindent 0 }}
*/}}
{{- define "common-lib.networkpolicy.egress.port" -}}
{{- $key := .key }}
{{- $p := .port }}
{{- if kindIs "map" $p }}
{{- $number := include "common-lib.util.portNumber" $p.port }}
{{- $unset := kindIs "invalid" $p.port }}
{{- if not (or $unset $number (include "common-lib.util.portName" $p.port)) }}
{{ $key }}.port: must be a port number from 1 to 65535 or a port name (got {{ $p.port | toJson }}); e.g. 5432, or a container port name of the destination pods such as postgres
{{- else if and .ipBlock (not $unset) (not $number) }}
{{ $key }}.port: a port name matches only the container ports of pods, and this rule has an ipBlock destination (got {{ $p.port | toJson }}); give the number, e.g. 5432
{{- end }}
{{- if not (or (kindIs "invalid" $p.protocol) (has $p.protocol (list "TCP" "UDP" "SCTP"))) }}
{{ $key }}.protocol: must be TCP, UDP or SCTP, in capitals (got {{ $p.protocol | toJson }})
{{- end }}
{{- if kindIs "invalid" $p.endPort }}
{{- else if not (include "common-lib.util.portNumber" $p.endPort) }}
{{ $key }}.endPort: must be a port number from 1 to 65535 (got {{ $p.endPort | toJson }}); the last port of the range that starts at port
{{- else if not $number }}
{{ $key }}.endPort: needs a numeric port, the first of the range (got port {{ $p.port | toJson }}); e.g. {port: 32000, endPort: 32768}
{{- else if lt (int $p.endPort) (int $p.port) }}
{{ $key }}.endPort: must not be below port {{ $p.port | toJson }} (got {{ $p.endPort | toJson }}); the range runs from port to endPort
{{- end }}
{{- end }}
{{- end -}}

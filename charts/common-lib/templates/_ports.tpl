{{/*
common-lib.ports.container: the App's named `ports` besides `http` (e.g. grpc 9090, admin
9901) as container ports, in the order given. The Service exposes each on its own number
and the NetworkPolicy admits each; the metrics port stays separate.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{- $ports = concat $ports (include "common-lib.ports.container" $scope | fromYamlArray) }}
*/}}
{{- define "common-lib.ports.container" -}}
{{- range .app.ports | default list }}
- name: {{ .name | quote }}
  containerPort: {{ .port }}
  protocol: {{ .protocol | default "TCP" }}
{{- end }}
{{- end -}}

{{/*
common-lib.ports.service: the App's named `ports` as Service ports: the same number,
forwarding to the container port by name, with its appProtocol when given.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{- include "common-lib.ports.service" $scope | nindent 4 }}
*/}}
{{- define "common-lib.ports.service" -}}
{{- range .app.ports | default list }}
- name: {{ .name | quote }}
  port: {{ .port }}
  targetPort: {{ .name | quote }}
  protocol: {{ .protocol | default "TCP" }}
  {{- with .appProtocol }}
  appProtocol: {{ . | quote }}
  {{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.ports.validate: one line per problem with the App's `ports`: a web service's
only; each an IANA service name of at most 15 characters that is not the chart's `http`
or `metrics` and is used once; a number from 1 to 65535 that neither the container
(containerPort, the metrics port) nor the Service (service.port) uses for the same
protocol; TCP or UDP; an appProtocol that is a qualified name. The port that probes use
is declared, and TCP.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.ports.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.ports.validate" -}}
{{- $app := .app -}}
{{- $names := dict "http" "the chart's http port (containerPort)" "metrics" "the chart's metrics port (metrics.port)" -}}
{{- $container := dict (printf "%v/TCP" $app.containerPort) "containerPort" -}}
{{- with include "common-lib.metrics.containerPort" . }}{{ $_ := set $container (printf "%s/TCP" (include "common-lib.metrics.port" $)) "metrics.port" }}{{ end -}}
{{- $service := dict (printf "%v/TCP" ($app.service | default dict).port) "service.port" -}}
{{- if and $app.ports (eq (toString $app.shape) "worker") }}
ports: a worker (shape: worker) serves no traffic (got {{ $app.ports | toJson | trunc 80 }}); remove ports, or use shape: web (metrics have metrics.port)
{{- end }}
{{- range $i, $port := $app.ports | default list }}
{{- $key := printf "ports[%d]" $i }}
{{- $name := toString $port.name }}
{{- $protocol := toString ($port.protocol | default "TCP") }}
{{- if not (include "common-lib.util.portName" $port.name) }}
{{ $key }}.name: is not a port name (got {{ $port.name | toJson }}); at most 15 lower-case letters, digits and single inner "-", with at least one letter, e.g. grpc or admin
{{- else if hasKey $names $name }}
{{ $key }}.name: {{ $name | quote }} is already {{ get $names $name }}; choose another name, e.g. grpc or admin
{{- end }}
{{- $_ := set $names $name $key }}
{{- with $port.appProtocol }}
{{- if not (and (kindIs "string" .) (le (len (last (splitList "/" .))) 63) (le (len .) 316) (regexMatch "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$" .)) }}
{{ $key }}.appProtocol: is not a protocol name (got {{ . | toJson }}); an IANA name such as grpc or h2c, or a prefixed one such as kubernetes.io/h2c (name part at most 63 characters)
{{- end }}
{{- end }}
{{- if not (has $protocol (list "TCP" "UDP")) }}
{{ $key }}.protocol: must be TCP or UDP, in capitals (got {{ $port.protocol | toJson }})
{{- end }}
{{- $number := include "common-lib.util.string" $port.port }}
{{- if not (include "common-lib.util.portNumber" $port.port) }}
{{ $key }}.port: must be a port number from 1 to 65535 (got {{ $port.port | toJson }}); e.g. 9090
{{- else }}
{{- $id := printf "%s/%s" $number $protocol }}
{{- if hasKey $container $id }}
{{ $key }}.port: {{ $number }}/{{ $protocol }} is already used by {{ get $container $id }} in the app container; each port number is used once
{{- else if hasKey $service $id }}
{{ $key }}.port: {{ $number }}/{{ $protocol }} is already the Service port of {{ get $service $id }}; the Service exposes each named port on its own number, so choose another
{{- end }}
{{- $_ := set $container $id $key }}
{{- $_ := set $service $id $key }}
{{- end }}
{{- end }}
{{- $declared := dict "http" "TCP" -}}
{{- with include "common-lib.metrics.containerPort" . }}{{ $_ := set $declared "metrics" "TCP" }}{{ end -}}
{{- range $app.ports | default list }}{{ $_ := set $declared (toString .name) (toString (.protocol | default "TCP")) }}{{ end -}}
{{- include "common-lib.probes.validatePorts" (dict "app" $app "declared" $declared) | nindent 0 }}
{{- end -}}

{{/*
common-lib.ports.servicePort: the Service port number of a named container port: `http`
is `service.port`, `metrics` the metrics port, a name from the App's `ports` its number.
Input: (dict "context" $ "app" $app "name" "admin")
Usage:
  {{ include "common-lib.ports.servicePort" (dict "context" $ "app" .Values "name" "admin") }}
*/}}
{{- define "common-lib.ports.servicePort" -}}
{{- $number := .app.service.port -}}
{{- if eq .name "metrics" -}}
{{- $number = include "common-lib.metrics.port" . -}}
{{- end -}}
{{- range .app.ports | default list -}}
{{- if eq (toString .name) $.name }}{{ $number = .port }}{{ end -}}
{{- end -}}
{{- $number -}}
{{- end -}}

{{/*
The consumer's own helpers. A chart that uses common-lib usually defines helpers
of its own, with the names `helm create` and most charts use. Helm keeps ONE
template namespace for a chart and all its subcharts, and when two charts define
the same name the parent's definition wins everywhere, including inside the
library. These definitions return conspicuous values: if common-lib ever defined
or included one of these names (i.e. lost its prefix), its output would change
and tests/test_library_contract.py would see it.
*/}}

{{/* Under the consumer's own prefix. */}}
{{- define "consumer.names.fullname" -}}consumer-own-fullname{{- end -}}
{{- define "consumer.names.name" -}}consumer-own-name{{- end -}}
{{- define "consumer.labels.standard" -}}
app.kubernetes.io/name: consumer-own-labels
{{- end -}}

{{/* Without a prefix: the library's names minus "common-lib.", and the usual scaffold names. */}}
{{- define "names.fullname" -}}shadowed-names-fullname{{- end -}}
{{- define "names.name" -}}shadowed-names-name{{- end -}}
{{- define "names.chart" -}}shadowed-names-chart{{- end -}}
{{- define "names.suffixed" -}}shadowed-names-suffixed{{- end -}}
{{- define "labels.selector" -}}
app.kubernetes.io/name: shadowed-labels-selector
{{- end -}}
{{- define "labels.standard" -}}
app.kubernetes.io/name: shadowed-labels-standard
{{- end -}}
{{- define "labels.pod" -}}
app.kubernetes.io/name: shadowed-labels-pod
{{- end -}}
{{- define "images.image" -}}shadowed-images-image{{- end -}}
{{- define "util.merge" -}}{{- $_ := set (index . 0) "shadowed" "util-merge" -}}{{- end -}}
{{- define "security.podSecurityContext" -}}
shadowed: security-pod
{{- end -}}
{{- define "security.containerSecurityContext" -}}
shadowed: security-container
{{- end -}}
{{- define "fullname" -}}shadowed-fullname{{- end -}}
{{- define "name" -}}shadowed-name{{- end -}}
{{- define "chart" -}}shadowed-chart{{- end -}}
{{- define "labels" -}}
app.kubernetes.io/name: shadowed-labels
{{- end -}}
{{- define "selectorLabels" -}}
app.kubernetes.io/name: shadowed-selector-labels
{{- end -}}
{{- define "consumer.fullname" -}}consumer-own-scaffold-fullname{{- end -}}
{{- define "consumer.labels" -}}
app.kubernetes.io/name: consumer-own-scaffold-labels
{{- end -}}

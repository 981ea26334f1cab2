{{/*
common-lib.mesh.labels / common-lib.mesh.annotations: a pod's service-mesh membership,
from the App's `mesh` (none, istio or linkerd). The app's pods join the mesh; the
migration Job, the CronJobs and the test pod opt out, because a Job pod with a proxy that never exits
never completes. Istio: the `sidecar.istio.io/inject` label, and the app waits for the
proxy (holdApplicationUntilProxyStarts). Linkerd: the `linkerd.io/inject` annotation. The
app's proxy outlives the drain by 5 s (Istio terminationDrainDuration, Linkerd
proxy-wait-before-exit-seconds), so it still serves the requests that arrive while the
endpoints are removed.
Input: (dict "app" $app "component" "app"|"migration"|"cronjob"|"test")
Usage:
  {{- $_ := include "common-lib.util.merge" (list $labels (include "common-lib.mesh.labels" $in | fromYaml)) }}
*/}}
{{- define "common-lib.mesh.labels" -}}
{{- if eq (toString .app.mesh) "istio" -}}
sidecar.istio.io/inject: {{ ternary "true" "false" (eq .component "app") | quote }}
{{- end -}}
{{- end -}}

{{- define "common-lib.mesh.annotations" -}}
{{- $join := eq .component "app" -}}
{{- /* The proxy gets SIGTERM with the app, while the app still drains (its preStop): it
must keep serving for the drain and 5 s more, so the requests that arrive meanwhile reach it. */ -}}
{{- $drain := ternary (add (int .app.drainSeconds) 5) 0 (and $join (ne (toString .app.shape) "worker") (gt (int .app.drainSeconds) 0)) -}}
{{- if and (eq (toString .app.mesh) "istio") $join -}}
proxy.istio.io/config: {{ ternary (printf "holdApplicationUntilProxyStarts: true\nterminationDrainDuration: %ds" (int $drain)) "holdApplicationUntilProxyStarts: true" (gt (int $drain) 0) | quote }}
{{- else if eq (toString .app.mesh) "linkerd" -}}
linkerd.io/inject: {{ ternary "enabled" "disabled" $join }}
{{- if gt (int $drain) 0 }}
config.alpha.linkerd.io/proxy-wait-before-exit-seconds: {{ $drain | toString | quote }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.mesh.validate: with a mesh, the keys it sets are not also set by hand in
`commonLabels`, `podLabels` or `podAnnotations` (the mesh setting would silently win,
or a hook pod would join the mesh and never finish); without one, those keys do not
join a mesh by hand (an inject key other than "false"/"disabled", or an istio.io/rev
revision; opting out is allowed), for the same reason. With mesh: istio, istio.io/rev
may choose the revision: the hook and CronJob pods still opt out by their inject label.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.mesh.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.mesh.validate" -}}
{{- $mesh := toString (.app.mesh | default "none") -}}
{{- range $key := list "commonLabels" "podLabels" "podAnnotations" }}
{{- range $name := list "sidecar.istio.io/inject" "proxy.istio.io/config" "linkerd.io/inject" "istio.io/rev" "config.alpha.linkerd.io/proxy-wait-before-exit-seconds" }}
{{- $value := index (index $.app $key | default dict) $name }}
{{- $given := hasKey (index $.app $key | default dict) $name }}
{{- if and (ne $mesh "none") $given (ne $name "istio.io/rev") }}
{{ $key }}.{{ $name }}: is set by mesh: {{ $mesh }} (got {{ $value | toJson }}); remove it: the chart puts the app pods in the mesh and keeps the migration Job, the CronJobs and the test pod out
{{- else if and (eq $mesh "none") $given (not (has (toString $value) (list "false" "disabled"))) (ne $name "proxy.istio.io/config") }}
{{ $key }}.{{ $name }}: joins a mesh by hand (got {{ $value | toJson }}), and the migration Job's and the CronJobs' pods would join it too and never finish; set mesh: {{ ternary "linkerd" "istio" (hasPrefix "linkerd" $name) }} instead
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Validation: cross-field rules that values.schema.json cannot express. Each rule helper
prints one message per problem ("<key path>: <problem> (got <value>); <what is allowed>"),
or nothing. common-lib.validate.values runs them all and fails once, listing every
problem, before any object is rendered.
Usage (one template of the consumer chart, e.g. templates/validate.yaml):
  {{- include "common-lib.validate.values" . | nindent 0 }}
*/}}
{{- define "common-lib.validate.values" -}}
{{- $messages := list -}}
{{- range $rule := list "image" "replicas" "env" "resources" "externalSecret" "ingress" "migration" "sidecars" -}}
{{- $out := include (printf "common-lib.validate.%s" $rule) $ | trim -}}
{{- if $out -}}
{{- $messages = concat $messages (splitList "\n" $out) -}}
{{- end -}}
{{- end -}}
{{- if $messages -}}
{{- fail (printf "\n\n%s: invalid values:\n  - %s\n" $.Chart.Name (join "\n  - " $messages)) -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.validate.image: a repository, and a tag or a digest; never the tag `latest`.
Usage:
  {{ include "common-lib.validate.image" . }}
*/}}
{{- define "common-lib.validate.image" -}}
{{- $image := .Values.image -}}
{{- if not $image.repository }}
image.repository: is required (got empty); set the image repository, e.g. registry.example.com/shop/orders
{{- end }}
{{- if and (not $image.tag) (not $image.digest) }}
image.tag: is required unless image.digest is set (got empty); set an immutable tag such as "1.4.2" or a digest "sha256:..."
{{- end }}
{{- if and (eq (toString $image.tag) "latest") (not $image.digest) }}
image.tag: "latest" is not allowed (got "latest"); deploy an immutable tag such as "1.4.2", or set image.digest
{{- end }}
{{- end -}}

{{/*
common-lib.validate.replicas: HPA bounds in order, and a PDB that can never block a drain.
Usage:
  {{ include "common-lib.validate.replicas" . }}
*/}}
{{- define "common-lib.validate.replicas" -}}
{{- $hpa := .Values.autoscaling -}}
{{- if and $hpa.enabled (gt (int $hpa.minReplicas) (int $hpa.maxReplicas)) }}
autoscaling.minReplicas: must be at most autoscaling.maxReplicas (got minReplicas={{ $hpa.minReplicas }}, maxReplicas={{ $hpa.maxReplicas }})
{{- end }}
{{- if .Values.podDisruptionBudget.enabled }}
{{- $min := int (include "common-lib.pdb.minReplicas" .) }}
{{- if and (gt $min 1) (ge (int .Values.podDisruptionBudget.maxUnavailable) $min) }}
podDisruptionBudget.maxUnavailable: must be below the replica count {{ $min }} (got {{ .Values.podDisruptionBudget.maxUnavailable }}); it would let every pod go at once
{{- end }}
{{- end }}
{{- end -}}

{{/*
common-lib.validate.env: no secret material in plain env or config (names that look like
secrets must come from secretEnv or an ExternalSecret), and no name set twice.
Usage:
  {{ include "common-lib.validate.env" . }}
*/}}
{{- define "common-lib.validate.env" -}}
{{- $secretish := "(?i)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)" -}}
{{- range $source := list (list "env" .Values.env "secretEnv") (list "config" .Values.config "secretEnv") (list "migration.env" .Values.migration.env "migration.secretEnv") -}}
{{- range $name, $value := index $source 1 | default dict -}}
{{- if regexMatch $secretish $name }}
{{ index $source 0 }}.{{ $name }}: looks like a secret and must not be written into values; reference it with {{ index $source 2 }}.{{ $name }}: {secretName: <existing Secret>, key: <key>} or an ExternalSecret
{{- end }}
{{- end -}}
{{- end -}}
{{- range $name, $_ := .Values.secretEnv | default dict -}}
{{- if hasKey ($.Values.env | default dict) $name }}
env.{{ $name }}: is also set in secretEnv.{{ $name }}; set it in one place only
{{- end }}
{{- end -}}
{{- end -}}

{{/*
common-lib.validate.resources: the app container, and the migration container when it has
resources of its own, request cpu and memory (neither zero); own migration resources
also limit memory (the app's limit comes from values.yaml).
Usage:
  {{ include "common-lib.validate.resources" . }}
*/}}
{{- define "common-lib.validate.resources" -}}
{{- $sets := list (list "resources" .Values.resources (list "requests.cpu" "requests.memory")) -}}
{{- if .Values.migration.resources -}}
{{- $sets = append $sets (list "migration.resources" .Values.migration.resources (list "requests.cpu" "requests.memory" "limits.memory")) -}}
{{- end -}}
{{- range $set := $sets -}}
{{- $key := index $set 0 -}}
{{- $r := index $set 1 | default dict -}}
{{- range $field := index $set 2 -}}
{{- $parts := splitList "." $field -}}
{{- $group := get $r (index $parts 0) | default dict -}}
{{- $present := and (kindIs "map" $group) (hasKey $group (index $parts 1)) -}}
{{- $value := ternary (get $group (index $parts 1)) "" $present -}}
{{- if or (not $present) (regexMatch "^0*(\\.0*)?[A-Za-z]*$" (toString $value)) }}
{{ $key }}.{{ $field }}: is required and must be above zero (got {{ if $present }}{{ $value }}{{ else }}none{{ end }}); e.g. {{ ternary "100m" "128Mi" (eq $field "requests.cpu") }}
{{- end }}
{{- end -}}
{{- end -}}
{{- end -}}

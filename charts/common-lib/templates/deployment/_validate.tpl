{{/*
common-lib.deployment.validate: the App's main container and its sidecars: a port; an
image with a tag or a digest and never `latest`; no secret-looking names in plain env, and no name
in both env and secretEnv; cpu and memory requests; every sidecar named, with an
immutable image and requests. One line per problem (common-lib.validate.app runs it).
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.deployment.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.deployment.validate" -}}
{{- $app := .app -}}
{{- $image := $app.image -}}
{{- if not $image.repository }}
image.repository: is required (got empty); set the image repository, e.g. registry.example.com/shop/orders
{{- end }}
{{- if and (not $image.tag) (not $image.digest) }}
image.tag: is required unless image.digest is set (got empty); set an immutable tag such as "1.4.2" or a digest "sha256:..."
{{- end }}
{{- if and (eq (toString $image.tag) "latest") (not $image.digest) }}
image.tag: "latest" is not allowed (got "latest"); deploy an immutable tag such as "1.4.2", or set image.digest
{{- end }}
{{- $port := $app.containerPort }}
{{- if not (and (or (kindIs "float64" $port) (regexMatch "^u?int(8|16|32|64)?$" (kindOf $port))) (eq (float64 (int $port)) (float64 $port)) (ge (int $port) 1) (le (int $port) 65535)) }}
containerPort: must be a port number from 1 to 65535 (got {{ $port | toJson }}); the port the app listens on, e.g. 8080
{{- end }}
{{- include "common-lib.validate.noSecretNames" (dict "key" "env" "values" $app.env "reference" "secretEnv") | nindent 0 }}
{{- range $name, $_ := $app.secretEnv | default dict -}}
{{- if hasKey ($app.env | default dict) $name }}
env.{{ $name }}: is also set in secretEnv.{{ $name }}; set it in one place only
{{- end }}
{{- end }}
{{- include "common-lib.validate.requests" (dict "key" "resources" "resources" $app.resources "fields" (list "requests.cpu" "requests.memory")) | nindent 0 }}
{{- range $i, $c := $app.sidecars -}}
{{- if not $c.name }}
sidecars[{{ $i }}].name: is required (got empty)
{{- end }}
{{- $image := $c.image }}
{{- if kindIs "map" $image }}
{{- $image = ternary (include "common-lib.images.image" $image) "" (and (not (empty $image.repository)) (or (not (empty $image.tag)) (not (empty $image.digest)))) }}
{{- end }}
{{- if not $image }}
sidecars[{{ $i }}].image: is required (got empty); use an immutable tag or digest
{{- else if or (hasSuffix ":latest" $image) (not (regexMatch "[:@]" (regexReplaceAll "^[^/]*/" $image ""))) }}
sidecars[{{ $i }}].image: needs an immutable tag or digest (got {{ $image | quote }})
{{- end }}
{{- if kindIs "map" $c.env }}
{{- include "common-lib.validate.noSecretNames" (dict "key" (printf "sidecars[%d].env" $i) "values" $c.env "reference" (printf "sidecars[%d].secretEnv" $i)) | nindent 0 }}
{{- end }}
{{- if not (and $c.resources $c.resources.requests) }}
sidecars[{{ $i }}].resources.requests: is required (got none); every container declares cpu and memory requests
{{- end }}
{{- end -}}
{{- end -}}

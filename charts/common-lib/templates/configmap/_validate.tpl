{{/*
common-lib.configmap.validate: the App's `config` as the ConfigMap will hold it: keys of
letters, digits, "-", "_" and "."; values that are text (YAML turns an unquoted 010 into
8 and ON into true, so the text as written is lost: quote it); at most 1 MiB in total (the
API server's limit); no secret-looking names (they come from secretEnv or an
ExternalSecret); a key that is also an env, secretEnv or downwardEnv name (that one would
win silently) while config is environment variables. A `configMountPath` is a clean absolute path of the app's own, not a
system directory whose files the image needs (/etc hides the CA certificates and
/etc/passwd), and only with config to mount.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.configmap.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.configmap.validate" -}}
{{- $size := 0 -}}
{{- range $key, $value := .app.config | default dict }}
{{- if not (and (le (len $key) 253) (regexMatch "^[-._a-zA-Z0-9]+$" $key) (not (regexMatch "^\\.\\.|^\\.$" $key))) }}
config.{{ $key | trunc 80 }}: is not a ConfigMap key (got {{ $key | quote | trunc 80 }}); at most 253 letters, digits, "-", "_" and ".", not "." and not starting with ".."
{{- end }}
{{- if has $key (list "true" "false") }}
config.{{ $key }}: is what YAML makes of an unquoted key ON, OFF, YES, NO, TRUE or FALSE (got the key {{ $key | quote }}); quote the key as you meant it, e.g. "ON"
{{- end }}
{{- if not (kindIs "string" $value) }}
config.{{ $key }}: is a YAML {{ ternary "boolean" "number" (kindIs "bool" $value) }}, not text (got {{ $value | toJson }}); quote it as you meant it, so it stays exactly as written (YAML reads an unquoted ON as true and 010 as 8)
{{- end }}
{{- if not $.app.configMountPath }}
{{- range $other := list "env" "secretEnv" "downwardEnv" }}
{{- if hasKey (index $.app $other | default dict) $key }}
config.{{ $key }}: is also set in {{ $other }}.{{ $key }}, which silently wins over config; set it in one place
{{- end }}
{{- end }}
{{- end }}
{{- $size = add $size (len $key) (len (include "common-lib.util.string" $value)) }}
{{- end }}
{{- if gt $size 1048576 }}
config: holds {{ $size }} bytes (got more than 1048576); a ConfigMap holds at most 1 MiB: mount large files from an image or a volume instead
{{- end }}
{{- include "common-lib.validate.noSecretNames" (dict "key" "config" "values" .app.config "reference" "secretEnv") | nindent 0 -}}
{{- with .app.configMountPath }}
{{- $path := toString . }}
{{- $system := list "/" "/bin" "/boot" "/dev" "/etc" "/etc/ssl" "/etc/ssl/certs" "/home" "/lib" "/lib64" "/proc" "/root" "/run" "/sbin" "/sys" "/tmp" "/usr" "/usr/bin" "/usr/lib" "/usr/local" "/usr/local/bin" "/usr/share" "/var" "/var/run" }}
{{- if not (and (kindIs "string" .) (hasPrefix "/" $path) (eq (clean $path) $path) (not (contains ":" $path)) (le (len $path) 1024)) }}
configMountPath: is not a clean absolute directory (got {{ . | toJson }}); e.g. /etc/orders, without "..", "//", ":" or a trailing "/"
{{- else if or (has $path $system) (regexMatch "^/(proc|sys|dev)/" $path) }}
configMountPath: {{ $path | quote }} is a system directory, and the mount would hide the image's own files there (got {{ . | toJson }}); use a directory of the app's own, e.g. /etc/orders
{{- else if not $.app.config }}
configMountPath: is set (got {{ . | toJson }}) but config is empty, so there are no files to mount; add config keys or remove configMountPath
{{- end }}
{{- end }}
{{- end -}}

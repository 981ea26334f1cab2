{{/*
common-lib.names.name: the chart name, or the App's `nameOverride`, cut to 63 characters.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.names.name" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.names.name" -}}
{{- default .context.Chart.Name .app.nameOverride | trunc 63 | trimAll "-" -}}
{{- end -}}

{{/*
common-lib.names.fullname: the name of every object: the App's `fullnameOverride`, else
the release name when it already contains the name, else `<release>-<name>`; at most 63
characters and never ending in "-". Every name derives from the release, so two releases
of the same chart never collide (blue-green).
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.names.fullname" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.names.fullname" -}}
{{- if .app.fullnameOverride -}}
{{- .app.fullnameOverride | trunc 63 | trimAll "-" -}}
{{- else -}}
{{- $name := default .context.Chart.Name .app.nameOverride -}}
{{- if contains $name .context.Release.Name -}}
{{- .context.Release.Name | trunc 63 | trimAll "-" -}}
{{- else -}}
{{- printf "%s-%s" .context.Release.Name $name | trunc 63 | trimAll "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.names.suffixed: the full name with a suffix, still at most 63 characters: the
full name is cut first so the suffix always survives. The suffix is a DNS-1123 label of
at most 30 characters (anything longer fails), so at least 32 characters of the name remain.
Input: (dict "context" $ "app" $app "suffix" "migrate")
Usage:
  {{ include "common-lib.names.suffixed" (dict "context" $ "app" .Values "suffix" "migrate") }}
*/}}
{{- define "common-lib.names.suffixed" -}}
{{- if not (and (le (len .suffix) 30) (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" .suffix)) -}}
{{- fail (printf "common-lib.names.suffixed: suffix %q must be a DNS-1123 label of 1 to 30 characters, so that the name keeps at least 32 characters" .suffix) -}}
{{- end -}}
{{- $base := include "common-lib.names.fullname" . -}}
{{- $max := int (sub 62 (len .suffix)) -}}
{{- printf "%s-%s" ($base | trunc $max | trimAll "-") .suffix -}}
{{- end -}}

{{/*
common-lib.names.chart: `<chart>-<version>` for the helm.sh/chart label ("+" becomes "_").
Input: (dict "context" $)
Usage:
  {{ include "common-lib.names.chart" (dict "context" $) }}
*/}}
{{- define "common-lib.names.chart" -}}
{{- printf "%s-%s" .context.Chart.Name .context.Chart.Version | replace "+" "_" | trunc 63 | trimAll "-" -}}
{{- end -}}

{{/*
common-lib.names.serviceAccount: the ServiceAccount the app's pods run as: the App's
`serviceAccount.name`, else the full name when the chart creates it, else `default`.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.names.serviceAccount" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.names.serviceAccount" -}}
{{- if .app.serviceAccount.create -}}
{{- default (include "common-lib.names.fullname" .) .app.serviceAccount.name -}}
{{- else -}}
{{- default "default" .app.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.names.name: the chart name, or `.Values.nameOverride`, cut to 63 characters.
Usage:
  {{ include "common-lib.names.name" . }}
*/}}
{{- define "common-lib.names.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimAll "-" -}}
{{- end -}}

{{/*
common-lib.names.fullname: the name of every object: `.Values.fullnameOverride`, else the
release name when it already contains the name, else `<release>-<name>`; at most 63
characters and never ending in "-". Every name derives from the release, so two releases
of the same chart never collide (blue-green).
Usage:
  {{ include "common-lib.names.fullname" . }}
*/}}
{{- define "common-lib.names.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimAll "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimAll "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimAll "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.names.suffixed: the full name with a suffix, still at most 63 characters: the
full name is cut first so the suffix always survives. The suffix is a DNS-1123 label of
at most 30 characters (anything longer fails), so at least 32 characters of the name remain.
Usage:
  {{ include "common-lib.names.suffixed" (dict "context" . "suffix" "migrate") }}
*/}}
{{- define "common-lib.names.suffixed" -}}
{{- if not (and (le (len .suffix) 30) (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" .suffix)) -}}
{{- fail (printf "common-lib.names.suffixed: suffix %q must be a DNS-1123 label of 1 to 30 characters, so that the name keeps at least 32 characters" .suffix) -}}
{{- end -}}
{{- $base := include "common-lib.names.fullname" .context -}}
{{- $max := int (sub 62 (len .suffix)) -}}
{{- printf "%s-%s" ($base | trunc $max | trimAll "-") .suffix -}}
{{- end -}}

{{/*
common-lib.names.chart: `<chart>-<version>` for the helm.sh/chart label ("+" becomes "_").
Usage:
  {{ include "common-lib.names.chart" . }}
*/}}
{{- define "common-lib.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimAll "-" -}}
{{- end -}}

{{/*
common-lib.names.serviceAccount: the ServiceAccount the pods run as.
Usage:
  {{ include "common-lib.names.serviceAccount" . }}
*/}}
{{- define "common-lib.names.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "common-lib.names.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

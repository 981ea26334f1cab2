{{/*
common-lib.names.name: the chart name, or `.Values.nameOverride`, cut to 63 characters.
Usage:
  {{ include "common-lib.names.name" . }}
*/}}
{{- define "common-lib.names.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
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
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.names.suffixed: the full name with a suffix, still at most 63 characters: the
full name is cut first so the suffix always survives.
Usage:
  {{ include "common-lib.names.suffixed" (dict "context" . "suffix" "migrate") }}
*/}}
{{- define "common-lib.names.suffixed" -}}
{{- $base := include "common-lib.names.fullname" .context -}}
{{- $max := int (sub 62 (len .suffix)) -}}
{{- printf "%s-%s" ($base | trunc $max | trimSuffix "-") .suffix -}}
{{- end -}}

{{/*
common-lib.names.chart: `<chart>-<version>` for the helm.sh/chart label ("+" becomes "_").
Usage:
  {{ include "common-lib.names.chart" . }}
*/}}
{{- define "common-lib.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
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

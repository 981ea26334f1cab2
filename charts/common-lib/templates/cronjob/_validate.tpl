{{/*
common-lib.cronjob.validate: one line per problem with the App's `cronJobs`, in key
order: each key a DNS-1123 label and `<fullname>-<key>` at most 52 characters (the
CronJob controller appends 11 characters to the names of its Jobs); each job a map of
known fields (common-lib.cronjob.validateSettings), its schedule
(common-lib.cronjob.validateSchedule) and time zone; and its pod as it will be rendered
(common-lib.pod.validate over common-lib.cronjob.podInput: security floor, image,
resources, env, /tmp).
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.cronjob.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.cronjob.validate" -}}
{{- $jobs := .app.cronJobs | default dict -}}
{{- if not (kindIs "map" $jobs) }}
cronJobs: must be a map of named jobs (got {{ $jobs | toJson | abbrev 80 }}); e.g. {report: {schedule: "0 3 * * *", command: ["/app/report"]}}
{{- else }}
{{- range $name := keys $jobs | sortAlpha }}
{{- $key := printf "cronJobs.%s" $name }}
{{- $job := get $jobs $name }}
{{- $full := include "common-lib.cronjob.name" (dict "context" $.context "app" $.app "name" $name) }}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" $name) }}
{{ $key }}: the key {{ $name | toJson }} is not a DNS-1123 label; want lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. nightly-report
{{- else if has $name (list "true" "false") }}
{{ $key }}: the key {{ $name | toJson }} is what YAML makes of an unquoted on, off, yes, no, true or false; quote the key as you meant it, e.g. "on-call"
{{- else if gt (len $full) 52 }}
{{ $key }}: the CronJob name {{ $full | toJson }} has {{ len $full }} characters, the limit is 52 (the CronJob controller appends an 11-character suffix to each Job's name); shorten the key, or nameOverride / fullnameOverride
{{- end }}
{{- if not (kindIs "map" $job) }}
{{ $key }}: must be a map (got {{ $job | toJson | abbrev 80 }}); e.g. {schedule: "0 3 * * *", command: ["/app/report"]}
{{- else }}
{{- include "common-lib.cronjob.validateSettings" (dict "key" $key "job" $job) | nindent 0 }}
{{- include "common-lib.cronjob.validateSchedule" (dict "key" (printf "%s.schedule" $key) "schedule" $job.schedule "timeZoneKey" (printf "%s.timeZone" $key)) | nindent 0 }}
{{- include "common-lib.cronjob.validateTimeZone" (dict "key" (printf "%s.timeZone" $key) "timeZone" $job.timeZone) | nindent 0 }}
{{- $in := dict }}
{{- $_ := include "common-lib.cronjob.podInput" (dict "context" $.context "app" $.app "name" $name "out" $in) }}
{{- include "common-lib.pod.validate" $in | nindent 0 }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}
{{/*
common-lib.cronjob.validateSettings: one line per problem with one job's fields: only
known ones (a job cannot lower the app's security context: it has none of its own);
concurrencyPolicy Allow, Forbid or Replace; restartPolicy Never or OnFailure; suspend a
boolean; command and args lists, and one of them set when the job runs the app's image
(else it would start the app's server, which never exits); the counts whole numbers in
the API's range (common-lib.cronjob.validateCount).
Input: (dict "key" "cronJobs.report" "job" {..})
Usage:
  {{ include "common-lib.cronjob.validateSettings" (dict "key" "cronJobs.report" "job" $job) }}
*/}}
{{- define "common-lib.cronjob.validateSettings" -}}
{{- $key := .key -}}
{{- $job := .job -}}
{{- $known := list "schedule" "timeZone" "suspend" "concurrencyPolicy" "startingDeadlineSeconds" "successfulJobsHistoryLimit" "failedJobsHistoryLimit" "backoffLimit" "activeDeadlineSeconds" "restartPolicy" "command" "args" "image" "resources" "env" "secretEnv" -}}
{{- range $field := keys $job | sortAlpha }}
{{- if not (has $field $known) }}
{{ $key }}.{{ $field }}: is not a field of a scheduled job (got {{ get $job $field | toJson | abbrev 80 }}); allowed: {{ $known | sortAlpha | join ", " }} (its pods take the app's security contexts)
{{- end }}
{{- end }}
{{- $s := dict }}
{{- $_ := include "common-lib.cronjob.settings" (dict "job" $job "out" $s) }}
{{- if not (has (toString $s.concurrencyPolicy) (list "Allow" "Forbid" "Replace")) }}
{{ $key }}.concurrencyPolicy: {{ $s.concurrencyPolicy | toJson }} is not a policy; want Allow, Forbid (the default: skip a run while the last one is still going) or Replace
{{- end }}
{{- if not (has (toString $s.restartPolicy) (list "Never" "OnFailure")) }}
{{ $key }}.restartPolicy: {{ $s.restartPolicy | toJson }} is not allowed for a Job's pod; want Never (the default: a failed run gets a new pod, the failed one stays for its logs) or OnFailure
{{- end }}
{{- if not (kindIs "bool" $s.suspend) }}
{{ $key }}.suspend: {{ $s.suspend | toJson }} is not a boolean; want true or false
{{- end }}
{{- range $field := list "command" "args" }}
{{- if not (kindIs "slice" (index $s $field)) }}
{{ $key }}.{{ $field }}: {{ get $s $field | toJson }} is not a list; want a list of strings run without a shell, e.g. ["/app/orders", "report"]
{{- end }}
{{- end }}
{{- if and (empty $s.command) (empty $s.args) (not (and (kindIs "map" $s.image) $s.image.repository)) }}
{{ $key }}.command: is required when the job runs the app's image (got []); without command or args it would start the app's server, which never exits; e.g. ["/app/orders", "report"]
{{- else if and (kindIs "slice" $s.command) $s.command (not (first $s.command)) }}
{{ $key }}.command[0]: is empty (got {{ $s.command | toJson | abbrev 80 }}); the program to run, e.g. "/app/orders"
{{- end }}
{{- range $field, $min := dict "startingDeadlineSeconds" 10 "successfulJobsHistoryLimit" 0 "failedJobsHistoryLimit" 0 "backoffLimit" 0 "activeDeadlineSeconds" 1 }}
{{- include "common-lib.cronjob.validateCount" (dict "key" (printf "%s.%s" $key $field) "value" (index $s $field) "min" $min) | nindent 0 }}
{{- end }}
{{- end -}}
{{/*
common-lib.cronjob.validateCount: one line when a count is set and is not a whole
number from `min` to 2147483647. startingDeadlineSeconds starts at 10: the CronJob
controller looks every 10 seconds, so a shorter deadline can skip runs.
Input: (dict "key" "cronJobs.report.backoffLimit" "value" 2 "min" 0)
Usage:
  {{ include "common-lib.cronjob.validateCount" (dict "key" "cronJobs.report.backoffLimit" "value" 2 "min" 0) }}
*/}}
{{- define "common-lib.cronjob.validateCount" -}}
{{- $v := .value -}}
{{- if not (kindIs "invalid" $v) -}}
{{- $number := or (kindIs "float64" $v) (regexMatch "^u?int(8|16|32|64)?$" (kindOf $v)) -}}
{{- if not (and $number (eq (float64 (int64 $v)) (float64 $v)) (ge (float64 $v) (float64 .min)) (le (float64 $v) 2147483647.0)) }}
{{ .key }}: {{ $v | toJson }} is not allowed; want a whole number from {{ .min }} to 2147483647{{ if eq .min 10 }} (the CronJob controller looks every 10 seconds, so a shorter deadline can skip runs){{ end }}
{{- end -}}
{{- end -}}
{{- end -}}

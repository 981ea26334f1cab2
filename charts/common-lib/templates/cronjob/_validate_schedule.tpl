{{/*
common-lib.cronjob.validateSchedule: one line when a job's schedule is not what the
CronJob controller parses: 5 fields (minute hour day-of-month month day-of-week; each
common-lib.cronjob.validateField) or a macro. `@every <duration>` is refused: its runs
follow the controller's clock, not the wall clock; write it as 5 fields ("0,15,30,45 * * * *").
TZ= and CRON_TZ= are refused as the API server does, with a pointer to timeZone; a
schedule that never runs is refused (common-lib.cronjob.validateCalendar).
Input: (dict "key" "cronJobs.report.schedule" "schedule" "0 3 * * *" "timeZoneKey" "cronJobs.report.timeZone")
Usage:
  {{ include "common-lib.cronjob.validateSchedule" (dict "key" "cronJobs.report.schedule" "schedule" $job.schedule "timeZoneKey" "cronJobs.report.timeZone") }}
*/}}
{{- define "common-lib.cronjob.validateSchedule" -}}
{{- $v := .schedule -}}
{{- $macros := list "@yearly" "@annually" "@monthly" "@weekly" "@daily" "@midnight" "@hourly" -}}
{{- $want := printf "want 5 fields separated by spaces (minute hour day-of-month month day-of-week) such as \"0 3 * * *\" or \"*/15 * * * MON-FRI\", or one of %s" (join " " $macros) -}}
{{- $problem := "" -}}
{{- if or (not (kindIs "string" $v)) (eq (toString $v) "") -}}
{{- $problem = "is empty" -}}
{{- else if contains "TZ" $v -}}
{{- $problem = printf "sets a time zone in the schedule, which the API server refuses: remove TZ= or CRON_TZ= and set %s instead, e.g. timeZone: Europe/Berlin" .timeZoneKey -}}
{{- $want = "" -}}
{{- else if hasPrefix "@every" $v -}}
{{- $problem = "uses @every, which the chart does not allow (its runs follow the controller, not the clock)" -}}
{{- else if hasPrefix "@" $v -}}
{{- $problem = ternary "" "is not a known macro" (has $v $macros) -}}
{{- else if ne (trim $v) $v -}}
{{- $problem = "has leading or trailing spaces" -}}
{{- else -}}
{{- $fields := regexSplit "[ \t]+" $v -1 -}}
{{- if ne (len $fields) 5 -}}
{{- $problem = printf "has %d fields" (len $fields) -}}
{{- else -}}
{{- $month := dict "JAN" 1 "FEB" 2 "MAR" 3 "APR" 4 "MAY" 5 "JUN" 6 "JUL" 7 "AUG" 8 "SEP" 9 "OCT" 10 "NOV" 11 "DEC" 12 -}}
{{- $day := dict "SUN" 0 "MON" 1 "TUE" 2 "WED" 3 "THU" 4 "FRI" 5 "SAT" 6 -}}
{{- $specs := list (list "minute" 0 59 dict) (list "hour" 0 23 dict) (list "day-of-month" 1 31 dict) (list "month" 1 12 $month "JAN") (list "day-of-week" 0 6 $day "MON") -}}
{{- range $i, $spec := $specs -}}
{{- $out := include "common-lib.cronjob.validateField" (dict "value" (index $fields $i) "min" (index $spec 1) "max" (index $spec 2) "names" (index $spec 3) "example" (last $spec)) -}}
{{- if and $out (not $problem) -}}
{{- $problem = printf "has a bad %s field %s: %s" (index $spec 0) (index $fields $i | quote) $out -}}
{{- end -}}
{{- end -}}
{{- if not $problem -}}
{{- $problem = include "common-lib.cronjob.validateCalendar" $fields -}}
{{- $want = ternary "" $want (hasPrefix "never" $problem) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- with $problem }}
{{ $.key }}: {{ $v | toJson }} {{ . }}{{ with $want }}; {{ . }}{{ end }}
{{- end -}}
{{- end -}}
{{/*
common-lib.cronjob.validateTimeZone: one line when a job's timeZone is set and is not an
IANA time zone name (Europe/Berlin, UTC, Etc/GMT+1): no spaces, no UTC offset (UTC+1,
+01:00; a sign and digits only in Etc/GMT+N), not Local (the API server refuses them all),
and a name of the tz database (common-lib.cronjob.zones), spelled as there.
Input: (dict "key" "cronJobs.report.timeZone" "timeZone" "Europe/Berlin")
Usage:
  {{ include "common-lib.cronjob.validateTimeZone" (dict "key" "cronJobs.report.timeZone" "timeZone" $job.timeZone) }}
*/}}
{{- define "common-lib.cronjob.validateTimeZone" -}}
{{- $tz := .timeZone -}}
{{- if not (or (kindIs "invalid" $tz) (eq (toString $tz) "")) -}}
{{- $offset := and (kindIs "string" $tz) (regexMatch "[+-][0-9]" $tz) (not (regexMatch "^(Etc/)?GMT[+-][0-9]{1,2}$" $tz)) -}}
{{- if or (not (kindIs "string" $tz)) (not (regexMatch "^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$" $tz)) (eq (lower $tz) "local") (gt (len $tz) 64) $offset }}
{{ .key }}: {{ $tz | toJson }} is not an IANA time zone name; want a tz database name such as Europe/Berlin, America/New_York or UTC, without spaces (a UTC offset is not a zone: Etc/GMT-1 is UTC+01:00 all year; Local is not allowed)
{{- else if not (has $tz (include "common-lib.cronjob.zones" dict | replace "\n" " " | splitList " ")) }}
{{ .key }}: {{ $tz | toJson }} is not in the tz database; want one of its names, spelled and capitalised as there, e.g. Europe/Berlin, America/New_York or UTC
{{- end -}}
{{- end -}}
{{- end -}}

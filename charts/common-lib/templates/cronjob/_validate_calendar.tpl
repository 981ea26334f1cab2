{{/*
common-lib.cronjob.validateCalendar: "never runs" when a schedule's days of the month
exist in none of its months and the day of the week is not restricted (`*`, `?`, or the
same with step 1: cron then runs only when the day of the month matches): "0 0 31 2 *",
"0 0 30-31 2 *" and "0 0 31 4 ?/1" are accepted by the API server and never start a Job.
Lists, ranges and steps are expanded as the CronJob controller's parser expands them
(common-lib.cronjob.fieldValues). Nothing otherwise.
Input: the 5 fields of a valid schedule, as a list
Usage:
  {{- $problem = include "common-lib.cronjob.validateCalendar" $fields }}
*/}}
{{- define "common-lib.cronjob.validateCalendar" -}}
{{- $dom := index . 2 -}}
{{- $months := index . 3 -}}
{{- if and (not (regexMatch "[*?]" $dom)) (has (index . 4) (list "*" "?" "*/1" "?/1")) -}}
{{- $length := dict "1" 31 "2" 29 "3" 31 "4" 30 "5" 31 "6" 30 "7" 31 "8" 31 "9" 30 "10" 31 "11" 30 "12" 31 -}}
{{- $longest := 0 -}}
{{- range include "common-lib.cronjob.fieldValues" (dict "field" $months "min" 1 "max" 12) | fromJsonArray -}}
{{- $longest = max $longest (get $length (toString .) | default 31) -}}
{{- end -}}
{{- $days := include "common-lib.cronjob.fieldValues" (dict "field" $dom "min" 1 "max" 31) | fromJsonArray -}}
{{- $first := 31 -}}
{{- range $days }}{{ $first = min $first (int .) }}{{ end -}}
{{- if and $days (gt $first $longest) -}}
never runs: no month in {{ $months | quote }} has a day {{ $first }} (the longest has {{ $longest }}); choose a day every listed month has, e.g. {{ $longest }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
common-lib.cronjob.fieldValues: the numbers a cron field selects, as a JSON list, expanded
as the CronJob controller's parser (robfig/cron) expands them: a list of N, N-M, N-M/S,
N/S (N to the maximum), a star with a step; month names (JAN-DEC) count as their numbers. Values out of
range are left to the schedule's own rule.
Input: (dict "field" "1-3,JUN" "min" 1 "max" 12)
Usage:
  {{- $months := include "common-lib.cronjob.fieldValues" (dict "field" "JAN-MAR" "min" 1 "max" 12) | fromJsonArray }}
*/}}
{{- define "common-lib.cronjob.fieldValues" -}}
{{- $names := dict "JAN" "1" "FEB" "2" "MAR" "3" "APR" "4" "MAY" "5" "JUN" "6" "JUL" "7" "AUG" "8" "SEP" "9" "OCT" "10" "NOV" "11" "DEC" "12" -}}
{{- $out := list -}}
{{- range $part := splitList "," (toString .field) -}}
{{- $rangeStep := splitList "/" $part -}}
{{- $bounds := splitList "-" (first $rangeStep) -}}
{{- $start := ternary (toString $.min) (get $names (upper (first $bounds)) | default (first $bounds)) (has (first $bounds) (list "*" "?")) | int -}}
{{- $end := $start -}}
{{- if has (first $bounds) (list "*" "?") }}{{ $end = int $.max }}{{ else if eq (len $bounds) 2 }}{{ $end = get $names (upper (last $bounds)) | default (last $bounds) | int }}{{ else if eq (len $rangeStep) 2 }}{{ $end = int $.max }}{{ end -}}
{{- $step := ternary (last $rangeStep) "1" (eq (len $rangeStep) 2) | int -}}
{{- range $value := untilStep $start (int (add $end 1)) (max $step 1 | int) }}{{ $out = append $out $value }}{{ end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
common-lib.cronjob.validateCalendar: "never runs" when a schedule's days of the month
(plain numbers) exist in none of its months (plain numbers or names) and the day of the
week is not restricted (cron runs when either day field matches): "0 0 31 2 *" and
"0 0 30 2 *" are accepted by the API server and never start a Job. Nothing otherwise.
Input: the 5 fields of a valid schedule, as a list
Usage:
  {{- $problem = include "common-lib.cronjob.validateCalendar" $fields }}
*/}}
{{- define "common-lib.cronjob.validateCalendar" -}}
{{- $dom := index . 2 -}}
{{- $months := index . 3 -}}
{{- if and (regexMatch "^[0-9]+(,[0-9]+)*$" $dom) (regexMatch "^([0-9]+|[A-Za-z]+)(,([0-9]+|[A-Za-z]+))*$" $months) (has (index . 4) (list "*" "?")) -}}
{{- $length := dict "1" 31 "2" 29 "3" 31 "4" 30 "5" 31 "6" 30 "7" 31 "8" 31 "9" 30 "10" 31 "11" 30 "12" 31 -}}
{{- $byName := dict "JAN" "1" "FEB" "2" "MAR" "3" "APR" "4" "MAY" "5" "JUN" "6" "JUL" "7" "AUG" "8" "SEP" "9" "OCT" "10" "NOV" "11" "DEC" "12" -}}
{{- $longest := 0 -}}
{{- range splitList "," $months -}}
{{- $m := get $byName (upper .) | default (toString (int .)) -}}
{{- $longest = max $longest (get $length $m | default 31) -}}
{{- end -}}
{{- $first := 31 -}}
{{- range splitList "," $dom }}{{ $first = min $first (int .) }}{{ end -}}
{{- if gt $first $longest -}}
never runs: no month in {{ $months | quote }} has a day {{ $first }} (the longest has {{ $longest }}); choose a day every listed month has, e.g. {{ $longest }}
{{- end -}}
{{- end -}}
{{- end -}}

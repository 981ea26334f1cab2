{{/*
common-lib.cronjob.validateField: what is wrong with one field of a cron schedule, or
nothing: a comma-separated list of `*`, `?`, a value or a range `a-b`, each with an
optional step `/n` (n above 0); values of at most 9 digits, from `min` to `max`, or a
name of `names` (three letters, any case: JAN, MON); as the CronJob controller parses it.
Input: (dict "value" "1-5" "min" 0 "max" 6 "names" (dict "SUN" 0 ...) "example" "MON")
Usage:
  {{- $problem := include "common-lib.cronjob.validateField" (dict "value" "1-5" "min" 0 "max" 59 "names" dict) }}
*/}}
{{- define "common-lib.cronjob.validateField" -}}
{{- $in := . -}}
{{- $problem := "" -}}
{{- range $part := splitList "," .value -}}
{{- $m := regexFindAll "^(\\*|\\?|([0-9]{1,9}|[A-Za-z]{3})(-([0-9]{1,9}|[A-Za-z]{3}))?)(/([0-9]{1,18}))?$" $part 1 -}}
{{- if not $m -}}
{{- $problem = $problem | default (printf "%s is not *, ?, a value, a range a-b or a list of them, with an optional step /n" ($part | quote)) -}}
{{- else -}}
{{- $bounds := list -}}
{{- range $value := ternary list (splitList "-" (regexReplaceAll "/.*$" $part "")) (has (regexReplaceAll "/.*$" $part "") (list "*" "?")) -}}
{{- if hasKey $in.names (upper $value) -}}
{{- $bounds = append $bounds (int (get $in.names (upper $value))) -}}
{{- else if regexMatch "^[0-9]+$" $value -}}
{{- $bounds = append $bounds (atoi $value) -}}
{{- else -}}
{{- $problem = $problem | default (printf "%s is not a number from %d to %d%s" ($value | quote) (int $in.min) (int $in.max) (ternary "" (printf " or a name such as %v" $in.example) (empty $in.names))) -}}
{{- end -}}
{{- end -}}
{{- range $b := $bounds -}}
{{- if or (lt $b (int $in.min)) (gt $b (int $in.max)) -}}
{{- $problem = $problem | default (printf "%d is outside %d-%d" $b (int $in.min) (int $in.max)) -}}
{{- end -}}
{{- end -}}
{{- if and (eq (len $bounds) 2) (gt (first $bounds) (last $bounds)) -}}
{{- $problem = $problem | default (printf "the range %s runs backwards" ($part | quote)) -}}
{{- end -}}
{{- if regexMatch "/0+$" $part -}}
{{- $problem = $problem | default (printf "the step in %s must be above 0" ($part | quote)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $problem -}}
{{- end -}}

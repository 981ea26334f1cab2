{{/*
common-lib.networkpolicy.cidr: "<family>/<prefix>" (e.g. "4/8") for a valid CIDR, nothing
otherwise.
Input: a string
Usage:
  {{- if include "common-lib.networkpolicy.cidr" "10.0.0.0/8" }}
*/}}
{{- define "common-lib.networkpolicy.cidr" -}}
{{- $octet := "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])" -}}
{{- if regexMatch (printf "^%s(\\.%s){3}/(3[0-2]|[12]?[0-9])$" $octet $octet) . -}}
4/{{ splitList "/" . | last }}
{{- else if and (regexMatch "^[0-9a-fA-F:]*:[0-9a-fA-F:]*/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$" .) (include "common-lib.networkpolicy.ipv6Network" (list . 0)) -}}
6/{{ splitList "/" . | last }}
{{- end -}}
{{- end -}}

{{/*
common-lib.networkpolicy.ipv4Network: the network number of an IPv4 address under a
prefix length (the address shifted right by 32 - prefix bits), to compare two ranges.
Input: (list "10.1.2.3/16" 8)
Usage:
  {{ include "common-lib.networkpolicy.ipv4Network" (list "10.1.2.3/16" 8) }}
*/}}
{{- define "common-lib.networkpolicy.ipv4Network" -}}
{{- $octets := splitList "." (index . 0 | splitList "/" | first) -}}
{{- $address := add (mul (atoi (index $octets 0)) 16777216) (mul (atoi (index $octets 1)) 65536) (mul (atoi (index $octets 2)) 256) (atoi (index $octets 3)) -}}
{{- $size := 1 -}}
{{- range until (int (sub 32 (index . 1))) }}{{ $size = mul $size 2 }}{{ end -}}
{{- div $address $size -}}
{{- end -}}

{{/*
common-lib.networkpolicy.ipv6Network: the first `prefix` bits of an IPv6 address as a
string of "0" and "1", to compare two ranges; for a prefix of 0, "ok" when the address
is valid (eight groups of 1 to 4 hex digits, or fewer around one "::"); nothing when it
is not an IPv6 address.
Input: (list "2001:db8::/32" 16)
Usage:
  {{ include "common-lib.networkpolicy.ipv6Network" (list "2001:db8::1/64" 32) }}
*/}}
{{- define "common-lib.networkpolicy.ipv6Network" -}}
{{- $halves := index . 0 | splitList "/" | first | splitList "::" -}}
{{- $left := ternary list (splitList ":" (first $halves)) (eq (first $halves) "") -}}
{{- $right := ternary (ternary list (splitList ":" (last $halves)) (eq (last $halves) "")) list (eq (len $halves) 2) -}}
{{- $missing := int (sub 8 (add (len $left) (len $right))) -}}
{{- $valid := or (and (eq (len $halves) 1) (eq $missing 0)) (and (eq (len $halves) 2) (ge $missing 1)) -}}
{{- $zeros := list -}}
{{- if eq (len $halves) 2 }}{{ range until (max $missing 0 | int) }}{{ $zeros = append $zeros "0" }}{{ end }}{{ end -}}
{{- $bits := "" -}}
{{- range concat $left $zeros $right -}}
{{- if regexMatch "^[0-9a-fA-F]{1,4}$" . -}}
{{- $bits = printf "%s%016b" $bits (int (printf "0x%s" .)) -}}
{{- else -}}
{{- $valid = false -}}
{{- end -}}
{{- end -}}
{{- if $valid -}}
{{- ternary "ok" (trunc (int (index . 1)) $bits) (eq (int (index . 1)) 0) -}}
{{- end -}}
{{- end -}}

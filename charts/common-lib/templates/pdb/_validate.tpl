{{/*
common-lib.pdb.validate: a budget that can never block a drain: `maxUnavailable` stays
below the fewest pods the App runs.
Input: the scope (dict "context" $ "app" $app)
Usage:
  {{ include "common-lib.pdb.validate" (dict "context" $ "app" .Values) }}
*/}}
{{- define "common-lib.pdb.validate" -}}
{{- $pdb := .app.podDisruptionBudget -}}
{{- if $pdb.enabled }}
{{- $min := int (include "common-lib.pdb.minReplicas" .) }}
{{- $text := toString $pdb.maxUnavailable }}
{{- $pods := ternary (ceil (divf (mul (int (trimSuffix "%" $text)) $min) 100)) $pdb.maxUnavailable (hasSuffix "%" $text) }}
{{- if and (gt $min 1) (ge (int $pods) $min) }}
podDisruptionBudget.maxUnavailable: must be below the replica count {{ $min }} (got {{ $pdb.maxUnavailable }}{{ if hasSuffix "%" $text }}, {{ int $pods }} pods{{ end }}); it would let every pod go at once
{{- end }}
{{- end }}
{{- end -}}

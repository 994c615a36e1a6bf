{{/* Validates that the Alloy instance is appropriate for the given Profiles settings */}}
{{/* Inputs: Values (Profiles values), Collector (Alloy values), CollectorName (string) */}}
{{- define "feature.profilesReceiver.collector.validate" -}}

{{- end -}}

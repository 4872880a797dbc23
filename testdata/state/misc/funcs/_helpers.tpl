{{- define "greeting" -}}hello {{ . }}{{- end -}}

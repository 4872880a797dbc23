{{- /* A taste of what berth renders: Go's text/template, byte for byte. */ -}}
{{- define "labels" }}
    app.kubernetes.io/name: {{ .name }}
    app.kubernetes.io/version: {{ printf "%q" .version }}
{{- end -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .name }}
  labels:{{ template "labels" . }}
spec:
  replicas: {{ .replicas }}
  template:
    spec:
      containers:
{{- range $i, $c := .containers }}
        - name: {{ $c.name }}
          image: {{ $c.image }}:{{ or $c.tag $.version }}
{{- if $c.ports }}
          ports:
{{- range $c.ports }}
            - containerPort: {{ . }}
{{- end }}
{{- end }}
{{- end }}
# scale hint: {{ .requests }} requests/s is {{ printf "%.1f" (.requests) }} ({{ .requests }} as Go prints a float64)

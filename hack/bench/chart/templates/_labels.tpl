{{- define "bench.selector" -}}
app.kubernetes.io/instance: {{ .name }}
app.kubernetes.io/name: {{ .name }}
{{- end }}
{{- define "bench.labels" -}}
{{ include "bench.selector" . }}
app.kubernetes.io/managed-by: ferry
app.kubernetes.io/version: {{ .version | quote }}
ferry.dev/service: {{ .name }}
{{- end }}

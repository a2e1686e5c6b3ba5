{{- define "streamscore.name" -}}{{ .Chart.Name }}{{- end -}}

{{- define "streamscore.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "streamscore.labels" -}}
app.kubernetes.io/name: {{ include "streamscore.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "streamscore.selectorLabels" -}}
app.kubernetes.io/name: {{ include "streamscore.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: service
{{- end -}}

{{/* The configuration file's text: values.config, else files/streamscore.yaml. */}}
{{- define "streamscore.configText" -}}
{{- if .Values.config }}{{ .Values.config }}{{ else }}{{ .Files.Get "files/streamscore.yaml" }}{{ end -}}
{{- end -}}

{{/* The configuration, parsed: the chart reads appId, metricsPort and shutdown.timeoutMs from it. */}}
{{- define "streamscore.config" -}}
{{- $config := include "streamscore.configText" . | fromYaml -}}
{{- if hasKey $config "Error" }}{{ fail (printf "config is not YAML: %s" $config.Error) }}{{ end -}}
{{- if not $config.appId }}{{ fail "config: appId is required" }}{{ end -}}
{{- toJson $config -}}
{{- end -}}

{{- define "streamscore.metricsPort" -}}
{{- $config := include "streamscore.config" . | fromJson -}}
{{- $port := 9464 -}}
{{- if and $config.observability (hasKey $config.observability "metricsPort") }}{{ $port = $config.observability.metricsPort }}{{ end -}}
{{- if not $port }}{{ fail "config: observability.metricsPort must not be 0: the probes use /readyz and /healthz" }}{{ end -}}
{{- if and $config.observability (ne (toString ($config.observability.metricsHost | default "127.0.0.1")) "0.0.0.0") }}{{ fail "config: observability.metricsHost must be 0.0.0.0 in a pod: the kubelet probes it from outside the container" }}{{ end -}}
{{- int $port -}}
{{- end -}}

{{/* terminationGracePeriodSeconds: longer than shutdown.timeoutMs (default 15000), by the margin. */}}
{{- define "streamscore.terminationGrace" -}}
{{- $config := include "streamscore.config" . | fromJson -}}
{{- $timeoutMs := 15000 -}}
{{- if and $config.shutdown $config.shutdown.timeoutMs }}{{ $timeoutMs = $config.shutdown.timeoutMs }}{{ end -}}
{{- add (div (add (int $timeoutMs) 999) 1000) (int .Values.terminationGraceMarginSeconds) -}}
{{- end -}}

{{/* Environment shared by the service and the nightly backfill: endpoints and secrets. */}}
{{- define "streamscore.env" -}}
- name: KAFKA_BROKERS
  value: {{ .Values.kafka.brokers | quote }}
- name: SCHEMA_REGISTRY_URL
  value: {{ .Values.schemaRegistry.url | quote }}
{{- with .Values.kafka.sasl.existingSecret }}
- name: KAFKA_SASL_USERNAME
  valueFrom: { secretKeyRef: { name: {{ . | quote }}, key: {{ $.Values.kafka.sasl.usernameKey | quote }} } }
- name: KAFKA_SASL_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ . | quote }}, key: {{ $.Values.kafka.sasl.passwordKey | quote }} } }
{{- end }}
{{- with .Values.schemaRegistry.existingSecret }}
- name: SCHEMA_REGISTRY_USERNAME
  valueFrom: { secretKeyRef: { name: {{ . | quote }}, key: {{ $.Values.schemaRegistry.usernameKey | quote }} } }
- name: SCHEMA_REGISTRY_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ . | quote }}, key: {{ $.Values.schemaRegistry.passwordKey | quote }} } }
{{- end }}
{{- with .Values.logLevel }}
- name: LOG_LEVEL
  value: {{ . | quote }}
{{- end }}
{{- end -}}

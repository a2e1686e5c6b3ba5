// Command kubernetes-schemas writes JSON schemas, in kubeconform's layout
// (<kind>-<group prefix>-<version>.json), for the Kubernetes kinds the Helm chart renders and for the
// custom resources it uses (KEDA ScaledObject/TriggerAuthentication, prometheus-operator
// PodMonitor/ServiceMonitor). kubeconform downloads its schemas from GitHub, which this project's
// machines and CI cannot reach; these are derived from the Go API types themselves (k8s.io/api, KEDA's
// and prometheus-operator's apis packages), the source the official OpenAPI documents are generated
// from: every field by its JSON name and type, no unknown field (additionalProperties: false), and the
// fields without `omitempty` required. Enumerations, formats and +optional markers on fields without
// omitempty are not visible through reflection. See docs/deploy.md.
//
//	go run . <output dir>
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	kedav1alpha1 "github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

type kind struct {
	group, version, kind string
	value                any
}

var kinds = []kind{
	{"apps", "v1", "Deployment", appsv1.Deployment{}},
	{"", "v1", "ConfigMap", corev1.ConfigMap{}},
	{"", "v1", "Secret", corev1.Secret{}},
	{"", "v1", "Service", corev1.Service{}},
	{"", "v1", "ServiceAccount", corev1.ServiceAccount{}},
	{"policy", "v1", "PodDisruptionBudget", policyv1.PodDisruptionBudget{}},
	{"batch", "v1", "CronJob", batchv1.CronJob{}},
	{"batch", "v1", "Job", batchv1.Job{}},
	{"autoscaling", "v2", "HorizontalPodAutoscaler", autoscalingv2.HorizontalPodAutoscaler{}},
	{"keda.sh", "v1alpha1", "ScaledObject", kedav1alpha1.ScaledObject{}},
	{"keda.sh", "v1alpha1", "TriggerAuthentication", kedav1alpha1.TriggerAuthentication{}},
	{"monitoring.coreos.com", "v1", "PodMonitor", monitoringv1.PodMonitor{}},
	{"monitoring.coreos.com", "v1", "ServiceMonitor", monitoringv1.ServiceMonitor{}},
}

type schema = map[string]any

var (
	timeType     = reflect.TypeOf(metav1.Time{})
	microTime    = reflect.TypeOf(metav1.MicroTime{})
	durationType = reflect.TypeOf(metav1.Duration{})
	quantityType = reflect.TypeOf(resource.Quantity{})
	intOrString  = reflect.TypeOf(intstr.IntOrString{})
	rawExtension = reflect.TypeOf(runtime.RawExtension{})
	marshaler    = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
)

func typeSchema(t reflect.Type, stack map[reflect.Type]bool) schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType, microTime, durationType:
		return schema{"type": []string{"string", "null"}}
	case quantityType, intOrString:
		return schema{"type": []string{"string", "integer", "number"}}
	case rawExtension:
		return schema{}
	}
	if t.Kind() == reflect.Struct && (t.Implements(marshaler) || reflect.PointerTo(t).Implements(marshaler)) {
		return schema{} // marshals itself (e.g. apiextensions JSON): any value
	}
	switch t.Kind() {
	case reflect.String:
		return schema{"type": "string"}
	case reflect.Bool:
		return schema{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return schema{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return schema{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return schema{"type": "string"} // []byte: base64
		}
		return schema{"type": []string{"array", "null"}, "items": typeSchema(t.Elem(), stack)}
	case reflect.Map:
		return schema{"type": []string{"object", "null"}, "additionalProperties": typeSchema(t.Elem(), stack)}
	case reflect.Interface:
		return schema{}
	case reflect.Struct:
		if stack[t] {
			return schema{"type": "object"} // recursive type: not expanded again
		}
		stack[t] = true
		defer delete(stack, t)
		properties := schema{}
		required := []string{}
		addFields(t, properties, &required, stack)
		s := schema{"type": "object", "properties": properties, "additionalProperties": false}
		if len(required) > 0 {
			s["required"] = required
		}
		return s
	}
	panic(fmt.Sprintf("no schema for %s", t))
}

func addFields(t reflect.Type, properties schema, required *[]string, stack map[reflect.Type]bool) {
	for i := 0; i < t.NumField(); i++ {
		field := t.Field(i)
		if !field.IsExported() {
			continue
		}
		tag := field.Tag.Get("json")
		name, options, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if field.Anonymous && (name == "" || strings.Contains(options, "inline")) {
			inner := field.Type
			for inner.Kind() == reflect.Pointer {
				inner = inner.Elem()
			}
			addFields(inner, properties, required, stack)
			continue
		}
		if name == "" {
			name = field.Name
		}
		properties[name] = typeSchema(field.Type, stack)
		if !strings.Contains(options, "omitempty") && !strings.Contains(options, "omitzero") && field.Type.Kind() != reflect.Pointer {
			*required = append(*required, name)
		}
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: kubernetes-schemas <output dir>")
		os.Exit(2)
	}
	dir := os.Args[1]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		panic(err)
	}
	for _, k := range kinds {
		s := typeSchema(reflect.TypeOf(k.value), map[reflect.Type]bool{})
		properties := s["properties"].(schema)
		apiVersion := k.version
		suffix := "-" + k.version
		if k.group != "" {
			apiVersion = k.group + "/" + k.version
			suffix = "-" + strings.Split(k.group, ".")[0] + "-" + k.version
		}
		properties["apiVersion"] = schema{"type": "string", "enum": []string{apiVersion}}
		properties["kind"] = schema{"type": "string", "enum": []string{k.kind}}
		s["required"] = []string{"apiVersion", "kind", "metadata"}
		if _, ok := properties["spec"]; ok && k.kind != "ServiceAccount" {
			s["required"] = append(s["required"].([]string), "spec")
		}
		delete(properties, "status") // what the cluster writes, never what a chart renders
		s["$schema"] = "http://json-schema.org/draft-07/schema#"
		data, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			panic(err)
		}
		file := filepath.Join(dir, strings.ToLower(k.kind)+suffix+".json")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			panic(err)
		}
		fmt.Println(file)
	}
}

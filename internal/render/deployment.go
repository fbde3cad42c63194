package render

import (
	"maps"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"ferry.dev/ferry/internal/spec"
)

const (
	httpPortName    = "http"
	metricsPortName = "metrics"
)

func deployment(s spec.Service) *appsv1.Deployment {
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: objectMeta(s),
		Spec: appsv1.DeploymentSpec{
			Replicas:             new(s.Replicas),
			RevisionHistoryLimit: new(int32(10)),
			MinReadySeconds:      seconds(s.Rollout.MinReady),
			Selector:             &metav1.LabelSelector{MatchLabels: selector(s)},
			Strategy: appsv1.DeploymentStrategy{
				Type: appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{
					MaxSurge:       new(s.Rollout.MaxSurge),
					MaxUnavailable: new(s.Rollout.MaxUnavailable),
				},
			},
			Template: podTemplate(s),
		},
	}
}

func podTemplate(s spec.Service) corev1.PodTemplateSpec {
	podLabels := labels(s)
	maps.Copy(podLabels, s.Labels)
	annotations := maps.Clone(s.Annotations)
	if s.MetricsPort != 0 {
		if annotations == nil {
			annotations = map[string]string{}
		}
		annotations["prometheus.io/scrape"] = "true"
		annotations["prometheus.io/port"] = strconv.Itoa(int(s.MetricsPort))
		annotations["prometheus.io/path"] = s.MetricsPath
	}
	pod := corev1.PodSpec{
		ServiceAccountName:            s.Name,
		AutomountServiceAccountToken:  new(false),
		TerminationGracePeriodSeconds: new(int64((s.Rollout.PreStop + s.Rollout.TerminationGrace) / time.Second)),
		Containers:                    []corev1.Container{container(s)},
		TopologySpreadConstraints:     spread(s),
		Volumes:                       secretVolumes(s),
	}
	if s.PullSecret != "" {
		pod.ImagePullSecrets = []corev1.LocalObjectReference{{Name: s.PullSecret}}
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: podLabels, Annotations: annotations},
		Spec:       pod,
	}
}

func container(s spec.Service) corev1.Container {
	c := corev1.Container{
		Name:            s.Name,
		Image:           s.Image,
		Command:         s.Command,
		Args:            s.Args,
		Env:             env(s),
		EnvFrom:         envFrom(s),
		VolumeMounts:    secretMounts(s),
		Resources:       resources(s),
		ImagePullPolicy: corev1.PullIfNotPresent,
	}
	if s.Port != 0 {
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: httpPortName, ContainerPort: s.Port, Protocol: corev1.ProtocolTCP})
	}
	if s.MetricsPort != 0 && s.MetricsPort != s.Port {
		c.Ports = append(c.Ports, corev1.ContainerPort{Name: metricsPortName, ContainerPort: s.MetricsPort, Protocol: corev1.ProtocolTCP})
	}
	c.ReadinessProbe = probe(s.Readiness)
	c.LivenessProbe = probe(s.Liveness)
	if s.Rollout.PreStop > 0 {
		// The pause lets endpoints and load balancers stop sending before
		// SIGTERM; the sleep action needs no shell in the image.
		c.Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{
			Sleep: &corev1.SleepAction{Seconds: int64(s.Rollout.PreStop / time.Second)},
		}}
	}
	return c
}

func probe(p *spec.Probe) *corev1.Probe {
	if p == nil {
		return nil
	}
	handler := corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString(httpPortName)}}
	if p.Path != "" {
		handler = corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
			Path: p.Path, Port: intstr.FromString(httpPortName), Scheme: corev1.URISchemeHTTP,
		}}
	}
	return &corev1.Probe{
		ProbeHandler:        handler,
		InitialDelaySeconds: seconds(p.InitialDelay),
		PeriodSeconds:       seconds(p.Period),
		TimeoutSeconds:      seconds(p.Timeout),
		FailureThreshold:    p.FailureThreshold,
		SuccessThreshold:    1,
	}
}

func resources(s spec.Service) corev1.ResourceRequirements {
	r := corev1.ResourceRequirements{Requests: corev1.ResourceList{}, Limits: corev1.ResourceList{}}
	put(r.Requests, corev1.ResourceCPU, s.Requests.CPU)
	put(r.Requests, corev1.ResourceMemory, s.Requests.Memory)
	put(r.Limits, corev1.ResourceCPU, s.Limits.CPU)
	put(r.Limits, corev1.ResourceMemory, s.Limits.Memory)
	if len(r.Limits) == 0 {
		r.Limits = nil
	}
	return r
}

func put(l corev1.ResourceList, name corev1.ResourceName, q *resource.Quantity) {
	if q != nil {
		l[name] = *q
	}
}

func seconds(d time.Duration) int32 { return int32(d / time.Second) }

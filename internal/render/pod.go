package render

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/internal/spec"
)

const (
	zoneKey = "topology.kubernetes.io/zone"
	hostKey = "kubernetes.io/hostname"
)

func env(s spec.Service) []corev1.EnvVar {
	var out []corev1.EnvVar
	for _, e := range s.Env {
		out = append(out, corev1.EnvVar{Name: e.Name, Value: e.Value})
	}
	for _, ref := range s.Secrets {
		if ref.Key == "" {
			continue
		}
		out = append(out, corev1.EnvVar{Name: ref.Env, ValueFrom: &corev1.EnvVarSource{
			SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: ref.Name}, Key: ref.Key},
		}})
	}
	return out
}

func envFrom(s spec.Service) []corev1.EnvFromSource {
	var out []corev1.EnvFromSource
	for _, ref := range s.Secrets {
		if ref.Key == "" && ref.Mount == "" {
			out = append(out, corev1.EnvFromSource{SecretRef: &corev1.SecretEnvSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: ref.Name},
			}})
		}
	}
	return out
}

// secretVolumeName is a DNS label whatever the Secret's name is.
func secretVolumeName(i int) string { return "secret-" + strconv.Itoa(i) }

func secretVolumes(s spec.Service) []corev1.Volume {
	var out []corev1.Volume
	for i, ref := range s.Secrets {
		if ref.Mount != "" {
			out = append(out, corev1.Volume{Name: secretVolumeName(i), VolumeSource: corev1.VolumeSource{
				Secret: &corev1.SecretVolumeSource{SecretName: ref.Name},
			}})
		}
	}
	return out
}

func secretMounts(s spec.Service) []corev1.VolumeMount {
	var out []corev1.VolumeMount
	for i, ref := range s.Secrets {
		if ref.Mount != "" {
			out = append(out, corev1.VolumeMount{Name: secretVolumeName(i), MountPath: ref.Mount, ReadOnly: true})
		}
	}
	return out
}

// spread spreads a revision's pods over zones, then hosts. matchLabelKeys
// with the pod-template-hash spreads each new ReplicaSet on its own, so a
// rollout does not pile new pods where old ones are leaving.
func spread(s spec.Service) []corev1.TopologySpreadConstraint {
	var out []corev1.TopologySpreadConstraint
	for _, t := range []struct {
		key  string
		mode spec.Spread
	}{{zoneKey, s.SpreadZones}, {hostKey, s.SpreadHosts}} {
		if t.mode == spec.SpreadOff {
			continue
		}
		when := corev1.ScheduleAnyway
		if t.mode == spec.SpreadRequired {
			when = corev1.DoNotSchedule
		}
		out = append(out, corev1.TopologySpreadConstraint{
			MaxSkew:           1,
			TopologyKey:       t.key,
			WhenUnsatisfiable: when,
			LabelSelector:     &metav1.LabelSelector{MatchLabels: selector(s)},
			MatchLabelKeys:    []string{"pod-template-hash"},
		})
	}
	return out
}

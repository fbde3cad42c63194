package render

import (
	"slices"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"ferry.dev/ferry/internal/spec"
)

func service(s spec.Service) *corev1.Service {
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: objectMeta(s),
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: selector(s),
		},
	}
	if s.Port != 0 {
		svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{
			Name: httpPortName, Port: s.Port, TargetPort: intstr.FromString(httpPortName), Protocol: corev1.ProtocolTCP,
		})
	}
	if s.MetricsPort != 0 && s.MetricsPort != s.Port {
		svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{
			Name: metricsPortName, Port: s.MetricsPort, TargetPort: intstr.FromString(metricsPortName), Protocol: corev1.ProtocolTCP,
		})
	}
	return svc
}

func podDisruptionBudget(s spec.Service) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: objectMeta(s),
		Spec: policyv1.PodDisruptionBudgetSpec{
			Selector:       &metav1.LabelSelector{MatchLabels: selector(s)},
			MaxUnavailable: s.Disruption.MaxUnavailable,
			MinAvailable:   s.Disruption.MinAvailable,
		},
	}
}

// dnsAnnotations tell external-dns which names to publish and with what
// TTL, under the annotation prefix the cluster's external-dns reads. A
// domain the service migrates is left out: its record moves by ferry's
// weights behind the gates, and an external-dns publishing it at the
// cluster's address as soon as the service is deployed would move all of
// its traffic at once.
func dnsAnnotations(s spec.Service) map[string]string {
	publish := s.Domains
	if m := s.Migration; m != nil && m.Domain != "" {
		publish = slices.DeleteFunc(slices.Clone(s.Domains), func(d string) bool { return d == m.Domain })
	}
	if len(publish) == 0 {
		return nil
	}
	return map[string]string{
		s.DNSPrefix + "hostname": strings.Join(publish, ","),
		s.DNSPrefix + "ttl":      strconv.Itoa(int(s.DNSTTL / time.Second)),
	}
}

func ingress(s spec.Service) *networkingv1.Ingress {
	meta := objectMeta(s)
	meta.Annotations = dnsAnnotations(s)
	ing := &networkingv1.Ingress{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
		ObjectMeta: meta,
	}
	if s.IngressClass != "" {
		ing.Spec.IngressClassName = new(s.IngressClass)
	}
	backend := networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
		Name: s.Name, Port: networkingv1.ServiceBackendPort{Name: httpPortName},
	}}
	for _, d := range s.Domains {
		ing.Spec.Rules = append(ing.Spec.Rules, networkingv1.IngressRule{
			Host: d,
			IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
				Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: new(networkingv1.PathTypePrefix), Backend: backend}},
			}},
		})
	}
	if s.Issuer != nil {
		key := "cert-manager.io/cluster-issuer"
		if s.Issuer.Kind == "Issuer" {
			key = "cert-manager.io/issuer"
		}
		meta.Annotations[key] = s.Issuer.Name
		ing.Spec.TLS = []networkingv1.IngressTLS{{Hosts: s.Domains, SecretName: s.Name + "-tls"}}
	}
	return ing
}

// httpRoute attaches the service's domains to the configured Gateway. TLS
// is terminated by the Gateway's listener (cert-manager's gateway-shim
// annotates the Gateway, not the route).
func httpRoute(s spec.Service) *gatewayv1.HTTPRoute {
	meta := objectMeta(s)
	meta.Annotations = dnsAnnotations(s)
	parent := gatewayv1.ParentReference{Name: gatewayv1.ObjectName(s.Gateway.Name)}
	if s.Gateway.Namespace != "" {
		parent.Namespace = new(gatewayv1.Namespace(s.Gateway.Namespace))
	}
	if s.Gateway.SectionName != "" {
		parent.SectionName = new(gatewayv1.SectionName(s.Gateway.SectionName))
	}
	hostnames := make([]gatewayv1.Hostname, len(s.Domains))
	for i, d := range s.Domains {
		hostnames[i] = gatewayv1.Hostname(d)
	}
	return &gatewayv1.HTTPRoute{
		TypeMeta:   metav1.TypeMeta{APIVersion: "gateway.networking.k8s.io/v1", Kind: "HTTPRoute"},
		ObjectMeta: meta,
		Spec: gatewayv1.HTTPRouteSpec{
			CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{parent}},
			Hostnames:       hostnames,
			Rules: []gatewayv1.HTTPRouteRule{{
				Matches: []gatewayv1.HTTPRouteMatch{{Path: &gatewayv1.HTTPPathMatch{
					Type: new(gatewayv1.PathMatchPathPrefix), Value: new("/"),
				}}},
				BackendRefs: []gatewayv1.HTTPBackendRef{{BackendRef: gatewayv1.BackendRef{
					BackendObjectReference: gatewayv1.BackendObjectReference{
						Name: gatewayv1.ObjectName(s.Name),
						Port: new(gatewayv1.PortNumber(s.Port)),
					},
				}}},
			}},
		},
	}
}

package install

import (
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// clusterRules are what the reconcilers need: their own resources, what
// a service file renders (and deploy's records), rollouts to judge health,
// events to report. Secrets are read and created only: deploy lists and
// creates its revision records (immutable Secrets, never changed or
// deleted), and a Migration's DNS token is one get of the Secret its
// tokenSecretRef names; the controller neither watches nor caches them.
// A ClusterRole cannot narrow that get by name (each Migration names its
// own Secret, in its own namespace).
func clusterRules() []rbacv1.PolicyRule {
	all := []string{"get", "list", "watch", "create", "update", "patch", "delete"}
	read := []string{"get", "list"}
	return []rbacv1.PolicyRule{
		{APIGroups: []string{"ferry.dev"}, Resources: []string{"servicefiles", "migrations"}, Verbs: []string{"get", "list", "watch", "update", "patch"}},
		{APIGroups: []string{"ferry.dev"}, Resources: []string{"servicefiles/status", "migrations/status"}, Verbs: []string{"get", "update", "patch"}},
		{APIGroups: []string{""}, Resources: []string{"namespaces", "services", "serviceaccounts", "configmaps"}, Verbs: all},
		{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list", "create"}},
		{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, Verbs: all},
		{APIGroups: []string{"apps"}, Resources: []string{"replicasets"}, Verbs: read},
		{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: read},
		{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Verbs: all},
		{APIGroups: []string{"policy"}, Resources: []string{"poddisruptionbudgets"}, Verbs: all},
		{APIGroups: []string{"gateway.networking.k8s.io"}, Resources: []string{"httproutes"}, Verbs: all},
		{APIGroups: []string{"events.k8s.io"}, Resources: []string{"events"}, Verbs: []string{"create", "patch", "update"}},
		{APIGroups: []string{""}, Resources: []string{"events"}, Verbs: []string{"get", "list", "watch"}},
	}
}

// rbac is the cluster-wide role above and a role for the leader Lease in
// the controller's namespace only, bound to the ServiceAccount ferry
// renders for the controller's Deployment.
func rbac(ns string) []runtime.Object {
	meta := func(namespaced bool) metav1.ObjectMeta {
		m := metav1.ObjectMeta{Name: Name, Labels: map[string]string{"app.kubernetes.io/name": Name, "app.kubernetes.io/managed-by": "ferry"}}
		if namespaced {
			m.Namespace = ns
		}
		return m
	}
	subject := []rbacv1.Subject{{Kind: "ServiceAccount", Name: Name, Namespace: ns}}
	tm := func(kind string) metav1.TypeMeta {
		return metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: kind}
	}
	return []runtime.Object{
		&rbacv1.ClusterRole{TypeMeta: tm("ClusterRole"), ObjectMeta: meta(false), Rules: clusterRules()},
		&rbacv1.ClusterRoleBinding{TypeMeta: tm("ClusterRoleBinding"), ObjectMeta: meta(false), Subjects: subject,
			RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: Name}},
		&rbacv1.Role{TypeMeta: tm("Role"), ObjectMeta: meta(true), Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, Verbs: []string{"get", "list", "watch", "create", "update", "patch"}},
		}},
		&rbacv1.RoleBinding{TypeMeta: tm("RoleBinding"), ObjectMeta: meta(true), Subjects: subject,
			RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: Name}},
	}
}

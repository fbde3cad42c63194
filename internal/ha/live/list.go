package live

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
)

// SystemNamespace is where control-plane pods live.
const SystemNamespace = "kube-system"

// ServiceRef is a service to judge: where its pods are and how many
// replicas the file asks for.
type ServiceRef struct {
	// Namespace and Name are the Deployment's.
	Namespace string
	Name      string
	// Replicas is what the file asks for, used when it is not deployed.
	Replicas int
	// Selector selects the service's pods.
	Selector map[string]string
}

// Snapshot is everything List read, for Convert.
type Snapshot struct {
	// Name names the cluster in the report (the kubeconfig context).
	Name string
	// Nodes are every node of the cluster.
	Nodes []corev1.Node
	// SystemPods are the pods of kube-system, where control planes run.
	SystemPods []corev1.Pod
	// Services are the services asked for, in the order asked.
	Services []ServiceState
}

// ServiceState is one service as the cluster runs it.
type ServiceState struct {
	// Ref is the service as the ferry file names it.
	Ref ServiceRef
	// Deployment is nil when the service is not deployed.
	Deployment *appsv1.Deployment
	// Pods are the pods its selector selects.
	Pods []corev1.Pod
	// PDBs are every budget of its namespace; Convert picks the one
	// selecting its pods.
	PDBs []policyv1.PodDisruptionBudget
}

// List reads the nodes, the control-plane pods and each service's
// deployment, pods and disruption budgets.
func List(ctx context.Context, cs kubernetes.Interface, name string, refs []ServiceRef) (Snapshot, error) {
	s := Snapshot{Name: name}
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return s, fmt.Errorf("listing nodes: %w", err)
	}
	s.Nodes = nodes.Items
	pods, err := cs.CoreV1().Pods(SystemNamespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return s, fmt.Errorf("listing pods in %s: %w", SystemNamespace, err)
	}
	s.SystemPods = pods.Items
	for _, ref := range refs {
		st, err := listService(ctx, cs, ref)
		if err != nil {
			return s, err
		}
		s.Services = append(s.Services, st)
	}
	return s, nil
}

func listService(ctx context.Context, cs kubernetes.Interface, ref ServiceRef) (ServiceState, error) {
	st := ServiceState{Ref: ref}
	d, err := cs.AppsV1().Deployments(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return st, fmt.Errorf("reading Deployment %s/%s: %w", ref.Namespace, ref.Name, err)
	default:
		st.Deployment = d
	}
	sel := labels.SelectorFromSet(ref.Selector).String()
	pods, err := cs.CoreV1().Pods(ref.Namespace).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return st, fmt.Errorf("listing pods of %s/%s: %w", ref.Namespace, ref.Name, err)
	}
	st.Pods = pods.Items
	pdbs, err := cs.PolicyV1().PodDisruptionBudgets(ref.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return st, fmt.Errorf("listing PodDisruptionBudgets in %s: %w", ref.Namespace, err)
	}
	st.PDBs = pdbs.Items
	return st, nil
}

package deploy

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/internal/spec"
)

// ServiceStatus is one service of a release as the cluster runs it.
type ServiceStatus struct {
	Service   string    `json:"service"`
	Namespace string    `json:"namespace"`
	Desired   int32     `json:"desired"`
	Ready     int32     `json:"ready"`
	Updated   int32     `json:"updated"`
	Revision  int       `json:"revision"`
	Image     string    `json:"image"`
	Domains   []string  `json:"domains,omitempty"`
	Created   time.Time `json:"created,omitzero"`
	// Missing is set when the service's Deployment is not in the cluster.
	Missing bool `json:"missing,omitempty"`
}

// Status reads the services of the release's latest revision and their
// Deployments. It fails with ErrNoRevision when nothing was deployed.
func (d *Deployer) Status(ctx context.Context) ([]ServiceStatus, error) {
	revs, err := d.History(ctx)
	if err != nil {
		return nil, err
	}
	rev := latest(revs)
	if rev == nil {
		return nil, fmt.Errorf("%w: release %s has no revisions in namespace %s", ErrNoRevision, d.release, d.Namespace())
	}
	f, err := spec.LoadFile("-", bytes.NewReader(rev.Source))
	if err != nil {
		return nil, fmt.Errorf("reading revision %d's file: %w", rev.Number, err)
	}
	var out []ServiceStatus
	for _, s := range f.Services {
		if rev.Service != "" && s.Name != rev.Service {
			continue
		}
		st, err := d.serviceStatus(ctx, s)
		if err != nil {
			return nil, err
		}
		st.Revision = rev.Number
		out = append(out, st)
	}
	return out, nil
}

func (d *Deployer) serviceStatus(ctx context.Context, s spec.Service) (ServiceStatus, error) {
	st := ServiceStatus{Service: s.Name, Namespace: s.Namespace, Domains: s.Domains, Desired: s.Replicas, Image: s.Image}
	var dep *appsv1.Deployment
	err := retry(ctx, d.backoff, d.retryNote, func(ctx context.Context) error {
		var err error
		dep, err = d.client.Typed.AppsV1().Deployments(s.Namespace).Get(ctx, s.Name, metav1.GetOptions{})
		return err
	})
	if apierrors.IsNotFound(err) {
		st.Missing = true
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("reading Deployment %s/%s: %w", s.Namespace, s.Name, err)
	}
	if dep.Spec.Replicas != nil {
		st.Desired = *dep.Spec.Replicas
	}
	st.Ready, st.Updated, st.Created = dep.Status.ReadyReplicas, dep.Status.UpdatedReplicas, dep.CreationTimestamp.Time
	var images []string
	for _, c := range dep.Spec.Template.Spec.Containers {
		images = append(images, c.Image)
	}
	st.Image = strings.Join(images, ",")
	return st, nil
}

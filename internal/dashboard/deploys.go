package dashboard

import (
	"context"
	"fmt"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/kube"
)

// DeploySource is where the dashboard finds releases and their history.
//
// Contract: Name says what it reads ("cluster kind-a, namespace shop").
// Releases returns every release it holds now, each with its revisions
// (oldest first) and its services' rollout state; an error is shown next
// to the source's name. It is read less often than migrations (see
// Options.DeployEvery), since each read costs the API server a few lists.
type DeploySource interface {
	Name() string
	Releases(ctx context.Context) ([]Release, error)
}

// Release is one release as the page shows it.
type Release struct {
	Name      string                 `json:"name"`
	Namespace string                 `json:"namespace"`
	Revisions []RevisionView         `json:"revisions"`
	Services  []deploy.ServiceStatus `json:"services"`
	Error     string                 `json:"error,omitempty"`
}

// RevisionView is one recorded deploy, without the file it applied.
type RevisionView struct {
	deploy.Revision
	ObjectCount int `json:"objectCount"`
}

// Cluster reads the releases `ferry deploy` recorded in one namespace of
// a cluster: every revision Secret there names its release.
type Cluster struct {
	Client *kube.Client
}

var _ DeploySource = (*Cluster)(nil)

// Name is "cluster CONTEXT, namespace NS".
func (c *Cluster) Name() string {
	return fmt.Sprintf("cluster %s, namespace %s", c.Client.Context, c.Client.Namespace)
}

// Releases lists the namespace's releases, then reads each one's history
// and status as `ferry history` and `ferry status` do.
func (c *Cluster) Releases(ctx context.Context) ([]Release, error) {
	list, err := c.Client.Typed.CoreV1().Secrets(c.Client.Namespace).List(ctx, metav1.ListOptions{LabelSelector: deploy.RecordLabel + "=revision"})
	if err != nil {
		return nil, fmt.Errorf("listing releases in namespace %s: %w", c.Client.Namespace, err)
	}
	var names []string
	for _, s := range list.Items {
		if n := s.Labels[deploy.ReleaseLabel]; s.Type == deploy.RevisionSecretType && n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	out := make([]Release, 0, len(names))
	for _, n := range names {
		out = append(out, c.release(ctx, n))
	}
	return out, nil
}

// release reads one release; what fails is said in the release, so one
// broken release does not hide the others.
func (c *Cluster) release(ctx context.Context, name string) Release {
	r := Release{Name: name, Namespace: c.Client.Namespace}
	d, err := deploy.New(c.Client, name, "", nil)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	revs, err := d.History(ctx)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	for _, rev := range revs {
		n := len(rev.Objects)
		rev.Source, rev.Objects = nil, nil // the page shows neither
		r.Revisions = append(r.Revisions, RevisionView{Revision: rev, ObjectCount: n})
	}
	if r.Services, err = d.Status(ctx); err != nil {
		r.Error = err.Error()
	}
	return r
}

// deployCache is the last read of the deploy sources, kept between reads.
type deployCache struct {
	at       time.Time
	sources  []SourceView
	releases []Release
}

// readDeploys reads the deploy sources when DeployEvery has passed since
// the last read, and returns what is known.
func (s *Server) readDeploys(ctx context.Context, now time.Time) ([]SourceView, []Release) {
	c := &s.deploys
	if len(s.o.Deploys) == 0 || !c.at.IsZero() && now.Sub(c.at) < s.o.DeployEvery {
		return c.sources, c.releases
	}
	c.at, c.sources, c.releases = now, nil, nil
	for _, src := range s.o.Deploys {
		sv := SourceView{Name: src.Name()}
		rs, err := src.Releases(ctx)
		if err != nil {
			sv.Error = err.Error()
		}
		c.sources, c.releases = append(c.sources, sv), append(c.releases, rs...)
	}
	return c.sources, c.releases
}

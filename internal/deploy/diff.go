package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// Change is what a deploy would do to one object.
type Change struct {
	Ref Ref `json:"ref"`
	// Action is "create", "update", "unchanged" or "delete".
	Action string `json:"action"`
	// Diff is a unified diff from the live object to the applied one.
	Diff string `json:"diff,omitempty"`
}

// Unified diffs two objects as YAML, without the fields the apiserver
// manages (status, managedFields, resourceVersion and the like).
func Unified(ref Ref, live, applied *unstructured.Unstructured) (string, error) {
	a, err := comparable(live)
	if err != nil {
		return "", err
	}
	b, err := comparable(applied)
	if err != nil {
		return "", err
	}
	if a == b {
		return "", nil
	}
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(a), B: difflib.SplitLines(b),
		FromFile: "live/" + ref.String(), ToFile: "file/" + ref.String(), Context: 3,
	})
}

func comparable(u *unstructured.Unstructured) (string, error) {
	if u == nil {
		return "", nil
	}
	c := u.DeepCopy()
	delete(c.Object, "status")
	for _, f := range []string{"managedFields", "resourceVersion", "uid", "generation", "creationTimestamp"} {
		unstructured.RemoveNestedField(c.Object, "metadata", f)
	}
	unstructured.RemoveNestedField(c.Object, "metadata", "annotations", RevisionAnnotation)
	if len(c.GetAnnotations()) == 0 {
		unstructured.RemoveNestedField(c.Object, "metadata", "annotations")
	}
	out, err := yaml.Marshal(c.Object)
	if err != nil {
		return "", fmt.Errorf("encoding %s: %w", RefOf(u), err)
	}
	return string(out), nil
}

// diff asks the apiserver what applying objs would produce (a server-side
// dry run, so defaults, webhooks and ownership all count) and compares it
// with what is live.
func (d *Deployer) diff(ctx context.Context, objs []object, force bool) ([]Change, error) {
	changes := make([]Change, 0, len(objs))
	for _, o := range objs {
		live, err := d.getLive(ctx, o.ref)
		if err != nil {
			return nil, err
		}
		applied, err := d.applyOne(ctx, o, applyOptions{dryRun: true, force: force})
		if apierrors.IsNotFound(err) && live == nil {
			// Its namespace does not exist yet, so the apiserver cannot
			// try it; show the object as the file means it.
			applied, err = o.obj, nil
		}
		if err != nil {
			return nil, err
		}
		text, err := Unified(o.ref, live, applied)
		if err != nil {
			return nil, err
		}
		c := Change{Ref: o.ref, Action: "unchanged", Diff: text}
		switch {
		case live == nil:
			c.Action = "create"
		case text != "":
			c.Action = "update"
		}
		changes = append(changes, c)
	}
	return changes, nil
}

// Summary counts changes by action, for one line of output.
func Summary(changes []Change) string {
	n := map[string]int{}
	for _, c := range changes {
		n[c.Action]++
	}
	var parts []string
	for _, a := range []string{"create", "update", "delete"} {
		if n[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d to %s", n[a], a))
		}
	}
	if n["unchanged"] > 0 {
		parts = append(parts, fmt.Sprintf("%d unchanged", n["unchanged"]))
	}
	if len(parts) == 0 {
		return "nothing to apply"
	}
	return strings.Join(parts, ", ")
}

package render

import (
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// check returns what a Kubernetes API server would reject in the metadata
// of objs or of their pod templates: names, label keys and values, and
// annotation keys. The loader validates the file so that this never fires;
// it is the backstop that keeps render from printing what cannot be applied,
// and the property the loader's fuzz test holds render to.
func check(objs []Object) error {
	c := metaChecker{valid: map[string]bool{}}
	for _, obj := range objs {
		where := obj.GetObjectKind().GroupVersionKind().Kind + " " + obj.GetName()
		for _, msg := range validation.IsDNS1123Subdomain(obj.GetName()) {
			c.errs = append(c.errs, fmt.Errorf("%s: name: %s", where, msg))
		}
		c.meta(where, obj.GetLabels(), obj.GetAnnotations())
		if t, ok := templateOf(obj); ok {
			c.meta(where+" pod template", t.Labels, t.Annotations)
		}
	}
	return errors.Join(c.errs...)
}

// metaChecker remembers what it found valid: the same labels recur on every
// object of a service, and the same keys on every service.
type metaChecker struct {
	valid map[string]bool
	errs  []error
}

func (c *metaChecker) meta(where string, labels, annotations map[string]string) {
	for k, v := range labels {
		c.once("l\x00"+k+"\x00"+v, func() []string {
			return append(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)...)
		}, "%s: label %s=%q: %s", where, k, v)
	}
	for k := range annotations {
		c.once("a\x00"+k, func() []string {
			return validation.IsQualifiedName(strings.ToLower(k))
		}, "%s: annotation %s: %s", where, k)
	}
}

func (c *metaChecker) once(key string, validate func() []string, format string, args ...any) {
	if c.valid[key] {
		return
	}
	if msgs := validate(); len(msgs) > 0 {
		c.errs = append(c.errs, fmt.Errorf(format, append(args, strings.Join(msgs, "; "))...))
		return
	}
	c.valid[key] = true
}

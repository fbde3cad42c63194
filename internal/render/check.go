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
//
// Large renders are checked in contiguous parts on every core; the problems
// come out in the order of objs all the same.
func check(objs []Object) error {
	parts := make([]metaChecker, chunks(len(objs), parallelMin))
	inChunks(len(objs), len(parts), func(c, lo, hi int) {
		parts[c].valid = map[checkKey]bool{}
		for _, obj := range objs[lo:hi] {
			parts[c].object(obj)
		}
	})
	var errs []error
	for _, c := range parts {
		errs = append(errs, c.errs...)
	}
	return errors.Join(errs...)
}

// metaChecker remembers what it found valid: the same labels recur on every
// object of a service, and the same keys on every service.
type metaChecker struct {
	valid map[checkKey]bool
	errs  []error
}

// checkKey is one thing checked: a name, a label key, a label value or an
// annotation key.
type checkKey struct {
	what byte // 'n', 'k', 'v' or 'a'
	s    string
}

func (c *metaChecker) object(obj Object) {
	// where is only needed for a message, and most objects have none.
	where := func() string { return obj.GetObjectKind().GroupVersionKind().Kind + " " + obj.GetName() }
	name := obj.GetName()
	c.once(checkKey{'n', name}, func() []string { return validation.IsDNS1123Subdomain(name) },
		func(msg string) error { return fmt.Errorf("%s: name: %s", where(), msg) })
	c.meta(where, obj.GetLabels(), obj.GetAnnotations())
	if t, ok := templateOf(obj); ok {
		c.meta(func() string { return where() + " pod template" }, t.Labels, t.Annotations)
	}
}

func (c *metaChecker) meta(where func() string, labels, annotations map[string]string) {
	for k, v := range labels {
		// Keys and values are remembered apart: the keys are the same on
		// every service, a value (the service's name) on all its labels.
		if c.valid[checkKey{'k', k}] && c.valid[checkKey{'v', v}] {
			continue
		}
		keyMsgs, valueMsgs := validation.IsQualifiedName(k), validation.IsValidLabelValue(v)
		c.valid[checkKey{'k', k}] = len(keyMsgs) == 0
		c.valid[checkKey{'v', v}] = len(valueMsgs) == 0
		if msgs := append(keyMsgs, valueMsgs...); len(msgs) > 0 {
			c.errs = append(c.errs, fmt.Errorf("%s: label %s=%q: %s", where(), k, v, strings.Join(msgs, "; ")))
		}
	}
	for k := range annotations {
		c.once(checkKey{'a', k}, func() []string {
			return validation.IsQualifiedName(strings.ToLower(k))
		}, func(msg string) error { return fmt.Errorf("%s: annotation %s: %s", where(), k, msg) })
	}
}

func (c *metaChecker) once(key checkKey, validate func() []string, problem func(msg string) error) {
	if c.valid[key] {
		return
	}
	if msgs := validate(); len(msgs) > 0 {
		c.errs = append(c.errs, problem(strings.Join(msgs, "; ")))
		return
	}
	c.valid[key] = true
}

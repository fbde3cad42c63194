package render

import (
	"errors"
	"fmt"
	"slices"
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
	parts := make([][]error, chunks(len(objs), parallelMin))
	inChunks(len(objs), len(parts), func(c, lo, hi int) {
		for _, obj := range objs[lo:hi] {
			parts[c] = checkObject(parts[c], obj)
		}
	})
	return errors.Join(slices.Concat(parts...)...)
}

// checkObject appends to errs what is wrong with obj's metadata.
func checkObject(errs []error, obj Object) []error {
	// where is only needed for a message, and most objects have none.
	where := func() string { return obj.GetObjectKind().GroupVersionKind().Kind + " " + obj.GetName() }
	if name := obj.GetName(); !isSubdomain(name) {
		if msgs := validation.IsDNS1123Subdomain(name); len(msgs) > 0 {
			errs = append(errs, fmt.Errorf("%s: name: %s", where(), strings.Join(msgs, "; ")))
		}
	}
	errs = checkMeta(errs, where, obj.GetLabels(), obj.GetAnnotations())
	if t, ok := templateOf(obj); ok {
		errs = checkMeta(errs, func() string { return where() + " pod template" }, t.Labels, t.Annotations)
	}
	return errs
}

// checkMeta appends the problems of labels and annotations to errs. The
// API machinery's checks (regular expressions) only run on what the byte
// tests in names.go do not find valid: they alone word the messages.
func checkMeta(errs []error, where func() string, labels, annotations map[string]string) []error {
	for k, v := range labels {
		if isQualifiedName(k) && isLabelValue(v) {
			continue
		}
		if msgs := append(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)...); len(msgs) > 0 {
			errs = append(errs, fmt.Errorf("%s: label %s=%q: %s", where(), k, v, strings.Join(msgs, "; ")))
		}
	}
	for k := range annotations {
		if isQualifiedName(k) {
			continue
		}
		if msgs := validation.IsQualifiedName(strings.ToLower(k)); len(msgs) > 0 {
			errs = append(errs, fmt.Errorf("%s: annotation %s: %s", where(), k, strings.Join(msgs, "; ")))
		}
	}
	return errs
}

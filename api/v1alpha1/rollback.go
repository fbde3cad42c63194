package v1alpha1

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// RollbackAnnotation marks a ServiceFile whose spec "ferry rollback
// --in-cluster" set to an earlier revision's file: "N DIGEST", the
// revision put back and a digest of the file it wrote. The controller
// records its apply as a rollback of N while the spec is still that file;
// any later change of the file makes it an ordinary revision again.
const RollbackAnnotation = "ferry.dev/rollback-of"

// MarkRollbackOf records that sf's spec puts revision n back.
func (sf *ServiceFile) MarkRollbackOf(n int) error {
	d, err := sf.Spec.fileDigest()
	if err != nil {
		return err
	}
	if sf.Annotations == nil {
		sf.Annotations = map[string]string{}
	}
	sf.Annotations[RollbackAnnotation] = fmt.Sprintf("%d %s", n, d)
	return nil
}

// RollbackOf is the revision sf's spec puts back, 0 when it is not (or
// no longer) a rollback.
func (sf *ServiceFile) RollbackOf() int {
	n, digest, ok := strings.Cut(sf.Annotations[RollbackAnnotation], " ")
	if !ok {
		return 0
	}
	rev, err := strconv.Atoi(n)
	if err != nil {
		return 0
	}
	if d, err := sf.Spec.fileDigest(); err != nil || d != digest {
		return 0
	}
	return rev
}

// fileDigest is a digest of the spec: turning selfHeal on after a
// rollback is a change like any other.
func (s ServiceFileSpec) fileDigest() (string, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:12]), nil
}

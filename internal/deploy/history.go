package deploy

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/internal/render"
)

// RevisionSecretType marks ferry's revision Secrets.
const RevisionSecretType corev1.SecretType = "ferry.dev/revision.v1"

const (
	recordKey = "revision.json"
	fileKey   = "file.gz"
)

// Revision is one successful deploy of a release.
type Revision struct {
	Number int       `json:"revision"`
	Time   time.Time `json:"time"`
	// User is who deployed: the local login and the kubeconfig user.
	User         string `json:"user"`
	FerryVersion string `json:"ferryVersion"`
	// Path is the file as named on the command line.
	Path string `json:"path"`
	// Service is set when only that service was deployed.
	Service string `json:"service,omitempty"`
	// RollbackOf is the revision this one put back, if it was a rollback.
	RollbackOf int   `json:"rollbackOf,omitempty"`
	Objects    []Ref `json:"objects"`
	// DeployID tells this deploy's record from any other's.
	DeployID string `json:"deployID"`
	// Source is the file's bytes exactly as applied (not in JSON output).
	Source []byte `json:"-"`
}

func (d *Deployer) revisionName(n int) string { return fmt.Sprintf("ferry.%s.v%d", d.release, n) }

// History returns the release's revisions, oldest first.
func (d *Deployer) History(ctx context.Context) ([]Revision, error) {
	var list *corev1.SecretList
	sel := ReleaseLabel + "=" + d.release + "," + RecordLabel + "=revision"
	err := retry(ctx, d.backoff, d.retryNote, func(ctx context.Context) error {
		var err error
		list, err = d.client.Typed.CoreV1().Secrets(d.Namespace()).List(ctx, metav1.ListOptions{LabelSelector: sel})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("listing revisions of %s in namespace %s: %w", d.release, d.Namespace(), err)
	}
	revs := make([]Revision, 0, len(list.Items))
	for i := range list.Items {
		if list.Items[i].Type != RevisionSecretType {
			continue
		}
		r, err := decodeRevision(&list.Items[i])
		if err != nil {
			return nil, err
		}
		revs = append(revs, r)
	}
	slices.SortFunc(revs, func(a, b Revision) int { return a.Number - b.Number })
	return revs, nil
}

// Latest returns the newest revision, or nil when there is none.
func latest(revs []Revision) *Revision {
	if len(revs) == 0 {
		return nil
	}
	return &revs[len(revs)-1]
}

func decodeRevision(s *corev1.Secret) (Revision, error) {
	var r Revision
	if err := json.Unmarshal(s.Data[recordKey], &r); err != nil {
		return Revision{}, fmt.Errorf("reading revision %s: %w", s.Name, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(s.Data[fileKey]))
	if err != nil {
		return Revision{}, fmt.Errorf("reading revision %s: %w", s.Name, err)
	}
	if r.Source, err = io.ReadAll(io.LimitReader(zr, 64<<20)); err != nil {
		return Revision{}, fmt.Errorf("reading revision %s: %w", s.Name, err)
	}
	return r, nil
}

// gzipWriters are reused: each holds about a megabyte of compressor
// state, which a controller recording thousands of revisions would
// otherwise allocate (and collect) once per revision.
var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

func encodeRevision(r Revision) (map[string][]byte, error) {
	rec, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encoding revision %d: %w", r.Number, err)
	}
	var buf bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(r.Source); err != nil {
		return nil, fmt.Errorf("compressing revision %d: %w", r.Number, err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compressing revision %d: %w", r.Number, err)
	}
	return map[string][]byte{recordKey: rec, fileKey: buf.Bytes()}, nil
}

// record writes r as one immutable Secret: one create, so the revision is
// either whole or absent. A create whose answer was lost is recognised on
// retry by its DeployID.
func (d *Deployer) record(ctx context.Context, r Revision) error {
	data, err := encodeRevision(r)
	if err != nil {
		return err
	}
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Name: d.revisionName(r.Number), Namespace: d.Namespace(),
			Labels: map[string]string{
				render.ManagedByLabel: render.ManagedBy, ReleaseLabel: d.release,
				RecordLabel: "revision", RevisionLabel: strconv.Itoa(r.Number),
			},
		},
		Type: RevisionSecretType, Immutable: new(true), Data: data,
	}
	secrets := d.client.Typed.CoreV1().Secrets(d.Namespace())
	err = retry(ctx, d.backoff, d.retryNote, func(ctx context.Context) error {
		_, err := secrets.Create(ctx, s, metav1.CreateOptions{FieldManager: FieldManager})
		return err
	})
	if apierrors.IsAlreadyExists(err) {
		got, gerr := secrets.Get(ctx, s.Name, metav1.GetOptions{})
		if gerr == nil {
			if prev, derr := decodeRevision(got); derr == nil && prev.DeployID == r.DeployID {
				return nil
			}
		}
		return fmt.Errorf("recording revision %d of %s: another deploy recorded it first: %w", r.Number, d.release, err)
	}
	if err != nil {
		return fmt.Errorf("recording revision %d of %s: %w", r.Number, d.release, err)
	}
	return nil
}

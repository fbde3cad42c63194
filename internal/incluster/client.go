package incluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ferry.dev/ferry/internal/controller/crds"
	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/kube/objclient"
)

// ErrNoController means nothing acted on an object within Client.Observe:
// no controller runs against the cluster (or it cannot see the namespace).
var ErrNoController = errors.New("no ferry controller acted on it")

// ErrNotFound means the object the command names does not exist.
var ErrNotFound = errors.New("not found")

// NotOwnedError means the controller does not run the migration: another
// holder (a "ferry migrate start" outside the cluster) has the domain's
// ownership lease, or the object migrates another domain.
type NotOwnedError struct {
	Migration string
	Why       string
}

func (e *NotOwnedError) Error() string {
	return fmt.Sprintf("the controller does not run the migration in Migration %s: %s", e.Migration, e.Why)
}

// Defaults of Client's timings.
const (
	DefaultObserve = 10 * time.Second
	DefaultPoll    = 200 * time.Millisecond
)

// Client reads and writes ferry's objects in one namespace.
type Client struct {
	C         objclient.Client
	Namespace string
	// Observe bounds how long the controller may take to act on a new
	// generation or command before ErrNoController; default 10s.
	Observe time.Duration
	// Poll is how often status is read while following; default 200ms.
	Poll time.Duration
}

// New reads and writes ferry's objects in kc's cluster and namespace.
func New(kc *kube.Client) (*Client, error) {
	c, err := crds.Client(kc)
	if err != nil {
		return nil, err
	}
	return &Client{C: c, Namespace: kc.Namespace}, nil
}

func (c *Client) observe() time.Duration {
	if c.Observe > 0 {
		return c.Observe
	}
	return DefaultObserve
}

func (c *Client) poll() time.Duration {
	if c.Poll > 0 {
		return c.Poll
	}
	return DefaultPoll
}

// until calls check every poll interval until it says done or fails, or
// ctx ends.
func (c *Client) until(ctx context.Context, check func(context.Context) (bool, error)) error {
	t := time.NewTicker(c.poll())
	defer t.Stop()
	for {
		done, err := check(ctx)
		if err != nil || done {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

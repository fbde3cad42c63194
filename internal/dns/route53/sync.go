package route53

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// ErrNotInSync means a change Route 53 accepted was not yet INSYNC (on
// every Route 53 name server) by the deadline. The change is made and
// durable; only its propagation is late. It is transient: a retry of the
// same change finds it made and waits for it again.
var ErrNotInSync = errors.New("the change was accepted but is not yet in sync")

// waitInSync polls GetChange every PollInterval until the change is
// INSYNC or SyncTimeout has passed. ferry polls itself because the SDK's
// waiter waits at least 30 s between polls, too slow for a rollback.
func (p *Provider) waitInSync(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, p.opts.SyncTimeout)
	defer cancel()
	tick := time.NewTicker(p.opts.PollInterval)
	defer tick.Stop()
	for {
		out, err := call(ctx, p, "GetChange", func(ctx context.Context) (*route53.GetChangeOutput, error) {
			return p.client.GetChange(ctx, &route53.GetChangeInput{Id: aws.String(id)})
		})
		switch {
		case err == nil && out.ChangeInfo != nil && out.ChangeInfo.Status == types.ChangeStatusInsync:
			return nil
		case err != nil && ctx.Err() == nil:
			return fmt.Errorf("waiting for change %s: %w", id, err)
		}
		select {
		case <-ctx.Done():
			if parent.Err() != nil {
				return fmt.Errorf("waiting for change %s: %w", id, parent.Err())
			}
			return fmt.Errorf("waiting for change %s: %w after %v", id, ErrNotInSync, p.opts.SyncTimeout)
		case <-tick.C:
		}
	}
}

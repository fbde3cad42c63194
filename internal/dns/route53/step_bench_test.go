package route53

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/route53/r53test"
	"ferry.dev/ferry/internal/dns/route53/rrsets"
)

// syncDelay is how long each change stays PENDING in the step benchmarks:
// Route 53 usually propagates within seconds to a minute.
const syncDelay = 2 * time.Second

// BenchmarkStep measures one migration step (a weight change made and
// waited INSYNC) with changes PENDING for syncDelay: ferry's Replace, which
// polls every second, against the same batch waited for with the SDK's
// default ResourceRecordSetsChanged waiter (30 s minimum delay). Run by
// hack/bench/route53.sh; it reports the API calls per step the proxy saw.
func BenchmarkStep(b *testing.B) {
	for _, peer := range []string{"ferry", "sdk-waiter"} {
		b.Run(peer, func(b *testing.B) {
			zone, zoneID := newZone(b)
			px := newProxy(b)
			px.SetSyncDelay(syncDelay)
			p := newProvider(b, px.URL, Options{PollInterval: time.Second})
			name := "api." + zone
			last := weighted(name, 100, 0)
			if err := p.Replace(b.Context(), last, dns.IfAbsent()); err != nil {
				b.Fatal(err)
			}
			before := proxyTotal(px)
			b.ResetTimer()
			for i := range b.N {
				next := weighted(name, 100-(i%99+1), i%99+1)
				var err error
				if peer == "ferry" {
					err = p.Replace(b.Context(), next, dns.IfMatch(last))
				} else {
					err = sdkWaiterStep(b.Context(), p, zoneID, last, next)
				}
				if err != nil {
					b.Fatal(err)
				}
				last = next
			}
			b.ReportMetric(float64(proxyTotal(px)-before)/float64(b.N), "calls/step")
		})
	}
}

// proxyTotal is every call the proxy saw: the SDK waiter's polls too.
func proxyTotal(px *r53test.Proxy) int {
	calls, _ := px.Counts()
	n := 0
	for _, v := range calls {
		n += v
	}
	return n
}

// sdkWaiterStep sends the batch ferry would and waits with the SDK waiter.
func sdkWaiterStep(ctx context.Context, p *Provider, zoneID string, last, next dns.RecordSet) error {
	out, err := call(ctx, p, "ChangeResourceRecordSets", func(ctx context.Context) (*route53.ChangeResourceRecordSetsOutput, error) {
		return p.client.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{
			HostedZoneId: aws.String(zoneID), ChangeBatch: changeBatch("", rrsets.To(last), rrsets.To(next))})
	})
	if err != nil {
		return err
	}
	w := route53.NewResourceRecordSetsChangedWaiter(p.client)
	if err := w.Wait(ctx, &route53.GetChangeInput{Id: out.ChangeInfo.Id}, 5*time.Minute); err != nil {
		return fmt.Errorf("waiting with the SDK waiter: %w", err)
	}
	return nil
}

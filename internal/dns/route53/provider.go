package route53

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/route53"

	"ferry.dev/ferry/internal/dns"
)

// Options configure a Provider. The zero value of each field means its
// default.
type Options struct {
	// HostedZoneID is the hosted zone every name must be in ("Z0123…",
	// with or without "/hostedzone/"). Empty: each name's zone is the
	// account's zone with the longest matching name.
	HostedZoneID string
	// Endpoint is Route 53's API address, for local stand-ins (moto).
	// Empty: AWS_ENDPOINT_URL_ROUTE_53, else AWS's own.
	Endpoint string
	// Region signs the requests; Route 53 is global (default us-east-1
	// unless the standard chain names one).
	Region string
	// PollInterval is how often a change is polled until INSYNC (1s).
	PollInterval time.Duration
	// SyncTimeout is how long a change may take to be INSYNC (3m).
	SyncTimeout time.Duration
	// Retry retries rate-limited calls (8 attempts, 200ms doubling to 5s).
	Retry Retry
}

func (o Options) withDefaults() Options {
	o.HostedZoneID = strings.TrimPrefix(o.HostedZoneID, "/hostedzone/")
	o.PollInterval = cmp.Or(o.PollInterval, time.Second)
	o.SyncTimeout = cmp.Or(o.SyncTimeout, 3*time.Minute)
	o.Retry.Attempts = cmp.Or(o.Retry.Attempts, 8)
	o.Retry.Base = cmp.Or(o.Retry.Base, 200*time.Millisecond)
	o.Retry.Max = cmp.Or(o.Retry.Max, 5*time.Second)
	return o
}

// Provider is a dns.Provider backed by Route 53. It is safe for concurrent
// use; changes to one name and type are not serialised here: Route 53's
// batch precondition decides between concurrent writers.
type Provider struct {
	client *route53.Client
	opts   Options

	zonesMu sync.Mutex
	zones   []zone // nil until listed

	total dns.Tally // every call this Provider made

	mu      sync.Mutex
	pending map[string]string // name+type → a change id not yet seen INSYNC
}

var _ dns.Provider = (*Provider)(nil)

// New returns a Provider using the AWS SDK's standard credential chain
// (environment, shared config and AWS_PROFILE, web identity / IRSA,
// instance role). Credentials are resolved at the first call, not here,
// and never printed or logged.
func New(ctx context.Context, opts Options) (*Provider, error) {
	opts = opts.withDefaults()
	load := []func(*config.LoadOptions) error{
		// ferry retries rate limits itself, counting every attempt.
		config.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
	}
	if opts.Region != "" {
		load = append(load, config.WithRegion(opts.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	client := route53.NewFromConfig(cfg, func(o *route53.Options) {
		// Set here, after the SDK's resolution, so that the file's
		// endpoint wins over AWS_ENDPOINT_URL_ROUTE_53.
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(opts.Endpoint)
		}
	})
	return &Provider{client: client, opts: opts, pending: map[string]string{}}, nil
}

// Settings keys a service file may give a route53 provider
// (migration.dns.hostedZoneId, migration.dns.endpoint).
const (
	SettingHostedZoneID = "hostedZoneId"
	SettingEndpoint     = "endpoint"
)

// FromSettings is the dns.Constructor of the "route53" provider. It
// refuses, wrapping dns.ErrInvalid, a server or token file (those belong
// to ferry's own server: Route 53's credentials come from the AWS chain)
// and any setting it does not know.
func FromSettings(ctx context.Context, s dns.Settings) (dns.Provider, error) {
	var errs []string
	if s.Server != "" {
		errs = append(errs, "migration.dns.server is for provider ferry; route53 takes migration.dns.endpoint for a local stand-in")
	}
	if s.TokenFile != "" {
		errs = append(errs, "migration.dns.tokenFile is for provider ferry; route53 takes credentials from the standard AWS chain (AWS_PROFILE, environment, web identity, instance role)")
	}
	for _, k := range slices.Sorted(maps.Keys(s.Settings)) {
		if k != SettingHostedZoneID && k != SettingEndpoint {
			errs = append(errs, fmt.Sprintf("migration.dns.%s is not a route53 setting (known: %s, %s)", k, SettingHostedZoneID, SettingEndpoint))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w: %s", dns.ErrInvalid, strings.Join(errs, "; "))
	}
	return New(ctx, Options{HostedZoneID: s.Settings[SettingHostedZoneID], Endpoint: s.Settings[SettingEndpoint]})
}

var _ dns.CallCounter = (*Provider)(nil)

// Calls returns a copy of the counts of every call this Provider made
// (dns.CallCounter).
func (p *Provider) Calls() dns.Calls { return p.total.Calls() }

// count counts one call, into the Provider's totals and into the tally of
// ctx, if any (dns.WithTally).
func (p *Provider) count(ctx context.Context, op string, retry bool) {
	if t := dns.TallyOf(ctx); t != nil {
		t.Count(op, retry)
	}
	p.total.Count(op, retry)
}

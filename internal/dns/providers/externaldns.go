package providers

import (
	"context"
	"fmt"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/adminclient"
	"ferry.dev/ferry/internal/dns/externaldns"
	"ferry.dev/ferry/internal/dns/route53"
	"ferry.dev/ferry/internal/kube"
)

// externalDNS builds the external-dns provider from its settings
// (namespace, context, publishesTo, txtOwnerId, txtPrefix, txtSuffix,
// annotationPrefix) and, when the file names one, the
// provider it reads steps back from: ferry's DNS server (server,
// tokenFile) or Route 53 (hostedZoneId, endpoint).
func externalDNS(ctx context.Context, s dns.Settings) (dns.Provider, error) {
	c, err := kube.Flags{Context: s.Settings["context"]}.Connect()
	if err != nil {
		return nil, fmt.Errorf("migration.dns (external-dns): %w", err)
	}
	weight := externaldns.AWSWeight
	if s.Settings["publishesTo"] == "webhook" {
		weight = externaldns.WebhookWeight
	}
	published, err := readBack(ctx, s)
	if err != nil {
		return nil, err
	}
	return externaldns.New(externaldns.Options{
		Client: c.Dynamic, Namespace: s.Settings["namespace"], Published: published, Weight: weight,
		Registry: externaldns.Registry{
			OwnerID: s.Settings["txtOwnerId"], Prefix: s.Settings["txtPrefix"], Suffix: s.Settings["txtSuffix"],
		},
		AnnotationPrefix: s.Settings["annotationPrefix"],
	}), nil
}

// readBack is where external-dns publishes, when ferry can read it.
func readBack(ctx context.Context, s dns.Settings) (dns.Provider, error) {
	switch {
	case s.Server != "" || s.TokenFile != "" || s.Token != "":
		return adminclient.FromSettings(ctx, dns.Settings{Server: s.Server, TokenFile: s.TokenFile, Token: s.Token, BaseDir: s.BaseDir})
	case s.Settings[route53.SettingHostedZoneID] != "" || s.Settings[route53.SettingEndpoint] != "":
		r53 := map[string]string{}
		for _, k := range []string{route53.SettingHostedZoneID, route53.SettingEndpoint} {
			if v := s.Settings[k]; v != "" {
				r53[k] = v
			}
		}
		return route53.FromSettings(ctx, dns.Settings{Settings: r53, BaseDir: s.BaseDir})
	}
	return nil, nil
}

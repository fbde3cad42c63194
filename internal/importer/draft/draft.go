// Package draft writes the ferry.yaml draft of an imported estate: one
// service per balancer, each value followed by the Terraform attribute it
// came from, and each value Terraform cannot know written as a
// <FILL-IN …> placeholder that `ferry validate` refuses until a person
// replaces it. Domains whose records are in Route 53 migrate there: the
// draft names the route53 provider, the hosted zone and each alias target.
package draft

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"ferry.dev/ferry/internal/importer/estate"
)

// Source is one input the draft was made from, for its header.
type Source struct{ File, Form, TerraformVersion string }

// Draft is the written file and the placeholders left in it.
type Draft struct {
	Text []byte
	// Placeholders are the paths of the <FILL-IN> values, like
	// "services.api.image".
	Placeholders []string
}

// Marker starts every placeholder; a line holding it needs a person.
const Marker = "<FILL-IN"

// writer accumulates lines and the placeholders among them.
type writer struct {
	b     strings.Builder
	holes []string
}

func (w *writer) line(indent int, format string, args ...any) {
	w.b.WriteString(strings.Repeat("  ", indent))
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

// value writes a service field "key: value  # from" (indented under the
// service), or a placeholder with the reason.
// raw values (numbers) are written as they are, strings quoted as YAML
// needs.
func (w *writer) value(path, key string, v estate.Value, raw bool, hole string) {
	const indent = 2
	if !v.Known() {
		w.holes = append(w.holes, path+"."+key)
		w.line(indent, "%s: %s %s>  # %s", key, Marker, hole, v.Why)
		return
	}
	text := v.Text
	if !raw {
		text = scalar(text)
	}
	w.line(indent, "%s: %s  # %s", key, text, v.From)
}

// scalar writes a string as a YAML scalar, quoted only when it must be.
func scalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// Write drafts the service file for e.
func Write(e estate.Estate, sources []Source) Draft {
	w := &writer{}
	header(w, e, sources)
	w.line(0, "apiVersion: ferry.dev/v1alpha1")
	w.line(0, "kind: Services")
	defaults(w, e)
	migration(w, e)
	w.line(0, "services:")
	for i, s := range e.Services {
		if i > 0 {
			w.line(0, "")
		}
		service(w, s)
	}
	return Draft{Text: []byte(w.b.String()), Placeholders: w.holes}
}

func header(w *writer, e estate.Estate, sources []Source) {
	w.line(0, "# ferry.yaml drafted by `ferry import terraform` from:")
	for _, s := range sources {
		w.line(0, "#   %s (%s, Terraform %s)", s.File, s.Form, s.TerraformVersion)
	}
	if e.Region != "" {
		w.line(0, "# in AWS region %s.", e.Region)
	}
	w.line(0, "# Each value says which Terraform attribute it came from. What Terraform")
	w.line(0, "# cannot know is a %s …> placeholder: `ferry validate` refuses the file", Marker)
	w.line(0, "# until every one is replaced. The import report lists every resource read.")
}

func defaults(w *writer, e estate.Estate) {
	var tls []string
	for _, s := range e.Services {
		if s.TLS != "" {
			tls = append(tls, s.TLS)
		}
	}
	if len(tls) == 0 {
		return
	}
	w.line(0, "defaults:")
	w.line(1, "# The balancers terminate TLS today (%s).", strings.Join(tls, "; "))
	w.line(1, "# For TLS in the cluster, name a cert-manager ClusterIssuer:")
	w.line(1, "# issuer: letsencrypt")
}

// migration writes the DNS provider every service's migration needs: each
// has a legacy endpoint, so each takes part once its domain is known.
// Records read from Route 53 are migrated in Route 53; an estate with none
// gets ferry's own DNS server.
func migration(w *writer, e estate.Estate) {
	var records []*estate.Record
	var zones []string
	for _, s := range e.Services {
		if s.Record != nil && !slices.Contains(zones, s.Record.ZoneID) {
			records = append(records, s.Record)
			zones = append(zones, s.Record.ZoneID)
		}
	}
	w.line(0, "migration:")
	w.line(1, "dns:")
	switch len(zones) {
	case 0:
		w.line(2, "provider: ferry")
		w.holes = append(w.holes, "migration.dns.server")
		w.line(2, "server: %s admin API URL of ferry's DNS server, like http://127.0.0.1:8081>", Marker)
		w.line(2, "# tokenFile: the admin API token file (ferry migrate needs it)")
		return
	case 1:
		w.line(2, "provider: route53  # the records are in Route 53; credentials come from the standard AWS chain (AWS_PROFILE, …)")
		w.line(2, "hostedZoneId: %s  # %s zone_id", zones[0], records[0].Sets[0].Address)
	default:
		w.line(2, "provider: route53  # the records are in Route 53; credentials come from the standard AWS chain (AWS_PROFILE, …)")
		w.line(2, "# hostedZoneId is left out: the domains are in %d zones (%s), each found by its longest matching name", len(zones), strings.Join(zones, ", "))
	}
}

package draft

import (
	"fmt"
	"strings"

	"ferry.dev/ferry/internal/importer/estate"
)

func service(w *writer, s estate.Service) {
	path := "services." + s.Name
	w.line(1, "%s:", s.Name)
	w.line(2, "# today: %s behind %s (%s)", fleet(s.Today), s.Balancer, s.Kind)
	w.value(path, "image", s.Image, false, "image:tag")
	w.value(path, "port", s.Port, true, "container port")
	domains(w, path, s)
	if s.Health.Known() {
		w.value(path, "health", s.Health, false, "")
	} else {
		w.line(2, "# health: none, %s", s.Health.Why)
	}
	w.value(path, "replicas", s.Replicas, true, "replica count")
	resources(w, s)
	if s.Record != nil && s.Record.TTL > 0 {
		w.line(2, "dnsTTL: %ds  # %s ttl", s.Record.TTL, s.Record.Sets[0].Address)
	}
	legacy(w, path, s)
	weightedToday(w, s.Record)
	for _, n := range s.Notes {
		w.line(2, "# note: %s", n)
	}
}

func fleet(f estate.Fleet) string {
	n := "? instances"
	if f.Instances > 0 {
		n = fmt.Sprintf("%d ×", f.Instances)
	}
	t := f.Type
	if t == "" {
		t = "instances of unknown type"
	}
	if len(f.Types) > 1 {
		t = strings.Join(f.Types, "/")
	}
	where := ""
	if len(f.Zones) > 0 {
		where = " in " + strings.Join(f.Zones, ", ")
	}
	if f.Instances == 0 && f.Type == "" {
		return "no instances in the input" + where
	}
	return fmt.Sprintf("%s %s%s", n, t, where)
}

func domains(w *writer, path string, s estate.Service) {
	switch len(s.Domains) {
	case 0:
		w.holes = append(w.holes, path+".domain")
		w.line(2, "domain: %s the domain clients use>  # no Route 53 record in the input points at %s; with no domain, delete this line and legacy and cluster", Marker, s.Balancer)
	case 1:
		w.value(path, "domain", s.Domains[0], false, "")
	default:
		w.line(2, "domains:")
		for _, d := range s.Domains {
			w.line(3, "- %s  # %s", scalar(d.Text), d.From)
		}
	}
}

func resources(w *writer, s estate.Service) {
	if s.CPU.Known() {
		w.value("", "cpu", s.CPU, false, "")
	}
	if s.Memory.Known() {
		w.value("", "memory", s.Memory, false, "")
	}
	if s.CPU.Known() && s.Memory.Known() {
		return
	}
	today := "a share of an instance"
	if s.Today.Type != "" {
		today = "a whole " + s.Today.Type
	}
	w.line(2, "# cpu, memory: Terraform does not know what the container uses; each replica has %s today", today)
}

// legacy writes the side traffic goes to today, as an alias when the
// record is one, and the placeholder for the cluster side, which must be
// of the same kind: one weighted record set holds one record type.
func legacy(w *writer, path string, s estate.Service) {
	r := s.Record
	if r == nil || r.Alias == nil || !s.Legacy.Known() {
		w.value(path, "legacy", s.Legacy, false, "")
		w.holes = append(w.holes, path+".cluster")
		w.line(2, "cluster: %s address of the cluster's ingress load balancer>", Marker)
		return
	}
	w.line(2, "legacy:  # %s alias", r.Sets[0].Address)
	w.line(3, "address: %s", scalar(s.Legacy.Text))
	w.line(3, "alias: {hostedZoneId: %s, evaluateTargetHealth: %v}", r.Alias.ZoneID, r.Alias.EvaluateTargetHealth)
	w.holes = append(w.holes, path+".cluster")
	w.line(2, "cluster: %s the cluster's ingress: an IPv4 address, or {address: its load balancer's DNS name, alias: {hostedZoneId: …}}>", Marker)
}

// weightedToday notes a record that is already a weighted group, which
// the service file cannot say.
func weightedToday(w *writer, r *estate.Record) {
	if r == nil || (len(r.Sets) == 1 && r.Sets[0].ID == "") {
		return
	}
	var sets []string
	for _, s := range r.Sets {
		wt := "none"
		if s.Weight != nil {
			wt = fmt.Sprint(*s.Weight)
		}
		sets = append(sets, fmt.Sprintf("%s=%s", s.ID, wt))
	}
	w.line(2, "# Route 53 today: %s %s is weighted: %s", r.Name, r.Type, strings.Join(sets, ", "))
}

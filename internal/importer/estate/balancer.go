package estate

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// balancer is a classic ELB, ALB or NLB, managed or only read by a data
// source.
type balancer struct {
	res
	kind, dns, name, arn string
}

// targets is what stands behind a balancer: the port its instances serve on
// and the machines.
type targets struct {
	port      Value
	instances []string
	groups    []res
}

// findBalancers lists the balancers of the given mode ("" for both).
func (b *builder) findBalancers(mode string) []balancer {
	var out []balancer
	for _, t := range []string{"aws_elb", "aws_lb", "aws_alb"} {
		for _, r := range b.byType[t] {
			if mode != "" && r.Mode != mode {
				continue
			}
			kind := "classic ELB"
			if t != "aws_elb" {
				kind = cmp.Or(r.a.str("load_balancer_type"), "application") + " LB"
			}
			out = append(out, balancer{res: r, kind: kind, dns: hostname(r.a.str("dns_name")),
				name: cmp.Or(r.a.str("name"), r.a.str("id")), arn: r.a.str("arn")})
		}
	}
	return out
}

// balancers are the managed balancers: each is one service.
func (b *builder) balancers() []balancer { return b.findBalancers("managed") }

func (b *builder) service(bal balancer) Service {
	s := Service{Balancer: bal.Address, Kind: bal.kind, lbName: bal.name,
		Legacy: Value{Text: bal.dns, From: bal.Address + " dns_name"}}
	if bal.dns == "" {
		s.Legacy = Value{Why: bal.Address + " has no dns_name in state"}
	}
	b.use(bal.res, bal.Address, "balancer (%s)", bal.kind)
	var t targets
	if bal.Type == "aws_elb" {
		t = b.classic(&s, bal)
	} else {
		t = b.modern(&s, bal)
	}
	b.fleet(&s, bal, t)
	return s
}

// classic reads a classic ELB's listener and health check.
func (b *builder) classic(s *Service, bal balancer) targets {
	ls := bal.a.blocks("listener")
	slices.SortStableFunc(ls, func(x, y attrs) int { return listenerRank(x.str("lb_protocol")) - listenerRank(y.str("lb_protocol")) })
	var t targets
	if len(ls) == 0 {
		t.port = Value{Why: bal.Address + " has no listener"}
	} else if p, ok := ls[0].num("instance_port"); ok {
		t.port = Value{Text: strconv.Itoa(p), From: bal.Address + " listener.instance_port"}
		if len(ls) > 1 {
			s.Notes = append(s.Notes, fmt.Sprintf("%s has %d listeners; the %s one on port %s was imported", bal.Address, len(ls), ls[0].str("lb_protocol"), ls[0].str("lb_port")))
		}
	}
	for _, l := range ls {
		if p := strings.ToUpper(l.str("lb_protocol")); p == "HTTPS" || p == "SSL" {
			s.TLS = fmt.Sprintf("%s listener %s %s", bal.Address, p, l.str("lb_port"))
		}
	}
	s.Health = classicHealth(bal)
	t.instances = bal.a.strs("instances")
	for _, att := range b.managed("aws_elb_attachment") {
		if att.a.str("elb") == bal.name || att.a.str("elb") == bal.a.str("id") {
			b.use(att, bal.Address, "attachment")
			t.instances = appendNew(t.instances, att.a.str("instance"))
		}
	}
	t.groups = b.groupsOf(bal.Address, func(g res) bool { return slices.Contains(g.a.strs("load_balancers"), bal.name) },
		func(att res) bool { return att.a.str("elb") == bal.name })
	return t
}

// listenerRank orders listeners: the one that terminates TLS for browsers
// first, then plain HTTP, then anything else.
func listenerRank(proto string) int {
	switch strings.ToUpper(proto) {
	case "HTTPS":
		return 0
	case "HTTP":
		return 1
	case "SSL", "TLS":
		return 2
	}
	return 3
}

// classicHealth reads "HTTP:8080/healthz" from a classic ELB's check.
func classicHealth(bal balancer) Value {
	target := bal.a.block("health_check").str("target")
	from := bal.Address + " health_check.target"
	proto, rest, _ := strings.Cut(target, ":")
	_, path, hasPath := strings.Cut(rest, "/")
	switch {
	case target == "":
		return Value{Why: bal.Address + " has no health check"}
	case (strings.EqualFold(proto, "HTTP") || strings.EqualFold(proto, "HTTPS")) && hasPath:
		return Value{Text: "/" + path, From: from}
	}
	return Value{Why: fmt.Sprintf("%s checks %s only (%s), no HTTP path: the readiness probe connects to the port", bal.Address, strings.ToUpper(proto), target)}
}

// groupsOf finds the auto-scaling groups registered with a balancer or a
// target group, directly or through aws_autoscaling_attachment.
func (b *builder) groupsOf(svc string, direct func(g res) bool, attached func(att res) bool) []res {
	names := map[string]bool{}
	for _, att := range b.managed("aws_autoscaling_attachment") {
		if attached(att) {
			b.use(att, svc, "attachment")
			names[att.a.str("autoscaling_group_name")] = true
		}
	}
	var out []res
	for _, g := range b.managed("aws_autoscaling_group") {
		if direct(g) || names[g.a.str("name")] {
			out = append(out, g)
		}
	}
	return out
}

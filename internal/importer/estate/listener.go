package estate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// listener is an ALB/NLB listener and the target groups it forwards to.
type listener struct {
	res
	proto string
	port  int
	tgs   []string
}

func (b *builder) listenersOf(bal balancer) []listener {
	var out []listener
	for _, l := range b.managed("aws_lb_listener", "aws_alb_listener") {
		if bal.arn == "" || l.a.str("load_balancer_arn") != bal.arn {
			continue
		}
		port, _ := l.a.num("port")
		x := listener{res: l, proto: strings.ToUpper(l.a.str("protocol")), port: port}
		for _, act := range l.a.blocks("default_action") {
			x.tgs = appendNew(x.tgs, act.str("target_group_arn"))
			for _, fw := range act.blocks("forward") {
				for _, tg := range fw.blocks("target_group") {
					x.tgs = appendNew(x.tgs, tg.str("arn"))
				}
			}
		}
		out = append(out, x)
	}
	slices.SortStableFunc(out, func(x, y listener) int {
		return listenerRank(x.proto)*100000 + x.port - listenerRank(y.proto)*100000 - y.port
	})
	return out
}

// modern reads an ALB's or NLB's listeners and the target group the first
// of them forwards to.
func (b *builder) modern(s *Service, bal balancer) targets {
	ls := b.listenersOf(bal)
	var arns []string
	for _, l := range ls {
		arns = appendNew(arns, l.tgs...)
		if l.proto == "HTTPS" || l.proto == "TLS" {
			s.TLS = fmt.Sprintf("%s %s %d", l.Address, l.proto, l.port)
		}
	}
	for _, tg := range b.managed("aws_lb_target_group", "aws_alb_target_group") {
		if bal.arn != "" && slices.Contains(tg.a.strs("load_balancer_arns"), bal.arn) {
			arns = appendNew(arns, tg.a.str("arn"))
		}
	}
	for _, l := range ls {
		b.use(l.res, bal.Address, "listener %s %d%s", l.proto, l.port, b.forwardsTo(l))
	}
	if len(arns) == 0 {
		return targets{port: Value{Why: bal.Address + ": no listener in the input forwards to a target group"}}
	}
	tg, ok := b.targetGroup(arns[0])
	if !ok {
		return targets{port: Value{Why: fmt.Sprintf("%s forwards to target group %s, which is not in the input", bal.Address, arns[0])}}
	}
	if len(arns) > 1 {
		s.Notes = append(s.Notes, fmt.Sprintf("%s forwards to %d target groups; only %s (the first listener's) was imported: a service has one port", bal.Address, len(arns), tg.Address))
	}
	return b.fromTargetGroup(s, bal, tg)
}

func (b *builder) forwardsTo(l listener) string {
	if len(l.tgs) == 0 {
		if act := l.a.block("default_action"); act.str("type") != "" {
			return " (" + act.str("type") + ")"
		}
		return " (no forward)"
	}
	if tg, ok := b.targetGroup(l.tgs[0]); ok {
		return " → " + tg.Address
	}
	return " → " + l.tgs[0]
}

func (b *builder) targetGroup(arn string) (res, bool) {
	for _, tg := range b.managed("aws_lb_target_group", "aws_alb_target_group") {
		if tg.a.str("arn") == arn {
			return tg, true
		}
	}
	return res{}, false
}

func (b *builder) fromTargetGroup(s *Service, bal balancer, tg res) targets {
	var t targets
	port, ok := tg.a.num("port")
	if ok {
		t.port = Value{Text: strconv.Itoa(port), From: tg.Address + " port"}
	} else {
		t.port = Value{Why: tg.Address + " has no port (a Lambda or IP target group?)"}
	}
	hc := tg.a.block("health_check")
	proto := strings.ToUpper(hc.str("protocol"))
	switch {
	case hc == nil:
		s.Health = Value{Why: tg.Address + " has no health check"}
	case (proto == "HTTP" || proto == "HTTPS") && hc.str("path") != "":
		s.Health = Value{Text: hc.str("path"), From: tg.Address + " health_check.path"}
	default:
		s.Health = Value{Why: fmt.Sprintf("%s checks %s only, no HTTP path: the readiness probe connects to the port", tg.Address, proto)}
	}
	if hp, ok := hc.num("port"); ok && hp != port {
		s.Notes = append(s.Notes, fmt.Sprintf("%s checks health on port %d, not the traffic port %d: ferry probes the service port", tg.Address, hp, port))
	}
	b.use(tg, bal.Address, "target group (port %s)", t.port.Text)
	arn := tg.a.str("arn")
	for _, att := range b.managed("aws_lb_target_group_attachment", "aws_alb_target_group_attachment") {
		if att.a.str("target_group_arn") == arn {
			b.use(att, bal.Address, "attachment")
			t.instances = appendNew(t.instances, att.a.str("target_id"))
		}
	}
	t.groups = b.groupsOf(bal.Address, func(g res) bool {
		if slices.Contains(g.a.strs("target_group_arns"), arn) {
			return true
		}
		return slices.ContainsFunc(g.a.blocks("traffic_source"), func(ts attrs) bool { return ts.str("identifier") == arn })
	}, func(att res) bool { return att.a.str("lb_target_group_arn") == arn })
	return t
}

package estate

import (
	"fmt"
	"strings"
)

// entries accounts for every resource read: what it became, or why not.
func (b *builder) entries(svcs []Service) []Entry {
	names := map[string]string{}
	for _, s := range svcs {
		names[s.Balancer] = s.Name
	}
	out := make([]Entry, 0, len(b.all))
	for _, r := range b.all {
		e := Entry{Address: r.Address, File: r.File, Type: r.Type}
		k := b.key(r)
		switch ro, used := b.became[k]; {
		case b.ignored[k] != "" && !used:
			e.Ignored = b.ignored[k]
		case used && ro.svc != "":
			e.Became = fmt.Sprintf("service %s: %s", names[ro.svc], ro.what)
		case used:
			e.Became = ro.what
		default:
			e.Ignored = b.why(r)
		}
		out = append(out, e)
	}
	return out
}

// why says why a resource nothing used was left out, by its type.
func (b *builder) why(r res) string {
	switch r.Type {
	case "aws_autoscaling_group":
		return "behind no balancer in the input: a worker? describe it by hand (image, replicas, no port)"
	case "aws_instance":
		return "registered with no balancer in the input"
	case "aws_lb_target_group", "aws_alb_target_group":
		return "no listener of an imported balancer forwards to it"
	case "aws_lb_listener", "aws_alb_listener":
		return "its balancer is not in the input"
	case "aws_launch_template", "aws_launch_configuration":
		return "used by no auto-scaling group behind a balancer"
	case "aws_route53_zone":
		return "no imported record is in this zone"
	case "aws_security_group":
		return "no machine behind an imported balancer is in it"
	case "aws_subnet":
		return "no imported auto-scaling group places instances in it"
	}
	if r.Mode == "data" && strings.HasPrefix(r.Type, "aws_") {
		return "a data source: read by this configuration, not part of a service"
	}
	return r.Type + ": not on a service's request path"
}

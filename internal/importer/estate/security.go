package estate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// securityGroups reads the ingress rules of the groups the machines are in:
// the port when the balancer did not say it (the one TCP port open besides
// SSH), and a warning when the port is not open at all.
func (b *builder) securityGroups(s *Service, bal balancer, ids []string) {
	for _, sg := range b.managedOrData("aws_security_group") {
		if id := sg.a.str("id"); id != "" && slices.Contains(bal.a.strs("security_groups"), id) && !slices.Contains(ids, id) {
			ports, all := ingressPorts(sg.a.blocks("ingress"))
			b.use(sg, bal.Address, "the balancer's security group (ingress %s)", portList(ports, all))
		}
	}
	var open []int
	var any bool
	var names []string
	for _, sg := range b.managedOrData("aws_security_group") {
		if !slices.Contains(ids, sg.a.str("id")) {
			continue
		}
		ports, all := ingressPorts(sg.a.blocks("ingress"))
		b.use(sg, bal.Address, "security group (ingress %s)", portList(ports, all))
		open, any = appendPorts(open, ports...), any || all
		names = append(names, sg.Address)
	}
	if len(names) == 0 {
		return
	}
	if !s.Port.Known() {
		var candidates []int
		for _, p := range open {
			if p != 22 {
				candidates = append(candidates, p)
			}
		}
		if len(candidates) == 1 {
			s.Port = Value{Text: strconv.Itoa(candidates[0]), From: strings.Join(names, ", ") + " ingress (the one port open besides SSH)"}
		}
		return
	}
	if p, _ := strconv.Atoi(s.Port.Text); !any && !slices.Contains(open, p) && len(open) > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("%s admit %s, not port %d: check which port the container serves on", strings.Join(names, ", "), portList(open, false), p))
	}
}

// ingressPorts lists the single TCP ports the rules open (ranges of up to
// 16 ports are listed port by port); all is set by a rule open to every
// port.
func ingressPorts(rules []attrs) (ports []int, all bool) {
	for _, r := range rules {
		proto := r.str("protocol")
		from, _ := r.num("from_port")
		to, _ := r.num("to_port")
		switch {
		case proto == "-1" || proto == "all" || (from == 0 && to == 65535):
			all = true
		case proto == "tcp" || proto == "6":
			for p := from; p <= to && p-from < 16; p++ {
				ports = appendPorts(ports, p)
			}
		}
	}
	return ports, all
}

func appendPorts(list []int, ps ...int) []int {
	for _, p := range ps {
		if !slices.Contains(list, p) {
			list = append(list, p)
		}
	}
	slices.Sort(list)
	return list
}

func portList(ports []int, all bool) string {
	var parts []string
	for _, p := range ports {
		parts = append(parts, strconv.Itoa(p))
	}
	if all {
		parts = append(parts, "all ports")
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

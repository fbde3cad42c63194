package estate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// script is a user-data script and where it was read, or why there is none
// (of addr's user data, or of the fleet when addr is empty).
type script struct{ text, from, why, addr string }

// machines is what fleet collects from groups and instances.
type machines struct {
	count   int
	unknown []string // groups whose size is not known
	types   []string
	typeOf  string // where the (first) type was read
	zones   []string
	scripts []script
	sgs     []string // security group ids the machines are in
}

// fleet reads the machines behind a balancer: how many, of which type, in
// which zones, running which image.
func (b *builder) fleet(s *Service, bal balancer, t targets) {
	var m machines
	for _, g := range t.groups {
		b.group(&m, bal, g)
	}
	for _, id := range t.instances {
		b.instance(s, &m, bal, id)
	}
	slices.Sort(m.zones)
	s.Today = Fleet{Instances: m.count, Zones: m.zones, From: m.typeOf}
	if len(m.types) > 0 {
		s.Today.Type = m.types[0]
	}
	if len(m.types) > 1 {
		s.Today.Types = m.types
		s.Notes = append(s.Notes, "the instances are of different types: "+strings.Join(m.types, ", "))
	}
	s.Replicas = replicas(bal, t, m)
	b.image(s, t, m.scripts)
	b.securityGroups(s, bal, m.sgs)
}

func replicas(bal balancer, t targets, m machines) Value {
	switch {
	case len(m.unknown) > 0:
		return Value{Why: strings.Join(m.unknown, ", ") + " states no desired capacity"}
	case m.count == 0 && len(t.groups)+len(t.instances) == 0:
		return Value{Why: "no instance or auto-scaling group in the input is registered with " + bal.Address}
	case m.count == 0:
		return Value{Why: "the targets of " + bal.Address + " are not in the input"}
	}
	var from []string
	for _, g := range t.groups {
		from = append(from, g.Address+" desired_capacity")
	}
	if len(t.instances) > 0 {
		from = append(from, fmt.Sprintf("%d instances registered with %s", len(t.instances), bal.Address))
	}
	return Value{Text: strconv.Itoa(m.count), From: strings.Join(from, " + ")}
}

func (b *builder) group(m *machines, bal balancer, g res) {
	n, ok := g.a.num("desired_capacity")
	if ok {
		m.count += n
	} else {
		m.unknown = append(m.unknown, g.Address)
	}
	size := "unknown"
	if ok {
		size = strconv.Itoa(n)
	}
	b.use(g, bal.Address, "auto-scaling group (%s instances)", size)
	m.zones = appendNew(m.zones, g.a.strs("availability_zones")...)
	for _, id := range g.a.strs("vpc_zone_identifier") {
		for _, sn := range b.managedOrData("aws_subnet") {
			if sn.a.str("id") == id {
				b.use(sn, bal.Address, "subnet (zone %s)", sn.a.str("availability_zone"))
				m.zones = appendNew(m.zones, sn.a.str("availability_zone"))
			}
		}
	}
	lt := g.a.block("launch_template")
	if lt == nil && g.a.block("mixed_instances_policy") != nil {
		lt = g.a.block("mixed_instances_policy").block("launch_template").block("launch_template_specification")
	}
	switch {
	case lt != nil:
		b.launchTemplate(m, bal, g, lt)
	case g.a.str("launch_configuration") != "":
		b.launchConfiguration(m, bal, g, g.a.str("launch_configuration"))
	default:
		m.scripts = append(m.scripts, script{why: g.Address + " names no launch template or configuration"})
	}
}

func (b *builder) launchTemplate(m *machines, bal balancer, g res, ref attrs) {
	id, name := cmpOr(ref.str("id"), ref.str("launch_template_id")), cmpOr(ref.str("name"), ref.str("launch_template_name"))
	for _, lt := range b.managedOrData("aws_launch_template") {
		if id != "" && lt.a.str("id") == id || name != "" && lt.a.str("name") == name {
			b.use(lt, bal.Address, "launch template (%s)", cmpOr(lt.a.str("instance_type"), "no instance type"))
			b.machineType(m, lt, "instance_type")
			m.sgs = appendNew(m.sgs, lt.a.strs("vpc_security_group_ids")...)
			text, why := decodeUserData(lt.a.str("user_data"))
			m.scripts = append(m.scripts, script{text: text, from: lt.Address + " user_data", why: why, addr: lt.Address})
			return
		}
	}
	m.scripts = append(m.scripts, script{why: fmt.Sprintf("launch template %s of %s is not in the input", cmpOr(name, id), g.Address)})
}

func (b *builder) launchConfiguration(m *machines, bal balancer, g res, name string) {
	for _, lc := range b.managedOrData("aws_launch_configuration") {
		if lc.a.str("name") == name || lc.a.str("id") == name {
			b.use(lc, bal.Address, "launch configuration (%s)", lc.a.str("instance_type"))
			b.machineType(m, lc, "instance_type")
			m.sgs = appendNew(m.sgs, lc.a.strs("security_groups")...)
			text, why := decodeUserData(cmpOr(lc.a.str("user_data_base64"), lc.a.str("user_data")))
			m.scripts = append(m.scripts, script{text: text, from: lc.Address + " user_data", why: why, addr: lc.Address})
			return
		}
	}
	m.scripts = append(m.scripts, script{why: fmt.Sprintf("launch configuration %s of %s is not in the input", name, g.Address)})
}

func (b *builder) instance(s *Service, m *machines, bal balancer, id string) {
	for _, in := range b.managedOrData("aws_instance") {
		if in.a.str("id") != id {
			continue
		}
		m.count++
		b.use(in, bal.Address, "instance (%s, %s)", in.a.str("instance_type"), in.a.str("availability_zone"))
		b.machineType(m, in, "instance_type")
		m.sgs = appendNew(m.sgs, in.a.strs("vpc_security_group_ids")...)
		m.zones = appendNew(m.zones, in.a.str("availability_zone"))
		text, why := decodeUserData(cmpOr(in.a.str("user_data_base64"), in.a.str("user_data")))
		m.scripts = append(m.scripts, script{text: text, from: in.Address + " user_data", why: why, addr: in.Address})
		return
	}
	s.Notes = append(s.Notes, fmt.Sprintf("instance %s is registered with %s but is not in the input", id, bal.Address))
}

func (b *builder) machineType(m *machines, r res, key string) {
	t := r.a.str(key)
	if t == "" {
		return
	}
	if len(m.types) == 0 {
		m.typeOf = r.Address + " " + key
	}
	m.types = appendNew(m.types, t)
}

func (b *builder) managedOrData(t string) []res { return b.byType[t] }

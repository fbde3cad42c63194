package estate

import (
	"fmt"
	"strconv"
	"strings"
)

// image reads the service's image, container port and limits from the
// first `docker run` in its machines' user data, and settles the port: the
// container port docker publishes on the balancer's instance port, or the
// instance port itself.
func (b *builder) image(s *Service, t targets, scripts []script) {
	s.Port = t.port
	var whys []string
	who := map[string][]string{} // reason → the resources it is the reason for
	note := func(why, addr string) {
		if len(who[why]) == 0 {
			whys = append(whys, why)
		}
		who[why] = appendNew(who[why], addr)
	}
	for _, sc := range scripts {
		if sc.text == "" {
			note(sc.why, sc.addr)
			continue
		}
		d, ok := findDockerRun(sc.text)
		if !ok {
			note("its user data runs no `docker run`", sc.addr)
			continue
		}
		from := "docker run in " + sc.from
		s.Image = dockerImage(d, from)
		if d.Memory != "" {
			s.Memory = Value{Text: d.Memory, From: "--memory of " + from}
		}
		if d.CPU != "" {
			s.CPU = Value{Text: d.CPU, From: "--cpus of " + from}
		}
		s.Port = containerPort(t.port, d, from)
		return
	}
	if len(whys) == 0 {
		whys = []string{"no machine behind " + s.Balancer + " is in the input"}
	}
	for i, w := range whys {
		if addrs := who[w]; len(addrs) > 0 && addrs[0] != "" {
			whys[i] = strings.Join(addrs, ", ") + ": " + w
		}
	}
	s.Image = Value{Why: strings.Join(whys, "; ")}
}

func dockerImage(d dockerRun, from string) Value {
	switch {
	case d.Image == "":
		return Value{Why: from + " names no image"}
	case strings.Contains(d.Image, "$"):
		return Value{Why: fmt.Sprintf("%s takes the image from a shell variable (%s)", from, d.Image)}
	}
	return Value{Text: d.Image, From: from}
}

// containerPort maps the balancer's instance port through docker's -p.
func containerPort(instance Value, d dockerRun, from string) Value {
	p, err := strconv.Atoi(instance.Text)
	if err != nil {
		return instance
	}
	for _, pm := range d.Ports {
		if pm.Host == p {
			return Value{Text: strconv.Itoa(pm.Container), From: fmt.Sprintf("%s, -p %d:%d of %s", instance.From, pm.Host, pm.Container, from)}
		}
	}
	return instance
}

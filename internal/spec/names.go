package spec

import (
	"fmt"
	"net/netip"
	"strings"
)

// checkServiceName: a service name names a Kubernetes Service, so it is a
// DNS-1035 label.
func checkServiceName(name string) string {
	switch {
	case len(name) > 63:
		return "must be at most 63 characters"
	case !isLabel(name, true):
		return fmt.Sprintf("%q must be lower case letters, digits and '-', starting with a letter (like %q)", name, suggestLabel(name))
	}
	return ""
}

func checkLabel(name string) string {
	switch {
	case len(name) > 63:
		return "must be at most 63 characters"
	case !isLabel(name, false):
		return fmt.Sprintf("%q must be lower case letters, digits and '-' (like %q)", name, suggestLabel(name))
	}
	return ""
}

// checkSubdomain checks a Kubernetes object name (DNS-1123 subdomain).
func checkSubdomain(name string) string {
	if len(name) > 253 {
		return "must be at most 253 characters"
	}
	for _, l := range strings.Split(name, ".") {
		if msg := checkLabel(l); msg != "" {
			return fmt.Sprintf("%q is not a valid name: lower case letters, digits, '-' and '.'", name)
		}
	}
	return ""
}

// checkDomain checks a host name a service is reached at.
func checkDomain(d string) string {
	switch {
	case d == "":
		return "must not be empty"
	case strings.HasSuffix(d, "."):
		return fmt.Sprintf("%q must not end with a dot (write %q)", d, strings.TrimSuffix(d, "."))
	case strings.ToLower(d) != d && checkDomain(strings.ToLower(d)) == "":
		return fmt.Sprintf("%q must be lower case (write %q)", d, strings.ToLower(d))
	case strings.HasPrefix(d, "*."):
		return fmt.Sprintf("%q is a wildcard; name each domain the service answers", d)
	case len(d) > 253:
		return "must be at most 253 characters"
	case !strings.Contains(d, "."):
		return fmt.Sprintf("%q is not a fully qualified domain name (like api.example.com)", d)
	}
	if _, err := netip.ParseAddr(d); err == nil {
		return fmt.Sprintf("%q is an IP address, not a domain name", d)
	}
	for _, l := range strings.Split(d, ".") {
		if checkLabel(l) != "" {
			return fmt.Sprintf("%q is not a valid domain name: each label is letters, digits and '-', not starting or ending with '-'", d)
		}
	}
	return ""
}

// checkImage requires a tag or digest so a deploy always means one version.
func checkImage(img string) string {
	valid, pinned := imageRef(img)
	switch {
	case img == "":
		return "is required (like registry.example.com/team/api:1.4.2)"
	case !valid:
		return fmt.Sprintf("%q is not a valid image reference (lower case [registry/]path:tag or @sha256:digest)", img)
	case !pinned:
		return fmt.Sprintf("%q has no tag or digest; pin a version (like %s:1.0.0 or %s@sha256:…)", img, img, img)
	}
	return ""
}

// checkEndpoint checks an IP address or host name.
func checkEndpoint(addr string) string {
	if addr == "" {
		return "address is required (an IP address or a host name)"
	}
	if _, err := netip.ParseAddr(addr); err == nil {
		return ""
	}
	if strings.Contains(addr, ":") || strings.Contains(addr, "/") {
		return fmt.Sprintf("%q is neither an IP address nor a host name (put a port under port:)", addr)
	}
	if checkDomain(strings.TrimSuffix(addr, ".")) != "" && checkLabel(addr) != "" {
		return fmt.Sprintf("%q is neither an IP address nor a host name", addr)
	}
	return ""
}

// suggestLabel turns a name into the nearest valid label.
func suggestLabel(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" || out[0] < 'a' {
		out = "svc-" + out
	}
	return out
}

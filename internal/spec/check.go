package spec

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// checker converts the decoded file into the model, collecting a Problem
// (with its position) for every value that is wrong. Each method takes the
// field's path so the problem points at the right line.
type checker struct {
	file     string
	pos      positions
	problems ProblemList
}

func (c *checker) errorf(path, format string, args ...any) {
	c.problems = append(c.problems, newProblem(c.file, lookup(c.pos, path), path, fmt.Sprintf(format, args...)))
}

// written reports whether path was present in the file.
func (c *checker) written(path string) bool {
	_, ok := c.pos.at(path)
	return ok
}

// duration parses s, or returns def when s is empty.
func (c *checker) duration(path, s string, def time.Duration) time.Duration {
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		c.errorf(path, "%q is not a duration (write it like 30s, 500ms or 5m)", s)
		return def
	case d < 0:
		c.errorf(path, "%s is negative", s)
		return def
	}
	return d
}

// seconds is a duration the API counts in whole seconds.
func (c *checker) seconds(path, s string, def time.Duration) time.Duration {
	d := c.duration(path, s, def)
	switch {
	case d%time.Second != 0:
		c.errorf(path, "%s is not a whole number of seconds (Kubernetes counts this in seconds)", s)
	case d > MaxDuration:
		c.errorf(path, "%s is longer than Kubernetes can hold (at most %s)", s, MaxDuration)
		return def
	}
	return d
}

// MaxDuration is the longest duration a Kubernetes field counted in int32
// seconds can hold; it is also RFC 2181's largest TTL.
const MaxDuration = (1<<31 - 1) * time.Second

// ttl is a DNS TTL: whole seconds, at least one.
func (c *checker) ttl(path, s string, def time.Duration) time.Duration {
	d := c.seconds(path, s, def)
	if s != "" && d < time.Second {
		c.errorf(path, "%s is too short; a TTL is at least 1s", s)
		return def
	}
	return d
}

// count checks a whole number in [lo, hi].
func (c *checker) count(path string, n, lo, hi int) int {
	if n < lo || n > hi {
		c.errorf(path, "%d is out of range (%d-%d)", n, lo, hi)
		return lo
	}
	return n
}

// quantity parses a CPU or memory amount, or def when s is empty.
func (c *checker) quantity(path, s, def string, memory bool) *resource.Quantity {
	if s == "" {
		if def == "" {
			return nil
		}
		s = def
	}
	q, err := resource.ParseQuantity(s)
	if err != nil {
		example := "250m or 0.5"
		if memory {
			example = "256Mi or 1Gi"
		}
		c.errorf(path, "%q is not a quantity (write it like %s)", s, example)
		return nil
	}
	if q.Sign() <= 0 {
		c.errorf(path, "%s must be more than zero", s)
		return nil
	}
	if memory && q.Cmp(resource.MustParse("1Mi")) < 0 {
		c.errorf(path, "%s is less than one mebibyte; did you mean %sMi?", s, strings.TrimRight(s, "m"))
		return nil
	}
	return &q
}

// intOrPercent parses "1" or "25%".
func (c *checker) intOrPercent(path, s, def string) intstr.IntOrString {
	if s == "" {
		s = def
	}
	if p, ok := strings.CutSuffix(s, "%"); ok {
		if n, err := strconv.Atoi(p); err == nil && n >= 0 && n <= 100 {
			return intstr.FromString(s)
		}
	} else if n, err := strconv.Atoi(s); err == nil && n >= 0 {
		return intstr.FromInt32(int32(n))
	}
	c.errorf(path, "%q is not a count or a percentage (write it like 1 or 25%%)", s)
	return intstr.FromString(def)
}

// port checks a TCP port number.
func (c *checker) port(path string, p *int) int32 {
	if p == nil {
		return 0
	}
	if *p < 1 || *p > 65535 {
		c.errorf(path, "%d is out of range (1-65535)", *p)
		return 0
	}
	return int32(*p)
}

// oneOf checks s against allowed values (empty: def).
func (c *checker) oneOf(path, s, def string, allowed ...string) string {
	if s == "" {
		return def
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	c.errorf(path, "%q is not one of: %s", s, strings.Join(allowed, ", "))
	return def
}

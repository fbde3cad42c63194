package dns

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Record types a weighted RecordSet may hold.
const (
	TypeA     = "A"
	TypeAAAA  = "AAAA"
	TypeCNAME = "CNAME"
	TypeTXT   = "TXT"
)

// PlainSetID and PlainWeight are the lone set a plain record reads as: a
// record without a set identifier (simple routing, as Terraform creates
// it) at a provider that tells plain and weighted records apart (Route 53,
// external-dns). Writing a record set that is one set with PlainSetID
// writes a plain record there; ferry's own server keeps it as a set like
// any other.
const (
	PlainSetID  = "default"
	PlainWeight = 1
)

// MaxWeight is the largest weight of one set, as in Route 53.
const MaxWeight = 255

// MaxTTL is the largest TTL RFC 2181 allows. The smallest a RecordSet may
// have is 1: a TTL left out of a request decodes as 0, and 0 would silently
// turn off every resolver's cache.
const MaxTTL = 1<<31 - 1

// setID is what a set id may look like: it becomes a metrics label and a
// word in logs and tables, so it is kept to a short, plain token.
var setID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`) })

// WeightedSet is one answer a name can give: a query picks one set with
// probability Weight/sum of weights (all zero: equal chance).
type WeightedSet struct {
	ID     string   `json:"id"`
	Weight int      `json:"weight"`
	Values []string `json:"values"`
}

// RecordSet is every weighted set for one name and type. Name is fully
// qualified and lower case ("api.example.test."); TTL is in seconds, 1 to
// MaxTTL. Set ids match ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$.
type RecordSet struct {
	Name string        `json:"name"`
	Type string        `json:"type"`
	TTL  uint32        `json:"ttl"`
	Sets []WeightedSet `json:"sets"`
}

// Set returns the set with the given id.
func (rs RecordSet) Set(id string) (WeightedSet, bool) {
	i := slices.IndexFunc(rs.Sets, func(s WeightedSet) bool { return s.ID == id })
	if i < 0 {
		return WeightedSet{}, false
	}
	return rs.Sets[i], true
}

// Weights maps set id to weight, for logs and summaries.
func (rs RecordSet) Weights() map[string]int {
	m := make(map[string]int, len(rs.Sets))
	for _, s := range rs.Sets {
		m[s.ID] = s.Weight
	}
	return m
}

// CanonicalName is ParseName's spelling of name (surrounding spaces
// trimmed); a name ParseName refuses is only ASCII-lower-cased and made
// fully qualified, so that validation can still name it.
func CanonicalName(name string) string {
	name = strings.TrimSpace(name)
	if n, err := ParseName(name); err == nil {
		return n
	}
	name = asciiLower(name)
	if !strings.HasSuffix(name, ".") {
		name += "."
	}
	return name
}

// Validate returns every problem with rs at once, each naming its field.
func (rs RecordSet) Validate() error {
	var errs []error
	if rs.Name == "" || rs.Name == "." {
		errs = append(errs, errors.New("name: must not be empty"))
	}
	switch rs.Type {
	case TypeA, TypeAAAA, TypeCNAME, TypeTXT:
	default:
		errs = append(errs, fmt.Errorf("type: %q is not supported (want A, AAAA, CNAME or TXT)", rs.Type))
	}
	if rs.TTL < 1 || rs.TTL > MaxTTL {
		errs = append(errs, fmt.Errorf("ttl: %d is out of range (1-%d seconds)", rs.TTL, MaxTTL))
	}
	if len(rs.Sets) == 0 {
		errs = append(errs, errors.New("sets: must hold at least one set"))
	}
	seen := map[string]bool{}
	for i, s := range rs.Sets {
		errs = append(errs, validateSet(rs.Type, i, s, seen)...)
	}
	return errors.Join(errs...)
}

func validateSet(rrtype string, i int, s WeightedSet, seen map[string]bool) []error {
	var errs []error
	field := fmt.Sprintf("sets[%d]", i)
	switch {
	case s.ID == "":
		errs = append(errs, fmt.Errorf("%s.id: must not be empty", field))
	case !setID().MatchString(s.ID):
		errs = append(errs, fmt.Errorf("%s.id: %q must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit", field, s.ID))
	case seen[s.ID]:
		errs = append(errs, fmt.Errorf("%s.id: %q is used by another set", field, s.ID))
	}
	seen[s.ID] = true
	if s.Weight < 0 || s.Weight > MaxWeight {
		errs = append(errs, fmt.Errorf("%s.weight: %d is out of range (0-%d)", field, s.Weight, MaxWeight))
	}
	if len(s.Values) == 0 {
		errs = append(errs, fmt.Errorf("%s.values: must hold at least one value", field))
	}
	if rrtype == TypeCNAME && len(s.Values) > 1 {
		errs = append(errs, fmt.Errorf("%s.values: a CNAME set holds exactly one target, not %d", field, len(s.Values)))
	}
	if len(s.Values) > 1 && slices.ContainsFunc(s.Values, IsAlias) {
		errs = append(errs, fmt.Errorf("%s.values: a set with an alias target holds that target alone, not %d values", field, len(s.Values)))
	}
	for j, v := range s.Values {
		if err := validateValue(rrtype, v); err != nil {
			errs = append(errs, fmt.Errorf("%s.values[%d]: %w", field, j, err))
		}
	}
	return errs
}

func validateValue(rrtype, v string) error {
	if IsAlias(v) {
		if rrtype != TypeA && rrtype != TypeAAAA {
			return fmt.Errorf("%q: an alias target is an A or AAAA value, not %s", v, rrtype)
		}
		_, err := ParseAlias(v)
		return err
	}
	switch rrtype {
	case TypeA:
		if a, err := netip.ParseAddr(v); err != nil || !a.Is4() {
			return fmt.Errorf("%q is not an IPv4 address", v)
		}
	case TypeAAAA:
		if a, err := netip.ParseAddr(v); err != nil || !a.Is6() || a.Is4In6() {
			return fmt.Errorf("%q is not an IPv6 address", v)
		}
	case TypeCNAME:
		if v == "" || strings.ContainsAny(v, " \t") {
			return fmt.Errorf("%q is not a domain name", v)
		}
	}
	return nil
}

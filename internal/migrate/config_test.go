package migrate

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	valid := Config{Domain: "api.example.test", Legacy: "192.0.2.10:8080", Cluster: "198.51.100.20"}
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []string // substrings of the error; none means valid
	}{
		{name: "defaults are valid", mutate: func(*Config) {}},
		{name: "weights not increasing", mutate: func(c *Config) { c.Steps = []int{10, 5, 100} },
			want: []string{"steps[1]: 5 does not increase on 10"}},
		{name: "step over 100", mutate: func(c *Config) { c.Steps = []int{10, 150} },
			want: []string{"steps[1]: 150 is out of range", "last step must be 100"}},
		{name: "unknown provider", mutate: func(c *Config) { c.DNS.Provider = "bind" },
			want: []string{`dns.provider: unknown provider "bind"`}},
		{name: "missing legacy endpoint", mutate: func(c *Config) { c.Legacy = "" },
			want: []string{"legacy.address: the legacy endpoint is required"}},
		{name: "mixed record kinds", mutate: func(c *Config) { c.Legacy = "legacy.example.net" },
			want: []string{"both must be addresses of one family or both host names"}},
		{name: "largest TTL", mutate: func(c *Config) { c.TTL = MaxTTL }},
		{name: "TTL past 2^31-1 seconds", mutate: func(c *Config) { c.TTL = MaxTTL + time.Second },
			want: []string{"ttl: 596523h14m8s is over the largest DNS TTL"}},
		{name: "TTL that would wrap a uint32", mutate: func(c *Config) { c.TTL = (1 << 32) * time.Second },
			want: []string{"is over the largest DNS TTL"}},
		{name: "every problem at once", mutate: func(c *Config) { c.Domain = ""; c.Promotion = "sometimes"; c.TTL = -1 },
			want: []string{"domain: must not be empty", `promotion: "sometimes"`, "ttl:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			cfg.Steps = nil
			cfg = Defaults(cfg)
			tt.mutate(&cfg)
			err := cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want errors containing %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

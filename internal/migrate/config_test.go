package migrate_test

import (
	"strings"
	"testing"
	"time"

	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
)

func TestConfigValidate(t *testing.T) {
	valid := migratetest.Config("api.example.test", "192.0.2.10:8080", "198.51.100.20")
	tests := []struct {
		name   string
		mutate func(*migrate.Config)
		want   []string // substrings of the error; none means valid
	}{
		{name: "defaults are valid", mutate: func(*migrate.Config) {}},
		{name: "weights not increasing", mutate: func(c *migrate.Config) { c.Steps = []int{10, 5, 100} },
			want: []string{"steps[1]: 5 does not increase on 10"}},
		{name: "step over 100", mutate: func(c *migrate.Config) { c.Steps = []int{10, 150} },
			want: []string{"steps[1]: 150 is out of range", "last step must be 100"}},
		{name: "no provider", mutate: func(c *migrate.Config) { c.DNS.Provider = "" },
			want: []string{"dns.provider: must name the DNS provider"}},
		{name: "missing legacy endpoint", mutate: func(c *migrate.Config) { c.Legacy = "" },
			want: []string{"legacy.address: the legacy endpoint is required"}},
		{name: "mixed record kinds", mutate: func(c *migrate.Config) { c.Legacy = "legacy.example.net" },
			want: []string{"both must be addresses of one family or both host names"}},
		{name: "largest TTL", mutate: func(c *migrate.Config) { c.TTL = migrate.MaxTTL }},
		{name: "TTL past 2^31-1 seconds", mutate: func(c *migrate.Config) { c.TTL = migrate.MaxTTL + time.Second },
			want: []string{"ttl: 596523h14m8s is over the largest DNS TTL"}},
		{name: "TTL that would wrap a uint32", mutate: func(c *migrate.Config) { c.TTL = (1 << 32) * time.Second },
			want: []string{"is over the largest DNS TTL"}},
		{name: "every problem at once", mutate: func(c *migrate.Config) { c.Domain = ""; c.Promotion = "sometimes"; c.TTL = -1 },
			want: []string{"domain: must not be empty", `promotion: "sometimes"`, "ttl:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.mutate(&cfg)
			err := cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("migrate.Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("migrate.Validate() = nil, want errors containing %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("migrate.Validate() = %v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

package migrate_test

import (
	"strconv"
	"strings"
	"time"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/gate"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
)

// The scenarios' endpoints.
const (
	scenarioLegacy  = "192.0.2.10"
	scenarioCluster = "198.51.100.20"
)

// args are a directive's key=value arguments and bare words; every one must
// be taken, or the directive fails.
type args struct {
	r     *replay
	kv    map[string]string
	words map[string]bool
}

func (r *replay) args(fields []string, keys ...string) *args {
	a := &args{r: r, kv: map[string]string{}, words: map[string]bool{}}
	known := map[string]bool{}
	for _, k := range keys {
		known[k] = true
	}
	for _, f := range fields {
		k, v, isKV := strings.Cut(f, "=")
		if !known[k] {
			r.fatalf("unknown argument %q (known: %s)", f, strings.Join(keys, " "))
		}
		if isKV {
			a.kv[k] = v
		} else {
			a.words[k] = true
		}
	}
	return a
}

func (a *args) str(k string) (string, bool) { v, ok := a.kv[k]; return v, ok }

func (a *args) int(k string) int {
	n, err := strconv.Atoi(a.kv[k])
	if err != nil {
		a.r.fatalf("%s=%q: not an integer", k, a.kv[k])
	}
	return n
}

func (a *args) float(k string) float64 {
	f, err := strconv.ParseFloat(a.kv[k], 64)
	if err != nil {
		a.r.fatalf("%s=%q: not a number", k, a.kv[k])
	}
	return f
}

func (r *replay) dur(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		r.fatalf("%q: not a duration", s)
	}
	return d
}

func itoa(n int) string { return strconv.Itoa(n) }

func (r *replay) input(f []string) {
	if len(f) == 0 {
		return
	}
	verb, rest := f[0], f[1:]
	switch verb {
	case "config":
		r.s = migrate.NewState(r.config(r.args(rest, "steps", "hold", "ttl", "promotion", "onFailure",
			"onBothFailing", "failures", "minRequests", "preview", "traffic", "threshold", "retryFor", "metrics", "hooks", "p99FailureLimit")))
	case "start":
		a := r.args(rest, "record", "preview")
		st := migrate.Start{Now: r.now, Record: r.record(a.kv["record"], r.s.Config.Domain)}
		if r.s.Config.PreviewDomain != "" {
			st.PreviewRecord = r.record(a.kv["preview"], r.s.Config.PreviewDomain)
		}
		r.step(st)
	case "tick":
		r.need(rest, 1)
		r.now = r.now.Add(r.dur(rest[0]))
		r.step(migrate.Tick{Now: r.now})
	case "gate":
		r.gate(rest)
	case "traffic":
		r.traffic(rest)
	case "metric":
		r.metric(rest)
	case "cmd":
		r.need(rest, 1)
		r.step(migrate.Command{Kind: r.command(rest[0])})
	case "done", "fail", "conflict":
		r.answer(verb, rest)
	case "observe":
		r.observe(rest)
	case "restart":
		r.restart(rest)
	default:
		r.fatalf("unknown directive %q", verb)
	}
}

func (r *replay) need(rest []string, n int) {
	if len(rest) != n {
		r.fatalf("want %d argument(s), got %d", n, len(rest))
	}
}

func (r *replay) command(s string) migrate.CommandKind {
	k := migrate.CommandKind(s)
	switch k {
	case migrate.Promote, migrate.Pause, migrate.Resume, migrate.Rollback, migrate.Abort:
		return k
	}
	r.fatalf("unknown command %q", s)
	return ""
}

func (r *replay) config(a *args) migrate.Config {
	cfg := migratetest.Config("api.example.test", scenarioLegacy, scenarioCluster)
	cfg.TTL, cfg.Hold, cfg.Steps = 10*time.Second, 30*time.Second, []int{10, 50, 100}
	cfg.Gates.MinRequests, cfg.Gates.Failures = 3, 2
	durs := map[string]*time.Duration{"hold": &cfg.Hold, "ttl": &cfg.TTL, "retryFor": &cfg.DNS.RetryFor}
	for k, d := range durs {
		if v, ok := a.str(k); ok {
			*d = r.dur(v)
		}
	}
	ints := map[string]*int{"failures": &cfg.Gates.Failures, "minRequests": &cfg.Gates.MinRequests}
	for k, n := range ints {
		if _, ok := a.str(k); ok {
			*n = a.int(k)
		}
	}
	if v, ok := a.str("steps"); ok {
		cfg.Steps = nil
		for _, s := range strings.Split(v, ",") {
			n, err := strconv.Atoi(s)
			if err != nil {
				r.fatalf("steps=%q: %q is not an integer", v, s)
			}
			cfg.Steps = append(cfg.Steps, n)
		}
	}
	if v, ok := a.str("promotion"); ok {
		cfg.Promotion = migrate.Promotion(v)
	}
	if v, ok := a.str("onFailure"); ok {
		cfg.OnFailure = migrate.OnFailure(v)
	}
	if v, ok := a.str("onBothFailing"); ok {
		cfg.OnBothFailing = migrate.OnFailure(v)
	}
	if v, ok := a.str("hooks"); ok {
		for _, kind := range strings.Split(v, ",") {
			cfg.Webhooks = append(cfg.Webhooks, gate.Webhook{Name: kind, Type: kind, URL: "http://hooks.test/" + kind, Timeout: time.Second})
		}
	}
	if a.words["metrics"] {
		cfg.Gates.Metrics = scenarioMetrics(cfg)
	}
	if _, ok := a.str("p99FailureLimit"); ok && cfg.Gates.Metrics != nil {
		for i, c := range cfg.Gates.Metrics.Checks {
			if c.Name == "p99-seconds" {
				cfg.Gates.Metrics.Checks[i].FailureLimit = a.int("p99FailureLimit")
			}
		}
	}
	cfg.PreviewDomain = a.kv["preview"]
	cfg.Drain.TrafficURL = a.kv["traffic"]
	if _, ok := a.str("threshold"); ok {
		cfg.Drain.Threshold = a.float("threshold")
	}
	if err := cfg.Validate(); err != nil {
		r.fatalf("invalid config: %v", err)
	}
	return cfg
}

// record is a scenario's record set R for name: absent, plain (a plain
// record at legacy) or id=weight,… over the scenario's endpoints.
func (r *replay) record(spec, name string) migrate.Seen {
	rs := dns.RecordSet{Name: dns.CanonicalName(name), Type: dns.TypeA, TTL: uint32(r.s.Config.TTL / time.Second)}
	switch spec {
	case "", "absent":
		return migrate.Seen{}
	case "plain":
		rs.Sets = []dns.WeightedSet{{ID: "default", Weight: 1, Values: []string{scenarioLegacy}}}
		return migrate.SeenSet(rs)
	}
	for _, part := range strings.Split(spec, ",") {
		id, w, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(w)
		if !ok || err != nil {
			r.fatalf("record %q: want id=weight,…", spec)
		}
		v := scenarioLegacy
		if id == migrate.ClusterSetID {
			v = scenarioCluster
		}
		rs.Sets = append(rs.Sets, dns.WeightedSet{ID: id, Weight: n, Values: []string{v}})
	}
	return migrate.SeenSet(rs)
}

func (r *replay) gate(rest []string) {
	if len(rest) == 0 || (rest[0] != string(migrate.Legacy) && rest[0] != string(migrate.Cluster)) {
		r.fatalf("gate: want legacy or cluster first")
	}
	a := r.args(rest[1:], "n", "ok", "p99", "hard")
	g := migrate.GateResult{Side: migrate.Side(rest[0]), N: a.int("n"), SuccessRatio: a.float("ok"), Hard: a.words["hard"]}
	if v, ok := a.str("p99"); ok {
		g.P99 = r.dur(v)
	}
	r.step(g)
}

func (r *replay) traffic(rest []string) {
	r.need(rest, 1)
	if e, ok := strings.CutPrefix(rest[0], "error="); ok {
		r.step(migrate.LegacyTraffic{Err: e})
		return
	}
	rate, err := strconv.ParseFloat(rest[0], 64)
	if err != nil {
		r.fatalf("traffic %q: not a number", rest[0])
	}
	r.step(migrate.LegacyTraffic{Rate: rate})
}

func (r *replay) answer(verb string, rest []string) {
	if len(r.s.Pending) == 0 {
		r.fatalf("no pending action to answer")
	}
	id := r.s.Pending[0].ID
	switch verb {
	case "done":
		a := r.args(rest, "mismatches", "detail")
		d := migrate.ActionDone{ID: id, Detail: a.kv["detail"]}
		if _, ok := a.str("mismatches"); ok {
			d.Mismatches = a.int("mismatches")
		}
		r.step(d)
	case "fail":
		a := r.args(rest, "terminal", "error")
		f := migrate.ActionFailed{ID: id, Err: a.kv["error"], Terminal: a.words["terminal"]}
		if f.Terminal {
			f.Fix = "check migration.dns.tokenFile"
		}
		r.step(f)
	case "conflict":
		a := r.args(rest, "found")
		found := r.record(a.kv["found"], r.s.Pending[0].Set.Name)
		r.step(migrate.ActionFailed{ID: id, Err: "precondition failed", Conflict: &found})
	}
}

func (r *replay) observe(rest []string) {
	if len(rest) == 0 || (rest[0] != "domain" && rest[0] != "preview") {
		r.fatalf("observe: want domain or preview first")
	}
	name := r.s.Config.Domain
	if rest[0] == "preview" {
		name = r.s.Config.PreviewDomain
	}
	a := r.args(rest[1:], "found")
	r.step(migrate.Observed{Name: name, Record: r.record(a.kv["found"], name), At: r.now})
}

package migrate_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
)

// TestScenarios replays every testdata/*.txt file against the pure engine.
//
// Each line is an input or an expectation:
//
//	config key=value...    start from NewState(Defaults(config)); keys: steps,
//	                       hold, ttl, promotion, onFailure, failures,
//	                       minRequests, preview, traffic, threshold
//	start | tick DUR | gate SIDE n=N ok=R p99=DUR [last=ok|fail] | traffic RATE
//	traffic error=TEXT     the traffic source could not be read
//	cmd promote|pause|resume|rollback|abort
//	done [mismatches=N] | fail [terminal] [error=TEXT]   answer the first
//	                       pending action; terminal: retrying cannot help
//	                       (Fix "check migration.dns.tokenFile")
//	restart [DUR]          state round-trips through JSON, then Restarted,
//	                       DUR (time spent stopped, no ticks) later
//	expect k=v...          state fields: stage step weights paused awaiting
//	                       pending parity gate.cluster alert reason~TEXT
//	                       alert~TEXT trafficError~TEXT
//	expect action KIND [WEIGHTS]   the next action emitted (logs skipped)
//	expect no-action       no unexamined action is left
//	expect log TEXT        a log line since the last input contains TEXT
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			r := &replay{t: t, now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			for i, line := range strings.Split(string(data), "\n") {
				line = strings.TrimSpace(line)
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				r.where = fmt.Sprintf("%s:%d: %s", f, i+1, line)
				r.line(strings.Fields(line))
			}
			if r.s.Config.Domain == "" {
				t.Fatal("scenario has no config line")
			}
		})
	}
}

type replay struct {
	t     *testing.T
	where string
	now   time.Time
	s     migrate.State
	queue []migrate.Action
	logs  []string
}

func (r *replay) fatalf(format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("%s\n\t%s", r.where, fmt.Sprintf(format, args...))
}

func (r *replay) step(in migrate.Input) {
	var acts []migrate.Action
	r.s, acts = migrate.Step(r.s, in)
	r.logs = nil
	for _, a := range acts {
		if a.Kind == migrate.Log {
			r.logs = append(r.logs, a.Message+" "+fmt.Sprint(a.Fields))
			continue
		}
		r.queue = append(r.queue, a)
	}
}

func (r *replay) line(f []string) {
	kv := pairs(f[1:])
	switch f[0] {
	case "config":
		r.s = migrate.NewState(r.config(kv))
	case "start":
		r.step(migrate.Start{Now: r.now})
	case "tick":
		r.now = r.now.Add(r.dur(f[1]))
		r.step(migrate.Tick{Now: r.now})
	case "gate":
		ratio, _ := strconv.ParseFloat(kv["ok"], 64)
		n, _ := strconv.Atoi(kv["n"])
		g := migrate.GateResult{Side: migrate.Side(f[1]), N: n, SuccessRatio: ratio, P99: r.dur(kv["p99"])}
		// The latest probe is bad when the window is, unless last= says.
		g.LastOK = ratio >= r.s.Config.Gates.SuccessRatio && g.P99 <= r.s.Config.Gates.P99Latency
		g.LastLatency = g.P99
		if last, ok := kv["last"]; ok {
			g.LastOK, g.LastLatency = last == "ok", 0
		}
		r.step(g)
	case "traffic":
		if e, ok := kv["error"]; ok {
			r.step(migrate.LegacyTraffic{Err: e})
			break
		}
		rate, _ := strconv.ParseFloat(f[1], 64)
		r.step(migrate.LegacyTraffic{Rate: rate})
	case "cmd":
		r.step(migrate.Command{Kind: migrate.CommandKind(f[1])})
	case "done", "fail":
		for _, w := range f[1:] {
			if w == "terminal" {
				kv["terminal"] = ""
			}
		}
		r.answer(f[0], kv)
	case "restart":
		if len(f) > 1 {
			r.now = r.now.Add(r.dur(f[1]))
		}
		r.restart()
	case "expect":
		r.expect(f[1:], kv)
	default:
		r.fatalf("unknown directive %q", f[0])
	}
}

func (r *replay) answer(verb string, kv map[string]string) {
	if len(r.s.Pending) == 0 {
		r.fatalf("no pending action to answer")
	}
	id := r.s.Pending[0].ID
	if verb == "fail" {
		f := migrate.ActionFailed{ID: id, Err: kv["error"]}
		if _, ok := kv["terminal"]; ok {
			f.Terminal, f.Fix = true, "check migration.dns.tokenFile"
		}
		r.step(f)
		return
	}
	n, _ := strconv.Atoi(kv["mismatches"])
	r.step(migrate.ActionDone{ID: id, Mismatches: n, Detail: kv["detail"]})
}

func (r *replay) restart() {
	data, err := json.Marshal(r.s)
	if err != nil {
		r.fatalf("marshal: %v", err)
	}
	var back migrate.State
	if err := json.Unmarshal(data, &back); err != nil {
		r.fatalf("unmarshal: %v", err)
	}
	if d := cmp.Diff(r.s, back); d != "" {
		r.fatalf("state changed through JSON (-before +after):\n%s", d)
	}
	r.s, r.queue = back, nil
	r.step(migrate.Restarted{Now: r.now})
}

func (r *replay) config(kv map[string]string) migrate.Config {
	cfg := migratetest.Config("api.example.test", "192.0.2.10", "198.51.100.20")
	cfg.TTL, cfg.Hold, cfg.Steps = 10*time.Second, 30*time.Second, []int{10, 50, 100}
	cfg.Gates.MinRequests, cfg.Gates.Failures, cfg.Gates.Interval = 3, 2, time.Second
	for k, v := range kv {
		switch k {
		case "steps":
			cfg.Steps = nil
			for _, s := range strings.Split(v, ",") {
				n, _ := strconv.Atoi(s)
				cfg.Steps = append(cfg.Steps, n)
			}
		case "hold":
			cfg.Hold = r.dur(v)
		case "ttl":
			cfg.TTL = r.dur(v)
		case "promotion":
			cfg.Promotion = migrate.Promotion(v)
		case "onFailure":
			cfg.OnFailure = migrate.OnFailure(v)
		case "failures":
			cfg.Gates.Failures, _ = strconv.Atoi(v)
		case "minRequests":
			cfg.Gates.MinRequests, _ = strconv.Atoi(v)
		case "preview":
			cfg.PreviewDomain = v
		case "traffic":
			cfg.Drain.TrafficURL = v
		case "threshold":
			cfg.Drain.Threshold, _ = strconv.ParseFloat(v, 64)
		default:
			r.fatalf("unknown config key %q", k)
		}
	}
	if err := cfg.Validate(); err != nil {
		r.fatalf("invalid config: %v", err)
	}
	return cfg
}

func (r *replay) dur(s string) time.Duration {
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		r.fatalf("bad duration %q: %v", s, err)
	}
	return d
}

func pairs(f []string) map[string]string {
	m := map[string]string{}
	for _, p := range f {
		if k, v, ok := strings.Cut(p, "="); ok {
			m[k] = v
		} else if k, v, ok := strings.Cut(p, "~"); ok {
			m[k+"~"] = v
		}
	}
	return m
}

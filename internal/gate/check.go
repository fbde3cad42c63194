package gate

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Op says which side of its threshold a check's value must stay on.
type Op string

// Threshold kinds: the value must be at least (Min) or at most (Max) the
// threshold.
const (
	Min Op = "min"
	Max Op = "max"
)

// Check is one metric gate on one side: a PromQL query that returns one
// number, and the threshold it must keep. Query is final (templates
// already rendered), so what is printed is what is sent.
type Check struct {
	Name      string  `json:"name"`
	Side      string  `json:"side"`
	Query     string  `json:"query"`
	Op        Op      `json:"op"`
	Threshold float64 `json:"threshold"`
	// Interval is how often the check is evaluated; FailureLimit how
	// many failing evaluations in a row make it act.
	Interval     time.Duration `json:"interval"`
	FailureLimit int           `json:"failureLimit"`
}

// Verdict is the outcome of one evaluation of a check.
type Verdict string

// Verdicts. Inconclusive (no data, NaN, an error) never passes.
const (
	Pass         Verdict = "pass"
	Fail         Verdict = "fail"
	Inconclusive Verdict = "inconclusive"
)

// Evidence is one evaluation of a check and everything behind its verdict,
// kept in the migration's state, timeline and status.
type Evidence struct {
	Check     string  `json:"check"`
	Side      string  `json:"side"`
	Query     string  `json:"query"`
	Op        Op      `json:"op"`
	Threshold float64 `json:"threshold"`
	// Value is absent when the query gave no number.
	Value   *float64  `json:"value,omitempty"`
	Verdict Verdict   `json:"verdict"`
	At      time.Time `json:"at"`
	Source  string    `json:"source"`
	// Error says why the evaluation is inconclusive.
	Error string `json:"error,omitempty"`
}

// Judge is the verdict on check c given a query's answer v (or err), made
// at at against source. It is pure.
func Judge(c Check, source string, at time.Time, v float64, err error) Evidence {
	e := Evidence{Check: c.Name, Side: c.Side, Query: c.Query, Op: c.Op, Threshold: c.Threshold, At: at, Source: source}
	switch {
	case err != nil:
		e.Verdict, e.Error = Inconclusive, err.Error()
	case math.IsNaN(v) || math.IsInf(v, 0):
		e.Verdict, e.Error = Inconclusive, fmt.Sprintf("the query returned %v (no traffic in its range?)", v)
	default:
		e.Value = &v
		e.Verdict = Pass
		if (c.Op == Min && v < c.Threshold) || (c.Op == Max && v > c.Threshold) {
			e.Verdict = Fail
		}
	}
	return e
}

// String is the evidence in one line: "cluster success-ratio = 0.9512
// (min 0.99) fail: <query> at 12:00:01 from <source>".
func (e Evidence) String() string {
	val := "no value"
	if e.Value != nil {
		val = strconv.FormatFloat(*e.Value, 'g', 4, 64)
	}
	s := fmt.Sprintf("%s %s = %s (%s %s) %s: %s at %s from %s", e.Side, e.Check, val, e.Op,
		strconv.FormatFloat(e.Threshold, 'g', 4, 64), e.Verdict, e.Query, e.At.UTC().Format("15:04:05"), e.Source)
	if e.Error != "" {
		s += " — " + e.Error
	}
	return s
}

// Combine is the verdict on a set of evaluations: fail if any failed,
// else inconclusive if any was (or there were none), else pass.
func Combine(es []Evidence) Verdict {
	v := Pass
	if len(es) == 0 {
		return Inconclusive
	}
	for _, e := range es {
		switch e.Verdict {
		case Fail:
			return Fail
		case Inconclusive:
			v = Inconclusive
		}
	}
	return v
}

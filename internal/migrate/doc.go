// Package migrate moves a domain's traffic from legacy servers to a cluster
// with weighted DNS, as a pure state machine and an executor around it.
//
// The engine is Step(state, input) → (state, actions), modelled on
// etcd-io/raft: it performs no I/O, never reads the clock and never sleeps.
// Time arrives as Tick inputs, probe measurements as GateResult inputs,
// operators' wishes as Command inputs, and the outcome of every action the
// engine asked for as ActionDone or ActionFailed. Everything the engine wants
// done in the world (a DNS change, a parity probe) leaves it as an Action
// value that is also recorded in State.Pending, so a caller that persists the
// state before acting can crash at any moment and, on restart, perform
// exactly the actions that were outstanding (every action is idempotent).
//
// Stages:
//
//	preview ─▶ shift(step 1..n, hold + gates) ─▶ cutover ─▶ drain ─▶ done
//	    └───────────────┴── rolling-back ─▶ rolled-back ◀──┘
//
// The Executor (executor.go) owns the I/O: it persists the state through a
// Store before each action, performs actions against a dns.Provider, runs
// the probes, feeds ticks and results back, and logs every decision with the
// numbers that caused it. A change the provider refuses in a way retrying
// cannot fix (dns.ErrTerminal) is not retried: the engine sets State.Alert
// and waits for the operator's Resume, and Run returns ErrNeedsOperator.
package migrate

package deploy

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/deploy"
)

// progress shows a deploy as it happens on stderr: plain lines when
// stderr is a file or pipe; on a terminal, one line per Deployment,
// redrawn in place as its rollout moves.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	live     bool
	applied  int
	order    []string
	rollouts map[string]deploy.Rollout
	drawn    int // lines of the live block currently on screen
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, live: clio.IsTerminal(w), rollouts: map[string]deploy.Rollout{}}
}

// observe is called from several goroutines.
func (p *progress) observe(ev deploy.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev.Kind {
	case deploy.EventApplied:
		p.applied++
		if !p.live {
			fmt.Fprintf(p.w, "applied %s\n", ev.Ref)
		} else {
			p.redraw()
		}
	case deploy.EventPruned:
		p.line(fmt.Sprintf("pruned %s (no longer in the file)", ev.Ref))
	case deploy.EventRetry:
		p.line(fmt.Sprintf("transient error, retrying: %v", ev.Err))
	case deploy.EventRollback:
		p.line(fmt.Sprintf("rolling back to revision %d", ev.Revision))
	case deploy.EventRollout:
		p.rollout(ev.Rollout)
	}
}

func (p *progress) rollout(r deploy.Rollout) {
	key := r.Namespace + "/" + r.Name
	if _, ok := p.rollouts[key]; !ok {
		p.order = append(p.order, key)
	}
	p.rollouts[key] = r
	if !p.live {
		fmt.Fprintln(p.w, rolloutLine(r))
		return
	}
	p.redraw()
}

// line prints one message; on a terminal, above the live block.
func (p *progress) line(s string) {
	if !p.live {
		fmt.Fprintln(p.w, s)
		return
	}
	p.erase()
	fmt.Fprintln(p.w, s)
	p.redraw()
}

func (p *progress) erase() {
	for range p.drawn {
		fmt.Fprint(p.w, "\x1b[1A\x1b[2K")
	}
	p.drawn = 0
}

func (p *progress) redraw() {
	p.erase()
	if p.applied > 0 {
		fmt.Fprintf(p.w, "applied %d objects\n", p.applied)
		p.drawn++
	}
	for _, key := range p.order {
		fmt.Fprintln(p.w, colour(p.rollouts[key]))
		p.drawn++
	}
}

// close leaves the last state on screen; later lines go below it.
func (p *progress) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drawn = 0
}

func rolloutLine(r deploy.Rollout) string {
	state := "rolling out"
	switch {
	case r.Done:
		state = "available"
	case r.Failed:
		state = "FAILED: " + r.Reason
	}
	s := fmt.Sprintf("rollout %s/%s: %d/%d updated, %d ready, %d available, %s",
		r.Namespace, r.Name, r.Updated, r.Desired, r.Ready, r.Available, state)
	if !r.Done && !r.Failed && len(r.Pods) > 0 {
		var why []string
		for _, pp := range r.Pods {
			why = append(why, pp.Pod+" "+pp.Reason)
		}
		s += " (" + strings.Join(why[:min(3, len(why))], ", ") + ")"
	}
	return s
}

func colour(r deploy.Rollout) string {
	code := "33" // yellow: in progress
	switch {
	case r.Done:
		code = "32"
	case r.Failed:
		code = "31"
	}
	return "\x1b[" + code + "m" + rolloutLine(r) + "\x1b[0m"
}

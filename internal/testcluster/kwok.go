package testcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// kwok drives one cluster through kwokctl's binary runtime: the control
// plane runs as local processes whose pid files, logs and certificates sit
// in workdir (KWOK_WORKDIR), never in ~/.kwok.
type kwok struct {
	tools   tools
	workdir string
	name    string
}

// clusterDir is where kwokctl keeps this cluster's files.
func (k kwok) clusterDir() string { return filepath.Join(k.workdir, "clusters", k.name) }

// kubeconfig is the admin kubeconfig kwokctl writes for the cluster.
func (k kwok) kubeconfig() string { return filepath.Join(k.clusterDir(), "kubeconfig.yaml") }

func (k kwok) run(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, k.tools.path("kwokctl"), append(args, "--name", k.name)...)
	cmd.Env = append(os.Environ(),
		"KWOK_WORKDIR="+k.workdir,
		// kwokctl checks the apiserver with kubectl; never download one.
		"KWOK_KUBECTL_BINARY="+k.tools.path("kubectl"),
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// The control plane is forked with its output in log files; this only
	// guards against a child holding our pipe open.
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("running kwokctl %s: %w\n%s", strings.Join(args, " "), err, tail(out.String(), 4000))
	}
	return nil
}

// create starts the cluster and waits until the apiserver serves.
func (k kwok) create(ctx context.Context) error {
	if err := writeConfig(k.workdir); err != nil {
		return err
	}
	return k.run(ctx, "create", "cluster",
		"--runtime", "binary",
		"--etcd-binary", k.tools.path("etcd"),
		"--kube-apiserver-binary", k.tools.path("kube-apiserver"),
		"--kube-controller-manager-binary", k.tools.path("kube-controller-manager"),
		"--kube-scheduler-binary", k.tools.path("kube-scheduler"),
		"--kwok-controller-binary", k.tools.path("kwok"),
		"--kubeconfig", filepath.Join(k.workdir, "kubeconfig"),
		"--quiet-pull",
		"--wait", "2m",
	)
}

// remove stops every component and deletes the cluster's files.
func (k kwok) remove(ctx context.Context) error {
	return k.run(ctx, "delete", "cluster", "--kubeconfig", filepath.Join(k.workdir, "kubeconfig"))
}

// restartAPIServer stops kube-apiserver with SIGTERM, waits until it has
// exited, then lets kwokctl start what is not running, which is only the
// apiserver, and wait until it serves again.
func (k kwok) restartAPIServer(ctx context.Context) error {
	if err := k.stopComponent(ctx, "kube-apiserver"); err != nil {
		return err
	}
	return k.run(ctx, "start", "cluster")
}

// stopGrace is how long a component may take to exit after SIGTERM before
// it is killed. kube-apiserver stops listening at once but then waits up to
// 60 s for open watches to end, which a restart does not need to sit through.
const stopGrace = 5 * time.Second

// stopComponent ends one control-plane process and removes its pid file,
// so that kwokctl sees it stopped even when nobody reaps the exited process.
func (k kwok) stopComponent(ctx context.Context, name string) error {
	pidFile := filepath.Join(k.clusterDir(), "pids", name+".pid")
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		return fmt.Errorf("stopping %s: %w", name, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		return fmt.Errorf("stopping %s: reading %s: %w", name, pidFile, err)
	}
	if err := terminate(ctx, pid); err != nil {
		return fmt.Errorf("stopping %s (pid %d): %w", name, pid, err)
	}
	if err := os.Remove(pidFile); err != nil {
		return fmt.Errorf("stopping %s: %w", name, err)
	}
	return nil
}

// terminate sends SIGTERM, then SIGKILL once stopGrace has passed, and
// returns when the process has exited.
func terminate(ctx context.Context, pid int) error {
	if err := signal(pid, syscall.SIGTERM); err != nil {
		return err
	}
	graceCtx, cancel := context.WithTimeout(ctx, stopGrace)
	defer cancel()
	if waitExited(graceCtx, pid) == nil {
		return nil
	}
	if err := signal(pid, syscall.SIGKILL); err != nil {
		return err
	}
	return waitExited(ctx, pid)
}

// signal sends sig to pid; a process already gone is not an error. It goes
// through os.Process rather than syscall.Kill so that the package (which
// only runs where kwokctl does) still compiles for every GOOS.
func signal(pid int, sig os.Signal) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	defer func() { _ = p.Release() }()
	if err := p.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}

// waitExited waits until pid is gone or a zombie; the context bounds it.
func waitExited(ctx context.Context, pid int) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil || processState(string(stat)) == "Z" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the process to exit: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// processState reads the state field of /proc/PID/stat, which follows the
// parenthesised command name.
func processState(stat string) string {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 || i+3 > len(stat) {
		return ""
	}
	return stat[i+2 : i+3]
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// logTail returns the end of a component's log, for error messages.
func (k kwok) logTail(name string) string {
	raw, err := os.ReadFile(filepath.Join(k.clusterDir(), "logs", name+".log"))
	if err != nil {
		return err.Error()
	}
	return tail(string(raw), 2000)
}

// workdirPrefix names the temporary working directories of test clusters.
const workdirPrefix = "ferry-testcluster-"

// destroy deletes the cluster and its working directory.
func (k kwok) destroy(ctx context.Context) error {
	err := k.remove(ctx)
	return errors.Join(err, os.RemoveAll(k.workdir))
}

// reapStale removes test clusters left behind by test processes that died
// without cleaning up (killed by a timeout or a signal). It is best effort:
// a cluster it cannot remove costs memory, not correctness.
func reapStale(ctx context.Context, t tools) {
	dirs, err := filepath.Glob(filepath.Join(os.TempDir(), workdirPrefix+"*"))
	if err != nil {
		return
	}
	for _, dir := range dirs {
		raw, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
		if err != nil || alive(pid) {
			continue
		}
		k := kwok{tools: t, workdir: dir, name: clusterName}
		if err := k.destroy(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "testcluster: removing a stale cluster in %s: %v\n", dir, err)
		}
	}
}

// alive reports whether pid is a running (not exited) process.
func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	return err == nil && processState(string(stat)) != "Z"
}

// clusterName is the kwokctl name of every test cluster; each has its own
// working directory, so the names never meet.
const clusterName = "ferry-test"

package r53test

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Credentials the tests sign with. moto accepts any; Secret is what
// no-secret-in-output tests grep for.
const (
	AccessKeyID = "AKIAFERRYTEST0000001"
	Secret      = "ferry-test-secret-Zq8w3Xr5Tn2Vb7Lm"
)

// strictMoto starts moto_server with Route 53's batch checks (see the
// file's doc string): moto 5 is lenient where ferry's precondition lives.
//
//go:embed strict_moto.py
var strictMoto []byte

// Moto is one running moto_server.
type Moto struct {
	// URL is its endpoint ("http://127.0.0.1:PORT").
	URL    string
	cmd    *exec.Cmd
	dir    string
	exited chan struct{}
}

// Missing returns an error naming each of moto_server and aws that is not
// on PATH, and how to install it.
func Missing() error {
	var errs []error
	for _, bin := range []string{"moto_server", "python3", "aws"} {
		if _, err := exec.LookPath(bin); err != nil {
			errs = append(errs, fmt.Errorf("%s is not on PATH: the Route 53 tests need it (pip install 'moto[server]' awscli; see hack/deps/route53.sh)", bin))
		}
	}
	return errors.Join(errs...)
}

// Start starts moto_server on a free loopback port, with its log in dir,
// and waits until it answers.
func Start(ctx context.Context, dir string) (*Moto, error) {
	if err := Missing(); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(dir, "moto.log"))
	if err != nil {
		return nil, fmt.Errorf("starting moto_server: %w", err)
	}
	defer func() { _ = log.Close() }() // moto_server holds its own descriptor
	script := filepath.Join(dir, "strict_moto.py")
	if err := os.WriteFile(script, strictMoto, 0o600); err != nil {
		return nil, fmt.Errorf("starting moto_server: %w", err)
	}
	cmd := exec.Command("python3", script, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = log, log
	ownGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting moto_server: %w", err)
	}
	m := &Moto{URL: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, dir: dir, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(m.exited) }()
	if err := m.waitReady(ctx); err != nil {
		m.Stop()
		return nil, err
	}
	return m, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (m *Moto) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.URL+"/moto-api/data.json", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-m.exited:
			log, _ := os.ReadFile(filepath.Join(m.dir, "moto.log"))
			return fmt.Errorf("moto_server (python3 with moto) exited at start: %s", bytes.TrimSpace(log))
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("moto_server did not answer on %s within 30s (log: %s)", m.URL, filepath.Join(m.dir, "moto.log"))
}

// Stop kills moto_server and its children.
func (m *Moto) Stop() {
	if m.cmd.Process != nil {
		killGroup(m.cmd)
		<-m.exited
	}
}

// Env is the environment a foreign client or ferry itself runs with: the
// test credentials, a region, and no shared config of the machine's. The
// endpoint is given to each client explicitly.
func Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + Secret,
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// AWS runs the AWS CLI against endpoint with args and returns its stdout
// decoded into out (when not nil). Its errors carry the CLI's stderr.
func AWS(ctx context.Context, endpoint string, out any, args ...string) error {
	cmd := exec.CommandContext(ctx, "aws", append([]string{"--endpoint-url", endpoint, "--output", "json"}, args...)...)
	cmd.Env = append(os.Environ(), Env()...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("aws %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	if out == nil || stdout.Len() == 0 {
		return nil
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		return fmt.Errorf("aws %s: decoding %q: %w", strings.Join(args, " "), stdout.String(), err)
	}
	return nil
}

// CreateZone creates a public hosted zone with the AWS CLI and returns its
// id without "/hostedzone/".
func CreateZone(ctx context.Context, endpoint, name string) (string, error) {
	var out struct {
		HostedZone struct {
			ID string `json:"Id"`
		}
	}
	ref := fmt.Sprintf("ferry-%d", time.Now().UnixNano())
	if err := AWS(ctx, endpoint, &out, "route53", "create-hosted-zone", "--name", name, "--caller-reference", ref); err != nil {
		return "", err
	}
	return strings.TrimPrefix(out.HostedZone.ID, "/hostedzone/"), nil
}

// ChangeBatch sends batch (the --change-batch JSON) with the AWS CLI.
func ChangeBatch(ctx context.Context, endpoint, zoneID, batch string) error {
	return AWS(ctx, endpoint, nil, "route53", "change-resource-record-sets", "--hosted-zone-id", zoneID, "--change-batch", batch)
}

// RecordSet is a resource record set as the AWS CLI prints it.
type RecordSet struct {
	Name            string
	Type            string
	SetIdentifier   string `json:",omitempty"`
	Weight          *int64 `json:",omitempty"`
	TTL             int64
	ResourceRecords []struct{ Value string }
}

// List returns the record sets of name and type in the zone, as the AWS
// CLI lists them.
func List(ctx context.Context, endpoint, zoneID, name, rrtype string) ([]RecordSet, error) {
	var out struct{ ResourceRecordSets []RecordSet }
	if err := AWS(ctx, endpoint, &out, "route53", "list-resource-record-sets", "--hosted-zone-id", zoneID); err != nil {
		return nil, err
	}
	var sets []RecordSet
	want := strings.TrimSuffix(strings.ToLower(name), ".") + "."
	for _, r := range out.ResourceRecordSets {
		if strings.ToLower(r.Name) == want && r.Type == rrtype {
			sets = append(sets, r)
		}
	}
	return sets, nil
}

// Weights are the record sets of name and type in the zone as the AWS
// CLI lists them: set id → weight, -1 for a plain record (id "").
func Weights(ctx context.Context, endpoint, zoneID, name, rrtype string) (map[string]int64, error) {
	sets, err := List(ctx, endpoint, zoneID, name, rrtype)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, s := range sets {
		w := int64(-1)
		if s.Weight != nil {
			w = *s.Weight
		}
		out[s.SetIdentifier] = w
	}
	return out, nil
}

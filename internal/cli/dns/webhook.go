package dns

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/dns/webhook"
)

// webhookFlags are "ferry dns webhook"'s flags.
type webhookFlags struct {
	clientFlags
	listen   string
	zones    []string
	ttl      uint32
	insecure bool
}

func newWebhookCommand(streams clio.Streams) *cobra.Command {
	var f webhookFlags
	cmd := &cobra.Command{
		Use:   "webhook --zone ZONE... [--listen ADDR]",
		Short: "Serve external-dns's webhook provider protocol over ferry's DNS server",
		Long: `webhook lets an external-dns started with --provider=webhook publish its
records into ferry's DNS server: it answers external-dns's webhook protocol
(GET /, GET and POST /records, POST /adjustendpoints) and makes every change
through the server's admin API, one conditional write per record set, so it
can never overwrite a change a ferry migration made meanwhile.

Run it beside external-dns (a sidecar, --webhook-provider-url pointing at
it). external-dns's webhook protocol has no authentication: --listen must be
a loopback address unless --insecure-listen says otherwise.`,
		Example: `  ferry dns webhook --zone example.test --server http://127.0.0.1:8053 --token-file dns.token
  external-dns --source=ingress --provider=webhook --webhook-provider-url=http://127.0.0.1:8888 \
      --registry=txt --txt-owner-id=shop-cluster --domain-filter=example.test`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runWebhook(cmd.Context(), streams, f) },
	}
	f.add(cmd.Flags(), streams)
	cmd.Flags().StringVar(&f.listen, "listen", "127.0.0.1:8888", "address to serve the webhook protocol on (external-dns's default provider URL)")
	cmd.Flags().StringArrayVar(&f.zones, "zone", nil, "a zone external-dns may publish into (repeatable; its domain filter)")
	cmd.Flags().Uint32Var(&f.ttl, "ttl", 300, "TTL of a record external-dns creates without one, in seconds")
	cmd.Flags().BoolVar(&f.insecure, "insecure-listen", false, "allow a --listen address that is not loopback (the protocol has no authentication)")
	return cmd
}

func (f webhookFlags) check() error {
	var errs []error
	if len(f.zones) == 0 {
		errs = append(errs, errors.New("--zone: at least one zone external-dns may publish into"))
	}
	if f.ttl < 1 {
		errs = append(errs, errors.New("--ttl: must be at least 1"))
	}
	host, _, err := net.SplitHostPort(f.listen)
	ip := net.ParseIP(host)
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("--listen %q: want HOST:PORT", f.listen))
	case !f.insecure && (ip == nil || !ip.IsLoopback()) && host != "localhost":
		errs = append(errs, fmt.Errorf("--listen %q is not a loopback address; external-dns's webhook protocol has no authentication (keep it on loopback or a pod-local address, or pass --insecure-listen)", f.listen))
	}
	return errors.Join(errs...)
}

func runWebhook(ctx context.Context, streams clio.Streams, f webhookFlags) error {
	if err := f.check(); err != nil {
		return clio.Usage(err)
	}
	c, err := f.client()
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", f.listen)
	if err != nil {
		return clio.Failed(fmt.Errorf("listening on %s: %w", f.listen, err))
	}
	log := slog.New(slog.NewTextHandler(streams.ErrOut, nil))
	srv := &http.Server{Handler: webhook.New(c, f.zones, f.ttl, log), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	fmt.Fprintf(streams.ErrOut, "serving external-dns's webhook protocol on http://%s for %v, writing through %s\n", l.Addr(), f.zones, f.server)
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return clio.Failed(err)
	}
	return nil
}

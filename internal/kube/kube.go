package kube

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
)

// Flags are the kubeconfig settings every cluster command accepts.
type Flags struct {
	// Kubeconfig is one file; empty means $KUBECONFIG, then ~/.kube/config.
	Kubeconfig string
	// Context overrides the kubeconfig's current-context.
	Context string
	// Namespace overrides the context's namespace.
	Namespace string
	// Timeout bounds every request to the API server; zero means none. It
	// is set by the command (e.g. from its --timeout), not a flag of its own.
	Timeout time.Duration
}

// Add registers --kubeconfig, --context and -n/--namespace on fs.
func (f *Flags) Add(fs *pflag.FlagSet) {
	f.AddCluster(fs)
	fs.StringVarP(&f.Namespace, "namespace", "n", "", "namespace ferry keeps its records in (default: the context's, else default)")
}

// AddCluster registers --kubeconfig and --context only, for commands that
// look at a whole cluster rather than one namespace.
func (f *Flags) AddCluster(fs *pflag.FlagSet) {
	fs.StringVar(&f.Kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
	fs.StringVar(&f.Context, "context", "", "kubeconfig context to use (default: its current-context)")
}

// Client is a connection to one cluster.
type Client struct {
	Config  *rest.Config
	Typed   kubernetes.Interface
	Dynamic dynamic.Interface
	// Metadata reads and writes objects' metadata alone: a request whose
	// answer is read only for its metadata need not decode the rest.
	Metadata metadata.Interface
	// Mapper maps kinds to resources, discovering lazily and caching.
	Mapper meta.RESTMapper
	// Namespace is -n, else the context's namespace, else "default".
	Namespace string
	// Context names the kubeconfig context in use: --context, else the
	// current-context.
	Context string
	// User names who acts: the kubeconfig user and the local login.
	User string
}

// Connect loads the kubeconfig as kubectl would and opens clients. It sends
// nothing to the cluster; discovery happens on first use of Mapper.
func (f Flags) Connect() (*Client, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = f.Kubeconfig
	overrides := &clientcmd.ConfigOverrides{CurrentContext: f.Context}
	overrides.Context.Namespace = f.Namespace
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	cfg, err := cc.ClientConfig()
	if clientcmd.IsEmptyConfig(err) {
		err = errors.New("no kubeconfig found: pass --kubeconfig or set KUBECONFIG")
	}
	if err != nil {
		return nil, fmt.Errorf("loading the kubeconfig: %w", err)
	}
	ns, _, err := cc.Namespace()
	if err != nil {
		return nil, fmt.Errorf("loading the kubeconfig: %w", err)
	}
	// A deploy sends hundreds of small requests; client-go's default of 5
	// per second would make ferry measure its own rate limiter.
	cfg.QPS, cfg.Burst = 200, 400
	cfg.Timeout = f.Timeout
	context, kubeUser := f.Context, ""
	if raw, err := cc.RawConfig(); err == nil {
		context = cmp.Or(context, raw.CurrentContext)
		if kc, ok := raw.Contexts[context]; ok {
			kubeUser = kc.AuthInfo
		}
	}
	c := &Client{Config: cfg, Namespace: ns, Context: context, User: user(os.Getenv("USER"), kubeUser)}
	if err := c.open(); err != nil {
		return nil, err
	}
	return c, nil
}

// ForConfig opens clients for an already loaded configuration.
func ForConfig(cfg *rest.Config, namespace, who string) (*Client, error) {
	c := &Client{Config: cfg, Namespace: namespace, User: who}
	if err := c.open(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Client) open() error {
	var err error
	if c.Typed, err = kubernetes.NewForConfig(c.Config); err != nil {
		return fmt.Errorf("creating a client: %w", err)
	}
	if c.Dynamic, err = dynamic.NewForConfig(c.Config); err != nil {
		return fmt.Errorf("creating a dynamic client: %w", err)
	}
	if c.Metadata, err = metadata.NewForConfig(c.Config); err != nil {
		return fmt.Errorf("creating a metadata client: %w", err)
	}
	disc, err := discovery.NewDiscoveryClientForConfig(c.Config)
	if err != nil {
		return fmt.Errorf("creating a discovery client: %w", err)
	}
	c.Mapper = restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc))
	if c.Namespace == "" {
		c.Namespace = "default"
	}
	return nil
}

// user is "login (kubeconfig user)", whichever parts are known.
func user(login, kubeUser string) string {
	switch {
	case login == "":
		return kubeUser
	case kubeUser == "":
		return login
	}
	return login + " (" + kubeUser + ")"
}

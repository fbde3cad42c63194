package controller

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/controller/crds"
	"ferry.dev/ferry/internal/controller/install"
	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/kube/objclient"
)

type installOptions struct {
	kube     kube.Flags
	image    string
	replicas int
	memory   string
	dryRun   bool
}

func (o *installOptions) add(cmd *cobra.Command, withImage bool) {
	f := cmd.Flags()
	f.StringVar(&o.kube.Kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
	f.StringVar(&o.kube.Context, "context", "", "kubeconfig context to use (default: its current-context)")
	f.StringVarP(&o.kube.Namespace, "namespace", "n", "ferry-system", "namespace of the controller")
	f.BoolVar(&o.dryRun, "dry-run", false, "print what would be applied or deleted; change nothing")
	if withImage {
		f.StringVar(&o.image, "image", "", "image whose entrypoint is ferry (required; building it is not ferry's job)")
		f.IntVar(&o.replicas, "replicas", 2, "controller replicas (one leads; the others wait to take over)")
		f.StringVar(&o.memory, "memory", install.DefaultMemory, "the controller's memory request and limit (GOMEMLIMIT is nine tenths of it); the default holds ~1000 ServiceFiles of 5 services")
	}
}

func newInstallCommand(streams clio.Streams) *cobra.Command {
	o := &installOptions{}
	cmd := &cobra.Command{
		Use:   "install",
		Short: "Apply the CRDs, a namespace, RBAC and the controller's Deployment (--dry-run prints them)",
		Example: "  ferry controller install --image registry.example.com/ferry:v0.3.0\n" +
			"  ferry controller install --image registry.example.com/ferry:v0.3.0 --dry-run > ferry-controller.yaml",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.install(cmd.Context(), streams) },
	}
	o.add(cmd, true)
	return cmd
}

func newUninstallCommand(streams clio.Streams) *cobra.Command {
	o := &installOptions{}
	cmd := &cobra.Command{
		Use:   "uninstall",
		Short: "Remove the controller; keep the CRDs, the ServiceFiles and Migrations, and what they deployed",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return o.uninstall(cmd.Context(), streams) },
	}
	o.add(cmd, false)
	o.replicas = 2 // the same objects install made (a PodDisruptionBudget with it)
	return cmd
}

func (o *installOptions) manifests() ([]*unstructured.Unstructured, error) {
	image := o.image
	if image == "" {
		image = "ferry.dev/unused:0" // uninstall only needs the names
	}
	objs, err := install.Manifests(install.Options{Namespace: o.kube.Namespace, Image: image, Replicas: o.replicas, Memory: o.memory})
	if err != nil {
		return nil, clio.Usage(err)
	}
	return objs, nil
}

func (o *installOptions) install(ctx context.Context, streams clio.Streams) error {
	if o.image == "" {
		return clio.Usage(fmt.Errorf("--image is required: the image whose entrypoint is ferry"))
	}
	objs, err := o.manifests()
	if err != nil {
		return err
	}
	if o.dryRun {
		return printYAML(streams, objs)
	}
	c, err := o.client()
	if err != nil {
		return err
	}
	if err := install.Apply(ctx, c, objs); err != nil {
		return clio.Failed(err)
	}
	fmt.Fprintf(streams.ErrOut, "applied %d objects; the controller runs in namespace %s\n", len(objs), o.kube.Namespace)
	return nil
}

func (o *installOptions) uninstall(ctx context.Context, streams clio.Streams) error {
	objs, err := o.manifests()
	if err != nil {
		return err
	}
	var c objclient.Client
	if !o.dryRun {
		if c, err = o.client(); err != nil {
			return err
		}
	}
	gone, err := install.Uninstall(ctx, c, objs, o.dryRun)
	if err != nil {
		return clio.Failed(err)
	}
	verb := "deleted"
	if o.dryRun {
		verb = "would delete"
	}
	for _, u := range gone {
		fmt.Fprintf(streams.Out, "%s %s %s\n", verb, u.GetKind(), u.GetName())
	}
	fmt.Fprintln(streams.ErrOut, "kept: the CRDs, every ServiceFile and Migration, what they deployed, and the namespace")
	return nil
}

func (o *installOptions) client() (objclient.Client, error) {
	kc, err := o.kube.Connect()
	if err != nil {
		return nil, clio.Usage(err)
	}
	c, err := crds.Client(kc)
	if err != nil {
		return nil, clio.Failed(err)
	}
	return c, nil
}

func printYAML(streams clio.Streams, objs []*unstructured.Unstructured) error {
	for _, u := range objs {
		data, err := yaml.Marshal(u.Object)
		if err != nil {
			return clio.Failed(err)
		}
		if _, err := fmt.Fprintf(streams.Out, "---\n%s", data); err != nil {
			return err
		}
	}
	return nil
}

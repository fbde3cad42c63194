// Command rendergen writes the inputs of the render benchmark: a ferry file
// with N services and the values for an equivalent Helm chart
// (hack/bench/chart), so "ferry render" and "helm template" produce the same
// objects for the same services.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	n := flag.Int("n", 1000, "number of services")
	dir := flag.String("dir", ".", "where to write ferry.yaml and values.yaml")
	flag.Parse()
	if err := run(*n, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "rendergen:", err)
		os.Exit(1)
	}
}

func run(n int, dir string) error {
	if err := write(filepath.Join(dir, "ferry.yaml"), func(w *bufio.Writer) { ferryFile(w, n) }); err != nil {
		return err
	}
	return write(filepath.Join(dir, "values.yaml"), func(w *bufio.Writer) { helmValues(w, n) })
}

func write(path string, fill func(*bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fill(w)
	return errors.Join(w.Flush(), f.Close())
}

func ferryFile(w *bufio.Writer, n int) {
	fmt.Fprint(w, "apiVersion: ferry.dev/v1alpha1\nkind: Services\ndefaults:\n  namespace: bench\n  ingressClass: nginx\n  issuer: letsencrypt\n  registrySecret: regcred\n  dnsTTL: 60s\nservices:\n")
	for i := range n {
		fmt.Fprintf(w, "  svc-%d:\n    image: registry.example.com/bench/svc-%d:1.0.%d\n    port: 8080\n    domain: svc-%d.example.com\n    health: /healthz\n    replicas: 3\n    cpu: 250m\n    memory: 256Mi\n    secrets: [svc-%d-env]\n", i, i, i, i, i)
	}
}

func helmValues(w *bufio.Writer, n int) {
	fmt.Fprint(w, "namespace: bench\ningressClass: nginx\nissuer: letsencrypt\nregistrySecret: regcred\ndnsTTL: 60\nservices:\n")
	for i := range n {
		fmt.Fprintf(w, "  - name: svc-%d\n    image: registry.example.com/bench/svc-%d:1.0.%d\n    version: 1.0.%d\n    port: 8080\n    domain: svc-%d.example.com\n    health: /healthz\n    replicas: 3\n    cpu: 250m\n    memory: 256Mi\n    secret: svc-%d-env\n", i, i, i, i, i, i)
	}
}

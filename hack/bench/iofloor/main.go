// Command iofloor is the I/O floor of the render benchmark: it reads the
// service file and writes the bytes "ferry render" would print for it (read
// from a file prepared beforehand) with nothing in between, so its time is
// a Go process starting, reading and writing the same bytes.
//
//	iofloor -f ferry.yaml -out rendered.yaml > /dev/null
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	in := flag.String("f", "ferry.yaml", "the service file, read and dropped")
	out := flag.String("out", "", "the bytes to write to stdout")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "iofloor:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	if _, err := os.ReadFile(in); err != nil {
		return err
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(data)
	return err
}

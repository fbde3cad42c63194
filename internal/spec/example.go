package spec

import _ "embed"

//go:embed example.yaml
var example []byte

// Example returns the commented ferry.yaml that "ferry init" writes. It
// loads and renders as is (a test keeps it so).
func Example() []byte { return append([]byte(nil), example...) }

package spec

import _ "embed"

// Example is the commented ferry.yaml that "ferry init" writes. It loads and
// renders as is (a test keeps it so).
//
//go:embed example.yaml
var Example []byte

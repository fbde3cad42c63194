// Package demo implements "ferry demo": the whole migration on loopback
// with nothing but the binary (see internal/demo for what runs).
package demo

// Package render implements "ferry render": print the Kubernetes objects a
// service file means, applying nothing.
package render

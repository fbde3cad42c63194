// Package version implements "ferry version".
package version

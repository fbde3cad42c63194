// Package initcmd implements "ferry init": write a commented example
// service file that renders as is.
package initcmd

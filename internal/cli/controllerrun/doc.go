// Package controllerrun is the ferry-controller binary's command: the
// controller run until interrupted, with its leader election, health,
// metrics and reconciler settings. "ferry controller run" executes that
// binary, so the ferry binary links none of controller-runtime or
// Prometheus, whose package initialisation every ferry start would pay.
package controllerrun

// Package controller runs ferry's reconcilers (ServiceFile and Migration)
// under one controller-runtime manager with leader election: the pieces
// "ferry controller run" starts. The reconcilers themselves live in
// controller/migration and controller/release.
package controller

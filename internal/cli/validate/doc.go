// Package validate implements "ferry validate": load the service file
// strictly and report every problem at once.
package validate

// Package clusterflag is the in-cluster mode every command that can hand
// its work to ferry's controller shares: the --in-cluster and
// --controller-timeout flags, the choice between the flag and the file's
// runIn, the client for ferry's objects, and what to say when no
// controller acts.
package clusterflag

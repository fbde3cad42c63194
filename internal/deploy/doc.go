// Package deploy ships rendered objects to a cluster and keeps their
// history: server-side apply with the field manager "ferry", pruning of what
// left the file (tracked by an inventory per release), watching every
// Deployment until its new ReplicaSet is Available, explaining failed
// rollouts by their pods and events, and recording each successful deploy
// as an immutable revision that rollback can apply again.
//
// A release is one file deployed under one name into one records
// namespace. Its records are:
//
//   - the inventory, ConfigMap ferry.<release>: every object ferry may own
//     for the release, widened before anything is applied and narrowed after
//     pruning, so a crash never loses track of an object;
//   - revisions, immutable Secrets ferry.<release>.v<N>: the file's bytes
//     (gzip), the objects, when, by whom and which ferry; each is one create
//     after a successful rollout, so a revision is whole or absent.
//
// Decisions (what to prune, whether a rollout is done or failed, what
// changed) are pure functions apart from the I/O that feeds them.
package deploy

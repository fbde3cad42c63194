// Package release reconciles ServiceFile objects (ferry.dev/v1alpha1) with
// the engine of "ferry deploy" (internal/deploy): render, server-side
// apply, inventory prune, revision history. The release is the object's
// name, its records live in the object's namespace, and services without
// a namespace of their own go there too.
//
// Reconcile's contract:
//   - a file the settings model refuses: Valid=False, Sync OutOfSync with
//     the problem; terminal until the spec changes (no requeue);
//   - a new generation (or nothing applied yet; or, when due, an apply
//     that failed other than by drift): deploy it, without waiting for
//     rollouts; Synced with the revision;
//   - otherwise, when a drift check is due (an object ferry renders changed
//     other than in its status, or the last check is older than the
//     resync interval), compare the file with what the controller keeps
//     of its objects (projection.go): every object as ferry last applied
//     it (deploy.InPlace) is in sync, with no request sent. Only what differs is checked with a server-side dry
//     run: an owned field another manager changed shows as a conflict
//     naming that manager, or a difference naming the object. With
//     spec.selfHeal the file is applied again over it (forcing ownership
//     back); without, OutOfSync;
//   - a Deployment's status change reconciles for health only;
//   - health from the Deployments' rollouts (deploy.Evaluate): Healthy,
//     Progressing (with the pod that is not ready and why), Degraded (a
//     rollout that cannot succeed: the pod and reason);
//   - errors from the API server are returned (retried with backoff);
//     Progressing requeues soon, everything else at the resync interval.
package release

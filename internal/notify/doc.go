// Package notify tells people and systems what ferry did: every stage
// change, step, alert, pause, rollback and end of a migration, and every
// deploy's success or failure, with the numbers behind each decision.
//
// A Notifier delivers Events to Slack-compatible incoming webhooks and to
// generic JSON webhooks. Send never blocks: each target has its own queue,
// drained in order by a background goroutine that retries failed
// deliveries with backoff. A receiver that is down or slow delays nothing
// but its own notifications, and a full queue drops (and counts) the
// newest instead of waiting.
package notify

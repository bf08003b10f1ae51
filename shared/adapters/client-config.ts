/**
 * Retry behaviour of the DynamoDB, SQS and EventBridge Scheduler clients: the SDK's standard
 * retries (3 attempts, jittered backoff, a retry quota) are right there, because a retried call
 * can never push twice. Every write Herald makes is idempotent or conditional:
 * - puts are keyed by id, outcome commits are transactions guarded by a batch marker, and
 *   fatigue reservations are conditional, so a write whose first attempt landed either lands
 *   the same again or fails its condition (which errs on sending less);
 * - an SQS message sent twice carries the same job or task id, and the worker runs each id once
 *   (ledger markers, leases);
 * - a hold schedule has a name derived from its job, so a second create is refused as a conflict.
 * SNS publishes are the exception: see `snsPushClientConfig`.
 */
export const retryingClientConfig = { maxAttempts: 3, retryMode: 'standard' } as const;

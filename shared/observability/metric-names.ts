/**
 * The one definition of Herald's custom metrics: the names the handlers emit (Powertools metrics,
 * embedded metric format) and the dashboard and alarms read (infra/constructs/observability.ts).
 * Every metric carries the `service` dimension; some add one of their own.
 */
export const METRICS_NAMESPACE = 'Herald';

/** Powertools' service name, the value of every metric's `service` dimension. */
export const SERVICE_NAME = 'herald';

export const metricNames = {
  /** Events the bus handed Herald, by `source`. */
  eventsIn: 'EventsIn',
  /** Recipients a fired trigger planned pushes for. */
  planned: 'Planned',
  /** Pushes SNS accepted. */
  delivered: 'Delivered',
  /** Pushes not sent on purpose, by `reason` (fatigue, quiet hours, opt-out...). */
  suppressed: 'Suppressed',
  /** Pushes that could not be sent, by `reason`. */
  failed: 'Failed',
  /** Pushes a recipient opened (receipts). */
  opened: 'Opened',
  /** Time one SNS publish took. */
  publishLatencyMs: 'PublishLatencyMs',
  /** Time one fan-out slice took. */
  sliceDurationMs: 'SliceDurationMs',
  /** Delivery jobs one fan-out task produced. */
  jobsPerTask: 'JobsPerTask',
  /** Pushes held for quiet hours. */
  heldPushes: 'HeldPushes',
  /** Event to push latency of a canary push, from the schedule's time to SNS's acceptance. */
  canaryLatencyMs: 'CanaryLatencyMs',
} as const;

/** The dimension some metrics add to `service`. */
export const metricDimensions = {
  source: 'source',
  reason: 'reason',
} as const;

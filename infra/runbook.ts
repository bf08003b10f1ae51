/** Where Herald's README lives; every alarm links its runbook section there. */
export const RUNBOOK_BASE_URL = 'https://github.com/herald-push/herald';

/**
 * The README's runbook sections, by the anchor GitHub gives their headings
 * (`### Runbook: delivery DLQ` is `#runbook-delivery-dlq`). A test checks each has its heading.
 */
export const runbookAnchor = {
  fanoutDlq: 'runbook-fan-out-dlq',
  deliveryDlq: 'runbook-delivery-dlq',
  campaignLaunchDlq: 'runbook-campaign-launch-dlq',
  undeliverableEvents: 'runbook-undeliverable-events',
  rejectedEvents: 'runbook-rejected-events',
  fanoutQueueAge: 'runbook-fan-out-queue-age',
  deliveryQueueAge: 'runbook-delivery-queue-age',
  functionErrors: 'runbook-function-errors',
  functionThrottles: 'runbook-function-throttles',
  pushFailures: 'runbook-push-failures',
  canary: 'runbook-canary',
} as const;

export type RunbookAnchor = (typeof runbookAnchor)[keyof typeof runbookAnchor];

/** The link an alarm's description ends with. */
export const runbookUrl = (anchor: RunbookAnchor): string => `${RUNBOOK_BASE_URL}#${anchor}`;

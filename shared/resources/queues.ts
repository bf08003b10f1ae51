import { type FunctionSizing, functionSizing } from './functions.ts';

/**
 * The one definition of every SQS queue, used by the CDK stack and by the local runtime.
 * Each work queue has a dead-letter queue; a message that exhausts its receives lands there
 * with its attributes intact, so nothing is lost.
 */
export interface QueueDefinition {
  /** Logical id in the stack, and the local queue name. */
  readonly id: string;
  /** For a work queue, `consumerVisibility` of the function that consumes it. */
  readonly visibilityTimeoutSeconds: number;
  readonly retentionDays: number;
  /** Receives before SQS moves a message to the dead-letter queue. */
  readonly maxReceiveCount?: number;
  readonly deadLetterQueue?: QueueDefinition;
}

/**
 * AWS advises a visibility timeout of at least six times the function timeout for an SQS event
 * source: the Lambda poller may hold a batch while it retries a throttled invocation, and a
 * shorter timeout would let SQS hand the same messages to a second invocation meanwhile.
 */
export const EVENT_SOURCE_VISIBILITY_FACTOR = 6;

/**
 * Visibility timeout of a queue consumed by the function of this sizing. The price is retry
 * latency: a message a worker hands back (a batch item failure) is received again only after this
 * long on AWS. The local runtime hands failed messages back after a second instead.
 */
export const consumerVisibility = (consumer: FunctionSizing): number =>
  EVENT_SOURCE_VISIBILITY_FACTOR * consumer.timeoutSeconds;

const deadLetters = (id: string): QueueDefinition => ({
  id,
  visibilityTimeoutSeconds: 30,
  retentionDays: 14,
});

/** Audience slices waiting to be read, filtered and packed into delivery jobs. */
export const fanoutQueue: QueueDefinition = {
  id: 'FanoutQueue',
  visibilityTimeoutSeconds: consumerVisibility(functionSizing.fanoutWorker),
  retentionDays: 4,
  maxReceiveCount: 5,
  deadLetterQueue: deadLetters('FanoutDeadLetterQueue'),
};

/** Packed delivery jobs: many recipients per message, already rendered. */
export const deliveryQueue: QueueDefinition = {
  id: 'DeliveryQueue',
  visibilityTimeoutSeconds: consumerVisibility(functionSizing.deliveryWorker),
  retentionDays: 4,
  maxReceiveCount: 5,
  deadLetterQueue: deadLetters('DeliveryDeadLetterQueue'),
};

/**
 * Events that reached Herald but cannot be acted on (schema violation, a detail-type no rule
 * expects), kept with their reason for a person to inspect.
 */
export const rejectedEventsQueue: QueueDefinition = {
  id: 'RejectedEventsQueue',
  visibilityTimeoutSeconds: 30,
  retentionDays: 14,
};

/**
 * Events a bus rule could not hand its target after every retry (EventBridge target DLQ). Kept
 * with EventBridge's error attributes for a person to replay.
 */
export const undeliverableEventsQueue: QueueDefinition = {
  id: 'UndeliverableEventsQueue',
  visibilityTimeoutSeconds: 30,
  retentionDays: 14,
};

/**
 * Launches of campaign runs Scheduler could not hand the campaign function after its retries
 * (the schedule's dead-letter queue): a run that did not start, kept for a person to launch.
 */
export const campaignLaunchDeadLetterQueue: QueueDefinition = {
  id: 'CampaignLaunchDeadLetterQueue',
  visibilityTimeoutSeconds: 30,
  retentionDays: 14,
};

export const workQueues = [fanoutQueue, deliveryQueue] as const;

export const allQueues: readonly QueueDefinition[] = [
  fanoutQueue,
  fanoutQueue.deadLetterQueue!,
  deliveryQueue,
  deliveryQueue.deadLetterQueue!,
  rejectedEventsQueue,
  undeliverableEventsQueue,
  campaignLaunchDeadLetterQueue,
];

export const queueEnvName = (queue: QueueDefinition): string =>
  `${queue.id.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}_URL`;

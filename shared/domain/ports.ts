/** Port: a queue of work items (fan-out tasks, delivery jobs). Adapters pack and batch. */
export interface WorkQueue<T> {
  /** `delaySeconds` (0-900) holds the items back, as a follow-up after throttling wants. */
  send(items: readonly T[], options?: { readonly delaySeconds?: number }): Promise<void>;
}

/** An event Herald received but could not act on, kept with its reason. */
export interface RejectedEvent {
  readonly reason: string;
  readonly event: unknown;
}

/** Port: where rejected events are kept for a person to inspect. */
export interface RejectedEvents {
  keep(rejection: RejectedEvent): Promise<void>;
}

/** A message received from a queue, as much of it as asking for it back needs. */
export interface ReceivedMessage {
  /** ARN of the queue it came from (an SQS record's `eventSourceARN`). */
  readonly queueArn: string;
  readonly receiptHandle: string;
}

/**
 * Port: asks a queue to hand a message its consumer gave up on back after `delaySeconds`,
 * rather than after the queue's visibility timeout, which is sized for the consumer's timeout
 * (minutes) and not for a retry.
 */
export interface Redelivery {
  redeliverAfter(message: ReceivedMessage, delaySeconds: number): Promise<void>;
}

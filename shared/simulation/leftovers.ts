import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { LocalRuntime } from '../local/runtime.ts';
import {
  deliveryQueue,
  fanoutQueue,
  type QueueDefinition,
  undeliverableEventsQueue,
} from '../resources/queues.ts';

/** A message left on a dead-letter or terminal queue after a simulation: work Herald gave up on. */
export interface DeadLetter {
  /** The queue it ended on, by its id in the stack: `DeliveryDeadLetterQueue`... */
  readonly queue: string;
  readonly reason: string;
  readonly recipe?: string;
  /** The delivery job or fan-out task, when the message is one. */
  readonly jobId?: string;
  readonly taskId?: string;
  /** The event, when the message is an event a bus rule could not deliver. */
  readonly source?: string;
  readonly detailType?: string;
}

/**
 * The queues whose messages nobody consumes: each work queue's dead letters, and the events a
 * bus rule could not hand its target. The rejected-events queue is reported on its own.
 */
const terminalQueues: readonly { queue: QueueDefinition; feeds?: QueueDefinition }[] = [
  { queue: fanoutQueue.deadLetterQueue!, feeds: fanoutQueue },
  { queue: deliveryQueue.deadLetterQueue!, feeds: deliveryQueue },
  { queue: undeliverableEventsQueue },
];

const asRecord = (value: unknown): Record<string, unknown> | undefined => {
  if (typeof value === 'string') {
    try {
      return asRecord(JSON.parse(value));
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
};

const text = (record: Record<string, unknown> | undefined, key: string, as: string) =>
  typeof record?.[key] === 'string' ? { [as]: record[key] as string } : {};

/**
 * Reads one message: Herald's own (`{reason, event}`, as `processBatch` and the bus keep them) or
 * a task or job SQS moved by itself after its last receive, which carries no reason.
 */
const deadLetterOf = (
  queue: QueueDefinition,
  feeds: QueueDefinition | undefined,
  body: string,
): DeadLetter => {
  const message = asRecord(body);
  const kept = typeof message?.reason === 'string';
  const work = kept ? asRecord(message?.event) : message;
  const reason = kept
    ? (message!.reason as string)
    : `moved by SQS after ${feeds?.maxReceiveCount ?? 'its'} receives from ${feeds?.id ?? 'its queue'}`;
  return {
    queue: queue.id,
    reason,
    ...text(work, 'recipeId', 'recipe'),
    ...text(work, 'jobId', 'jobId'),
    ...text(work, 'taskId', 'taskId'),
    ...text(work, 'source', 'source'),
    ...text(work, 'detail-type', 'detailType'),
  };
};

/** Every message left on the runtime's dead-letter and terminal queues, queue by queue. */
export const readDeadLetters = async (
  runtime: Pick<LocalRuntime, 'sqs' | 'queueUrls'>,
): Promise<DeadLetter[]> => {
  const found: DeadLetter[] = [];
  for (const { queue, feeds } of terminalQueues) {
    for (;;) {
      // Received messages stay invisible for the queue's visibility timeout, so each is read once.
      const out = await runtime.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: runtime.queueUrls[queue.id], MaxNumberOfMessages: 10 }),
      );
      if (!out.Messages?.length) break;
      for (const m of out.Messages) found.push(deadLetterOf(queue, feeds, m.Body ?? ''));
    }
  }
  return found;
};

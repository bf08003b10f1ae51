import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueDefinition } from '../../shared/resources/queues.ts';
import { keepLogicalId } from '../logical-ids.ts';

/**
 * A queue and its policy keep their ids: CloudFormation removes a replaced queue policy after
 * creating its successor, and removing it clears the queue's policy, the new statements with it.
 */
const keepIds = (queue: Queue, path: readonly string[]) => {
  keepLogicalId(queue, [...path, 'Resource']);
  const policy = queue.node.tryFindChild('Policy');
  if (policy) keepLogicalId(policy, [...path, 'Policy', 'Resource']);
};

/**
 * An SQS queue from its shared definition, encrypted and TLS-only, with its dead-letter queue.
 * Whichever construct owns it, a queue keeps the logical id it had at the stack's root: a new id
 * would replace the queue, and lose the messages on it.
 */
export class HeraldQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue?: Queue;

  constructor(scope: Construct, definition: QueueDefinition) {
    super(scope, definition.id);
    const secure = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true };
    if (definition.deadLetterQueue) {
      this.deadLetterQueue = new Queue(this, 'DeadLetters', {
        ...secure,
        retentionPeriod: Duration.days(definition.deadLetterQueue.retentionDays),
      });
      keepIds(this.deadLetterQueue, [definition.id, 'DeadLetters']);
    }
    this.queue = new Queue(this, 'Queue', {
      ...secure,
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(definition.retentionDays),
      ...(this.deadLetterQueue
        ? {
            deadLetterQueue: {
              queue: this.deadLetterQueue,
              maxReceiveCount: definition.maxReceiveCount ?? 5,
            },
          }
        : {}),
    });
    keepIds(this.queue, [definition.id, 'Queue']);
  }
}

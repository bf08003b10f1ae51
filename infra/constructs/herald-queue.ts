import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueDefinition } from '../../shared/resources/queues.ts';

/** An SQS queue from its shared definition, encrypted and TLS-only, with its dead-letter queue. */
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
  }
}

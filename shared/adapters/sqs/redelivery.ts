import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ReceivedMessage, Redelivery } from '../../domain/ports.ts';

/**
 * The URL of the queue an ARN names (`arn:aws:sqs:us-east-1:123456789012:q` ->
 * `https://sqs.us-east-1.amazonaws.com/123456789012/q`), without a GetQueueUrl round trip. A
 * client with its own endpoint (fauxqs) sends to that endpoint and finds the queue by the path.
 */
export const queueUrlOf = (queueArn: string): string => {
  const [prefix, partition, service, region, account, name] = queueArn.split(':');
  if (prefix !== 'arn' || service !== 'sqs' || !region || !account || !name) {
    throw new Error(`not an SQS queue ARN: ${queueArn}`);
  }
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
};

/** Redelivery on SQS: the message's visibility timeout is changed to the delay. */
export class SqsRedelivery implements Redelivery {
  readonly #client: SQSClient;

  constructor(client: SQSClient) {
    this.#client = client;
  }

  async redeliverAfter(message: ReceivedMessage, delaySeconds: number): Promise<void> {
    await this.#client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrlOf(message.queueArn),
        ReceiptHandle: message.receiptHandle,
        VisibilityTimeout: Math.round(delaySeconds),
      }),
    );
  }
}

import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { processBatch } from '../../functions/sqs-batch.ts';
import { queueUrlOf, SqsRedelivery } from '../../shared/adapters/sqs/redelivery.ts';
import type { RejectedEvent } from '../../shared/domain/ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { deliveryQueue } from '../../shared/resources/queues.ts';
import { freshQueues, sqsClient } from '../support/engines.ts';

const client = sqsClient();
const message = z.object({ jobId: z.string() });
const throttled = async () => {
  throw new Error('ProvisionedThroughputExceededException');
};
let queueUrl: string;
let queueArn: string;

/** Receives one message, hidden for as long as the delivery queue keeps it on AWS. */
const receive = async (waitSeconds: number): Promise<Message | undefined> => {
  const out = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      VisibilityTimeout: deliveryQueue.visibilityTimeoutSeconds,
      WaitTimeSeconds: waitSeconds,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return out.Messages?.[0];
};

/** The event Lambda's event source mapping would hand the worker for this message. */
const eventOf = (received: Message, receiptHandle = received.ReceiptHandle!): SQSEvent => ({
  Records: [
    {
      messageId: received.MessageId!,
      receiptHandle,
      body: received.Body!,
      attributes: {
        ApproximateReceiveCount: received.Attributes!.ApproximateReceiveCount!,
        SentTimestamp: received.Attributes!.SentTimestamp!,
        SenderId: 'AIDA',
        ApproximateFirstReceiveTimestamp: received.Attributes!.ApproximateFirstReceiveTimestamp!,
      },
      messageAttributes: {},
      md5OfBody: received.MD5OfBody!,
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'us-east-1',
    },
  ],
});

const deadLetters = {
  kept: [] as RejectedEvent[],
  keep: async (r: RejectedEvent) => void deadLetters.kept.push(r),
};

describe('processBatch handing a failed message back through SqsRedelivery, on fauxqs', () => {
  beforeAll(async () => {
    queueUrl = (await freshQueues(client, [deliveryQueue]))[deliveryQueue.id]!;
    const attributes = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    queueArn = attributes.Attributes!.QueueArn!;
  });
  // The worker logs each hand-back as an error; the assertions say what matters here.
  beforeEach(() => vi.spyOn(logger, 'error').mockImplementation(() => undefined));
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => client.destroy());

  it('brings the message back after the backoff, not after the queue’s visibility timeout', async () => {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"jobId":"j1"}' }));
    const first = (await receive(1))!;
    const backoff = vi.fn(() => 1);

    const response = await processBatch(
      eventOf(first),
      message,
      { deadLetters, redelivery: new SqsRedelivery(client), backoff },
      throttled,
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: first.MessageId }]);
    expect(backoff).toHaveBeenCalledWith(1);
    const again = await receive(5);
    expect(again?.MessageId).toBe(first.MessageId);
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(deadLetters.kept).toEqual([]);
  });

  it('still reports the message failed when its visibility cannot be changed, leaving it hidden', async () => {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"jobId":"j2"}' }));
    const first = (await receive(1))!;
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

    // A receipt handle SQS no longer knows: ChangeMessageVisibility fails.
    const response = await processBatch(
      eventOf(first, 'stale-receipt-handle'),
      message,
      { deadLetters, redelivery: new SqsRedelivery(client), backoff: () => 1 },
      throttled,
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: first.MessageId }]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('after its visibility timeout'),
      expect.objectContaining({ messageId: first.MessageId }),
    );
    expect(await receive(2)).toBeUndefined();
    expect(deadLetters.kept).toEqual([]);
  });
});

describe('queueUrlOf', () => {
  it('names the queue of an ARN by its URL', () => {
    expect(queueUrlOf('arn:aws:sqs:eu-west-1:123456789012:herald-DeliveryQueue')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/herald-DeliveryQueue',
    );
    expect(queueUrlOf('arn:aws-cn:sqs:cn-north-1:123456789012:q')).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q',
    );
  });

  it('refuses what is not an SQS queue ARN', () => {
    expect(() => queueUrlOf('arn:aws:sns:us-east-1:123456789012:topic')).toThrow('not an SQS queue ARN');
  });
});

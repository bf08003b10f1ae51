import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsWorkQueue } from '../../shared/adapters/sqs/work-queue.ts';
import { deliveryQueue } from '../../shared/resources/queues.ts';
import { freshQueues, sqsClient } from '../support/engines.ts';

const client = sqsClient();
let queueUrl: string;

const drainQueue = async () => {
  const bodies: unknown[] = [];
  for (;;) {
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    if (!out.Messages?.length) return bodies;
    bodies.push(...out.Messages.map((m) => JSON.parse(m.Body!)));
  }
};

describe('SqsWorkQueue on fauxqs', () => {
  beforeAll(async () => {
    queueUrl = (await freshQueues(client, [deliveryQueue]))[deliveryQueue.id]!;
  });
  afterAll(() => client.destroy());

  it('sends every item, in batches of at most ten, as JSON', async () => {
    const items = Array.from({ length: 23 }, (_, i) => ({ jobId: `job-${i}`, userIds: [`u${i}`] }));

    await new SqsWorkQueue(client, queueUrl).send(items);

    const received = (await drainQueue()) as { jobId: string }[];
    expect(received.map((r) => r.jobId).sort()).toEqual(items.map((i) => i.jobId).sort());
  });

  it('splits batches that would exceed the batch size limit', async () => {
    const big = 'x'.repeat(100 * 1024);
    const items = Array.from({ length: 5 }, (_, i) => ({ jobId: `big-${i}`, padding: big }));

    await new SqsWorkQueue(client, queueUrl).send(items);

    expect(await drainQueue()).toHaveLength(5);
  });

  it('carries emoji and other astral characters intact, on an engine that refuses them raw', async () => {
    const title = 'Lamp 🎉 价格 𠀀';

    await new SqsWorkQueue(client, queueUrl).send([{ jobId: 'emoji', title }]);

    expect(await drainQueue()).toEqual([{ jobId: 'emoji', title }]);
  });
});

import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../../shared/local/runtime.ts';
import { deliveryQueue, fanoutQueue, undeliverableEventsQueue } from '../../shared/resources/queues.ts';
import { readDeadLetters } from '../../shared/simulation/leftovers.ts';
import { sharedEngines } from '../support/engines.ts';
import { run } from '../support/scenarios.ts';

let runtime: LocalRuntime;
const send = (queueId: string, body: string) =>
  runtime.sqs.send(new SendMessageCommand({ QueueUrl: runtime.queueUrls[queueId], MessageBody: body }));

describe('leftovers of a run: the dead-letter and terminal queues', () => {
  beforeAll(async () => {
    runtime = await startLocalRuntime({
      engines: sharedEngines(),
      clock: new ManualClock(new Date('2026-11-21T10:00:00Z')),
    });
  });
  afterAll(async () => runtime.stop());

  it('reads what the workers moved aside, what SQS moved by itself, and undeliverable events', async () => {
    // The workers move a message they cannot read to their dead letters, with the reason.
    await send(deliveryQueue.id, 'not json');
    await send(fanoutQueue.id, JSON.stringify({ taskId: 't-1' }));
    await runtime.drain();
    // A job SQS moved after its last receive is the job itself, with no reason.
    await send(
      deliveryQueue.deadLetterQueue!.id,
      JSON.stringify({ jobId: 'job-7', recipeId: 'followed-seller-new-item', userIds: ['u1'] }),
    );
    await send(
      undeliverableEventsQueue.id,
      JSON.stringify({
        reason: 'target of rule r kept failing: Error: down',
        event: { source: 'market.items', 'detail-type': 'ItemListed', detail: {} },
      }),
    );

    const leftovers = await readDeadLetters(runtime);

    // Queue by queue; SQS does not promise an order within one.
    expect(leftovers.map((l) => l.queue)).toEqual([
      'FanoutDeadLetterQueue',
      'DeliveryDeadLetterQueue',
      'DeliveryDeadLetterQueue',
      'UndeliverableEventsQueue',
    ]);
    expect(leftovers).toEqual(
      expect.arrayContaining([
        { queue: 'FanoutDeadLetterQueue', reason: expect.stringMatching(/^body\.\w+: /), taskId: 't-1' },
        { queue: 'DeliveryDeadLetterQueue', reason: expect.stringMatching(/^body: not JSON/) },
        {
          queue: 'DeliveryDeadLetterQueue',
          reason: 'moved by SQS after 5 receives from DeliveryQueue',
          recipe: 'followed-seller-new-item',
          jobId: 'job-7',
        },
        {
          queue: 'UndeliverableEventsQueue',
          reason: 'target of rule r kept failing: Error: down',
          source: 'market.items',
          detailType: 'ItemListed',
        },
      ]),
    );
  });

  it('are part of every simulation report, empty when nothing was given up', async () => {
    const report = await run({ events: [] });

    expect(report.deadLetters).toEqual([]);
  });
});

import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeHoldScheduler } from '../../shared/adapters/scheduler/eventbridge-hold-scheduler.ts';
import { SqsWorkQueue } from '../../shared/adapters/sqs/work-queue.ts';
import type { DeliveryJob } from '../../shared/domain/push/delivery-job.ts';
import { deliveryQueue } from '../../shared/resources/queues.ts';
import { freshQueues, sqsClient } from '../support/engines.ts';

// EventBridge Scheduler has no local engine: its side is checked on the exact requests sent.
const scheduler = mockClient(SchedulerClient);
const sqs = sqsClient();
const now = new Date('2026-11-21T15:00:00Z');
const job = (jobId: string): DeliveryJob => ({
  jobId,
  eventId: 'e1',
  recipeId: 'followed-seller-new-item',
  variant: 'A',
  push: { title: 'T', body: 'B' },
  userIds: ['amy'],
});
let queueUrl: string;
let holds: EventBridgeHoldScheduler;

describe('EventBridgeHoldScheduler', () => {
  beforeAll(async () => {
    queueUrl = (await freshQueues(sqs, [deliveryQueue]))[deliveryQueue.id]!;
    holds = new EventBridgeHoldScheduler(new SchedulerClient({ region: 'us-east-1' }), {
      groupName: 'Herald-holds',
      deliveryQueueArn: 'arn:aws:sqs:us-east-1:123456789012:delivery',
      roleArn: 'arn:aws:iam::123456789012:role/hold-scheduler',
      deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:delivery-dlq',
      now: () => now,
      delivery: new SqsWorkQueue(sqs, queueUrl),
    });
  });
  beforeEach(() => scheduler.reset());
  afterAll(() => sqs.destroy());

  it('holds past 15 minutes become one-time schedules that send the job to the delivery queue', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });

    await holds.hold([job('job-1')], new Date('2026-11-22T00:00:00Z'));

    const input = scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      GroupName: 'Herald-holds',
      ScheduleExpression: 'at(2026-11-22T00:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: 'arn:aws:sqs:us-east-1:123456789012:delivery',
        RoleArn: 'arn:aws:iam::123456789012:role/hold-scheduler',
        DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:123456789012:delivery-dlq' },
      },
    });
    expect(JSON.parse(input.Target!.Input!)).toEqual(job('job-1'));
    expect(input.Name).toMatch(/^hold-[0-9a-f]{40}$/);
  });

  it('holding the same job again (a redelivered task) is not an error', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(Object.assign(new Error('exists'), { name: 'ConflictException' }));

    await expect(holds.hold([job('job-1')], new Date('2026-11-22T00:00:00Z'))).resolves.toBeUndefined();
  });

  it('short holds use SQS message timers instead, on fauxqs', async () => {
    await holds.hold([job('job-2')], new Date('2026-11-21T15:00:02Z'));

    const early = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    await new Promise((r) => setTimeout(r, 2500));
    const later = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));

    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
    expect(early.Messages ?? []).toHaveLength(0);
    expect(JSON.parse(later.Messages![0]!.Body!).jobId).toBe('job-2');
  });
});

import { ConflictException, CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeCampaignLaunches } from '../../shared/adapters/scheduler/eventbridge-campaign-launches.ts';

// EventBridge Scheduler has no local engine: its side is checked on the exact requests sent.
const scheduler = mockClient(SchedulerClient);
const launches = new EventBridgeCampaignLaunches(new SchedulerClient({ region: 'us-east-1' }), {
  groupName: 'Herald-campaign-launches',
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:herald-campaign',
  roleArn: 'arn:aws:iam::123456789012:role/campaign-launcher',
  deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:launch-dead-letters',
});

describe('EventBridgeCampaignLaunches', () => {
  beforeEach(() => scheduler.reset());

  it('schedules a run once: invoke the campaign function with launch, at the instant, then delete itself', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});
    await launches.schedule('winter-sale', new Date('2026-11-22T09:45:00.000Z'));
    const [call] = scheduler.commandCalls(CreateScheduleCommand);
    expect(call!.args[0].input).toEqual({
      Name: expect.stringMatching(/^launch-[0-9a-f]{40}$/),
      GroupName: 'Herald-campaign-launches',
      ScheduleExpression: 'at(2026-11-22T09:45:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: 'arn:aws:lambda:us-east-1:123456789012:function:herald-campaign',
        RoleArn: 'arn:aws:iam::123456789012:role/campaign-launcher',
        // A launch Scheduler cannot deliver is kept, not dropped.
        DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:123456789012:launch-dead-letters' },
        Input: '{"action":"launch","campaignId":"winter-sale"}',
      },
    });
  });

  it('asking again for the same run is the schedule that exists; other errors are not swallowed', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    await expect(launches.schedule('winter-sale', new Date('2026-11-22T09:45:00Z'))).resolves.toBeUndefined();
    scheduler.on(CreateScheduleCommand).rejects(new Error('AccessDenied'));
    await expect(launches.schedule('winter-sale', new Date('2026-11-22T09:45:00Z'))).rejects.toThrow(
      'AccessDenied',
    );
  });
});

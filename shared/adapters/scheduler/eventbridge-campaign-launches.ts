import { createHash } from 'node:crypto';
import { CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import type { CampaignLaunches } from '../../domain/campaigns/launches.ts';

export interface EventBridgeCampaignLaunchesOptions {
  readonly groupName: string;
  /** The campaign function Scheduler invokes with `{"action": "launch", "campaignId"}`, and the role it assumes. */
  readonly functionArn: string;
  readonly roleArn: string;
}

/** One name per (campaign, instant): asking twice for the same run is one schedule. */
const scheduleName = (campaignId: string, at: Date) =>
  `launch-${createHash('sha256').update(`${campaignId}@${at.toISOString()}`).digest('hex').slice(0, 40)}`;

/**
 * Later runs on AWS: a one-time EventBridge Scheduler schedule per run that invokes the campaign
 * function and deletes itself. A recurring campaign asks for its next run as each one launches,
 * so cron and rate expressions need no second mechanism.
 */
export class EventBridgeCampaignLaunches implements CampaignLaunches {
  readonly #client: SchedulerClient;
  readonly #options: EventBridgeCampaignLaunchesOptions;

  constructor(client: SchedulerClient, options: EventBridgeCampaignLaunchesOptions) {
    this.#client = client;
    this.#options = options;
  }

  async schedule(campaignId: string, at: Date): Promise<void> {
    try {
      await this.#client.send(
        new CreateScheduleCommand({
          Name: scheduleName(campaignId, at),
          GroupName: this.#options.groupName,
          ScheduleExpression: `at(${at.toISOString().slice(0, 19)})`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: this.#options.functionArn,
            RoleArn: this.#options.roleArn,
            Input: JSON.stringify({ action: 'launch', campaignId }),
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConflictException')) throw error;
    }
  }
}

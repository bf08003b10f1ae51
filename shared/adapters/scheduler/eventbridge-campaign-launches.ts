import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { CampaignLaunches } from '../../domain/campaigns/launches.ts';
import { scheduleName, scheduleOnce } from './one-time-schedule.ts';

export interface EventBridgeCampaignLaunchesOptions {
  readonly groupName: string;
  /** The campaign function Scheduler invokes with `{"action": "launch", "campaignId"}`, and the role it assumes. */
  readonly functionArn: string;
  readonly roleArn: string;
  /** Where a launch goes when Scheduler cannot invoke the function after its retries. */
  readonly deadLetterArn: string;
}

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
    // One name per (campaign, instant): asking twice for the same run is one schedule.
    await scheduleOnce(this.#client, {
      name: scheduleName('launch', `${campaignId}@${at.toISOString()}`),
      groupName: this.#options.groupName,
      at,
      target: {
        Arn: this.#options.functionArn,
        RoleArn: this.#options.roleArn,
        DeadLetterConfig: { Arn: this.#options.deadLetterArn },
        Input: JSON.stringify({ action: 'launch', campaignId }),
      },
    });
  }
}

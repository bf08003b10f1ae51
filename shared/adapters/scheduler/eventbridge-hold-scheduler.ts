import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { WorkQueue } from '../../domain/ports.ts';
import type { DeliveryJob } from '../../domain/push/delivery-job.ts';
import type { HoldScheduler } from '../../domain/push/hold-scheduler.ts';
import { scheduleName, scheduleOnce } from './one-time-schedule.ts';

export interface EventBridgeHoldSchedulerOptions {
  readonly groupName: string;
  /** The delivery queue the schedules send to, and the role EventBridge Scheduler assumes to do so. */
  readonly deliveryQueueArn: string;
  readonly roleArn: string;
  /** Where Scheduler puts a held job it could not deliver. */
  readonly deadLetterArn: string;
  readonly now: () => Date;
  /** Holds within 15 minutes use SQS message timers on the delivery queue instead. */
  readonly delivery: WorkQueue<DeliveryJob>;
}

const SQS_MAX_DELAY_S = 15 * 60;

/**
 * Holds on AWS: an SQS message timer when the release is within 15 minutes, otherwise a one-time
 * EventBridge Scheduler schedule per job that delivers the job to the delivery queue and deletes
 * itself. A redelivered fan-out task schedules the same name again, which Scheduler refuses as a
 * conflict: the hold exists already.
 */
export class EventBridgeHoldScheduler implements HoldScheduler {
  readonly #client: SchedulerClient;
  readonly #options: EventBridgeHoldSchedulerOptions;

  constructor(client: SchedulerClient, options: EventBridgeHoldSchedulerOptions) {
    this.#client = client;
    this.#options = options;
  }

  async hold(jobs: readonly DeliveryJob[], releaseAt: Date): Promise<void> {
    const delay = Math.max(0, Math.ceil((releaseAt.getTime() - this.#options.now().getTime()) / 1000));
    if (delay <= SQS_MAX_DELAY_S) {
      await this.#options.delivery.send(jobs, { delaySeconds: delay });
      return;
    }
    for (const job of jobs)
      await scheduleOnce(this.#client, {
        // The release instant is part of the name: a job held again later (a campaign's pause slid
        // it) is a new schedule, never taken for the one that just fired and is not deleted yet.
        name: scheduleName('hold', `${job.jobId}@${releaseAt.toISOString()}`),
        groupName: this.#options.groupName,
        at: releaseAt,
        target: {
          Arn: this.#options.deliveryQueueArn,
          RoleArn: this.#options.roleArn,
          DeadLetterConfig: { Arn: this.#options.deadLetterArn },
          Input: JSON.stringify(job),
        },
      });
  }
}

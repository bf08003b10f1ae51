import type { DeliveryJob } from './delivery-job.ts';

/**
 * Port: delivery jobs held until a later instant (the end of quiet hours). SQS delays reach only
 * 15 minutes, so on AWS longer holds are one-time EventBridge Scheduler schedules that send the
 * job to the delivery queue when they fire; locally a scheduler follows the runtime clock.
 */
export interface HoldScheduler {
  hold(jobs: readonly DeliveryJob[], releaseAt: Date): Promise<void>;
}

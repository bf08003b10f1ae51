import type { Clock } from '../domain/clock.ts';
import type { DeliveryJob } from '../domain/push/delivery-job.ts';
import { CANARY_RECIPE_ID, canarySentAt } from '../domain/recipes/canary.ts';
import type { MetricRecorder } from './metrics.ts';

/** A canary job that reached the canary device records CanaryLatencyMs: now minus the ping's `sentAt`. */
export const recordCanaryLatency = (
  job: DeliveryJob,
  delivered: number,
  clock: Clock,
  metrics: MetricRecorder,
): void => {
  if (job.recipeId !== CANARY_RECIPE_ID || delivered === 0 || !job.push) return;
  const sentAt = canarySentAt(job.push);
  if (sentAt) metrics.add('CanaryLatencyMs', Math.max(0, clock.now().getTime() - sentAt.getTime()), {});
};

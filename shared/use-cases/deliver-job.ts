import type { Clock } from '../domain/clock.ts';
import { type OutcomeLedger, OutcomeTally } from '../domain/outcomes/outcome.ts';
import type { DeliveryJob } from '../domain/push/delivery-job.ts';
import type { Device, DeviceDirectory } from '../domain/push/device.ts';
import { platformMessage } from '../domain/push/payload.ts';
import type { PublishResult, PushGateway } from '../domain/push/push-gateway.ts';

export interface DeliverJobDeps {
  readonly devices: DeviceDirectory;
  readonly gateway: PushGateway;
  readonly outcomes: OutcomeLedger;
  readonly clock: Clock;
  /** Publishes in flight at once per job. */
  readonly concurrency?: number;
}

export interface DeliverJobResult {
  readonly delivered: number;
  readonly suppressed: number;
  readonly failed: number;
  readonly alreadyDone: boolean;
}

/** Runs `work` over `items` with at most `limit` in flight. */
const forEachLimited = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
};

/**
 * Resolves the job's recipients to their enabled devices in one batch, publishes the platform
 * payload to each device, disables endpoints the platform says are gone, and records one
 * terminal outcome per recipient: delivered when any device got the push.
 */
export const deliverJob = async (job: DeliveryJob, deps: DeliverJobDeps): Promise<DeliverJobResult> => {
  if (await deps.outcomes.wasRecorded(job.jobId))
    return { delivered: 0, suppressed: 0, failed: 0, alreadyDone: true };
  const tally = new OutcomeTally(job.recipeId, deps.clock.now());
  const devicesByUser = await deps.devices.devicesOf(job.userIds);
  const sends: { userId: string; device: Device }[] = [];
  for (const userId of job.userIds) {
    const enabled = (devicesByUser.get(userId) ?? []).filter((d) => d.enabled);
    if (enabled.length === 0) tally.add('suppressed', 'no-device', job.variant);
    for (const device of enabled) sends.push({ userId, device });
  }

  const results = new Map<string, PublishResult[]>();
  const data = { eventId: job.eventId, recipeId: job.recipeId, variant: job.variant };
  await forEachLimited(sends, deps.concurrency ?? 16, async ({ userId, device }) => {
    const result = await deps.gateway.publish(
      device.endpointArn,
      platformMessage(device.platform, job.push, data),
    );
    if (result.status === 'endpoint-disabled')
      await deps.devices.disable(userId, device.deviceId, result.reason);
    results.set(userId, [...(results.get(userId) ?? []), result]);
  });

  for (const userResults of results.values()) {
    const failure = userResults.find((r) => r.status !== 'sent');
    if (userResults.some((r) => r.status === 'sent')) tally.add('delivered', '', job.variant);
    else if (failure)
      tally.add('failed', failure.status === 'failed' ? failure.reason : failure.status, job.variant);
  }

  const recorded = await deps.outcomes.record(job.jobId, tally.entries());
  const count = (outcome: string) =>
    tally
      .entries()
      .filter((c) => c.outcome === outcome)
      .reduce((n, c) => n + c.count, 0);
  return {
    delivered: count('delivered'),
    suppressed: count('suppressed'),
    failed: count('failed'),
    alreadyDone: recorded === 'already-recorded',
  };
};

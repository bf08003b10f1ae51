import {
  type OutcomeCount,
  type OutcomeLedger,
  summarise,
  summariseByVariant,
  summaryOfCounts,
} from '../../../shared/domain/outcomes/outcome.ts';
import type { WorkQueue } from '../../../shared/domain/ports.ts';
import type { DeliveryJob } from '../../../shared/domain/push/delivery-job.ts';
import {
  type DeliveryCheckpoint,
  DeliveryJobBusyError,
  type DeliveryProgress,
  type LeaseResult,
} from '../../../shared/domain/push/delivery-progress.ts';
import type { Device, DeviceDirectory } from '../../../shared/domain/push/device.ts';
import type { PlatformPush } from '../../../shared/domain/push/payload.ts';
import type { PublishResult, PushGateway } from '../../../shared/domain/push/push-gateway.ts';

/** In-memory doubles of the delivery ports: the use case's logic, without engines. */

export const device = (userId: string, n: number, overrides: Partial<Device> = {}): Device => ({
  deviceId: `${userId}-d${n}`,
  app: 'default',
  platform: n % 2 === 0 ? 'APNS' : 'FCM',
  token: `token-${userId}-${n}`,
  endpointArn: `arn:endpoint/${userId}/${n}`,
  enabled: true,
  lastSeen: new Date('2026-11-01T00:00:00Z'),
  ...overrides,
});

export class MemoryDevices implements DeviceDirectory {
  readonly byUser = new Map<string, Device[]>();
  readonly disabled: { userId: string; deviceId: string; reason: string }[] = [];

  async devicesOf(userIds: readonly string[]) {
    const found = new Map<string, Device[]>();
    for (const id of userIds) if (this.byUser.has(id)) found.set(id, [...this.byUser.get(id)!]);
    return found;
  }
  async save(userId: string, d: Device) {
    this.byUser.set(userId, [...(this.byUser.get(userId) ?? []).filter((x) => x.deviceId !== d.deviceId), d]);
  }
  async disable(userId: string, deviceId: string, reason: string) {
    this.disabled.push({ userId, deviceId, reason });
    this.byUser.set(
      userId,
      (this.byUser.get(userId) ?? []).map((d) =>
        d.deviceId === deviceId ? { ...d, enabled: false, disabledReason: reason } : d,
      ),
    );
  }
  async remove(userId: string, deviceId: string) {
    this.byUser.set(
      userId,
      (this.byUser.get(userId) ?? []).filter((d) => d.deviceId !== deviceId),
    );
  }
  readonly tokenHolders = new Map<string, string>();
  async claimToken(tokenDeviceId: string, userId: string) {
    const previous = this.tokenHolders.get(tokenDeviceId);
    this.tokenHolders.set(tokenDeviceId, userId);
    return previous !== undefined && previous !== userId ? previous : undefined;
  }
  async *staleCandidates() {}
  async removeStale() {
    return true;
  }
}

/** Answers each publish with `answer(endpointArn, attemptOnThatEndpoint)`, recording every call. */
export class ScriptedGateway implements Pick<PushGateway, 'publish'> {
  readonly calls: { endpointArn: string; push: PlatformPush }[] = [];
  readonly #answer: (endpointArn: string, attempt: number) => PublishResult | Promise<PublishResult>;

  constructor(
    answer: (endpointArn: string, attempt: number) => PublishResult | Promise<PublishResult> = () => sent,
  ) {
    this.#answer = answer;
  }
  async publish(endpointArn: string, push: PlatformPush) {
    const attempt = this.calls.filter((c) => c.endpointArn === endpointArn).length;
    this.calls.push({ endpointArn, push });
    return this.#answer(endpointArn, attempt);
  }
  /** Publishes that were answered `sent`, by endpoint. */
  countTo(endpointArn: string) {
    return this.calls.filter((c) => c.endpointArn === endpointArn).length;
  }
}

export const sent: PublishResult = { status: 'sent', messageId: 'm' };
export const throttled: PublishResult = { status: 'throttled', reason: 'Throttling' };

export class MemoryOutcomes implements OutcomeLedger {
  readonly batches = new Map<string, readonly OutcomeCount[]>();
  async record(batchId: string, counts: readonly OutcomeCount[]) {
    if (this.batches.has(batchId)) return 'already-recorded' as const;
    this.batches.set(batchId, counts);
    return 'recorded' as const;
  }
  async wasRecorded(batchId: string) {
    return this.batches.has(batchId);
  }
  async summary() {
    return summarise([...this.batches.values()].flat());
  }
  async variantSummary() {
    return summariseByVariant([...this.batches.values()].flat());
  }
  async summaryOf(scope: string, days: readonly string[]) {
    return summaryOfCounts([...this.batches.values()].flat(), scope, days);
  }
}

export class MemoryProgress implements DeliveryProgress {
  now = 0;
  readonly items = new Map<string, { owner: string; until: number; checkpoint?: DeliveryCheckpoint }>();
  readonly saves: DeliveryCheckpoint[] = [];

  async acquire(jobId: string, owner: string, leaseMs: number): Promise<LeaseResult> {
    const item = this.items.get(jobId);
    if (item && item.until >= this.now) return { status: 'busy' };
    this.items.set(jobId, { owner, until: this.now + leaseMs, checkpoint: item?.checkpoint });
    return item?.checkpoint ? { status: 'acquired', checkpoint: item.checkpoint } : { status: 'acquired' };
  }
  async save(jobId: string, owner: string, checkpoint: DeliveryCheckpoint) {
    const item = this.items.get(jobId);
    if (item?.owner !== owner) throw new DeliveryJobBusyError(jobId, 'lost');
    item.checkpoint = structuredClone(checkpoint);
    this.saves.push(item.checkpoint);
  }
  async release(jobId: string, owner: string) {
    const item = this.items.get(jobId);
    if (item?.owner === owner) item.until = -1;
  }
  async seize(jobId: string, owner: string, leaseMs: number) {
    const item = this.items.get(jobId);
    this.items.set(jobId, { owner, until: this.now + leaseMs, checkpoint: item?.checkpoint });
    return item?.checkpoint;
  }
}

export class MemoryQueue implements WorkQueue<DeliveryJob> {
  readonly sent: { job: DeliveryJob; delaySeconds?: number }[] = [];
  async send(items: readonly DeliveryJob[], options: { delaySeconds?: number } = {}) {
    for (const job of items) this.sent.push({ job, ...options });
  }
}

/**
 * Peak memory of one campaign reader (a fan-out task over a Scan segment of the users holding
 * devices) as the segment grows: 10k, 100k, 1M users, each in a fresh process with a bounded
 * heap, as memory.bench.ts measures a recipe's slice. The Scan is generated page by page (as
 * DynamoDB hands it over) and every store the reader writes to is remote in production (the
 * campaign table, holds, the outbox, the delivery queue), so what is measured is the reader
 * itself: its paced holds, pacing counters and checkpoints. Flat memory means the segment
 * streams and is never materialised.
 */

import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { inMemoryFanOutDeps } from '../shared/adapters/memory/fan-out-deps.ts';
import { SerialisingWorkQueue } from '../shared/adapters/memory/work-queue.ts';
import type { DeviceHolders } from '../shared/domain/campaigns/audience.ts';
import { parseCampaign } from '../shared/domain/campaigns/campaign.ts';
import { newCampaignState, transition } from '../shared/domain/campaigns/lifecycle.ts';
import type { CampaignStore } from '../shared/domain/campaigns/store.ts';
import type { DeliveryJob } from '../shared/domain/push/delivery-job.ts';
import { type Device, defaultApp } from '../shared/domain/push/device.ts';
import type { HoldScheduler } from '../shared/domain/push/hold-scheduler.ts';
import { campaignReaders } from '../shared/use-cases/campaign-readers.ts';
import { fanOutSlice } from '../shared/use-cases/fan-out-slice.ts';
import { RemoteJobOutbox } from './remote-outbox.ts';

const SIZES = [10_000, 100_000, 1_000_000];
const runStart = new Date('2026-11-21T10:00:00Z');
const seen = new Date('2026-11-20T08:00:00Z');

/**
 * The campaign every campaign benchmark sends: the whole segment, at 50,000 pushes a second
 * unless told, now or `at` an instant.
 */
export const benchCampaign = (id: string, readers: number, rate = 50_000, at?: Date) =>
  parseCampaign({
    ...(at ? { schedule: { kind: 'at', at: at.toISOString() } } : {}),
    id,
    business: 'offers',
    category: 'promotions',
    audience: [{ kind: 'segment' }],
    push: { title: 'Winter sale', body: 'Everything 20% off today', deepLink: 'market://sale' },
    rate,
    readers,
    quietHours: 'ignore',
  });

const userIdOf = (i: number) => `user-${String(i).padStart(7, '0')}`;

/** `size` users with a phone each, one Scan page at a time, holding nothing. */
const generatedHolders = (size: number): DeviceHolders => ({
  approximateCount: async () => size,
  holders: async (_segment, after, limit) => {
    const start = after === undefined ? 0 : Number(after.slice(5)) + 1;
    const end = Math.min(size, start + limit);
    const holders = Array.from({ length: end - start }, (_, i) => {
      const userId = userIdOf(start + i);
      const device: Device = {
        deviceId: `d-${userId}`,
        app: defaultApp,
        platform: 'FCM',
        token: `fcm-${userId}`,
        endpointArn: `arn:aws:sns:us-east-1:000000000000:endpoint/GCM/herald/${userId}`,
        enabled: true,
        lastSeen: seen,
      };
      return { userId, devices: [device] };
    });
    return end < size ? { holders, next: holders[holders.length - 1]!.userId } : { holders };
  },
});

/** The campaign table as the reader sees it: the running campaign, and nothing kept here. */
const remoteCampaigns = (size: number): CampaignStore => {
  const draft = newCampaignState(benchCampaign(`memory-${size}`, 1), 'bench', runStart);
  const state = transition(transition(draft, 'start', 'bench', runStart), 'launch', 'bench', runStart, {
    run: 'r1',
    runs: 1,
    slices: 1,
  });
  return {
    create: async () => undefined,
    get: async () => state,
    save: async () => undefined,
    list: async () => [state],
    sliceFinished: async () => 1,
    finishedReaders: async () => 1,
    park: async () => undefined,
    parked: async () => [],
    unpark: async () => undefined,
  };
};

/** Holds are schedules (or SQS timers) on AWS: counted, kept elsewhere. */
class RemoteHolds implements HoldScheduler {
  jobs = 0;
  async hold(jobs: readonly DeliveryJob[]): Promise<void> {
    this.jobs += jobs.length;
  }
}

/**
 * This process's peak RSS in kilobytes: Linux's VmHWM, the high-water mark of this program's own
 * memory. `maxRSS` (getrusage) keeps the peak from before `exec` too, the parent's pages the
 * child was forked with: spawned from a bench that had grown to 160 MB, every size read 160 MB.
 */
const peakRssKb = async (): Promise<number> => {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS;
};

const runChild = async (size: number) => {
  const delivery = new SerialisingWorkQueue<DeliveryJob>();
  const holds = new RemoteHolds();
  const campaigns = remoteCampaigns(size);
  const { campaign } = (await campaigns.get(''))!;
  const [task] = await campaignReaders(campaign, 'r1', runStart, { shardCountOf: async () => 1 });
  const result = await fanOutSlice(
    task!,
    inMemoryFanOutDeps(runStart, {
      outbox: new RemoteJobOutbox(),
      delivery,
      holds,
      campaigns,
      deviceHolders: generatedHolders(size),
      userLists: { page: async () => ({ userIds: [] }) },
      devices: { devicesOf: async () => new Map() },
    }),
  );
  globalThis.gc?.();
  const peakRssMb = (await peakRssKb()) / 1024;
  const heapAfterGcMb = process.memoryUsage().heapUsed / 2 ** 20;
  const jobs = delivery.messages + holds.jobs;
  console.log(JSON.stringify({ size, planned: result.planned, jobs, peakRssMb, heapAfterGcMb }));
};

export interface CampaignMemoryResult {
  readonly audience: number;
  /** Delivery jobs the reader packed: paced, each due at its second. */
  readonly jobs: number;
  readonly peakRssMb: number;
  /** Heap still in use once the reader is done and garbage collected: what it retained. */
  readonly heapAfterGcMb: number;
}

/** Peak RSS of one campaign reader over 10k, 100k and 1M users (or `sizes`), each in its own process. */
export async function benchCampaignMemory(sizes: readonly number[] = SIZES): Promise<CampaignMemoryResult[]> {
  return sizes.map((size) => {
    // A bounded heap, as a small Lambda has: a reader that kept its segment would run out of it.
    const v8 = ['--expose-gc', '--max-old-space-size=48', '--max-semi-space-size=2'];
    const child = spawnSync(process.execPath, [...v8, import.meta.filename, '--audience', String(size)], {
      encoding: 'utf8',
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' },
    });
    if (child.status !== 0) throw new Error(`campaign memory bench for ${size} failed: ${child.stderr}`);
    const out = JSON.parse(child.stdout.trim().split('\n').pop()!);
    if (out.planned !== size) throw new Error(`campaign memory bench for ${size} planned ${out.planned}`);
    return {
      audience: size,
      jobs: out.jobs,
      peakRssMb: Math.round(out.peakRssMb * 10) / 10,
      heapAfterGcMb: Math.round(out.heapAfterGcMb * 10) / 10,
    };
  });
}

if (import.meta.main) {
  const at = process.argv.indexOf('--audience');
  if (at > 0) await runChild(Number(process.argv[at + 1]));
  else console.log(await benchCampaignMemory());
}

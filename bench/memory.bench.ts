/**
 * Peak memory of one fan-out slice as its audience grows. Each size runs in a fresh process;
 * the audience is generated page by page (as DynamoDB would hand it over) and the stores the
 * pipeline writes to are remote in production, so what is measured is the pipeline itself:
 * flat memory means the audience streams and is never materialised.
 */

import { spawnSync } from 'node:child_process';
import { inMemoryFanOutDeps } from '../shared/adapters/memory/fan-out-deps.ts';
import { SerialisingWorkQueue } from '../shared/adapters/memory/work-queue.ts';
import type { FatigueLedger, ReservationRequest } from '../shared/domain/fatigue/reservation.ts';
import type { DeliveryJob } from '../shared/domain/push/delivery-job.ts';
import type { AudienceQuery, RelationStore } from '../shared/domain/relations/relation.ts';
import { fanOutSlice } from '../shared/use-cases/fan-out-slice.ts';
import { RemoteJobOutbox } from './remote-outbox.ts';

const SIZES = [10_000, 100_000, 1_000_000];
const eventTime = new Date('2026-11-21T10:00:00Z');

/** An audience of `size` followers, generated in order, holding nothing. */
const generatedAudience = (size: number): RelationStore => ({
  apply: async () => undefined,
  importRelations: async () => undefined,
  shardCountOf: async () => 1,
  promote: async () => undefined,
  startLayout: async () => undefined,
  relocate: async () => 0,
  audiencePage: async (q: AudienceQuery) => {
    const start = q.after === undefined ? 0 : Number(q.after.slice(5)) + 1;
    const end = Math.min(size, start + q.limit);
    const userIds = Array.from(
      { length: end - start },
      (_, i) => `user-${String(start + i).padStart(8, '0')}`,
    );
    return { userIds, ...(end < size ? { next: userIds[userIds.length - 1]! } : {}) };
  },
});

/** The fatigue store answers as DynamoDB would, and keeps its state where DynamoDB keeps it: elsewhere. */
const remoteFatigue: FatigueLedger = {
  reserve: async (requests: readonly ReservationRequest[]) =>
    requests.map(() => ({ status: 'reserved' as const })),
  release: async () => undefined,
};

const runChild = async (size: number) => {
  const delivery = new SerialisingWorkQueue<DeliveryJob>();
  const result = await fanOutSlice(
    {
      taskId: `memory-${size}#0`,
      recipeId: 'followed-seller-new-item',
      event: {
        id: `memory-${size}`,
        source: 'market.items',
        detailType: 'ItemListed',
        time: eventTime.toISOString(),
        detail: { itemId: 'i', sellerId: 'seller-1', title: 'Oak chair', price: 45, currency: 'EUR' },
      },
      plannedAt: eventTime.toISOString(),
      identity: `memory-${size}`,
      shard: 0,
    },
    inMemoryFanOutDeps(eventTime, {
      relations: generatedAudience(size),
      fatigue: remoteFatigue,
      outbox: new RemoteJobOutbox(),
      delivery,
    }),
  );
  globalThis.gc?.();
  const peakRssMb = process.resourceUsage().maxRSS / 1024; // maxRSS is in kilobytes
  const heapAfterGcMb = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(
    JSON.stringify({ size, planned: result.planned, jobs: delivery.messages, peakRssMb, heapAfterGcMb }),
  );
};

export interface MemoryBenchResult {
  readonly audience: number;
  readonly peakRssMb: number;
  /** Heap still in use once the slice is done and garbage collected: what the pipeline retained. */
  readonly heapAfterGcMb: number;
}

/** Peak RSS of a fan-out over 10k, 100k and 1M recipients, each in its own process. */
export async function benchMemory(): Promise<MemoryBenchResult[]> {
  return SIZES.map((size) => {
    // A bounded heap, as a small Lambda has: a pipeline that kept its audience would run out of it.
    const v8 = ['--expose-gc', '--max-old-space-size=48', '--max-semi-space-size=2'];
    const child = spawnSync(process.execPath, [...v8, import.meta.filename, '--audience', String(size)], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`memory bench for ${size} failed: ${child.stderr}`);
    const out = JSON.parse(child.stdout.trim().split('\n').pop()!);
    if (out.planned !== size) throw new Error(`memory bench for ${size} planned ${out.planned}`);
    return {
      audience: size,
      peakRssMb: Math.round(out.peakRssMb * 10) / 10,
      heapAfterGcMb: Math.round(out.heapAfterGcMb * 10) / 10,
    };
  });
}

if (import.meta.main) {
  const at = process.argv.indexOf('--audience');
  if (at > 0) await runChild(Number(process.argv[at + 1]));
  else console.log(await benchMemory());
}

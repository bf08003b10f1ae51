import { type FanoutCheckpoint, FanoutTaskBusyError } from '../../domain/audience/fanout-progress.ts';
import type { FanoutTask } from '../../domain/audience/fanout-task.ts';
import { defaultPolicy } from '../../domain/fatigue/policy.ts';
import type { DeliveryJob } from '../../domain/push/delivery-job.ts';
import { defaultCatalog } from '../../domain/recipes/default-catalog.ts';
import { LocalHoldScheduler } from '../../local/local-hold-scheduler.ts';
import { ManualClock } from '../../local/manual-clock.ts';
import type { FanOutDeps } from '../../use-cases/fan-out-slice.ts';
import { InMemoryFatigueLedger } from './fatigue-ledger.ts';
import { InMemoryJobOutbox } from './job-outbox.ts';
import { InMemoryOutcomeLedger } from './outcome-ledger.ts';
import { InMemoryRelationStore } from './relation-store.ts';
import { InMemoryUserDirectory } from './user-directory.ts';
import { InMemoryWorkLeases } from './work-leases.ts';
import { SerialisingWorkQueue } from './work-queue.ts';

/**
 * Every port of the fan-out on in-memory adapters, the clock stopped at `at`, for unit tests
 * and in-process benchmarks; `overrides` replace any of them.
 */
export const inMemoryFanOutDeps = (at: Date, overrides: Partial<FanOutDeps> = {}): FanOutDeps => ({
  catalog: defaultCatalog(),
  policy: defaultPolicy,
  relations: new InMemoryRelationStore(),
  users: new InMemoryUserDirectory(),
  fatigue: new InMemoryFatigueLedger(),
  delivery: new SerialisingWorkQueue<DeliveryJob>(),
  fanout: new SerialisingWorkQueue<FanoutTask>(),
  holds: new LocalHoldScheduler(),
  fanoutProgress: new InMemoryWorkLeases<FanoutCheckpoint>((id) => new FanoutTaskBusyError(id, 'lease lost')),
  outcomes: new InMemoryOutcomeLedger(),
  outbox: new InMemoryJobOutbox(),
  clock: new ManualClock(at),
  ...overrides,
});

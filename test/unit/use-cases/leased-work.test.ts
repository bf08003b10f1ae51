import { describe, expect, it } from 'vitest';
import { InMemoryOutcomeLedger } from '../../../shared/adapters/memory/outcome-ledger.ts';
import { InMemoryWorkLeases } from '../../../shared/adapters/memory/work-leases.ts';
import { RetryLaterError, WorkGaveUpError } from '../../../shared/domain/errors.ts';
import { OutcomeTally } from '../../../shared/domain/outcomes/outcome.ts';
import { type LeasedWork, MAX_HANDOVERS, runLeased } from '../../../shared/use-cases/leased-work.ts';

/** A unit of ten recipients: each step settles one, saving a checkpoint of how many are done. */
interface Done {
  readonly done: number;
}
const day = new Date('2026-11-21T10:00:00Z');
const counts = (delivered: number, gaveUp = 0) => {
  const tally = new OutcomeTally('r', day);
  tally.add('planned', '', 'A', delivered + gaveUp);
  tally.add('delivered', '', 'A', delivered);
  tally.add('failed', 'gave-up', 'A', gaveUp);
  return tally.entries();
};

const unit = (
  behaviour: { failAt?: number; error?: Error; handovers?: number } = {},
): LeasedWork<Done, number> & { handedOver: number } => {
  const work = {
    id: 'unit-1',
    name: 'test unit unit-1',
    handovers: behaviour.handovers ?? 0,
    handedOver: 0,
    run: async (checkpoint: Done | undefined, save: (c: Done) => Promise<void>) => {
      for (let done = checkpoint?.done ?? 0; done < 10; done++) {
        if (done === behaviour.failAt) throw behaviour.error ?? new Error('boom');
        await save({ done: done + 1 });
      }
      return { counts: counts(10), result: 10 };
    },
    settle: async (checkpoint: Done | undefined) =>
      counts(checkpoint?.done ?? 0, 10 - (checkpoint?.done ?? 0)),
    handOver: async () => {
      work.handedOver++;
    },
    busy: () => new RetryLaterError('test unit unit-1: another worker holds it'),
  };
  return work;
};

const setup = () => ({
  leases: new InMemoryWorkLeases<Done>((id) => new RetryLaterError(`${id}: lease lost`)),
  outcomes: new InMemoryOutcomeLedger(),
});

describe('runLeased', () => {
  it('runs the work once and records its outcomes once; a redelivered copy is skipped', async () => {
    const deps = setup();

    expect(await runLeased(unit(), deps)).toEqual({ status: 'done', result: 10, alreadyRecorded: false });
    expect(await runLeased(unit(), deps)).toEqual({ status: 'already-done' });
    expect((await deps.outcomes.summary()).r).toMatchObject({ planned: 10, delivered: 10 });
  });

  it('hands a passing failure back to SQS with the lease released, and the next copy resumes from the checkpoint', async () => {
    const deps = setup();
    const resumedFrom: (number | undefined)[] = [];

    await expect(runLeased(unit({ failAt: 4 }), deps)).rejects.toThrow('boom');
    const next = unit();
    const run = next.run;
    next.run = (checkpoint, save) => {
      resumedFrom.push(checkpoint?.done);
      return run(checkpoint, save);
    };

    expect((await runLeased(next, deps)).status).toBe('done');
    expect(resumedFrom).toEqual([4]);
  });

  it('on the last receive, gives up a failing unit: what the checkpoint settled, everyone else gave-up', async () => {
    const deps = setup();

    const failing = runLeased(unit({ failAt: 6 }), { ...deps, lastAttempt: true });

    await expect(failing).rejects.toBeInstanceOf(WorkGaveUpError);
    await expect(failing).rejects.toThrow(/^test unit unit-1: gave up on the last receive: boom/);
    expect((await deps.outcomes.summary()).r).toMatchObject({
      planned: 10,
      delivered: 6,
      failed: { 'gave-up': 4 },
    });
  });

  it('on the last receive, hands over a unit another worker holds instead of dropping it', async () => {
    const deps = setup();
    await deps.leases.acquire('unit-1', 'someone-else', 60_000);
    const work = unit();

    expect(await runLeased(work, { ...deps, lastAttempt: true })).toEqual({ status: 'handed-over' });
    expect(work.handedOver).toBe(1);
    expect(await deps.outcomes.wasRecorded('unit-1')).toBe(false);
  });

  it('on the last receive, hands over a unit that stopped for its deadline, and frees its lease', async () => {
    const deps = setup();
    const work = unit({ failAt: 3, error: new RetryLaterError('stopped before the invocation deadline') });

    expect(await runLeased(work, { ...deps, lastAttempt: true })).toEqual({ status: 'handed-over' });
    expect(work.handedOver).toBe(1);
    expect((await deps.leases.acquire('unit-1', 'next', 60_000)).status).toBe('acquired');
  });

  it('gives up a unit handed over too often: takes the lease from its holder, who can no longer save', async () => {
    const deps = setup();
    await deps.leases.acquire('unit-1', 'stuck-worker', 60_000);
    await deps.leases.save('unit-1', 'stuck-worker', { done: 7 });

    const run = runLeased(unit({ handovers: MAX_HANDOVERS }), { ...deps, lastAttempt: true });

    await expect(run).rejects.toBeInstanceOf(WorkGaveUpError);
    await expect(run).rejects.toThrow(/another worker holds it/);
    expect((await deps.outcomes.summary()).r).toMatchObject({
      planned: 10,
      delivered: 7,
      failed: { 'gave-up': 3 },
    });
    await expect(deps.leases.save('unit-1', 'stuck-worker', { done: 8 })).rejects.toThrow(/lease lost/);
  });

  it('turns a second copy back to SQS while the first holds the unit, before its last receive', async () => {
    const deps = setup();
    await deps.leases.acquire('unit-1', 'first', 60_000);

    await expect(runLeased(unit(), deps)).rejects.toBeInstanceOf(RetryLaterError);
  });

  it('gives up nothing when another copy recorded the unit first, and sends no dead letter', async () => {
    const deps = setup();
    await deps.leases.acquire('unit-1', 'stuck-worker', 60_000);
    await deps.outcomes.record('unit-1', counts(10));

    expect(await runLeased(unit({ handovers: MAX_HANDOVERS }), { ...deps, lastAttempt: true })).toEqual({
      status: 'already-done',
    });
  });

  it('a failing step after the outcomes are recorded does not fail the finished work', async () => {
    const deps = setup();
    const work = unit();
    const run = work.run;
    work.run = async (checkpoint, save) => ({
      ...(await run(checkpoint, save)),
      afterRecorded: async () => {
        throw new Error('give-back failed');
      },
    });

    expect((await runLeased(work, { ...deps, lastAttempt: true })).status).toBe('done');
    expect((await deps.outcomes.summary()).r).toMatchObject({ planned: 10, delivered: 10 });
  });
});

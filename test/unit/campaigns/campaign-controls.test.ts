import { describe, expect, it } from 'vitest';
import { parseCampaign } from '../../../shared/domain/campaigns/campaign.ts';
import {
  type CampaignState,
  newCampaignState,
  transition,
} from '../../../shared/domain/campaigns/lifecycle.ts';
import { Pacer } from '../../../shared/domain/campaigns/pacing.ts';
import type { CampaignStore } from '../../../shared/domain/campaigns/store.ts';
import type { OutcomeCount } from '../../../shared/domain/outcomes/outcome.ts';
import type { DeliveryJob } from '../../../shared/domain/push/delivery-job.ts';
import { gateCampaignJob, sweepParked } from '../../../shared/use-cases/campaign-controls.ts';

const now = new Date('2026-11-21T10:00:10Z');
const campaign = parseCampaign({
  id: 'sale',
  business: 'offers',
  category: 'promotions',
  audience: [{ kind: 'segment' }],
  push: { title: 't', body: 'b' },
});
const job = (jobId: string): DeliveryJob => ({
  jobId,
  eventId: 'campaign:sale#r1',
  recipeId: 'campaign:sale',
  variant: 'A',
  campaign: 'sale',
  push: { title: 't', body: 'b' },
  userIds: ['a', 'b'],
  releaseAt: '2026-11-21T10:00:05.000Z',
});
const at = (s: number) => new Date(Date.UTC(2026, 10, 21, 10, 0, s));
const running = transition(
  transition(newCampaignState(campaign, 'ops', at(0)), 'start', 'ops', at(0)),
  'launch',
  'herald',
  at(0),
);

/** A store in memory whose reads answer from `states` in turn (the last one ever after). */
const storeOf = (states: CampaignState[], parked: DeliveryJob[] = []) => {
  const jobs = new Map(parked.map((j) => [j.jobId, j]));
  let reads = 0;
  const store: Pick<CampaignStore, 'get' | 'park' | 'parked' | 'unpark'> = {
    get: async () => states[Math.min(reads++, states.length - 1)],
    park: async (_id, j) => void jobs.set(j.jobId, j),
    parked: async () => [...jobs.values()],
    unpark: async (_id, ids) => {
      for (const id of ids) jobs.delete(id);
    },
  };
  return { store: store as CampaignStore, jobs };
};
const recorder = () => {
  const sent: string[] = [];
  const held: { jobId: string; at: string }[] = [];
  const recorded = new Map<string, OutcomeCount[]>();
  return {
    sent,
    held,
    recorded,
    delivery: { send: async (list: readonly DeliveryJob[]) => void sent.push(...list.map((j) => j.jobId)) },
    holds: {
      hold: async (list: readonly DeliveryJob[], when: Date) =>
        void held.push(...list.map((j) => ({ jobId: j.jobId, at: when.toISOString() }))),
    },
    outcomes: {
      record: async (id: string, counts: readonly OutcomeCount[]) => {
        recorded.set(id, [...counts]);
        return 'recorded' as const;
      },
      wasRecorded: async () => false,
      summary: async () => ({}),
      variantSummary: async () => ({}),
      summaryOf: async () => undefined,
    },
    clock: { now: () => now },
  };
};

describe('parked campaign jobs are never stranded', () => {
  it('a job parked just as a resume swept the parked ones is taken back and delivered', async () => {
    const paused = transition(running, 'pause', 'ops', at(1));
    const resumed = transition(paused, 'resume', 'ops', at(2));
    const { store, jobs } = storeOf([paused, resumed]);
    const r = recorder();
    const later = { ...job('j1'), releaseAt: '2026-11-21T10:00:20.000Z' };
    expect(await gateCampaignJob(later, { ...r, campaigns: store })).toBe('deferred');
    // Slid by the one second paused: due at 10:00:21, held until then.
    expect(r.held).toEqual([{ jobId: 'j1', at: '2026-11-21T10:00:21.000Z' }]);
    expect(jobs.size).toBe(0);
  });

  it('a status read sweeps what a crashed resume or cancel left parked', async () => {
    const resumed = transition(transition(running, 'pause', 'ops', at(1)), 'resume', 'ops', at(31));
    const left = storeOf(
      [resumed],
      [
        { ...job('j1'), releaseAt: '2026-11-21T09:59:00.000Z' },
        { ...job('j2'), releaseAt: '2026-11-21T10:00:30.000Z' },
      ],
    );
    const r = recorder();
    await sweepParked(resumed, { ...r, campaigns: left.store });
    expect(r.sent).toEqual(['j1']);
    expect(r.held).toEqual([{ jobId: 'j2', at: '2026-11-21T10:01:00.000Z' }]);
    expect(left.jobs.size).toBe(0);

    const cancelled = transition(running, 'cancel', 'ops', at(1));
    const gone = storeOf([cancelled], [job('j3')]);
    const c = recorder();
    await sweepParked(cancelled, { ...c, campaigns: gone.store });
    expect(c.recorded.get('j3')).toEqual([
      expect.objectContaining({ outcome: 'suppressed', reason: 'cancelled', count: 2 }),
    ]);
    expect(gone.jobs.size).toBe(0);
  });
});

describe('pacing with a share of the rate', () => {
  it('gives a second whole pushes: three readers at a third of 100 push 99 a second, never 102', () => {
    const pacer = new Pacer(100 / 3);
    const seconds = Array.from({ length: 34 }, () => pacer.slot(at(0)).getUTCSeconds());
    expect(seconds.filter((s) => s === 0)).toHaveLength(33);
    expect(seconds[33]).toBe(1);
  });
});

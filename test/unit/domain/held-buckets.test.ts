import { describe, expect, it } from 'vitest';
import { HeldBuckets } from '../../../shared/domain/audience/held-buckets.ts';
import { JobPacker, type JobTemplate } from '../../../shared/domain/audience/job-packer.ts';
import type { DeliveryJob } from '../../../shared/domain/push/delivery-job.ts';

const template: JobTemplate = {
  eventId: 'e1',
  recipeId: 'r',
  variant: 'A',
  push: { title: 't', body: 'b' },
  releaseAt: '2026-11-21T13:00:00.000Z',
};
/** A held job's reservation, taken at its release instant. */
const fatigue = {
  at: template.releaseAt!,
  counters: [],
  dedupeKey: 'e1#r',
  enforce: true,
  count: true,
  reserved: false,
};
const users = (from: number, count: number) => Array.from({ length: count }, (_, i) => `u${from + i}`);

describe('HeldBuckets', () => {
  it('keeps an open job only when it changed, and sends it once full', () => {
    const buckets = new HeldBuckets(new JobPacker('task'));
    buckets.add(template, users(0, 300));
    const first = buckets.take();
    const unchanged = buckets.take();
    buckets.add(template, users(300, 300));
    const filled = buckets.take();

    expect(first.keep.map((j) => j.userIds.length)).toEqual([300]);
    expect(first.send).toEqual([]);
    expect(unchanged).toEqual({ keep: [], send: [] });
    expect(filled.send.map((j) => [j.jobId, j.userIds.length])).toEqual([['task#0', 500]]);
    expect(buckets.open).toEqual([{ jobId: 'task#1', variant: 'A', recipients: 100 }]);
  });

  it('reopens a job cut to what the checkpoint vouches for; a shorter body is not the one it names', () => {
    const body: DeliveryJob = { ...template, jobId: 'task#0', userIds: users(0, 150) };
    const buckets = new HeldBuckets(new JobPacker('task', 1));

    const missing = buckets.restore(
      [
        { jobId: 'task#0', variant: 'A', recipients: 100 },
        { jobId: 'task#9', variant: 'A', recipients: 10 },
      ],
      [body, { ...body, jobId: 'task#9', userIds: users(0, 5), releaseAt: '2026-11-21T14:00:00.000Z' }],
    );
    buckets.closeAll();
    const { keep, send } = buckets.take();

    expect(missing.map((m) => m.jobId)).toEqual(['task#9']);
    expect(send.map((j) => j.userIds)).toEqual([users(0, 100)]);
    // The outbox held 150: the cut job is kept again before it goes out.
    expect(keep.map((j) => j.jobId)).toEqual(['task#0']);
  });

  it('shares a job between zones whose clocks read the same at release, and only them', () => {
    const zoned = (timeZone: string): JobTemplate => ({ ...template, fatigue: { ...fatigue, timeZone } });
    const buckets = new HeldBuckets(new JobPacker('task'));
    // 13:00Z is 14:00 in Paris and in Berlin (both UTC+1 in November), 15:00 in Athens.
    buckets.add(zoned('Europe/Paris'), users(0, 2));
    buckets.add(zoned('Europe/Berlin'), users(2, 2));
    buckets.add(zoned('Europe/Athens'), users(4, 2));
    buckets.closeAll();

    const jobs = buckets.take().send.map((j) => [j.fatigue?.timeZone, j.userIds]);
    expect(jobs).toEqual([
      ['Europe/Paris', users(0, 4)],
      ['Europe/Athens', users(4, 2)],
    ]);
  });

  it('a restored job that carries a clock takes recipients of another zone that reads the same', () => {
    const paris: DeliveryJob = {
      ...template,
      fatigue: { ...fatigue, timeZone: 'Europe/Paris' },
      jobId: 'task#0',
      userIds: users(0, 3),
    };
    const buckets = new HeldBuckets(new JobPacker('task', 1));
    buckets.restore([{ jobId: 'task#0', variant: 'A', recipients: 3 }], [paris]);

    buckets.add({ ...template, fatigue: { ...fatigue, timeZone: 'Europe/Berlin' } }, users(3, 2));

    expect(buckets.open).toEqual([{ jobId: 'task#0', variant: 'A', recipients: 5 }]);
  });
});

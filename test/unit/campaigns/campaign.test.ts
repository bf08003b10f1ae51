import { describe, expect, it } from 'vitest';
import { parseCampaign } from '../../../shared/domain/campaigns/campaign.ts';
import {
  CampaignStateError,
  counterDaysOfLaunch,
  newCampaignState,
  transition,
} from '../../../shared/domain/campaigns/lifecycle.ts';
import { Pacer } from '../../../shared/domain/campaigns/pacing.ts';
import { counterDaysOf } from '../../../shared/domain/campaigns/progress.ts';

const valid = {
  id: 'winter-sale',
  business: 'offers',
  category: 'promotions',
  audience: [{ kind: 'segment' }],
  push: { title: 'Sale', body: 'Now' },
};

describe('a campaign is data, validated', () => {
  it('takes sensible defaults: now, 100 per second, quiet hours held, caps enforced', () => {
    expect(parseCampaign(valid)).toMatchObject({
      schedule: { kind: 'now' },
      rate: 100,
      readers: 4,
      quietHours: 'hold',
      bypassCaps: false,
      exclude: [],
    });
  });

  it.each([
    [{ audience: [] }, 'campaign.audience: Too small'],
    [{ audience: [{ kind: 'everyone' }] }, 'campaign.audience[0].kind'],
    [
      { audience: [{ kind: 'segment', timeZones: ['Mars/Olympus'] }] },
      'campaign.audience[0].timeZones[0]: expected an IANA time zone',
    ],
    [{ rate: 0 }, 'campaign.rate'],
    [
      { schedule: { kind: 'local-time', time: '25:00' } },
      'campaign.schedule.time: expected a local time such as "10:00"',
    ],
    [
      { schedule: { kind: 'recurring', expression: 'every day' } },
      'campaign.schedule.expression: expected "rate(<n> minutes|hours|days)"',
    ],
    [{ push: undefined }, 'campaign.push: give exactly one of "push" and "variants"'],
    [{ quietHours: 'later' }, 'campaign.quietHours'],
  ])('refuses %j naming the field', (change, message) => {
    expect(() => parseCampaign({ ...valid, ...change })).toThrow(message);
  });
});

describe('the lifecycle', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 10, 21, 10, 0, s));
  const draft = newCampaignState(parseCampaign(valid), 'ops-lea', at(0));

  it('records who did what, and goes draft -> scheduled -> running <-> paused -> cancelled', () => {
    const started = transition(draft, 'start', 'ops-lea', at(1));
    const running = transition(started, 'launch', 'herald', at(2));
    const paused = transition(running, 'pause', 'ops-sam', at(10));
    const resumed = transition(paused, 'resume', 'ops-sam', at(40));
    expect(resumed).toMatchObject({ status: 'running', pausedMs: 30_000, version: 5 });
    expect(resumed.history.map((h) => `${h.action} by ${h.by}`)).toEqual([
      'create by ops-lea',
      'start by ops-lea',
      'launch by herald',
      'pause by ops-sam',
      'resume by ops-sam',
    ]);
    expect(transition(resumed, 'cancel', 'ops-lea', at(50)).status).toBe('cancelled');
  });

  it('a campaign paused before its run resumes as scheduled', () => {
    const paused = transition(transition(draft, 'start', 'a', at(1)), 'pause', 'a', at(2));
    expect(transition(paused, 'resume', 'a', at(3)).status).toBe('scheduled');
  });

  it('keeps every launch day for status, after the history has let the launch go', () => {
    let state = transition(transition(draft, 'start', 'a', at(1)), 'launch', 'herald', at(2));
    for (let i = 0; i < 30; i++)
      state = transition(transition(state, 'pause', 'a', at(3)), 'resume', 'a', at(4));
    expect(state.history.some((h) => h.action === 'launch')).toBe(false);
    expect(counterDaysOf(state)).toEqual(['2026-11-21']);
    // A launch saved just after midnight may have sent its readers the day before.
    expect(counterDaysOfLaunch(new Date('2026-11-22T00:05:00Z'))).toEqual(['2026-11-21', '2026-11-22']);
    expect(counterDaysOfLaunch(new Date('2026-11-22T00:20:00Z'))).toEqual(['2026-11-22']);
  });

  it('refuses what the state does not allow', () => {
    expect(() => transition(draft, 'pause', 'a', at(1))).toThrow(CampaignStateError);
    const cancelled = transition(draft, 'cancel', 'a', at(1));
    expect(() => transition(cancelled, 'start', 'a', at(2))).toThrow(
      'campaign winter-sale is cancelled: cannot start it',
    );
  });
});

describe('pacing', () => {
  const base = new Date('2026-11-21T10:00:00Z');
  const second = (d: Date) => d.toISOString().slice(14, 19);
  it('gives each second at most the rate; an instant an hour on starts where it is due', () => {
    const pacer = new Pacer(3);
    const slots = Array.from({ length: 7 }, () => pacer.slot(base).toISOString().slice(17, 19));
    expect(slots).toEqual(['00', '00', '00', '01', '01', '01', '02']);
    expect(pacer.slot(new Date('2026-11-21T11:00:00Z')).toISOString()).toBe('2026-11-21T11:00:00.000Z');
  });

  it('sequences due at instants that overlap share the seconds: never more than the rate', () => {
    const pacer = new Pacer(2);
    const first = Array.from({ length: 5 }, () => second(pacer.slot(base)));
    // Due a second later, in the middle of the first sequence: the next seconds with room.
    const second1 = new Date(base.getTime() + 1000);
    const next = Array.from({ length: 4 }, () => second(pacer.slot(second1)));
    expect(first).toEqual(['00:00', '00:00', '00:01', '00:01', '00:02']);
    expect(next).toEqual(['00:02', '00:03', '00:03', '00:04']);
    // The first sequence goes on after them.
    expect(second(pacer.slot(base))).toBe('00:04');
  });

  it('never gives a second already past: a reader that stalled goes on at its rate from now', () => {
    const pacer = new Pacer(2);
    pacer.slot(base, base);
    const now = new Date(base.getTime() + 600_000);
    const slots = Array.from({ length: 3 }, () => second(pacer.slot(base, now)));
    expect(slots).toEqual(['10:00', '10:00', '10:01']);
  });

  it('readers below one push a second take turns across the interval, not all at once', () => {
    // 4 readers sharing 2 a second: one push each every 2 s, half a second apart.
    const readers = [0, 1, 2, 3].map((shard) => new Pacer(0.5, {}, shard / 4));
    const first = readers.map((pacer) => pacer.slot(base).toISOString().slice(17, 23));
    expect(first).toEqual(['00.000', '00.500', '01.000', '01.500']);
  });

  it('a checkpoint of the older pacer (a count per instant) is carried on, its last second included', () => {
    const resumed = new Pacer(3, { [String(base.getTime())]: 5 });
    expect([resumed.slot(base), resumed.slot(base)].map(second)).toEqual(['00:01', '00:02']);
  });

  it('keeps a small state for a large audience over many instants, and a restored pacer carries on', () => {
    const pacer = new Pacer(25);
    const dues = Array.from({ length: 24 }, (_, z) => new Date(base.getTime() + z * 1_800_000));
    for (let i = 0; i < 100_000; i++) pacer.slot(dues[i % 24]!);
    const state = pacer.snapshot();
    expect(Object.keys(state).length).toBeLessThan(100);
    expect(JSON.stringify(state).length).toBeLessThan(4096);
    const resumed = new Pacer(25, state);
    expect(resumed.slot(dues[0]!).getTime()).toBe(pacer.slot(dues[0]!).getTime());
  });

  it('spaces pushes out below one per second, and a restored pacer carries on', () => {
    const pacer = new Pacer(0.5);
    expect([pacer.slot(base), pacer.slot(base)].map((d) => d.toISOString().slice(17, 19))).toEqual([
      '00',
      '02',
    ]);
    const resumed = new Pacer(0.5, pacer.snapshot());
    expect(resumed.slot(base).toISOString().slice(17, 19)).toBe('04');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy, rulesFor } from '../../shared/domain/fatigue/policy.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../../shared/local/runtime.ts';
import { loadWorld } from '../../shared/simulation/load-world.ts';
import { parseScenario } from '../../shared/simulation/scenario.ts';
import { dryRunCampaign } from '../../shared/use-cases/campaign-dry-run.ts';
import { sharedEngines } from '../support/engines.ts';

const start = new Date('2026-11-21T10:00:00Z');
const ids = Array.from({ length: 30 }, (_, i) => `u${String(i).padStart(2, '0')}`);
let runtime: LocalRuntime;

describe('a campaign dry run', () => {
  beforeAll(async () => {
    runtime = await startLocalRuntime({ engines: sharedEngines(), clock: new ManualClock(start) });
    await loadWorld(
      runtime.ports,
      parseScenario({
        start: start.toISOString(),
        users: ids.map((id, i) => ({
          id,
          timeZone: i < 10 ? 'Asia/Tokyo' : 'UTC',
          flags: i === 29 ? ['minor'] : [],
        })),
        devices: ids.map((userId) => ({ userId, platform: 'FCM', token: `fcm-token-${userId}-0001` })),
        relations: ids.slice(0, 12).map((from) => ({ type: 'follow', from, to: 'seller-anna' })),
      }),
    );
  });
  afterAll(() => runtime.stop());

  const deps = () => ({
    ...runtime.ports,
    campaigns: runtime.ports.campaigns!,
    deviceHolders: runtime.ports.deviceHolders!,
    userLists: runtime.ports.userLists!,
  });
  const campaign = (fields: Record<string, unknown>) => ({
    id: 'tokyo-night',
    business: 'offers',
    category: 'promotions',
    push: { title: 'Hello {{recipient.id}}', body: 'Tonight only' },
    rate: 5,
    ...fields,
  });

  it('counts a segment exactly, renders five pushes, prices it, and says when it would end', async () => {
    const report = await dryRunCampaign(
      campaign({
        audience: [{ kind: 'segment', timeZones: ['UTC'] }],
        exclude: [{ kind: 'segment', withFlags: ['minor'] }],
      }),
      deps(),
    );
    expect(report.audience).toEqual({
      size: 19,
      exact: true,
      sources: [{ kind: 'segment', size: 19, exact: true }],
    });
    expect(report.samples).toHaveLength(5);
    expect(report.samples[0]).toMatchObject({
      title: `Hello ${report.samples[0]!.userId}`,
      body: 'Tonight only',
    });
    expect(report.samples.every((s) => s.verdict.startsWith('pushed at 2026-11-21T10:00'))).toBe(true);
    // 19 pushes at about a SNS publish each ($0.50 a million) and their DynamoDB writes.
    expect(report.cost.byService.sns).toBeCloseTo(19 * 0.5e-6, 8);
    expect(report.cost.usd).toBeGreaterThan(report.cost.byService.sns!);
    expect(report.firstPushAt).toBe('2026-11-21T10:00:00.000Z');
    expect(report.lastPushAt).toBe('2026-11-21T10:00:04.000Z');
    // Nothing was written: no campaign exists.
    expect(await runtime.ports.campaigns!.list()).toEqual([]);
  });

  it('counts a relation audience exactly and shows quiet hours on each sample', async () => {
    const report = await dryRunCampaign(
      campaign({ audience: [{ kind: 'relation', relation: 'follow', target: 'seller-anna' }] }),
      { ...deps(), policy: { ...runtime.ports.policy, quietHours: { start: '18:00', end: '08:00' } } },
    );
    expect(report.audience.size).toBe(12);
    // 10:00 UTC is 19:00 in Tokyo: held until 08:00 there (23:00 UTC).
    expect(report.samples.map((s) => s.verdict)).toContain('pushed at 2026-11-21T23:00:00.000Z');
  });

  it('reads what the caps would hold back now, without writing a thing', async () => {
    const policy = parsePolicy({
      ...runtime.ports.policy,
      businesses: { offers: [{ window: 'day', limit: 1 }] },
    });
    const rules = rulesFor(policy, 'campaign:other', 'offers', undefined);
    // Five users had their one offer of the day already.
    const capped = ids.slice(10, 15);
    await runtime.ports.fatigue.reserve(
      capped.map((userId) => ({
        userId,
        timeZone: 'UTC',
        at: start,
        dedupeKey: `earlier#${userId}`,
        owner: 'earlier',
        counters: rules.counters,
        enforce: true,
        count: true,
      })),
    );
    const report = await dryRunCampaign(campaign({ audience: [{ kind: 'segment', timeZones: ['UTC'] }] }), {
      ...deps(),
      policy,
    });
    expect(report.caps).toEqual({
      sampled: 20,
      wouldSuppress: { 'fatigue.business': 5 },
      estimate: { 'fatigue.business': 5 },
    });
    // A second dry run sees the same: the first wrote nothing.
    const again = await dryRunCampaign(campaign({ audience: [{ kind: 'segment', timeZones: ['UTC'] }] }), {
      ...deps(),
      policy,
    });
    expect(again.caps.wouldSuppress).toEqual({ 'fatigue.business': 5 });
  });

  it('refuses a broken campaign naming the field', async () => {
    await expect(
      dryRunCampaign(campaign({ audience: [{ kind: 'segment', platforms: ['WAP'] }] }), deps()),
    ).rejects.toThrow('campaign.audience[0].platforms[0]');
  });
});

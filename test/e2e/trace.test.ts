import { describe, expect, it } from 'vitest';
import { listed, run } from '../support/scenarios.ts';

const phone = (userId: string) => ({ userId, platform: 'FCM', token: `fcm-token-${userId}-0001` });
const stepsOf = (trace: readonly { step: string; reason?: string; eventId: string }[] | undefined) =>
  (trace ?? []).map((t) => (t.reason ? `${t.step}:${t.reason}` : t.step));

describe('the trace of every message, step by step', () => {
  it('explains a delivered-and-opened user, a fatigue-suppressed user and a held user', async () => {
    const report = await run({
      start: '2026-11-21T14:00:00Z',
      users: [
        { id: 'amy', timeZone: 'Europe/Paris' },
        { id: 'ben', timeZone: 'Europe/Paris' },
        // 15:10 UTC is 00:10 in Tokyo: inside quiet hours until 08:00 there.
        { id: 'cai', timeZone: 'Asia/Tokyo' },
      ],
      devices: [phone('amy'), phone('ben'), phone('cai')],
      relations: [
        { type: 'follow', from: 'amy', to: 'seller-1' },
        { type: 'follow', from: 'ben', to: 'seller-1' },
        { type: 'follow', from: 'ben', to: 'seller-2' },
        { type: 'follow', from: 'cai', to: 'seller-1' },
      ],
      policy: { user: [{ window: 'day', limit: 1 }], quietHours: { start: '22:00', end: '08:00' } },
      events: [
        listed('2026-11-21T15:10:00Z', 'seller-1', 'item-1'),
        listed('2026-11-21T15:20:00Z', 'seller-2', 'item-2'),
      ],
      engagement: { seed: 1, openRate: { 'followed-seller-new-item': { A: 1 } } },
      trace: ['amy', 'ben', 'cai'],
    });

    const traces = report.traces!;
    expect(stepsOf(traces.amy)).toEqual(['planned', 'packed', 'published', 'delivered', 'opened']);
    expect(stepsOf(traces.ben)).toEqual([
      'planned',
      'packed',
      'published',
      'delivered',
      'planned',
      'suppressed:fatigue.user',
      // The simulated users open their pushes once the events are played, on the clock of then.
      'opened',
    ]);
    expect(stepsOf(traces.cai)).toEqual([
      'planned',
      'held',
      'packed',
      'released',
      'published',
      'delivered',
      'opened',
    ]);
    const held = traces.cai!.find((t) => t.step === 'held')!;
    expect(held).toMatchObject({ recipe: 'followed-seller-new-item', releaseAt: '2026-11-21T23:00:00.000Z' });
    // Ids and reasons only: no token and no text of the push.
    expect(JSON.stringify(traces)).not.toMatch(/fcm-token|Oak chair/);
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import { runHerald, scenarioFile, sharedEnginesEnv, spawnedTimeoutMs } from '../support/herald-cli.ts';

const listed = (time: string, itemId: string) => ({
  time,
  source: 'market.items',
  'detail-type': 'ItemListed',
  detail: { itemId, sellerId: 'seller-9', title: 'Lamp', price: 5, currency: 'EUR' },
});

const oneFollower = (events: unknown[]) => ({
  start: '2026-11-21T10:00:00Z',
  devices: [{ userId: 'u1', platform: 'FCM', token: 'fcm-token-u1-0001' }],
  relations: [{ type: 'follow', from: 'u1', to: 'seller-9' }],
  events,
});

describe('herald simulate', () => {
  it('refuses a scenario with an error, naming its JSON path, with exit code 2', async () => {
    const file = await scenarioFile({
      start: '2026-11-21T10:00:00Z',
      devices: [{ userId: 'u1', platform: 'WINDOWS', token: 'abcdefgh' }],
    });

    const { code, stderr, stdout } = await runHerald(['simulate', file]);

    expect(code).toBe(2);
    expect(stderr).toContain('$.devices[0].platform');
    expect(stdout).toBe('');
  });

  it('refuses a file that is not JSON with exit code 2', async () => {
    const { code, stderr } = await runHerald(['simulate', await scenarioFile('{"start": ')]);

    expect(code).toBe(2);
    expect(stderr).toMatch(/not valid JSON/);
  });

  it(
    'prints a JSON report, and nothing else, on stdout',
    async () => {
      const file = await scenarioFile(oneFollower([listed('2026-11-21T10:05:00Z', 'i1')]));

      const { code, stdout } = await runHerald(['simulate', file], { env: sharedEnginesEnv() });

      expect(code).toBe(0);
      const report = JSON.parse(stdout);
      expect(report.deliveries).toEqual([
        {
          userId: 'u1',
          platform: 'FCM',
          token: 'fcm-token-u1-0001',
          recipe: 'followed-seller-new-item',
          title: 'New from a seller you follow',
          body: 'Lamp: 5 EUR',
          time: '2026-11-21T10:05:00.000Z',
        },
      ]);
    },
    spawnedTimeoutMs,
  );

  it(
    'keeps every log line on stderr, even at DEBUG, so stdout stays one JSON report',
    async () => {
      const file = await scenarioFile(oneFollower([listed('2026-11-21T10:05:00Z', 'i1')]));

      const { code, stdout, stderr } = await runHerald(['simulate', file], {
        env: { ...sharedEnginesEnv(), POWERTOOLS_LOG_LEVEL: 'DEBUG' },
      });

      expect(code).toBe(0);
      expect(JSON.parse(stdout).outcomes['followed-seller-new-item'].delivered).toBe(1);
      // The handlers' INFO lines were written, and written where they belong.
      expect(stderr).toContain('"message":"trigger planned"');
      expect(stderr).toContain('"message":"job delivered"');
    },
    spawnedTimeoutMs,
  );

  it(
    'shows progress on stderr, one plain line per event when stderr is not a terminal',
    async () => {
      const file = await scenarioFile(
        oneFollower([listed('2026-11-21T10:05:00Z', 'i1'), listed('2026-11-21T10:06:00Z', 'i2')]),
      );

      const { code, stderr } = await runHerald(['simulate', file], { env: sharedEnginesEnv() });

      expect(code).toBe(0);
      const progress = stderr.split('\n').filter((line) => line.startsWith('simulate: '));
      expect(progress).toEqual([
        'simulate: engines ready, 2 event(s) to run',
        'simulate: event 1/2',
        'simulate: event 2/2',
      ]);
    },
    spawnedTimeoutMs,
  );
});

import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { CampaignTransport } from '../../../shared/cli/campaign-transport.ts';
import { watchCampaign } from '../../../shared/cli/campaign-watch.ts';
import type { CampaignProgress } from '../../../shared/domain/campaigns/progress.ts';
import type { CampaignRequest } from '../../../shared/use-cases/campaign-actions.ts';

const at = (fields: Partial<CampaignProgress>): CampaignProgress => ({
  id: 'winter-sale',
  status: 'running',
  run: 'r1',
  runs: 1,
  rate: 100,
  planned: 0,
  delivered: 0,
  suppressed: {},
  failed: {},
  remaining: 0,
  etaSeconds: 0,
  history: [],
  ...fields,
});
const polls = [
  at({ planned: 600, delivered: 100, remaining: 500, etaSeconds: 5, readers: { finished: 1, total: 4 } }),
  at({ planned: 1000, delivered: 400, suppressed: { fatigue: 50 }, remaining: 550, etaSeconds: 6 }),
  at({
    status: 'completed',
    planned: 1000,
    delivered: 940,
    suppressed: { fatigue: 50 },
    failed: { 'endpoint-disabled': 10 },
  }),
];

/** A transport answering the polls in turn, keeping what it was asked. */
const replaying = (asked: CampaignRequest[]): CampaignTransport => {
  let next = 0;
  return {
    target: 'test',
    send: async (request) => {
      asked.push(request);
      return { action: 'status', progress: polls[Math.min(next++, polls.length - 1)]! };
    },
    close: () => undefined,
  };
};

/** A terminal: what cli-progress draws on it, kept. */
const terminal = () => {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, {
    isTTY: true,
    columns: 300,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  });
  return { stream, text: () => text };
};

describe('status --watch', () => {
  it('polls until the campaign is completed, drawing a bar of outcomes by reason, and prints the final progress', async () => {
    const asked: CampaignRequest[] = [];
    const screen = terminal();
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);

    const final = await watchCampaign('winter-sale', replaying(asked), {
      intervalMs: 1,
      stream: screen.stream,
    });
    const printed = log.mock.calls.map((c) => String(c[0])).join('\n');

    log.mockRestore();
    expect(final.status).toBe('completed');
    expect(asked).toEqual(polls.map(() => ({ action: 'status', campaignId: 'winter-sale' })));
    expect(screen.text()).toContain('winter-sale completed [');
    expect(screen.text()).toContain(
      '1000/1000 | delivered 940 | suppressed fatigue 50 | failed endpoint-disabled 10 | remaining 0',
    );
    expect(printed).toContain('winter-sale: completed');
    expect(printed).toContain('  failed: endpoint-disabled 10');
  });

  it('writes a plain line per poll off a terminal, and stops at cancelled', async () => {
    const lines = terminal();
    Object.assign(lines.stream, { isTTY: false });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);

    const final = await watchCampaign(
      'winter-sale',
      {
        target: 'test',
        send: async () => ({
          action: 'status',
          progress: at({ status: 'cancelled', planned: 3, delivered: 1, suppressed: { cancelled: 2 } }),
        }),
        close: () => undefined,
      },
      { intervalMs: 1, stream: lines.stream },
    );

    log.mockRestore();
    expect(final.status).toBe('cancelled');
    expect(lines.text()).toBe(
      'winter-sale cancelled: 3/3 settled, delivered 1, suppressed cancelled 2, failed -, remaining 0, 0.0/s, ETA 0s\n',
    );
  });
});

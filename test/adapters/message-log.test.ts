import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbMessageLogReader } from '../../shared/adapters/message-log/duckdb-queries.ts';
import { messagesDir, NdjsonMessageLog } from '../../shared/adapters/message-log/ndjson-message-log.ts';
import type { MessageRecord } from '../../shared/domain/engagement/message-log.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import { conversionRecord } from '../../shared/use-cases/record-conversion.ts';

const base = Date.parse('2026-11-21T10:00:00.000Z');
const at = (hours: number) => new Date(base + hours * 3_600_000).toISOString();

type Step = Pick<MessageRecord, 'step'> & Partial<MessageRecord>;
const message =
  (scope: string, variant: string, eventId: string, userId: string, hours: number) =>
  (...steps: Step[]): MessageRecord[] =>
    steps.map((s) => ({ time: at(hours), scope, variant, eventId, userId, ...s }));

/**
 * price-drop (conversion window 24 h): u1 gets two A messages and converts 5 h after the first
 * (counted once), u2 (B) converts 30 h after (outside), u3 is held out and converts (counted for
 * the holdout), u4 is capped, u5's device is gone. back-in-stock (default 72 h) also reached u1.
 */
const priceDrop = {
  u1e1: message('price-drop', 'A', 'e1', 'u1', 0),
  u1e2: message('price-drop', 'A', 'e2', 'u1', 2),
  u2: message('price-drop', 'B', 'e1', 'u2', 0),
  u3: message('price-drop', 'H', 'e1', 'u3', 0),
  u4: message('price-drop', 'A', 'e1', 'u4', 0),
  u5: message('price-drop', 'B', 'e1', 'u5', 0),
};
const conversion = (id: string, userId: string, hours: number) =>
  conversionRecord({ id, time: at(hours), detail: { buyerId: userId } }, { userField: 'buyerId' })!;

const fanOutPage: MessageRecord[] = [
  ...priceDrop.u1e1({ step: 'planned' }),
  ...priceDrop.u2({ step: 'planned' }),
  ...priceDrop.u3({ step: 'planned' }, { step: 'suppressed', reason: 'holdout' }),
  ...priceDrop.u4({ step: 'planned' }, { step: 'suppressed', reason: 'fatigue.user' }),
  ...priceDrop.u5({ step: 'planned' }),
];
const deliveryWindow: MessageRecord[] = [
  ...priceDrop.u1e1(
    { step: 'packed', jobId: 'j1' },
    { step: 'published', deviceId: 'd1', messageId: 'sns-1' },
    { step: 'delivered' },
  ),
  ...priceDrop.u2({ step: 'packed', jobId: 'j1' }, { step: 'delivered' }),
  ...priceDrop.u5({ step: 'packed', jobId: 'j1' }, { step: 'failed', reason: 'endpoint-disabled' }),
];
const later: MessageRecord[] = [
  { ...priceDrop.u1e1({ step: 'opened' })[0]!, time: at(1) },
  { ...priceDrop.u1e1({ step: 'opened' })[0]!, time: at(1.5) },
  ...message('back-in-stock', 'A', 'e7', 'u1', 1)({ step: 'planned' }, { step: 'delivered' }),
  ...priceDrop.u1e2({ step: 'planned' }, { step: 'delivered' }),
  conversion('c3', 'u3', 2),
  conversion('c1', 'u1', 5),
  conversion('c2', 'u2', 30),
];

describe('NdjsonMessageLog and DuckDbMessageLogReader', () => {
  let dataDir: string;
  let reader: DuckDbMessageLogReader;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'herald-log-'));
    const log = new NdjsonMessageLog(dataDir, 'worker-1');
    // Concurrent appends land whole; the fan-out page twice, as a retried worker would.
    await Promise.all([log.append(fanOutPage), log.append(deliveryWindow), log.append(fanOutPage)]);
    await log.append(later);
    reader = new DuckDbMessageLogReader(dataDir);
  });
  afterAll(() => reader.close());

  it('writes each batch as NDJSON lines under the day of each record', async () => {
    const days = await readdir(messagesDir(dataDir));
    expect(days.sort()).toEqual(['day=2026-11-21', 'day=2026-11-22']);
    const nextDay = await readFile(join(messagesDir(dataDir), 'day=2026-11-22', 'worker-1.ndjson'), 'utf8');
    expect(nextDay).toBe(
      '{"time":"2026-11-22T16:00:00.000Z","step":"converted","scope":"","variant":"","eventId":"c2","userId":"u2"}\n',
    );
    const firstDay = await readFile(join(messagesDir(dataDir), 'day=2026-11-21', 'worker-1.ndjson'), 'utf8');
    const lines = firstDay.trimEnd().split('\n');
    expect(lines).toHaveLength(2 * fanOutPage.length + deliveryWindow.length + later.length - 1);
    // The first batch's lines are contiguous: appends never interleave.
    expect(lines.slice(0, fanOutPage.length).map((l) => JSON.parse(l))).toEqual(fanOutPage);
  });

  it('traces a user step by step, in time order, with reasons and ids', async () => {
    const trace = await reader.trace({ userId: 'u1' });

    expect(trace.map((r) => [r.time, r.step, r.scope, r.eventId])).toEqual([
      [at(0), 'planned', 'price-drop', 'e1'],
      [at(0), 'planned', 'price-drop', 'e1'],
      [at(0), 'packed', 'price-drop', 'e1'],
      [at(0), 'published', 'price-drop', 'e1'],
      [at(0), 'delivered', 'price-drop', 'e1'],
      [at(1), 'planned', 'back-in-stock', 'e7'],
      [at(1), 'delivered', 'back-in-stock', 'e7'],
      [at(1), 'opened', 'price-drop', 'e1'],
      [at(1.5), 'opened', 'price-drop', 'e1'],
      [at(2), 'planned', 'price-drop', 'e2'],
      [at(2), 'delivered', 'price-drop', 'e2'],
      [at(5), 'converted', '', 'c1'],
    ]);
    expect(trace[3]).toEqual({
      time: at(0),
      step: 'published',
      scope: 'price-drop',
      variant: 'A',
      eventId: 'e1',
      userId: 'u1',
      deviceId: 'd1',
      messageId: 'sns-1',
    });
  });

  it('narrows a trace to one event and to records since an instant', async () => {
    const fatigued = await reader.trace({ userId: 'u4', eventId: 'e1' });
    expect(fatigued.map((r) => [r.step, r.reason])).toEqual([
      ['planned', undefined],
      ['planned', undefined],
      ['suppressed', 'fatigue.user'],
      ['suppressed', 'fatigue.user'],
    ]);
    const since = await reader.trace({ userId: 'u1', since: at(2) });
    expect(since.map((r) => r.step)).toEqual(['planned', 'delivered', 'converted']);
    expect(await reader.trace({ userId: 'nobody' })).toEqual([]);
  });

  it('counts each step once per message, by reason, with conversions in the window of the latest message', async () => {
    const stats = await reader.stats({ from: at(-1), to: at(24), conversionWindows: { 'price-drop': 24 } });

    expect(stats).toEqual([
      {
        scope: 'back-in-stock',
        variant: 'A',
        planned: 1,
        delivered: 1,
        suppressed: {},
        failed: {},
        opened: 0,
        clicked: 0,
        dismissed: 0,
        // c1 counts for each scope whose message came before it, once per scope.
        converted: 1,
      },
      {
        scope: 'price-drop',
        variant: 'A',
        planned: 3,
        delivered: 2,
        suppressed: { 'fatigue.user': 1 },
        failed: {},
        opened: 1,
        clicked: 0,
        dismissed: 0,
        converted: 1,
      },
      {
        scope: 'price-drop',
        variant: 'B',
        planned: 2,
        delivered: 1,
        suppressed: {},
        failed: { 'endpoint-disabled': 1 },
        opened: 0,
        clicked: 0,
        dismissed: 0,
        // c2 came 30 h after u2's message, past the 24 h window.
        converted: 0,
      },
      {
        scope: 'price-drop',
        variant: 'H',
        planned: 1,
        delivered: 0,
        suppressed: { holdout: 1 },
        failed: {},
        opened: 0,
        clicked: 0,
        dismissed: 0,
        // The holdout's conversion: the baseline of the lift.
        converted: 1,
      },
    ]);
  });

  it('counts the default 72 h window, one scope, and only messages planned in the range', async () => {
    const wide = await reader.stats({ scope: 'price-drop', from: at(-1), to: at(24) });
    expect(wide.map((r) => [r.variant, r.converted])).toEqual([
      ['A', 1],
      ['B', 1],
      ['H', 1],
    ]);
    const secondHour = await reader.stats({ scope: 'price-drop', from: at(1), to: at(3) });
    expect(secondHour.map((r) => [r.variant, r.planned, r.delivered, r.converted])).toEqual([['A', 1, 1, 1]]);
  });

  it('refuses values that are not what they claim, and answers nothing from an empty folder', async () => {
    await expect(reader.stats({ from: 'yesterday', to: at(0) })).rejects.toBeInstanceOf(ValidationError);
    await expect(reader.trace({ userId: 'u1\u0000' })).rejects.toBeInstanceOf(ValidationError);
    // Quotes are data, never SQL.
    expect(await reader.trace({ userId: "u1' OR '1'='1" })).toEqual([]);
    const empty = new DuckDbMessageLogReader(await mkdtemp(join(tmpdir(), 'herald-log-')));
    expect(await empty.stats({ from: at(0), to: at(1) })).toEqual([]);
  });
});

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NdjsonMessageLog } from '../../shared/adapters/message-log/ndjson-message-log.ts';
import type { MessageRecord } from '../../shared/domain/engagement/message-log.ts';
import { runHerald, spawnedTimeoutMs } from '../support/herald-cli.ts';

const record = (
  time: string,
  step: MessageRecord['step'],
  userId: string,
  extra: Partial<MessageRecord> = {},
) => ({ time, step, scope: 'price-drop', variant: 'A', eventId: 'e1', userId, ...extra }) as MessageRecord;

describe('herald trace and herald stats', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'herald-cli-log-'));
    const log = new NdjsonMessageLog(dataDir);
    await log.append([
      record('2026-11-21T22:00:00.000Z', 'planned', 'u1'),
      record('2026-11-21T22:00:00.000Z', 'held', 'u1', { releaseAt: '2026-11-22T07:00:00.000Z' }),
      record('2026-11-21T22:00:00.000Z', 'planned', 'u2'),
      record('2026-11-21T22:00:00.000Z', 'suppressed', 'u2', { reason: 'fatigue.user' }),
    ]);
    await log.append([
      record('2026-11-22T07:00:00.000Z', 'released', 'u1'),
      record('2026-11-22T07:00:00.000Z', 'packed', 'u1', { jobId: 'j7' }),
      record('2026-11-22T07:00:01.000Z', 'published', 'u1', { deviceId: 'd1', messageId: 'sns-42' }),
      record('2026-11-22T07:00:01.000Z', 'delivered', 'u1'),
      record('2026-11-22T07:03:00.000Z', 'opened', 'u1'),
    ]);
  });

  it('prints a held, delivered and opened user step by step', { timeout: spawnedTimeoutMs }, async () => {
    const run = await runHerald(['trace', '--user', 'u1', '--data', dataDir]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Messages of user u1:');
    expect(lines[1]).toMatch(/^TIME\s+STEP\s+RECIPE\s+VARIANT\s+EVENT\s+DETAIL$/);
    expect(lines.slice(2).map((l) => l.split(/\s{2,}/))).toEqual([
      ['2026-11-21T22:00:00.000Z', 'planned', 'price-drop', 'A', 'e1'],
      ['2026-11-21T22:00:00.000Z', 'held', 'price-drop', 'A', 'e1', 'until 2026-11-22T07:00:00.000Z'],
      ['2026-11-22T07:00:00.000Z', 'released', 'price-drop', 'A', 'e1'],
      ['2026-11-22T07:00:00.000Z', 'packed', 'price-drop', 'A', 'e1', 'job j7'],
      ['2026-11-22T07:00:01.000Z', 'published', 'price-drop', 'A', 'e1', 'device d1, sns sns-42'],
      ['2026-11-22T07:00:01.000Z', 'delivered', 'price-drop', 'A', 'e1'],
      ['2026-11-22T07:03:00.000Z', 'opened', 'price-drop', 'A', 'e1'],
    ]);
  });

  it('prints a suppressed user with the reason, and JSON on --json', {
    timeout: spawnedTimeoutMs,
  }, async () => {
    const run = await runHerald(['trace', '--user', 'u2', '--data', dataDir, '--json']);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      record('2026-11-21T22:00:00.000Z', 'planned', 'u2'),
      record('2026-11-21T22:00:00.000Z', 'suppressed', 'u2', { reason: 'fatigue.user' }),
    ]);
  });

  it('prints stats per recipe and variant with reasons and the open rate', {
    timeout: spawnedTimeoutMs,
  }, async () => {
    const run = await runHerald([
      'stats',
      '--data',
      dataDir,
      '--from',
      '2026-11-21T00:00:00Z',
      '--to',
      '2026-11-22T00:00:00Z',
    ]);

    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[1]!.split(/\s{2,}/)).toEqual([
      'RECIPE',
      'VARIANT',
      'PLANNED',
      'DELIVERED',
      'SUPPRESSED',
      'FAILED',
      'OPENED',
      'OPEN RATE',
      'CONVERTED',
      'CONV RATE',
    ]);
    expect(lines[2]!.split(/\s+/)).toEqual([
      'price-drop',
      'A',
      '2',
      '1',
      '1',
      '0',
      '1',
      '100.0%',
      '0',
      '0.0%',
    ]);
    expect(lines.slice(3)).toEqual(['', 'Reasons:', '  price-drop A suppressed: fatigue.user 1']);
  });

  it('refuses a bad instant with exit code 2', { timeout: spawnedTimeoutMs }, async () => {
    const run = await runHerald(['trace', '--user', 'u1', '--since', 'yesterday', '--data', dataDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ISO 8601');
  });
});

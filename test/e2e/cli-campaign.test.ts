import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRuntimeFile } from '../../shared/cli/runtime-file.ts';
import { type LocalRuntime, startLocalRuntime } from '../../shared/local/runtime.ts';
import { clockStartingAt } from '../../shared/local/shifted-clock.ts';
import { registerDevice } from '../../shared/use-cases/register-device.ts';
import { sharedEngines } from '../support/engines.ts';
import { runHerald, spawnedTimeoutMs } from '../support/herald-cli.ts';

/** 13:00 UTC: no quiet hours for the UTC users, whenever the test runs. */
const clock = clockStartingAt(new Date('2026-11-21T13:00:00Z'));
const me = userInfo().username;
let runtime: LocalRuntime;
let dir: string;

const campaign = (id: string, fields: Record<string, unknown> = {}) => ({
  id,
  business: 'offers',
  category: 'promotions',
  audience: [{ kind: 'segment', timeZones: ['UTC'] }],
  push: { title: 'Winter sale', body: '20% off' },
  quietHours: 'ignore',
  ...fields,
});
const campaignFile = async (content: unknown) => {
  const file = join(dir, `campaign-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};
const herald = (...args: string[]) => runHerald(['campaign', ...args], { cwd: dir });

beforeAll(async () => {
  runtime = await startLocalRuntime({ engines: sharedEngines(), clock });
  for (const id of ['ana', 'bo', 'cy']) {
    await runtime.ports.users.save({ id, timeZone: 'UTC', flags: [], optOuts: [] });
    await registerDevice({ userId: id, platform: 'FCM', token: `fcm-token-${id}-0001` }, runtime.ports);
  }
  dir = await mkdtemp(join(tmpdir(), 'herald-campaign-'));
  // As `herald start --at` writes it: the CLI then runs on the runtime's engines and clock.
  await writeRuntimeFile(
    {
      dynamodbEndpoint: runtime.engines.dynamodbEndpoint,
      tables: runtime.tableNames,
      sqsEndpoint: runtime.engines.sqsEndpoint,
      queues: runtime.queueUrls,
      clockOffsetMs: clock.now().getTime() - Date.now(),
    },
    dir,
  );
}, spawnedTimeoutMs);
afterAll(async () => runtime?.stop());

describe('herald campaign on the local runtime', () => {
  it(
    // First: the pushes of the campaigns below would count against these users' caps.
    'dry-runs a campaign: its audience, five pushes as shown, its cost, and nothing stored',
    async () => {
      const file = await campaignFile(campaign('dry-sale'));

      const [text, json] = await Promise.all([herald('dry-run', file), herald('dry-run', file, '--json')]);

      expect(text.code).toBe(0);
      expect(text.stdout).toContain('campaign:dry-sale: dry run (nothing stored, nothing sent)');
      expect(text.stdout).toContain('  audience 3 (exact): segment 3');
      expect(text.stdout).toMatch(
        / {4}ana: pushed at 2026-11-21T13:0\d:\d{2}\.\d{3}Z \| Winter sale \| 20% off\n/,
      );
      const report = JSON.parse(json.stdout);
      expect(report).toMatchObject({ campaign: 'campaign:dry-sale', audience: { size: 3, exact: true } });
      expect(report.samples.map((s: { userId: string }) => s.userId).sort()).toEqual(['ana', 'bo', 'cy']);
      expect(report.cost.usd).toBeGreaterThan(0);
      expect((await herald('status', 'dry-sale')).code).toBe(1);
    },
    spawnedTimeoutMs,
  );

  it(
    'creates and starts a campaign, and watches it to completed: every user pushed once',
    async () => {
      const created = await herald('create', await campaignFile(campaign('winter-sale')));
      const started = await herald('start', 'winter-sale');
      const watched = await herald('status', 'winter-sale', '--watch', '--json', '--interval', '0.2');

      expect(created).toMatchObject({ code: 0, stdout: `winter-sale: draft (create by ${me})\n` });
      expect(started.code).toBe(0);
      expect(started.stdout).toMatch(/^winter-sale: running, run r1 reading with 1 reader\(s\)/);
      expect(watched.code).toBe(0);
      const polls = watched.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(polls.at(-1)).toMatchObject({
        id: 'winter-sale',
        status: 'completed',
        planned: 3,
        delivered: 3,
        remaining: 0,
      });
      expect(polls.slice(0, -1).every((p: { status: string }) => p.status === 'running')).toBe(true);
      expect(runtime.simulator.received.map((p) => p.userId).sort()).toEqual(['ana', 'bo', 'cy']);
    },
    spawnedTimeoutMs,
  );

  it(
    'pauses, resumes and cancels a scheduled campaign, recording the OS user as who did each',
    async () => {
      await herald(
        'create',
        await campaignFile(campaign('spring-sale', { schedule: { kind: 'at', at: '2026-12-01T10:00:00Z' } })),
      );

      const started = await herald('start', 'spring-sale');
      const paused = await herald('pause', 'spring-sale');
      const resumed = await herald('resume', 'spring-sale');
      const cancelled = await herald('cancel', 'spring-sale', '--json');
      const status = await herald('status', 'spring-sale');

      expect(started.stdout).toBe(
        `spring-sale: scheduled, launches at 2026-12-01T09:45:00.000Z (start by ${me})\n`,
      );
      expect(paused.stdout).toBe(`spring-sale: paused (pause by ${me})\n`);
      expect(resumed.stdout).toMatch(/^spring-sale: scheduled, launches at 2026-12-01T09:45:00.000Z/);
      expect(JSON.parse(cancelled.stdout)).toMatchObject({
        status: 'cancelled',
        campaign: { id: 'spring-sale' },
      });
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('spring-sale: cancelled');
      for (const action of ['create', 'start', 'pause', 'resume', 'cancel'])
        expect(status.stdout).toMatch(new RegExp(`  ${action}\\s+by ${me}\\n`));
    },
    // Six commands one after the other, each a process of its own.
    2 * spawnedTimeoutMs,
  );

  it(
    'lists every campaign, as a table and as JSON',
    async () => {
      const [table, json] = await Promise.all([herald('list'), herald('list', '--json')]);

      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(
        /^campaign\s+status\s+planned\s+delivered\s+suppressed\s+failed\s+remaining\n/,
      );
      expect(table.stdout).toMatch(/winter-sale\s+completed\s+3\s+3\s+0\s+0\s+0\n/);
      expect(JSON.parse(json.stdout).map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
        ['winter-sale', 'completed'],
        ['spring-sale', 'cancelled'],
      ]);
    },
    spawnedTimeoutMs,
  );

  it(
    'refuses a bad campaign naming the field (exit 2), an unknown one and a refused step (exit 1)',
    async () => {
      const [bad, notJson, unknown, refused] = await Promise.all([
        campaignFile(campaign('bad-sale', { rate: 0 })).then((file) => herald('create', file)),
        campaignFile('{"id": ').then((file) => herald('create', file)),
        herald('pause', 'no-such-sale'),
        herald('resume', 'winter-sale'),
      ]);

      expect(bad).toMatchObject({ code: 2, stdout: '' });
      expect(bad.stderr).toMatch(/^herald campaign: campaign\.rate: /);
      expect(notJson.code).toBe(2);
      expect(notJson.stderr).toContain('not valid JSON');
      expect(unknown).toMatchObject({
        code: 1,
        stderr: 'herald campaign: campaign: no campaign "no-such-sale"\n',
      });
      expect(refused).toMatchObject({
        code: 1,
        stderr: 'herald campaign: campaign winter-sale is completed: cannot resume it\n',
      });
    },
    spawnedTimeoutMs,
  );

  it(
    'says in one line that no runtime is running where there is none',
    async () => {
      const elsewhere = await mkdtemp(join(tmpdir(), 'herald-none-'));

      const { code, stderr } = await runHerald(['campaign', 'list'], { cwd: elsewhere });

      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([
        'herald campaign: no local runtime is running here: start one with `herald start` (it writes .herald/runtime.json), or use --aws',
      ]);
    },
    spawnedTimeoutMs,
  );
});
